"""A learning loop end to end: a member asks for help, another answers, the asker marks it
helpful, follows up on how it turned out, and the loop becomes an FAQ in shared memory."""

import re

import pytest
from playwright.sync_api import expect

from childcop.accounts.factories import UserFactory
from communities.factories import CommunityFactory, CoordinatorFactory, MembershipFactory
from communities.models import HelpRequest
from tests.conftest import PASSWORD

from .conftest import assert_accessible, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_learning_loop_from_question_to_shared_memory(new_page):
    community = CommunityFactory(name="Contract management", slug="contracts")
    CoordinatorFactory(
        community=community,
        user=UserFactory(email="cora@example.org", display_name="Cora Coordinator"),
    )
    asker = UserFactory(email="mia@example.org", display_name="Mia Member", password=PASSWORD)
    helper = UserFactory(email="hal@example.org", display_name="Hal Helper", password=PASSWORD)
    for person in (asker, helper):
        MembershipFactory(community=community, user=person)

    # The member asks for help from the community page.
    mia = new_page()
    login(mia, asker.email)
    mia.goto(f"/communities/{community.slug}/")
    mia.get_by_role("link", name="Help requests").click()
    mia.get_by_role("link", name="Ask for help", exact=True).click()
    mia.get_by_label("Your question").fill("How do you phrase a penalty clause that holds?")
    mia.get_by_label("Your challenge").fill("Our last two clauses were **challenged**.")
    mia.get_by_role("button", name="Post the request").click()
    expect(mia.get_by_text("Members commit to respond within 3 working days")).to_be_visible()
    expect(
        mia.get_by_role("heading", name="How do you phrase a penalty clause that holds?")
    ).to_be_visible()
    expect(mia.locator("strong", has_text="challenged")).to_be_visible()
    assert_accessible(mia, "the help request page")
    request_url = mia.url

    # Another member finds it in the list and answers.
    hal = new_page()
    login(hal, helper.email)
    hal.goto(f"/communities/{community.slug}/help/")
    hal.get_by_role("link", name="How do you phrase a penalty clause that holds?").click()
    hal.get_by_label("Your answer").fill("Use a capped daily amount and name the milestone.")
    hal.get_by_role("button", name="Post your answer").click()
    expect(hal.get_by_text("your answer was posted")).to_be_visible()
    expect(hal.get_by_role("button", name="Mark as helpful")).to_have_count(0)  # not the asker

    # The asker marks it helpful.
    mia.goto(request_url)
    mia.get_by_role("button", name="Mark as helpful").click()
    expect(mia.get_by_text("Marked as helpful")).to_be_visible()
    expect(mia.locator(".badge", has_text="Answered")).to_be_visible()
    assert_accessible(mia, "the answered help request")

    # Later (the job's email links here): how did it turn out?
    request = HelpRequest.objects.get()
    mia.goto(f"/communities/{community.slug}/help/{request.pk}/follow-up/")
    mia.get_by_label("It worked", exact=True).check()
    mia.get_by_label("Your reflection").fill("The supplier accepted the capped amount at once.")
    mia.get_by_role("button", name="Close the loop").click()
    expect(mia.get_by_text("the loop is closed")).to_be_visible()
    expect(mia.get_by_role("heading", name="How it turned out: It worked")).to_be_visible()

    # One click: the loop becomes an FAQ in the shared memory.
    mia.get_by_label("Capture as").select_option("faq")
    mia.get_by_role("button", name="Add to shared memory").click()
    expect(mia.get_by_text("The loop is now a FAQ in the shared memory")).to_be_visible()
    expect(mia).to_have_url(re.compile(r"/memory/\d+/$"))
    expect(mia.get_by_text("capped daily amount")).to_be_visible()

    # Everyone in the community finds it in the shared memory.
    hal.goto(f"/communities/{community.slug}/")
    hal.get_by_role("link", name="Shared memory").click()
    hal.get_by_label("Kind").select_option("faq")
    hal.get_by_role("button", name="Filter").click()
    entry = hal.locator("#results li").filter(has_text="FAQ")
    expect(entry.locator("a[href*='/memory/']")).to_have_text(
        "How do you phrase a penalty clause that holds?"
    )
    expect(entry.get_by_text("from the help request")).to_be_visible()
    assert_accessible(hal, "the shared memory")
