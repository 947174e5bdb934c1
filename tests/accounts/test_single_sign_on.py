"""Single sign-on through OpenID Connect against a real provider running beside the test
(django-oauth-toolkit in a process of its own: tests/oidc_provider/), the whole flow driven
by an HTTP client across both servers: the product's login page, its button, the provider's
sign-in, the code exchange and the ID token's signature checked by allauth."""

import html
import json
import os
import re
import secrets
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from allauth.socialaccount.models import SocialAccount

from childcop.accounts.factories import ProgramAdminFactory, UserFactory
from childcop.accounts.models import InvitationDomain, User
from tests.conftest import PASSWORD
from tests.waits import wait_for

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID, SECRET = "childcop", secrets.token_urlsafe(24)
PEOPLE = [  # the organisation's directory, as its provider knows it
    {"email": "ann@ourorg.example", "name": "Ann Archer", "email_verified": True},
    {"email": "bob@elsewhere.example", "name": "Bob Baker", "email_verified": True},
    {"email": "carol@ourorg.example", "name": "Carol C.", "email_verified": True},
    {"email": "dan@partner.example", "name": "Dan Drake", "email_verified": True},
    {"email": "eve@ourorg.example", "name": "Eve Unverified", "email_verified": False},
    {"email": "keys@ourorg.example", "name": "Kim Keys", "email_verified": True},
]
PROVIDER_PASSWORD = "provider-password-7"  # noqa: S105


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def provider(live_server, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("oidc_provider")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        OIDC_PROVIDER_PORT=str(port),
        OIDC_PROVIDER_DIR=str(tmp_path),
        OIDC_PROVIDER_CLIENT_ID=CLIENT_ID,
        OIDC_PROVIDER_CLIENT_SECRET=SECRET,
        OIDC_PROVIDER_REDIRECT_URI=f"{live_server.url}/accounts/oidc/organisation/login/callback/",
        OIDC_PROVIDER_PEOPLE=json.dumps([{**p, "password": PROVIDER_PASSWORD} for p in PEOPLE]),
        PYTHONPATH=str(ROOT),
    )
    log = (tmp_path / "provider.log").open("w")
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "tests.oidc_provider"], env=env, cwd=ROOT, stdout=log, stderr=log
    )
    url = f"http://127.0.0.1:{port}/o"

    def answers():
        try:
            return requests.get(f"{url}/.well-known/openid-configuration", timeout=2).ok
        except requests.ConnectionError:
            return False

    try:
        assert wait_for(answers, timeout=30), (tmp_path / "provider.log").read_text()
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def configure(settings, server_url):
    """The product configured for a provider, as CHILDCOP_OIDC_* would configure it."""
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            **settings.SOCIALACCOUNT_PROVIDERS["openid_connect"],
            "APPS": [
                {
                    "provider_id": "organisation",
                    "name": "Sign in with Our Org",
                    "client_id": CLIENT_ID,
                    "secret": SECRET,
                    "settings": {"server_url": server_url},
                }
            ],
        }
    }


@pytest.fixture
def sso(settings, provider):
    configure(settings, provider)
    settings.CHILDCOP_SIGNUP_EMAIL_DOMAINS = ["ourorg.example"]
    return settings


def form_fields(page: str) -> dict:
    fields = re.findall(r'name="(csrfmiddlewaretoken|next)" value="([^"]*)"', page)
    return {name: html.unescape(value) for name, value in fields}


def sign_in_through_provider(live_server, email) -> requests.Response:
    """A browser's way: the product's login page, its first button, the provider's sign-in
    (which sends the person back), and where the product leads them."""
    browser = requests.Session()
    login = browser.get(f"{live_server.url}/accounts/login/", timeout=10)
    button = re.search(r'<form method="post" action="([^"]+)"', login.text)[1]
    at_provider = browser.post(
        live_server.url + html.unescape(button),
        data=form_fields(login.text),
        headers={"Referer": login.url},
        timeout=10,
    )
    assert "Organisation sign-in" in at_provider.text, at_provider.text[:500]
    return browser.post(
        at_provider.url,
        data={**form_fields(at_provider.text), "username": email, "password": PROVIDER_PASSWORD},
        timeout=20,
    )


def test_single_sign_on_against_a_real_provider(live_server, sso):
    """One test, so that the provider starts once whichever test worker runs it."""
    people_are_created_matched_and_refused(live_server)
    sso.CHILDCOP_PASSWORD_SIGNIN = False
    only_break_glass_accounts_use_a_password(live_server)


