"""A program admin is made to set up two-step sign-in when first signing in, then signs in
with a code from the app; each recovery code signs in once; a passkey (the browser's virtual
authenticator) signs in on its own."""

import re

import pytest
from playwright.sync_api import Page, expect

from childcop.accounts.factories import ProgramAdminFactory
from tests.conftest import PASSWORD

from .conftest import assert_accessible, totp_code

pytestmark = pytest.mark.e2e

EMAIL = "ines.admin@example.org"


def sign_in_with_password(page: Page) -> None:
    page.goto("/accounts/login/")
    form = page.locator("form[action='/accounts/login/']")
    form.locator("input[name=login]").fill(EMAIL)
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/"))


def second_step(page: Page, code: str) -> None:
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_a_program_admin_sets_up_an_authenticator_app_and_signs_in_with_it(
    page: Page, transactional_db
):
    ProgramAdminFactory(email=EMAIL, display_name="Ines Admin", password=PASSWORD)

    # First sign-in: before anything else, two-step sign-in is set up.
    sign_in_with_password(page)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/$"))
    expect(page.get_by_role("heading", name="Set up two-step sign-in to go on")).to_be_visible()
    assert_accessible(page, "two-step sign-in, to set up")
    page.goto("/communities/")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/$"))
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/$"))

    page.get_by_role("link", name="Set up an authenticator app").click()
    expect(page.get_by_role("heading", name="Set up an authenticator app")).to_be_visible()
    qr = page.get_by_role("img", name=re.compile("QR code"))
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")  # loaded under the CSP
    assert_accessible(page, "set up an authenticator app")
    secret = page.locator("#authenticator-secret").inner_text().strip()
    # (setting up does not use the code up: the first sign-in may give the same one)
    page.get_by_label("Code from the app").fill(totp_code(secret, "setting up"))
    page.get_by_role("button", name="Turn on two-step sign-in").click()

    # The recovery codes, shown once set up; then on to the product.
    expect(page.get_by_role("heading", name="Recovery codes")).to_be_visible()
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"\d{8}", c) for c in codes)
    assert_accessible(page, "recovery codes")
    page.get_by_role("link", name="I have kept them: go on").click()
    expect(page).to_have_url(re.compile(r"/$"))
    page.goto("/communities/")
    expect(page).to_have_url(re.compile(r"/communities/$"))

    # Signing in again: the password, then a code from the app.
    sign_out(page)
    sign_in_with_password(page)
    assert_accessible(page, "second step")
    second_step(page, totp_code(secret, EMAIL))
    expect(page.get_by_role("button", name="Sign out")).to_be_attached()
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/admin/$"))

    # Without the phone: a recovery code signs in once, not twice.
    page.goto("/")
    sign_out(page)
    sign_in_with_password(page)
    second_step(page, codes[0])
    expect(page.get_by_role("button", name="Sign out")).to_be_attached()
    sign_out(page)
    sign_in_with_password(page)
    second_step(page, codes[0])
    expect(page.locator("#id_code_error").get_by_text("Incorrect code.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
    second_step(page, codes[1])
    expect(page.get_by_role("button", name="Sign out")).to_be_attached()

    # The profile says it is on; the overview shows the codes left.
    page.goto("/account/profile/")
    page.get_by_role("link", name="Manage two-step sign-in").click()
    expect(page.get_by_text("8 of 10 codes unused")).to_be_visible()
    assert_accessible(page, "two-step sign-in, on")

    # A passkey (allauth's WebAuthn scripts, static files under the policy): added, then it
    # signs in on its own, as two steps.
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    page.get_by_role("link", name="Add a security key or passkey").click()
    assert_accessible(page, "add a security key")
    page.get_by_label("A passkey").check()
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_text("Security key added.")).to_be_visible()
    page.goto("/")
    sign_out(page)
    page.get_by_role("button", name="Sign in with a passkey").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_attached()
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/admin/$"))
