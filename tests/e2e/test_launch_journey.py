"""The program admin launches a community: a plan, two conversations, a value proposition,
an internal leader who joins the core group, the launch design, an action item, and the
move from potential to coalescing with a note kept in the stage history."""

import pytest
from playwright.sync_api import expect

from childcop.accounts.factories import UserFactory
from communities.choices import Level, Stage
from communities.factories import CommunityFactory
from communities.models import Membership, StageChange
from tests.conftest import PASSWORD

from .conftest import assert_accessible, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_admin_launches_a_community(page, program_admin):
    community = CommunityFactory(
        name="Customer voice", slug="customer-voice", stage=Stage.POTENTIAL, value_proposition=""
    )
    UserFactory(email="mo@example.org", display_name="Mo Member", password=PASSWORD)
    leader = UserFactory(email="lin@example.org", display_name="Lin Leader", password=PASSWORD)

    login(page, program_admin.email)
    page.goto(community.get_absolute_url())
    page.get_by_role("link", name="Launch", exact=True).click()
    assert_accessible(page, "launch overview")
    page.get_by_role("link", name="Open a launch plan").click()
    page.locator("#id_lead").fill(program_admin.email)
    assert_accessible(page, "open a plan")
    page.get_by_role("button", name="Open the plan").click()
    expect(page.get_by_text("The launch plan was opened.")).to_be_visible()
    expect(page.get_by_role("heading", name="Progress")).to_be_visible()
    assert_accessible(page, "launch plan")

    # Step 1: two conversations, one with someone in the directory, one by name.
    page.get_by_role("link", name="Log a conversation").click()
    page.locator("#id_person").fill("mo@example.org")
    page.locator("#id_challenges").fill("Feedback gets lost between channels.")
    page.locator("#id_talks_to").fill("My team lead")
    page.locator("#id_would_help").select_option("true")
    assert_accessible(page, "conversation form")
    page.get_by_role("button", name="Log the conversation").click()
    expect(page.get_by_text("The conversation with Mo Member was logged.")).to_be_visible()
    page.get_by_role("link", name="Log a conversation").click()
    page.locator("#id_name").fill("Pat from the call centre")
    page.locator("#id_challenges").fill("Customers repeat themselves.")
    page.get_by_role("button", name="Log the conversation").click()
    expect(page.get_by_text("was logged")).to_be_visible()

    # Step 2: the value proposition, accepted.
    page.get_by_role("link", name="Edit the value proposition").click()
    page.locator("#id_value_to_organisation").fill("Fewer repeat complaints.")
    page.locator("#id_value_to_people").fill("Colleagues see their insight acted upon.")
    page.locator("#id_success_looks_like").fill("Three upstream fixes in a year.")
    assert_accessible(page, "value proposition form")
    page.get_by_role("button", name="Save the value proposition").click()
    page.get_by_role("button", name="Accept the value proposition").click()
    expect(page.get_by_text("The value proposition was accepted")).to_be_visible()

    # Step 3: an internal leader who accepts, and so joins the core group.
    page.get_by_role("link", name="Add a candidate").click()
    page.locator("#id_person").fill(leader.email)
    page.locator("#id_idea").fill("Long overdue.")
    page.locator("#id_willing").fill("Yes, a few hours a month.")
    page.get_by_role("button", name="Add the candidate").click()
    page.get_by_role("link", name="Record Lin Leader's answer").click()
    page.locator("#id_status").select_option("accepted")
    page.get_by_label("Community keeper").check()
    assert_accessible(page, "candidate answer")
    page.get_by_role("button", name="Record the answer").click()
    expect(page.get_by_text("Lin Leader accepted and joined the core group.")).to_be_visible()

    # Step 4 and the launch process.
    page.get_by_role("link", name="Edit the launch design").click()
    page.locator("#id_leaders_prepared").check()
    page.locator("#id_approach").fill("A kick-off workshop with the sponsor.")
    page.locator("#id_launch_activities").fill("World café on the top three challenges.")
    page.locator("#id_follow_up").fill("A monthly case clinic.")
    page.get_by_role("button", name="Save the launch design").click()
    page.get_by_role("link", name="Update the checklist").click()
    for checkbox in page.locator("input[type=checkbox]").all():
        checkbox.check()
    assert_accessible(page, "launch process")
    page.get_by_role("button", name="Save the checklist").click()

    # The action plan: one item, completed.
    page.get_by_role("link", name="Add an action item").click()
    page.locator("#id_title").fill("Send the invitations")
    page.locator("#id_owner").fill(program_admin.email)
    page.locator("#id_due_on").fill("2031-02-01")
    page.get_by_role("button", name="Save the action item").click()
    page.get_by_role("link", name="Send the invitations").click()
    page.locator("#id_status").select_option("done")
    page.get_by_role("button", name="Save the action item").click()
    expect(page.get_by_text("Every step is done.")).to_be_visible()
    assert_accessible(page, "completed launch plan")

    page.goto("/program/launches/?status=all")
    expect(page.get_by_role("link", name="Customer voice")).to_be_visible()
    assert_accessible(page, "launches list")
    page.get_by_role("link", name="Customer voice").click()

    # Move to coalescing, with a note kept in the stage history.
    page.get_by_role("link", name="Move to coalescing").click()
    page.locator("#id_note").fill("Launched at the kick-off workshop.")
    assert_accessible(page, "move to coalescing")
    page.get_by_role("button", name="Move to coalescing").click()
    expect(page.get_by_text("Customer voice moved to the Coalescing stage.")).to_be_visible()
    expect(page.get_by_text("Launched at the kick-off workshop.")).to_be_visible()

    community.refresh_from_db()
    assert community.stage == Stage.COALESCING
    assert "Fewer repeat complaints." in community.value_proposition
    change = StageChange.objects.get(community=community, to_stage=Stage.COALESCING)
    assert change.note == "Launched at the kick-off workshop."
    assert Membership.objects.get(community=community, user=leader).level == Level.CORE
