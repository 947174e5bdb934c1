""" "Needs you" with the demo program, one journey per role: the home page lists at least two
of the role's items; the person follows one, does it, comes back, and the item is gone.

The demo program is seeded once for the module (seeding takes seconds; each journey changes
only its own item) and served by a live server of the module's own; the database is flushed
when the module ends, as a transactional test leaves it.
"""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test.utils import modify_settings
from playwright.sync_api import expect

from .conftest import PageFactory, assert_accessible, login

# No django_db mark on the journeys: the server's thread writes and commits, and a test
# wrapped in a transaction would hold the database's write lock (SQLite, IMMEDIATE).
pytestmark = [pytest.mark.e2e]

DEMO_PASSWORD = "childcop-demo"  # noqa: S105 — the demo logins' (seed_demo)


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker):
    from pytest_django.live_server_helper import LiveServer

    with django_db_blocker.unblock():
        call_command("seed_demo", people=60, stdout=StringIO())
        # the demo admin sets up two-step sign-in at first sign-in: here, done already
        from allauth.mfa.totp.internal.auth import TOTP

        from childcop.accounts.models import User
        from tests.conftest import TOTP_SECRET

        TOTP.activate(User.objects.get(email="admin@example.org"), TOTP_SECRET)
    allowed = modify_settings(ALLOWED_HOSTS={"append": "localhost"})
    allowed.enable()
    server = LiveServer("localhost")
    try:
        yield server
    finally:
        server.stop()
        allowed.disable()
        with django_db_blocker.unblock():
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def person(demo_site, browser, django_db_blocker):
    """Sign in as a demo person (`person("member")`) in a browser context of their own."""
    with django_db_blocker.unblock():  # the live server's thread reads the database
        pages = PageFactory(browser, demo_site.url)

        def signed_in(role):
            page = pages()
            login(page, f"{role}@example.org", DEMO_PASSWORD)
            page.goto("/")
            return page

        yield signed_in
        pages.close()


@pytest.mark.django_db  # (also makes sure the test database is set up for this module)
def test_the_demo_program_has_the_five_demo_logins(demo_site):
    from childcop.accounts.models import User

    emails = [f"{role}@example.org" for role in ("member", "core", "coordinator", "sponsor")]
    assert User.objects.filter(email__in=[*emails, "admin@example.org"]).count() == 5


def needs_of(page, kinds):
    return page.locator(", ".join(f"li.needs-item[data-kind='{kind}']" for kind in kinds))


def follow(page, kind):
    """Follow the first item of `kind`; its address, to check it is gone afterwards."""
    link = page.locator(f"li.needs-item[data-kind='{kind}'] a").first
    href = link.get_attribute("href")
    link.click()
    return href


def gone(page, kind, href):
    page.goto("/")
    expect(page.get_by_role("heading", name="Needs you")).to_be_visible()
    expect(page.locator(f"li.needs-item[data-kind='{kind}'] a[href='{href}']")).to_have_count(0)


def test_member_marks_the_answer_that_helped(person):
    page = person("member")
    assert needs_of(page, ["help_answered", "vote", "next_session", "introduce"]).count() >= 2
    calendar = page.get_by_role("link", name="Add to my calendar").first
    assert calendar.get_attribute("href").endswith(".ics")  # the community's calendar feed
    assert_accessible(page, "member's home page")
    href = follow(page, "help_answered")
    page.get_by_role("button", name="Mark as helpful").first.click()
    expect(page.get_by_text("Helpful").first).to_be_visible()
    gone(page, "help_answered", href)


def test_core_member_answers_an_unanswered_request(person):
    page = person("core")
    assert needs_of(page, ["help_unanswered", "health_check"]).count() >= 2
    href = follow(page, "help_unanswered")
    page.get_by_label("Your answer").fill("We pair each newcomer with a buddy for a month.")
    page.get_by_role("button", name="Post your answer").click()
    expect(page.get_by_text("your answer was posted")).to_be_visible()
    gone(page, "help_unanswered", href)


def test_coordinator_charters_a_practice_group(person):
    page = person("coordinator")
    assert needs_of(page, ["group_proposal", "agreement_review", "story_review"]).count() >= 2
    href = follow(page, "group_proposal")
    page.get_by_label("Charter the group: it becomes active").check()
    page.get_by_label("Charter note, or the changes asked for").fill("Report back each quarter.")
    page.get_by_role("button", name="Decide").click()
    expect(page.get_by_text("active (chartered)").first).to_be_visible()
    gone(page, "group_proposal", href)


def test_sponsor_endorses_a_business_case(person):
    page = person("sponsor")
    kinds = ["business_case", "agreement_review", "commitment", "sponsored_flags"]
    assert needs_of(page, kinds).count() >= 2
    expect(page.get_by_role("navigation", name="Main")).to_contain_text("Sponsor dashboard")
    href = follow(page, "business_case")
    page.get_by_label("Endorse").check()
    page.get_by_role("button", name="Send my response").click()
    expect(page.get_by_text("Endorsed").first).to_be_visible()
    gone(page, "business_case", href)


def test_program_admin_closes_a_support_request(person):
    page = person("admin")
    kinds = ["support", "flags", "stalled_launch", "term_ending", "pdca_overdue"]
    assert needs_of(page, kinds).count() >= 2
    href = follow(page, "support")
    page.get_by_label("Status").select_option("done")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text(": done").first).to_be_visible()
    gone(page, "support", href)
