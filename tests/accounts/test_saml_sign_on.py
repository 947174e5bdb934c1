"""Single sign-on through SAML 2.0, the product's whole path: the login page's button, the
AuthnRequest sent to the identity provider's sign-in URL, this site's metadata, and the
identity provider's signed answer posted back to the assertion consumer service, which
allauth and python3-saml check (signature against the configured certificate, audience,
recipient, validity, the request it answers) before our rules decide who signs in.

The identity provider is played by the test: it reads the AuthnRequest the product sent and
answers with an assertion signed by a key and certificate made here (python3-saml's signing,
xmlsec underneath), as Microsoft Entra ID or Okta would."""

import json
import re
from urllib.parse import urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount
from django.test import Client
from lxml import etree
from onelogin.saml2.constants import OneLogin_Saml2_Constants

from childcop.accounts.factories import ProgramAdminFactory, UserFactory
from childcop.accounts.models import User
from childcop.accounts.saml_config import saml_apps
from tests.accounts.test_accounts import settings_from_environment
from tests.accounts.test_single_sign_on import free_port
from tests.conftest import PASSWORD
from tests.saml_idp import (
    CLAIMS,
    ENTITY_ID,
    NS,
    IdentityProvider,
    authn_request,
    certificate_body,
    encoded,
    entra_claims,
    key_and_certificate,
    signed_response,
)

HOST = "localhost"  # the site's host as the test client sends it (python3-saml checks URLs)
SITE = f"http://{HOST}"
SSO_URL = "https://idp.ourorg.example/saml/sso"
ACS_URL = f"{SITE}/accounts/saml/organisation/acs/"
METADATA_URL = f"{SITE}/accounts/saml/organisation/metadata/"


@pytest.fixture(scope="module")
def idp_keys():
    return key_and_certificate()


def configure(settings, **idp):
    """The product configured as CHILDCOP_SAML_* would configure it (the same function)."""
    settings.SOCIALACCOUNT_PROVIDERS = {
        **settings.SOCIALACCOUNT_PROVIDERS,
        "saml": {
            **settings.SOCIALACCOUNT_PROVIDERS["saml"],
            "APPS": saml_apps(idp_entity_id=ENTITY_ID, button="Sign in with Our Org", **idp),
        },
    }


@pytest.fixture
def saml(settings, idp_keys):
    configure(settings, idp_sso_url=SSO_URL, idp_x509_cert=certificate_body(idp_keys[1]))
    settings.CHILDCOP_SIGNUP_EMAIL_DOMAINS = ["ourorg.example"]
    return settings


def browser() -> Client:
    return Client(HTTP_HOST=HOST)


