"""Logging a session in under a minute: from the rhythm page, by keyboard alone."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from childcop.accounts.factories import UserFactory
from communities.factories import CommunityFactory, MembershipFactory, SessionFactory
from communities.models import Activity

from .conftest import assert_accessible, coordinator_cora, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MOST_KEY_PRESSES = 30


def test_a_coordinator_logs_a_session_with_twelve_attendees_and_a_guest_by_keyboard(new_page):
    community = CommunityFactory(name="Field safety", slug="field-safety")
    coordinator = coordinator_cora(community)
    long_ago = timezone.localdate() - timedelta(days=200)
    for n in range(11):
        MembershipFactory(
            community=community, user=UserFactory(display_name=f"Colleague {n:02d}"),
            joined_on=long_ago,
        )  # fmt: skip
    MembershipFactory(  # joined after the session: not among those invited
        community=community, user=UserFactory(display_name="Newly joined"),
        joined_on=timezone.localdate(),
    )  # fmt: skip
    community.memberships.filter(user=coordinator).update(joined_on=long_ago)
    session = SessionFactory(
        community=community, title="Near-miss review", channel="hybrid",
        starts_at=timezone.now() - timedelta(days=2),
    )  # fmt: skip

    page = new_page()
    login(page, coordinator.email)
    page.goto(f"/communities/{community.slug}/rhythm/")
    page.get_by_role("link", name="Log what happened").first.click()
    # The form opens filled from the session, the member finder focused.
    expect(page.locator("#id_title")).to_have_value("Near-miss review")
    expect(page.locator("#id_date")).to_have_value(
        f"{timezone.localtime(session.starts_at):%Y-%m-%d}"
    )
    expect(page.locator("#id_channel")).to_have_value("hybrid")
    expect(page.get_by_placeholder("Find a member…")).to_be_focused()
    assert_accessible(page, "activity form from a session")

    presses = 0

    def press(key):
        nonlocal presses
        presses += 1
        page.keyboard.press(key)

    def type_text(text):
        for character in text:
            press(character)

    press("Tab")  # "Select everyone invited"
    press("Enter")
    expect(page.get_by_text("12 of 13 chosen")).to_be_visible()
    press("Tab")  # "Clear"
    press("Tab")  # Guests
    type_text("Ann Lee")
    press("Enter")  # saves the activity
    expect(page.get_by_text("was logged")).to_be_visible()
    assert presses <= MOST_KEY_PRESSES, presses

    activity = Activity.objects.get()
    assert activity.session == session and activity.title == "Near-miss review"
    assert activity.attendance.count() == 12
    assert not activity.attendance.filter(user__display_name="Newly joined").exists()
    assert activity.guest_names == "Ann Lee" and activity.guest_count == 1
    # Back on the rhythm page the session says it is logged, and links to its activity.
    page.goto(f"/communities/{community.slug}/rhythm/")
    page.get_by_role("link", name="Logged").first.click()
    expect(page.get_by_role("heading", name="Near-miss review")).to_be_visible()