def people_are_created_matched_and_refused(live_server):
    carol = UserFactory(email="carol@ourorg.example", display_name="Carol Cole", password=PASSWORD)
    eve = UserFactory(email="eve@ourorg.example", password=PASSWORD)

    # The login page shows the organisation's button first, then the password form.
    page = requests.get(f"{live_server.url}/accounts/login/", timeout=10).text
    assert page.index("Sign in with Our Org") < page.index('name="password"')

    # Someone new from the organisation's domain: an account is made, signed in.
    home = sign_in_through_provider(live_server, "ann@ourorg.example")
    assert home.url == f"{live_server.url}/" and "Ann Archer" in home.text
    ann = User.objects.get(email="ann@ourorg.example")
    assert ann.display_name == "Ann Archer" and not ann.has_usable_password()

    # From another domain: refused, nobody created.
    refused = sign_in_through_provider(live_server, "bob@elsewhere.example")
    assert "No account here yet" in refused.text and refused.url.startswith(live_server.url)
    assert not User.objects.filter(email="bob@elsewhere.example").exists()

    # A domain the program admins allow in the admin (invitation domains) counts too.
    InvitationDomain.objects.create(domain="partner.example")
    dan = sign_in_through_provider(live_server, "dan@partner.example")
    assert "Dan Drake" in dan.text, (dan.url, re.findall(r"<h1.*?</h1>|<p>.*?</p>", dan.text, re.S))

    # Someone who has an account already: matched by the verified email, no second account.
    people = User.objects.count()
    home = sign_in_through_provider(live_server, "carol@ourorg.example")
    assert home.url == f"{live_server.url}/" and "Carol Cole" in home.text
    assert User.objects.count() == people
    assert SocialAccount.objects.get(user=carol).provider == "organisation"

    # An address the provider has not verified matches nobody and creates nobody.
    unverified = sign_in_through_provider(live_server, "eve@ourorg.example")
    assert "No account here yet" in unverified.text
    assert not SocialAccount.objects.filter(user=eve).exists()


def password_sign_in(live_server, email, password) -> requests.Response:
    browser = requests.Session()
    page = browser.get(f"{live_server.url}/accounts/login/?password=1", timeout=10)
    return browser.post(
        page.url,
        data={**form_fields(page.text), "login": email, "password": password},
        timeout=10,
    )


def only_break_glass_accounts_use_a_password(live_server):
    UserFactory(email="dora@ourorg.example", password=PASSWORD)
    ProgramAdminFactory(
        email="keys@ourorg.example", display_name="Kim Keys", password=PASSWORD, break_glass=True
    )

    # The password form is gone: the organisation's button, and a way in for break-glass.
    page = requests.get(f"{live_server.url}/accounts/login/", timeout=10).text
    assert "Sign in with Our Org" in page and 'name="password"' not in page
    assert "/accounts/login/?password=1" in page
    assert "Sign up" not in page

    # A right password does not let an ordinary person in, and says nothing more than a wrong one.
    refused = password_sign_in(live_server, "dora@ourorg.example", PASSWORD)
    assert "password you specified are not correct" in refused.text
    assert refused.url.endswith("/accounts/login/?password=1")

    # The break-glass account signs in with its password, also after signing in once through
    # the provider (allauth would take the password of an unverified match); people of the
    # organisation still come in through its provider.
    assert password_sign_in(live_server, "keys@ourorg.example", PASSWORD).url.endswith("/")
    assert "Kim Keys" in sign_in_through_provider(live_server, "keys@ourorg.example").text
    home = password_sign_in(live_server, "keys@ourorg.example", PASSWORD)
    # signed in: a program admin without an authenticator is sent to set up two-step sign-in
    assert home.url == f"{live_server.url}/accounts/2fa/" and "Kim Keys" in home.text
    assert "Ann Archer" in sign_in_through_provider(live_server, "ann@ourorg.example").text


def test_the_organisations_provider_down_is_said_not_a_server_error(client, settings, db):
    configure(settings, f"http://127.0.0.1:{free_port()}/o")  # nobody answers there
    response = client.post("/accounts/oidc/organisation/login/?process=login")
    assert response.status_code == 503
    page = response.content.decode()
    assert "Your organisation's sign-in did not answer" in page
    assert 'class="navbar-brand' in page  # the product's own page
