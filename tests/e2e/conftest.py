"""End-to-end fixtures: Debian's chromium driven by Playwright against pytest-django's live server.

One browser for the whole session, a fresh context (cookies, storage) for every person in
every test. People sign in through the real allauth form; every page a journey visits can
be checked with axe (`assert_accessible`).
"""

import os
import re
import time

import pytest

# Playwright's sync API runs an event loop in the main thread; the ORM calls that the
# fixtures and assertions make from that thread are still synchronous and safe.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402

from childcop.accounts.factories import ProgramAdminFactory, UserFactory  # noqa: E402
from communities.factories import CoordinatorFactory  # noqa: E402
from tests.conftest import PASSWORD, TOTP_SECRET  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 10_000  # fail fast: every page here is server-rendered and local
BLOCKING_IMPACTS = {"serious", "critical"}

_axe = Axe()


def axe_violations(page: Page) -> list[dict]:
    """What axe (axe-core, as axe-playwright-python ships it) finds wrong on the page as it
    is now. Only the violations come back from the browser, not the hundreds of checks that
    passed, and axe goes into a page once, however many times the page is checked."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_axe.axe_script)
    return page.evaluate(
        "axe.run(document, {resultTypes: ['violations']}).then(results => results.violations)"
    )


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class PageFactory:
    """Pages for `base_url`, each in its own browser context (a separate person's session),
    under the product's Content-Security-Policy: `close()` fails the test when the browser
    reported refusing anything (an inline script or style, an eval) on any page."""

    def __init__(self, browser, base_url: str):
        self.browser, self.base_url = browser, base_url
        self.contexts, self.violations = [], []

    def watch(self, message):
        if "Content Security Policy" in message.text:
            self.violations.append(f"{message.page.url if message.page else ''}: {message.text}")

    def __call__(self) -> Page:
        # Reduced motion: no colour transitions (Bootstrap's buttons honour it), so that axe
        # never measures a hovered button's contrast halfway through one.
        context = self.browser.new_context(
            base_url=self.base_url, viewport={"width": 1280, "height": 900}, reduced_motion="reduce"
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        context.on("console", self.watch)
        self.contexts.append(context)
        return context.new_page()

    def close(self):
        for context in self.contexts:
            context.close()
        if self.violations:
            pytest.fail(
                "Content-Security-Policy violations:\n" + "\n".join(self.violations),
                pytrace=False,
            )


@pytest.fixture
def new_page(browser, live_server):
    """A factory of pages, each in its own browser context (a separate person's session).

    Every page runs under the product's Content-Security-Policy: a journey fails when the
    browser reports refusing anything (an inline script or style, an eval) on any page.
    """
    pages = PageFactory(browser, live_server.url)
    yield pages
    pages.close()


@pytest.fixture(autouse=True)
def fresh_cache():
    """allauth keeps the codes used (each works once) and failed tries in the cache: every
    journey starts afresh, whoever had the same id before."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def page(new_page) -> Page:
    return new_page()


@pytest.fixture
def program_admin(transactional_db):
    """Ada Admin, with her authenticator app (TOTP_SECRET): `login` gives its code."""
    return ProgramAdminFactory(
        email="ada.admin@example.org",
        display_name="Ada Admin",
        password=PASSWORD,
        authenticator_app=TOTP_SECRET,
    )


@pytest.fixture
def joiner(transactional_db):
    """A signed-up person who belongs to no community yet."""
    return UserFactory(email="jo.joiner@example.org", display_name="Jo Joiner", password=PASSWORD)


def coordinator_cora(community):
    """Cora Coordinator (cora@example.org), who can sign in, coordinating `community`."""
    cora = UserFactory(email="cora@example.org", display_name="Cora Coordinator", password=PASSWORD)
    CoordinatorFactory(community=community, user=cora)
    return cora


_used_steps: dict[str, set[int]] = {}


def totp_code(secret: str, key: str = "") -> str:
    """The code an authenticator app holding `secret` shows now (RFC 6238, allauth's own
    function). A code signs in once: asked again for the same `key` (a person), it gives the
    code of the next or the previous 30 seconds, which the tests' MFA_TOTP_TOLERANCE of one
    step accepts, and waits for a new one only when all three were used."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    used = _used_steps.setdefault(key, set())
    while True:
        now = int(time.time() // 30)
        step = next((s for s in (now, now + 1, now - 1) if s not in used), None)
        if step is not None:
            used.add(step)
            return format_hotp_value(hotp_value(secret, step))
        time.sleep(30 - time.time() % 30 + 0.2)


def second_step(page: Page, email: str) -> None:
    """Give the code of the person's authenticator app at sign-in's second step."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import decrypt

    authenticator = Authenticator.objects.get(user__email=email, type=Authenticator.Type.TOTP)
    page.get_by_label("Code").fill(totp_code(decrypt(authenticator.data["secret"]), email))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def login(page: Page, email: str, password: str = PASSWORD, *, expect_success: bool = True):
    """Sign in through the real login form at /accounts/login/, and its second step (the
    code of the person's authenticator app) when they have one."""
    page.goto("/accounts/login/")
    form = page.locator("form[action='/accounts/login/']")
    form.locator("input[name=login]").fill(email)
    form.locator("input[name=password]").fill(password)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    if expect_success and "/accounts/2fa/authenticate/" in page.url:
        second_step(page, email)
    if expect_success:
        expect(page.get_by_role("button", name="Sign out")).to_be_attached()
        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def assert_accessible(page: Page, label: str = "") -> None:
    """Run axe on the current page; fail on any serious or critical violation."""
    page.wait_for_load_state("load")
    blocking = [v for v in axe_violations(page) if v.get("impact") in BLOCKING_IMPACTS]
    if blocking:
        lines = [f"axe found {len(blocking)} serious/critical violation(s) on {label or page.url}:"]
        for violation in blocking:
            lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
            lines.append(f"  {violation.get('helpUrl', '')}")
            for node in violation["nodes"]:
                lines.append(f"    at {node['target']}: {node.get('failureSummary', '')!r}")
        message = "\n".join(lines)
        print(message)
        pytest.fail(message, pytrace=False)
