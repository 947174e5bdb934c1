"""A member submits a story; in the browser, the coordinator sees the bell's count, opens the list, marks the
notification read (htmx, no reload) and the count goes down; the story is one click away."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from childcop.accounts.factories import UserFactory
from communities.factories import CommunityFactory, MembershipFactory
from tests.conftest import PASSWORD
from value_stories.factories import ValueStoryFactory

from .conftest import assert_accessible, coordinator_cora, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_submitted_story_reaches_the_coordinators_bell(new_page):
    community = CommunityFactory(name="Contract management", slug="contracts")
    coordinator = coordinator_cora(community)
    member = UserFactory(email="mei@example.org", display_name="Mei Member", password=PASSWORD)
    MembershipFactory(community=community, user=member)
    story = ValueStoryFactory(
        community=community, author=member, title="The clinic that saved a tender"
    )

    # The member submits the story (the real request of its "Submit for review" button).
    writer = Client()
    writer.force_login(member)
    submitted = writer.post(reverse("value_stories:submit", args=[story.pk]))
    assert submitted.status_code == 302

    reader = new_page()
    login(reader, coordinator.email)
    bell = reader.get_by_role("link", name="Notifications, 1 unread")
    expect(bell).to_be_visible()
    bell.click()
    expect(reader).to_have_url(re.compile(r"/notifications/$"))
    item = reader.get_by_role("listitem").filter(has_text="The clinic that saved a tender")
    expect(item).to_contain_text("Stories to review")
    expect(item).to_contain_text("New")
    assert_accessible(reader, "the notification list")

    url = reader.url
    item.get_by_role("button", name=re.compile("^Mark as read")).click()
    expect(reader.get_by_role("link", name="Notifications, 0 unread")).to_be_visible()
    expect(reader.locator("#unread-summary")).to_have_text("Nothing unread.")
    expect(item).not_to_contain_text("New")
    # the keyboard's focus, on the button that went away, moves to the line's link
    expect(item.get_by_role("link", name="The clinic that saved a tender")).to_be_focused()
    assert reader.url == url  # no reload: htmx swapped the line and the bell

    item.get_by_role("link", name="The clinic that saved a tender").click()
    expect(reader).to_have_url(re.compile(rf"{story.get_absolute_url()}$"))
    expect(reader.get_by_role("link", name="Notifications, 0 unread")).to_be_visible()
