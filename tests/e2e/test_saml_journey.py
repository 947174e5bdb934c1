"""Single sign-on through SAML 2.0 in a real browser: the login page's button, the redirect
to the identity provider's sign-in (allowed by the page's Content-Security-Policy
form-action), the identity provider posting its signed answer back from another site
(where the session cookie, SameSite=Lax, is not sent: allauth carries the answer over a
redirect), and the person signed in. The identity provider is tests/saml_idp.py's, at
127.0.0.1 while the product is at localhost: two sites, as in production."""

import pytest
from playwright.sync_api import expect

from childcop.accounts.factories import UserFactory
from childcop.accounts.models import User
from childcop.accounts.saml_config import saml_apps
from tests.e2e.conftest import assert_accessible
from tests.saml_idp import ENTITY_ID, IdentityProvider, entra_claims, key_and_certificate

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DIRECTORY = {
    "ann@ourorg.example": entra_claims("ann@ourorg.example", "Ann", "Archer"),
    "carol@ourorg.example": entra_claims("carol@ourorg.example", "Carol", "C."),
    "bob@elsewhere.example": entra_claims("bob@elsewhere.example", "Bob", "Baker"),
}


@pytest.fixture
def idp(settings):
    with IdentityProvider(key_and_certificate(), DIRECTORY) as idp:
        settings.SOCIALACCOUNT_PROVIDERS = {
            **settings.SOCIALACCOUNT_PROVIDERS,
            "saml": {
                **settings.SOCIALACCOUNT_PROVIDERS["saml"],
                "APPS": saml_apps(
                    idp_entity_id=ENTITY_ID,
                    idp_sso_url=idp.sso_url,
                    idp_x509_cert=idp.keys[1],
                    button="Sign in with Our Org",
                ),
            },
        }
        settings.CHILDCOP_SIGNUP_EMAIL_DOMAINS = ["ourorg.example"]
        settings.CHILDCOP_PASSWORD_SIGNIN = False
        yield idp


def sign_in_at_the_identity_provider(page, idp, email):
    page.goto("/accounts/login/")
    assert_accessible(page, "login page with the organisation's button")
    page.get_by_role("button", name="Sign in with Our Org").click()
    expect(page.get_by_role("heading", name="Organisation sign-in")).to_be_visible()
    assert page.url.startswith(idp.sso_url + "?SAMLRequest=")
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_people_sign_in_through_their_organisations_saml_identity_provider(idp, new_page):
    UserFactory(email="carol@ourorg.example", display_name="Carol Cole")

    ann = new_page()
    sign_in_at_the_identity_provider(ann, idp, "ann@ourorg.example")
    expect(ann.get_by_role("button", name="Sign out")).to_be_attached()
    expect(ann.get_by_text("Ann Archer").first).to_be_visible()
    assert User.objects.get(email="ann@ourorg.example").display_name == "Ann Archer"

    carol = new_page()
    sign_in_at_the_identity_provider(carol, idp, "carol@ourorg.example")
    expect(carol.get_by_text("Carol Cole").first).to_be_visible()
    assert User.objects.filter(email="carol@ourorg.example").count() == 1

    bob = new_page()
    sign_in_at_the_identity_provider(bob, idp, "bob@elsewhere.example")
    expect(bob.get_by_text("No account here yet")).to_be_visible()
    assert not User.objects.filter(email="bob@elsewhere.example").exists()
