"""Accounts: email login, sign-up (optionally limited to domains), password reset and change."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from childcop.accounts.models import User
from tests.conftest import PASSWORD, give_second_step

pytestmark = pytest.mark.django_db

SIGNUP = {
    "email": "new.person@example.org",
    "password1": "tall-green-teapot-91",
    "password2": "tall-green-teapot-91",
    "display_name": "New Person",
    "job_title": "Analyst",
    "department": "Finance",
}


def test_login_with_email_and_password(client, member):
    response = client.post(
        reverse("account_login"), {"login": "member@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_wrong_password_shows_an_error(client, member):
    response = client.post(
        reverse("account_login"), {"login": "member@example.org", "password": "nope"}
    )
    assert response.status_code == 200
    assert "not correct" in response.content.decode()


@pytest.fixture
def open_signup(settings):
    """Sign-up as an organisation opens it in production: its domain configured, so
    sign-up is on with mandatory verification (childcop/settings.py)."""
    settings.CHILDCOP_SIGNUP_EMAIL_DOMAINS = ["example.org"]
    settings.CHILDCOP_SIGNUP_OPEN = True
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    return settings


def test_signup_creates_a_user_with_profile(client, open_signup):
    response = client.post(reverse("account_signup"), SIGNUP)
    assert response.status_code == 302
    user = User.objects.get(email="new.person@example.org")
    assert (user.display_name, user.job_title, user.department) == (
        "New Person",
        "Analyst",
        "Finance",
    )
    assert not user.is_program_admin


def test_signup_limited_to_allowed_domains(client, open_signup):
    open_signup.CHILDCOP_SIGNUP_EMAIL_DOMAINS = ["ourorg.example"]
    response = client.post(reverse("account_signup"), SIGNUP)
    assert response.status_code == 200
    assert "Sign-up is limited to addresses ending in @ourorg.example" in response.content.decode()
    assert not User.objects.filter(email=SIGNUP["email"]).exists()
    response = client.post(reverse("account_signup"), {**SIGNUP, "email": "someone@OURORG.example"})
    assert response.status_code == 302
    assert User.objects.filter(email="someone@ourorg.example").exists()


def test_signup_can_be_closed(client, settings):
    settings.CHILDCOP_SIGNUP_OPEN = False
    response = client.post(reverse("account_signup"), SIGNUP)
    assert not User.objects.filter(email=SIGNUP["email"]).exists()
    assert "closed" in client.get(reverse("account_signup")).content.decode().lower()
    assert response.status_code == 200


def test_signup_invalid_input_writes_nothing(client, open_signup):
    response = client.post(
        reverse("account_signup"), {**SIGNUP, "password2": "different", "display_name": ""}
    )
    assert response.status_code == 200 and "is-invalid" in response.content.decode()
    assert User.objects.count() == 0


SIGNUP_SETTINGS = (
    "s.CHILDCOP_SIGNUP_OPEN, s.CHILDCOP_SIGNUP_EMAIL_DOMAINS, "
    "s.ACCOUNT_EMAIL_VERIFICATION, s.ACCOUNT_PREVENT_ENUMERATION"
)


def settings_from_environment(printed=SIGNUP_SETTINGS, **environ):
    """childcop/settings.py's settings (`printed`, of the module `s`; the sign-up ones unless
    told), as a process started with `environ` reads them (or the error it refuses to start
    with)."""
    import os
    import subprocess
    import sys

    script = f"import childcop.settings as s; print({printed})"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CHILDCOP_"))
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script], env={**env, **environ}, capture_output=True, text=True
    )
    return result.stdout.strip() or result.stderr.strip().splitlines()[-1]


def test_production_signup_defaults_fit_an_organisation():
    # no domains configured: closed (and no verification needed for accounts made by admins)
    assert settings_from_environment() == "False [] optional True"
    # the organisation's domains: open to them, with mandatory verification
    assert (
        settings_from_environment(CHILDCOP_SIGNUP_EMAIL_DOMAINS="ourorg.example,@Other.example")
        == "True ['ourorg.example', 'other.example'] mandatory True"
    )
    # development keeps sign-up open, verified too (the console mail prints the link)
    assert settings_from_environment(DJANGO_DEBUG="1") == "True [] mandatory True"
    # open sign-up without mandatory verification refuses to start
    refused = settings_from_environment(
        CHILDCOP_SIGNUP_OPEN="1", CHILDCOP_EMAIL_VERIFICATION="optional"
    )
    assert "ImproperlyConfigured" in refused and "mandatory" in refused


def test_production_signup_stays_closed_without_the_organisations_domains(client, open_signup):
    open_signup.CHILDCOP_SIGNUP_EMAIL_DOMAINS = []
    assert "closed" in client.get(reverse("account_signup")).content.decode().lower()
    client.post(reverse("account_signup"), SIGNUP)
    assert not User.objects.filter(email=SIGNUP["email"]).exists()
    # development (DJANGO_DEBUG=1) keeps it open to any address
    open_signup.DEBUG = True
    assert client.post(reverse("account_signup"), SIGNUP).status_code == 302
    assert User.objects.filter(email=SIGNUP["email"]).exists()


def test_signup_stays_closed_unless_addresses_are_verified(client, open_signup):
    for method in ("optional", "none"):
        open_signup.ACCOUNT_EMAIL_VERIFICATION = method
        client.post(reverse("account_signup"), SIGNUP)
        assert not User.objects.filter(email=SIGNUP["email"]).exists(), method


def test_signup_answers_alike_for_known_and_unknown_addresses(open_signup, member):
    from django.core.cache import cache

    cache.clear()  # allauth's rate limits (one confirmation mail per address) start afresh

    def sign_up(email):
        """The answer to a sign-up with `email`: where it leads and the page there."""
        client = Client()
        response = client.post(reverse("account_signup"), {**SIGNUP, "email": email})
        assert response.status_code == 302
        page = client.get(response["Location"]).content.decode().replace(email, "<email>")
        return response["Location"], re.sub(r"[A-Za-z0-9]{64}", "<csrf token>", page)

    known, unknown = sign_up("member@example.org"), sign_up(SIGNUP["email"])
    assert known == unknown and known[0] == reverse("account_email_verification_sent")
    # the known address is told by email that it already has an account; nothing changed
    assert [m.to for m in mail.outbox] == [["member@example.org"], [SIGNUP["email"]]]
    assert User.objects.filter(email="member@example.org").count() == 1
    member.refresh_from_db()
    assert member.check_password(PASSWORD) and member.display_name != SIGNUP["display_name"]
    # the new account signs in only once its address is verified
    response = Client().post(
        reverse("account_login"), {"login": SIGNUP["email"], "password": SIGNUP["password1"]}
    )
    assert response["Location"] == reverse("account_email_verification_sent")


PASSWORD_RULES = ("at least 12 characters", "commonly used password")


@pytest.mark.parametrize(
    "password,error",
    [("short-pw-42", "at least 12 characters"), ("qwertyqwerty", "too common")],
)
def test_signup_refuses_short_and_common_passwords(client, open_signup, password, error):
    response = client.post(
        reverse("account_signup"), {**SIGNUP, "password1": password, "password2": password}
    )
    assert response.status_code == 200 and error in response.content.decode()
    assert not User.objects.filter(email=SIGNUP["email"]).exists()


def test_the_password_forms_say_what_a_password_needs(client, open_signup, member):
    html = client.get(reverse("account_signup")).content.decode()
    assert all(rule in html for rule in PASSWORD_RULES)
    client.force_login(member)
    html = client.get(reverse("account_change_password")).content.decode()
    assert all(rule in html for rule in PASSWORD_RULES)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "short-pw-42", "password2": "short-pw-42"},
    )
    assert "at least 12 characters" in response.content.decode()
    member.refresh_from_db()
    assert member.check_password(PASSWORD)


def test_password_reset_sends_an_email_with_a_working_link(client, member):
    response = client.post(reverse("account_reset_password"), {"email": "member@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["member@example.org"]
    link = re.search(
        r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mail.outbox[0].body
    ).group(1)
    form_page = client.get(link, follow=True)
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    html = client.get(action).content.decode()
    assert all(rule in html for rule in PASSWORD_RULES)
    assert sets_password(client, action, member, "brand-new-secret-77")


def sets_password(client, url, member, password, **fields):
    """Posting the new `password` (twice, with `fields`) to the form at `url` redirects, and
    the member's password is then `password`."""
    response = client.post(url, {**fields, "password1": password, "password2": password})
    assert response.status_code == 302
    member.refresh_from_db()
    return member.check_password(password)


def test_password_change(client, member):
    client.force_login(member)
    url = reverse("account_change_password")
    assert sets_password(client, url, member, "another-secret-55", oldpassword=PASSWORD)


def test_profile(client, member):
    client.force_login(member)
    response = client.post(
        reverse("profile"),
        {
            "display_name": "Mei T.",
            "job_title": "Lead",
            "department": "Ops",
            "time_zone": "Europe/Paris",
        },
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.display_name, member.job_title, member.department) == ("Mei T.", "Lead", "Ops")


def test_profile_invalid_input(client, member):
    client.force_login(member)
    response = client.post(reverse("profile"), {"display_name": "x" * 300})
    assert response.status_code == 200 and "is-invalid" in response.content.decode()
    member.refresh_from_db()
    assert member.display_name != "x" * 300


def test_admin_login_goes_through_our_login_page(client, admin_user):
    response = client.get("/admin/")
    assert response.status_code == 302
    follow = client.get(response["Location"])
    assert follow.status_code == 302 and follow["Location"].startswith(reverse("account_login"))
    client.force_login(admin_user)
    give_second_step(client, admin_user)  # as signing in with their authenticator app does
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/communities/community/").status_code == 200
