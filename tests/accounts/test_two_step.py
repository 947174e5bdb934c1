"""Two-step sign-in (allauth's MFA): program admins, and staff in the Django admin, give a
second step before anything else; everyone else may turn it on from their profile
(childcop.permissions.two_step, childcop.middleware.TwoStepSignInMiddleware)."""

import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from childcop.accounts.factories import ProgramAdminFactory, UserFactory
from tests.conftest import PASSWORD, TOTP_SECRET

pytestmark = pytest.mark.django_db

SETUP = reverse("mfa_index")
# Pages of every kind: home, a list, the people directory, the program's own, the admin.
PAGES = ["/", "/communities/", "/people/", "/program/", "/admin/", "/admin/accounts/user/"]


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()  # allauth remembers used codes and failed tries in the cache


def code(secret, offset=0):
    """The code an authenticator app holding `secret` shows now (RFC 6238, allauth's own)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + offset))


def signed_in(user):
    """A client signed in through the password form, as a person does."""
    client = Client()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client, response["Location"]


def test_a_program_admin_without_it_is_sent_to_set_it_up_before_anything_else():
    admin = ProgramAdminFactory(email="ada@example.org", password=PASSWORD)
    client, _ = signed_in(admin)
    for page in PAGES:
        response = client.get(page)
        assert (response.status_code, response["Location"]) == (302, SETUP), page
    posted = client.post(reverse("communities:create"), {"name": "Sneaked in"})
    assert (posted.status_code, posted["Location"]) == (302, SETUP)
    # an htmx request is told to load the page as a whole
    fragment = client.get("/communities/", headers={"HX-Request": "true"})
    assert fragment["HX-Redirect"] == SETUP
    # The page says why; setting up the app needs no second password so soon after signing in.
    setup = client.get(SETUP)
    assert setup.status_code == 200
    assert "Set up two-step sign-in to go on" in setup.content.decode()
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'src="data:image/svg+xml;base64,' in html  # the QR code, allowed by img-src data:
    secret = re.search(r'id="authenticator-secret">([A-Z2-7]+)<', html).group(1)
    wrong = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert wrong.status_code == 200 and "Incorrect code" in wrong.content.decode()
    done = client.post(reverse("mfa_activate_totp"), {"code": code(secret)})
    assert done["Location"] == reverse("mfa_view_recovery_codes")
    # Set up: the session counts as signed in in two steps; every page opens.
    assert Authenticator.objects.filter(user=admin, type="totp").exists()
    codes = client.get(reverse("mfa_view_recovery_codes")).content.decode()
    assert codes.count("<li>") >= 10
    for page in PAGES:
        assert client.get(page).status_code == 200, page


def test_signing_out_and_the_setup_pages_stay_reachable():
    admin = ProgramAdminFactory(email="ada@example.org", password=PASSWORD)
    client, _ = signed_in(admin)
    for name in ("mfa_index", "mfa_activate_totp", "mfa_add_webauthn", "account_email"):
        assert client.get(reverse(name)).status_code == 200, name
    assert client.get("/healthz").status_code in (200, 503)
    out = client.post(reverse("account_logout"))
    assert out.status_code == 302 and client.get("/").url.startswith(reverse("account_login"))


def test_a_session_without_a_second_step_is_asked_for_one():
    """E.g. a session opened before the person joined the social learning team."""
    admin = ProgramAdminFactory(
        email="ada@example.org", password=PASSWORD, authenticator_app=TOTP_SECRET
    )
    client = Client()
    client.force_login(admin)
    response = client.get("/communities/?page=1")
    confirm = reverse("mfa_reauthenticate") + "?next=%2Fcommunities%2F%3Fpage%3D1"
    assert (response.status_code, response["Location"]) == (302, confirm)
    assert client.get("/admin/")["Location"].startswith(reverse("mfa_reauthenticate"))
    # nor new recovery codes, a new key or the codes shown before the second step
    for name in ("mfa_index", "mfa_view_recovery_codes", "mfa_generate_recovery_codes"):
        refused = client.get(reverse(name))
        assert refused["Location"].startswith(reverse("mfa_reauthenticate")), name
    assert client.get(reverse("mfa_add_webauthn"))["Location"].startswith(
        reverse("mfa_reauthenticate")
    )
    given = client.post(confirm, {"code": code(TOTP_SECRET)})
    assert given["Location"] == "/communities/?page=1"
    assert client.get("/communities/").status_code == 200
    assert client.get("/admin/").status_code == 200


def test_a_program_admin_signs_in_with_a_code():
    admin = ProgramAdminFactory(
        email="ada@example.org", password=PASSWORD, authenticator_app=TOTP_SECRET
    )
    client, location = signed_in(admin)
    assert location == reverse("mfa_authenticate")
    assert client.get("/").status_code == 302  # not signed in before the second step
    wrong = client.post(location, {"code": "123456" if code(TOTP_SECRET) != "123456" else "1"})
    assert wrong.status_code == 200 and "Incorrect code" in wrong.content.decode()
    assert client.post(location, {"code": code(TOTP_SECRET)}).status_code == 302
    assert client.get("/").status_code == 200
    assert client.get("/admin/").status_code == 200


def test_a_member_is_not_made_to_use_it_and_may_turn_it_on_from_their_profile():
    member = UserFactory(email="mo@example.org", password=PASSWORD)
    client, location = signed_in(member)
    assert location == "/"
    for page in ("/", "/communities/", "/people/", reverse("profile")):
        assert client.get(page).status_code == 200, page
    profile = client.get(reverse("profile")).content.decode()
    assert f'href="{SETUP}"' in profile and "Set up two-step sign-in" in profile
    page = client.get(reverse("mfa_activate_totp")).content.decode()
    secret = re.search(r'id="authenticator-secret">([A-Z2-7]+)<', page).group(1)
    client.post(reverse("mfa_activate_totp"), {"code": code(secret)})
    assert "Manage two-step sign-in" in client.get(reverse("profile")).content.decode()
    # Once on, the member signs in in two steps too; they may turn it off again.
    client.post(reverse("account_logout"))
    assert signed_in(member)[1] == reverse("mfa_authenticate")
    cache.clear()  # the code just used may not be used twice within its 30 seconds
    client, location = signed_in(member)
    client.post(location, {"code": code(secret)})
    assert client.post(reverse("mfa_deactivate_totp")).status_code == 302
    assert not Authenticator.objects.filter(user=member).exists()


def test_staff_without_it_are_refused_in_the_django_admin_only():
    staff = UserFactory(email="stef@example.org", password=PASSWORD, is_staff=True)
    client, _ = signed_in(staff)
    assert client.get("/").status_code == 200  # not a program admin: the product is open
    response = client.get("/admin/")
    assert (response.status_code, response["Location"]) == (302, SETUP)


def test_nobody_who_must_use_it_removes_their_last_authenticator():
    admin = ProgramAdminFactory(
        email="ada@example.org", password=PASSWORD, authenticator_app=TOTP_SECRET
    )
    client, location = signed_in(admin)
    client.post(location, {"code": code(TOTP_SECRET)})
    page = client.get(reverse("mfa_deactivate_totp"))
    assert "add another authenticator app or security key" in page.content.decode()
    refused = client.post(reverse("mfa_deactivate_totp"))
    assert refused.status_code == 200
    assert Authenticator.objects.filter(user=admin, type="totp").exists()


def test_check_deploy_refuses_a_site_that_does_not_enforce_it(settings):
    from childcop.checks import TWO_STEP_MIDDLEWARE, two_step_sign_in

    assert two_step_sign_in() == []
    without = [m for m in settings.MIDDLEWARE if m != TWO_STEP_MIDDLEWARE]
    with override_settings(MIDDLEWARE=without):
        assert [e.id for e in two_step_sign_in()] == ["childcop.E010"]
    too_early = [TWO_STEP_MIDDLEWARE, *without]
    with override_settings(MIDDLEWARE=too_early):
        assert [e.id for e in two_step_sign_in()] == ["childcop.E010"]
