"""A coordinator defines a monthly rhythm and logs an activity; a member sees it and their level."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from childcop.accounts.factories import UserFactory
from communities.choices import Level
from communities.factories import CommunityFactory, MembershipFactory
from tests.conftest import PASSWORD

from .conftest import assert_accessible, coordinator_cora, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_coordinator_keeps_the_rhythm_and_a_member_sees_it(new_page):
    community = CommunityFactory(name="Field safety", slug="field-safety")
    coordinator = coordinator_cora(community)
    member = UserFactory(email="mei@example.org", display_name="Mei Member", password=PASSWORD)
    MembershipFactory(
        community=community, user=member, level=Level.PERIPHERAL,
        joined_on=timezone.localdate() - timedelta(days=300),
    )  # fmt: skip
    for n in range(30):  # a community of many, so the attendee filter matters
        MembershipFactory(community=community, user=UserFactory(display_name=f"Colleague {n:02d}"))

    page = new_page()
    login(page, coordinator.email)
    page.goto(f"/communities/{community.slug}/rhythm/")
    page.get_by_role("link", name="New recurring session").click()
    page.locator("#id_title").fill("Monthly safety clinic")
    page.get_by_label("Activity type").select_option("productive_inquiries")
    page.get_by_label("Format").select_option("many_to_many")
    page.get_by_label("Recurrence").select_option("monthly")
    first = timezone.localtime() - timedelta(days=40)
    page.get_by_label("Starts at").fill(first.strftime("%Y-%m-%dT12:30"))
    page.get_by_label("Meeting link").fill("https://meet.example.org/safety")
    assert_accessible(page, "rhythm form")
    page.get_by_role("button", name="Save the rhythm").click()
    expect(page.get_by_text("The rhythm “Monthly safety clinic” was saved")).to_be_visible()
    expect(page.get_by_role("heading", name="Heartbeat")).to_be_visible()
    assert_accessible(page, "rhythm page")

    # Log the last session as an activity, with an attendee found through the filter box.
    page.get_by_role("link", name="Log what happened").first.click()
    expect(page.locator("#id_title")).to_have_value("Monthly safety clinic")
    page.get_by_label("Summary").fill("Two near misses discussed; a new checklist to try.")
    page.get_by_placeholder("Find a member…").fill("Mei")
    page.get_by_placeholder("Find a member…").press("Enter")
    expect(page.get_by_label("Mei Member")).to_be_checked()
    expect(page.get_by_text("1 of 32 chosen")).to_be_visible()
    page.locator("select[name=outputs-0-kind]").select_option("faq")
    page.locator("input[name=outputs-0-title]").fill("Near-miss FAQ")
    assert_accessible(page, "activity form")
    page.get_by_role("button", name="Save the activity").click()
    expect(page.get_by_text("was logged")).to_be_visible()
    expect(page.get_by_role("link", name="Mei Member")).to_be_visible()

    # The nightly job computes levels; run the same service the job runs.
    from communities import participation

    participation.recompute_levels()

    other = new_page()
    login(other, member.email)
    other.goto(f"/communities/{community.slug}/activities/")
    other.get_by_role("link", name="Monthly safety clinic").click()
    expect(other.get_by_text("Near-miss FAQ")).to_be_visible()
    other.goto(f"/communities/{community.slug}/")
    expect(other.get_by_text("Your level:")).to_contain_text("Active")
    expect(other.get_by_text("Peripheral → Active")).to_be_visible()
    assert_accessible(other, "community page with heartbeat")