def to_identity_provider(person: Client, sso_url: str = SSO_URL) -> dict:
    """The login page's first button, as a browser presses it: the product answers with a
    redirect to the identity provider's sign-in URL carrying the AuthnRequest."""
    page = person.get("/accounts/login/").content.decode()
    button = re.search(r'<form method="post" action="([^"]+)"', page)[1].replace("&amp;", "&")
    response = person.post(button)
    assert response.status_code == 302, response.content[:500]
    url = urlsplit(response["Location"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == sso_url
    request, relay_state = authn_request(response["Location"])
    assert request.tag == f"{{{NS['samlp']}}}AuthnRequest"
    return {"xml": request, "relay_state": relay_state}


def sign_in_through_idp(
    keys, email, attributes=None, *, audience=METADATA_URL, sso_url=SSO_URL, person=None
):
    """A whole sign-in: the button, the identity provider's signed answer about `email`
    posted by the browser to the assertion consumer service, and where the product leads."""
    person = person or browser()
    request = to_identity_provider(person, sso_url)
    answer = signed_response(
        keys,
        acs_url=ACS_URL,
        audience=audience,
        in_response_to=request["xml"].get("ID"),
        attributes=attributes if attributes is not None else entra_claims(email, "A", "B"),
    )
    posted = person.post(
        ACS_URL, {"SAMLResponse": encoded(answer), "RelayState": request["relay_state"]}
    )
    assert posted.status_code == 302 and posted["Location"].endswith("/acs/finish/")
    return person.get(posted["Location"], follow=True)


def signed_in_as(response) -> str | None:
    user = response.wsgi_request.user
    return user.email if user.is_authenticated else None


def test_the_login_page_sends_an_authn_request_to_the_identity_providers_sign_in(saml, db):
    page = browser().get("/accounts/login/").content.decode()
    # The organisation's button first, then the password form.
    assert page.index("Sign in with Our Org") < page.index('name="password"')

    request = to_identity_provider(browser())["xml"]
    assert request.get("Destination") == SSO_URL
    assert request.get("AssertionConsumerServiceURL") == ACS_URL
    assert request.get("ProtocolBinding") == OneLogin_Saml2_Constants.BINDING_HTTP_POST
    assert request.findtext("saml:Issuer", namespaces=NS) == METADATA_URL
    assert request.get("ID")


def test_this_sites_metadata_tells_the_identity_provider_where_to_answer(saml, db):
    response = browser().get("/accounts/saml/organisation/metadata/")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/xml")
    metadata = etree.fromstring(response.content)
    assert metadata.get("entityID") == METADATA_URL
    acs = metadata.find("md:SPSSODescriptor/md:AssertionConsumerService", NS)
    assert acs.get("Location") == ACS_URL
    assert acs.get("Binding") == OneLogin_Saml2_Constants.BINDING_HTTP_POST


def test_an_own_entity_id_is_sent_and_must_be_the_audience(settings, idp_keys, db):
    configure(
        settings,
        idp_sso_url=SSO_URL,
        idp_x509_cert=idp_keys[1],  # the whole PEM works too
        sp_entity_id="urn:childcop:ourorg",
    )
    settings.CHILDCOP_SIGNUP_EMAIL_DOMAINS = ["ourorg.example"]
    request = to_identity_provider(browser())["xml"]
    assert request.findtext("saml:Issuer", namespaces=NS) == "urn:childcop:ourorg"
    metadata = etree.fromstring(browser().get(METADATA_URL).content)
    assert metadata.get("entityID") == "urn:childcop:ourorg"

    # An assertion for another audience (the default one) is refused.
    refused = sign_in_through_idp(idp_keys, "ann@ourorg.example")
    assert "Sign-in with your organisation failed" in refused.content.decode()
    assert signed_in_as(refused) is None
    home = sign_in_through_idp(idp_keys, "ann@ourorg.example", audience="urn:childcop:ourorg")
    assert signed_in_as(home) == "ann@ourorg.example"


def test_people_are_created_matched_and_refused_by_their_asserted_address(saml, idp_keys, db):
    carol = UserFactory(email="carol@ourorg.example", display_name="Carol Cole", password=PASSWORD)

    # Someone new from the organisation's domain: an account is made, with the name sent.
    home = sign_in_through_idp(
        idp_keys, "ann@ourorg.example", entra_claims("ann@ourorg.example", "Ann", "Archer")
    )
    assert home.request["PATH_INFO"] == "/" and signed_in_as(home) == "ann@ourorg.example"
    ann = User.objects.get(email="ann@ourorg.example")
    assert ann.display_name == "Ann Archer" and not ann.has_usable_password()
    assert ann.emailaddress_set.get().verified
    assert SocialAccount.objects.get(user=ann).provider == "saml"

    # The next time it is the identity provider's account that matches, not a second one.
    again = sign_in_through_idp(
        idp_keys, "ann@ourorg.example", entra_claims("ann@ourorg.example", "Ann", "Archer")
    )
    assert signed_in_as(again) == "ann@ourorg.example"

    # Okta's and Keycloak's usual attribute names, with a display name.
    okta = sign_in_through_idp(
        idp_keys,
        "olga@ourorg.example",
        {"email": "olga@ourorg.example", "firstName": "Olga", "displayName": "Olga O'Brien"},
    )
    assert signed_in_as(okta) == "olga@ourorg.example"
    assert User.objects.get(email="olga@ourorg.example").display_name == "Olga O'Brien"

    # From another domain: refused, nobody created.
    refused = sign_in_through_idp(idp_keys, "bob@elsewhere.example")
    assert "No account here yet" in refused.content.decode() and signed_in_as(refused) is None
    assert not User.objects.filter(email="bob@elsewhere.example").exists()

    # Someone who has an account already: matched by the address, no second account.
    people = User.objects.count()
    home = sign_in_through_idp(idp_keys, "Carol@OurOrg.example")
    assert signed_in_as(home) == "carol@ourorg.example" and "Carol Cole" in home.content.decode()
    assert User.objects.count() == people
    assert SocialAccount.objects.get(user=carol).provider == "saml"

    # No address in the assertion: nobody.
    nameless = sign_in_through_idp(idp_keys, "x@ourorg.example", {f"{CLAIMS}givenname": "X"})
    assert "No account here yet" in nameless.content.decode()
    assert signed_in_as(nameless) is None


def test_an_address_counts_as_verified_only_as_configured(settings, idp_keys, db):
    configure(settings, idp_sso_url=SSO_URL, idp_x509_cert=idp_keys[1], email_verified=False)
    settings.CHILDCOP_SIGNUP_EMAIL_DOMAINS = ["ourorg.example"]
    dora = UserFactory(email="dora@ourorg.example", password=PASSWORD)

    # Not trusted by configuration: the address matches nobody and makes nobody...
    for email in ("dora@ourorg.example", "fay@ourorg.example"):
        refused = sign_in_through_idp(idp_keys, email)
        assert "No account here yet" in refused.content.decode(), email
        assert signed_in_as(refused) is None
    assert not SocialAccount.objects.filter(user=dora).exists()
    assert not User.objects.filter(email="fay@ourorg.example").exists()

    # ...unless the assertion itself says it is verified.
    claims = {**entra_claims("dora@ourorg.example", "Dora", "D"), "email_verified": "true"}
    assert signed_in_as(sign_in_through_idp(idp_keys, "dora@ourorg.example", claims)) == (
        "dora@ourorg.example"
    )

    # Trusted by configuration, an assertion that says it is not verified still is not.
    configure(settings, idp_sso_url=SSO_URL, idp_x509_cert=idp_keys[1])
    claims = {**entra_claims("fay@ourorg.example", "Fay", "F"), "email_verified": "false"}
    assert signed_in_as(sign_in_through_idp(idp_keys, "fay@ourorg.example", claims)) is None


def test_an_answer_not_signed_by_the_identity_provider_is_refused(saml, idp_keys, db):
    UserFactory(email="carol@ourorg.example", password=PASSWORD)
    forger = key_and_certificate()  # same name, another key
    refused = sign_in_through_idp(forger, "carol@ourorg.example")
    assert "Sign-in with your organisation failed" in refused.content.decode()
    assert signed_in_as(refused) is None
    assert not SocialAccount.objects.exists()

    # An answer to no request of ours (sent unasked by the identity provider) neither.
    person = browser()
    answer = signed_response(
        idp_keys,
        acs_url=ACS_URL,
        audience=METADATA_URL,
        in_response_to="_unasked",
        attributes=entra_claims("carol@ourorg.example", "Carol", "C"),
    )
    posted = person.post(ACS_URL, {"SAMLResponse": encoded(answer)})
    refused = person.get(posted["Location"], follow=True)
    assert refused.status_code == 403 and signed_in_as(refused) is None


def test_password_sign_in_off_leaves_the_organisations_buttons(saml, idp_keys, db):
    saml.CHILDCOP_PASSWORD_SIGNIN = False
    # Both single sign-ons configured: both buttons (OpenID Connect's page is not read here).
    saml.SOCIALACCOUNT_PROVIDERS = {
        **saml.SOCIALACCOUNT_PROVIDERS,
        "openid_connect": {
            **saml.SOCIALACCOUNT_PROVIDERS["openid_connect"],
            "APPS": [
                {
                    "provider_id": "organisation",
                    "name": "Sign in with Our Org (OpenID)",
                    "client_id": "childcop",
                    "secret": "s",
                    "settings": {"server_url": "https://login.ourorg.example"},
                }
            ],
        },
    }
    response = browser().get("/accounts/login/")
    page = response.content.decode()
    assert "Sign in with Our Org (OpenID)" in page
    assert "/accounts/saml/organisation/login/" in page
    assert 'name="password"' not in page and "/accounts/login/?password=1" in page
    # The buttons' redirects to both sign-ins are allowed by the page's policy (a browser
    # refuses a form's redirect to an origin its form-action does not name).
    policy = dict(d.split(" ", 1) for d in response["Content-Security-Policy"].split("; "))
    assert policy["form-action"] == (
        "'self' https://login.ourorg.example https://idp.ourorg.example"
    )

    # A person with a password comes in through the identity provider, not the password;
    # a break-glass account keeps its password after signing in through it too.
    UserFactory(email="dora@ourorg.example", password=PASSWORD)
    assert not browser().login(email="dora@ourorg.example", password=PASSWORD)
    assert signed_in_as(sign_in_through_idp(idp_keys, "dora@ourorg.example")) == (
        "dora@ourorg.example"
    )
    keys = ProgramAdminFactory(email="keys@ourorg.example", password=PASSWORD, break_glass=True)
    assert signed_in_as(sign_in_through_idp(idp_keys, "keys@ourorg.example")) == keys.email
    keys.refresh_from_db()
    assert keys.check_password(PASSWORD)


def test_the_identity_provider_told_by_its_metadata_url(settings, idp_keys, db):
    with IdentityProvider(idp_keys, directory={}) as idp:
        configure(settings, idp_metadata_url=idp.metadata_url)
        settings.CHILDCOP_SIGNUP_EMAIL_DOMAINS = ["ourorg.example"]
        person = browser()
        response = person.post("/accounts/saml/organisation/login/?process=login")
        assert response["Location"].startswith(idp.sso_url + "?SAMLRequest=")  # from its metadata
        home = sign_in_through_idp(idp_keys, "ann@ourorg.example", sso_url=idp.sso_url)
        assert signed_in_as(home) == "ann@ourorg.example"


def test_identity_provider_metadata_not_answering_is_said_not_a_server_error(settings, db):
    configure(settings, idp_metadata_url=f"http://127.0.0.1:{free_port()}/metadata.xml")
    response = browser().post("/accounts/saml/organisation/login/?process=login")
    assert response.status_code == 503
    page = response.content.decode()
    assert "Your organisation's sign-in did not answer" in page
    assert 'class="navbar-brand' in page  # the product's own page


def test_the_identity_provider_is_configured_from_the_environment():
    printed = "__import__('json').dumps(s.SOCIALACCOUNT_PROVIDERS['saml']['APPS'])"
    assert settings_from_environment(printed) == "[]"  # none: no SAML button
    [app] = json.loads(
        settings_from_environment(
            printed,
            CHILDCOP_SAML_IDP_ENTITY_ID=ENTITY_ID,
            CHILDCOP_SAML_IDP_SSO_URL=SSO_URL,
            CHILDCOP_SAML_IDP_X509_CERT="MIIC...",
            CHILDCOP_SAML_BUTTON="Sign in with Contoso",
            CHILDCOP_SAML_EMAIL_ATTRIBUTE="mail, email",
            CHILDCOP_SAML_EMAIL_VERIFIED="0",
        )
    )
    assert app["name"] == "Sign in with Contoso" and app["client_id"] == "organisation"
    assert app["settings"]["idp"] == {
        "entity_id": ENTITY_ID,
        "sso_url": SSO_URL,
        "x509cert": "MIIC...",
    }
    assert app["settings"]["attribute_mapping"]["email"] == ["mail", "email"]
    assert app["settings"]["attribute_mapping"]["last_name"][0] == f"{CLAIMS}surname"
    assert app["settings"]["email_verified"] is False

    # Half a configuration refuses to start, saying what is missing.
    refused = settings_from_environment(printed, CHILDCOP_SAML_IDP_ENTITY_ID=ENTITY_ID)
    assert "ImproperlyConfigured" in refused and "CHILDCOP_SAML_IDP_METADATA_URL" in refused
    refused = settings_from_environment(printed, CHILDCOP_SAML_IDP_METADATA_URL=SSO_URL)
    assert "ImproperlyConfigured" in refused and "CHILDCOP_SAML_IDP_ENTITY_ID" in refused
