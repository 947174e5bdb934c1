"""A member tells a value-creation story; the coordinator returns it, then approves it; the
community's sponsor reads it."""

import re

import pytest
from playwright.sync_api import expect

from childcop.accounts.factories import ProgramAdminFactory, UserFactory
from communities.factories import (
    ActivityFactory,
    CommunityFactory,
    MembershipFactory,
)
from sponsorship.factories import SponsorAppointmentFactory
from tests.conftest import PASSWORD
from tests.waits import wait_for
from value_stories.models import ValueStory

from .conftest import assert_accessible, coordinator_cora, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# The story form autosaves 500 ms after a change (and every 30 s while it is dirty): htmx's
# timers. The writer's clock is paused while a form is filled in, so that each autosave is
# sent when the test lets the delay pass, and is answered before anything else happens —
# never racing the next step or the submission.
AUTOSAVE_DELAY_MS = 500


def pause_clock(page):
    """Stop the page's timers (htmx's autosave delay and its 30-second tick) a second from
    now: a second the clock jumps over, so that the pause is never in its past."""
    expect(page.locator("#story-form")).to_be_visible()
    page.clock.pause_at(page.evaluate("Date.now()") / 1000 + 1)


def autosave(page):
    """The field being edited loses focus (its change event), the autosave's delay passes,
    and the draft is saved: the request is answered and the form is idle again."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    with page.expect_response(lambda response: "/autosave/" in response.url) as saved:
        page.clock.run_for(AUTOSAVE_DELAY_MS)
    assert saved.value.ok
    expect(page.locator("#story-form")).not_to_have_class(re.compile(r"\bhtmx-request\b"))
    expect(page.locator("#autosave-status")).to_contain_text("Draft saved at")


def test_story_from_submission_to_the_sponsor(new_page):
    community = CommunityFactory(name="Contract management", slug="contracts")
    coordinator = coordinator_cora(community)
    member = UserFactory(email="mei@example.org", display_name="Mei Member", password=PASSWORD)
    MembershipFactory(community=community, user=member)
    admin = ProgramAdminFactory(email="ada@example.org", password=PASSWORD)
    sponsor = UserFactory(email="sal@example.org", display_name="Sal Sponsor", password=PASSWORD)
    SponsorAppointmentFactory(person=sponsor, appointed_by=admin, communities=[community])
    activity = ActivityFactory(community=community, title="Case clinic on penalty clauses")

    # The member writes the story, linked to the activity; the draft autosaves.
    writer = new_page()
    writer.clock.install()
    login(writer, member.email)
    writer.goto(f"/communities/{community.slug}/")
    writer.get_by_role("link", name="Tell a value-creation story").click()
    pause_clock(writer)
    expect(writer.get_by_text("Step 1 of 5")).to_be_visible()
    writer.get_by_label("Title").fill("The clinic that saved a tender")
    writer.get_by_label("Your role").fill("Contract manager")
    autosave(writer)
    # Typing with no change event yet is saved by the 30-second tick while the form is dirty.
    writer.get_by_label("Your role").fill("Contract manager, tenders")
    with writer.expect_response(lambda response: "/autosave/" in response.url) as ticked:
        writer.clock.run_for(30_000)
    assert ticked.value.ok
    expect(writer.locator("#story-form")).not_to_have_class(re.compile(r"\bhtmx-request\b"))
    writer.get_by_label("Linked activity").select_option(
        label=f"{activity.date:%d %b %Y} — {activity.title}"
    )
    writer.get_by_label("What meaningful activity did you take part in?").fill("A case clinic.")
    writer.get_by_label("What was your experience of it?").fill("Practical and generous.")
    autosave(writer)
    writer.clock.resume()
    assert_accessible(writer, "story, step 1")
    writer.get_by_role("button", name="Save and continue").click()

    # Step 2: what it changed, each cycle explained with an example.
    expect(writer.get_by_role("heading", name="What it changed")).to_be_visible()
    expect(writer.get_by_text("For example: “I used the checklist")).to_be_visible()
    for cycle in ("Immediate", "Potential", "Applied", "Realized"):
        writer.get_by_label(re.compile(f"^{cycle} value")).check()
    writer.get_by_label("What skills, insights, information or material did you gain?").fill(
        "A checklist of red flags."
    )
    writer.get_by_label("How did it influence your practice?").fill("I used it on two tenders.")
    writer.get_by_label("What difference did it make to your performance?").fill(
        "A penalty avoided."
    )
    assert_accessible(writer, "story, step 2")
    writer.get_by_role("button", name="Save and continue").click()

    # Step 3: an indicator, autosaved before the step is saved (it was stored twice).
    expect(writer.get_by_role("heading", name="The indicators")).to_be_visible()
    pause_clock(writer)
    writer.locator("input[name=indicators-0-name]").fill("Penalties avoided")
    writer.locator("input[name=indicators-0-after]").fill("40000")
    autosave(writer)
    writer.clock.resume()
    writer.get_by_role("button", name="Save and continue").click()

    # Step 4: who may read it.
    writer.get_by_label(re.compile("community's sponsors")).check()
    writer.get_by_role("button", name="Save and continue").click()
    expect(writer.get_by_role("heading", name="Check your story")).to_be_visible()
    assert_accessible(writer, "story, check and submit")

    # A step failed on purpose: the error summary takes focus; its link moves to the field.
    writer.get_by_role("link", name="Change what happened").click()
    writer.get_by_label("Title").fill("")
    writer.get_by_role("button", name="Save and continue").click()
    summary = writer.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(writer.get_by_label("Title")).to_have_attribute("aria-invalid", "true")
    assert_accessible(writer, "story step with an error")
    summary.get_by_role("link").first.click()
    expect(writer.get_by_label("Title")).to_be_focused()
    writer.get_by_label("Title").fill("The clinic that saved a tender")
    writer.get_by_role("button", name="Save and continue").click()
    writer.get_by_role("link", name="Check and submit").click()
    expect(writer.get_by_text("Penalties avoided")).to_have_count(1)
    writer.get_by_role("button", name="Submit for review").click()
    expect(writer.get_by_text("Your story was submitted")).to_be_visible()
    expect(writer.get_by_text("Submitted for review").first).to_be_visible()
    story = ValueStory.objects.get()
    assert list(story.indicators.values_list("name", flat=True)) == ["Penalties avoided"]

    # The coordinator returns it with a comment.
    reviewer = new_page()
    login(reviewer, coordinator.email)
    reviewer.goto("/stories/")
    reviewer.get_by_role("region", name="Waiting for your review").get_by_role(
        "link", name="The clinic that saved a tender"
    ).click()
    reviewer.get_by_label("Return it with comments").check()
    reviewer.get_by_label("Comment", exact=True).fill(
        "Lovely. Can you say how much the penalty was?"
    )
    reviewer.get_by_role("button", name="Record the decision").click()
    expect(reviewer.get_by_text("was returned to its author")).to_be_visible()

    # The member reads the comment, edits and resubmits.
    writer.reload()
    expect(writer.get_by_text("Can you say how much the penalty was?")).to_be_visible()
    writer.get_by_role("link", name="Edit").click()
    writer.get_by_role("link", name="What it changed").click()
    writer.get_by_label("What difference did it make to your performance?").fill(
        "A penalty of €40,000 avoided."
    )
    writer.get_by_role("button", name="Save and continue").click()
    writer.get_by_role("link", name="Check and submit").click()
    writer.get_by_role("button", name="Submit for review").click()
    expect(writer.get_by_text("Your story was submitted")).to_be_visible()

    # The coordinator approves it.
    reviewer.goto("/stories/")
    reviewer.get_by_role("region", name="Waiting for your review").get_by_role(
        "link", name="The clinic that saved a tender"
    ).click()
    reviewer.get_by_label("Approve the story").check()
    reviewer.get_by_role("button", name="Record the decision").click()
    expect(reviewer.get_by_text("was approved")).to_be_visible()

    # The community's sponsor sees it on the story list and on the community page.
    reader = new_page()
    login(reader, sponsor.email)
    reader.goto("/stories/")
    reader.get_by_role("link", name="The clinic that saved a tender").click()
    expect(reader.get_by_text("A penalty of €40,000 avoided.")).to_be_visible()
    expect(reader.get_by_text("Lovely. Can you say")).to_have_count(
        0
    )  # review history is not theirs
    reader.goto(f"/communities/{community.slug}/")
    expect(
        reader.get_by_role("region", name="Value created").get_by_role(
            "link", name="The clinic that saved a tender"
        )
    ).to_be_visible()
    reader.goto("/stories/matrix/")
    expect(reader.get_by_role("img", name="Chain of attribution")).to_be_visible()
    assert_accessible(reader, "value matrix")


def test_typing_not_yet_saved_is_kept_when_the_writer_leaves_the_page(new_page):
    """The writer types and follows a link at once: before the autosave's delay, before the
    field's change. What they typed is in their draft."""
    community = CommunityFactory(name="Contract management", slug="contracts")
    member = UserFactory(email="mei@example.org", display_name="Mei Member", password=PASSWORD)
    MembershipFactory(community=community, user=member)
    writer = new_page()
    login(writer, member.email)
    writer.goto(f"/communities/{community.slug}/")
    writer.get_by_role("link", name="Tell a value-creation story").click()
    expect(writer.get_by_text("Step 1 of 5")).to_be_visible()
    writer.get_by_label("Title").fill("Kept on leaving")
    writer.get_by_label("Your role").fill("Contract manager")
    writer.get_by_role("navigation", name="Main").get_by_role("link", name="Home").click()
    expect(writer).to_have_url(re.compile(r"/$"))
    assert wait_for(lambda: ValueStory.objects.filter(title="Kept on leaving").exists(), 10)
    writer.wait_for_timeout(2500)  # any other save would have landed by now: one draft
    assert ValueStory.objects.filter(author=member).count() == 1
    story = ValueStory.objects.get(title="Kept on leaving")
    assert (story.author, story.community, story.author_role) == (
        member,
        community,
        "Contract manager",
    )
    assert story.status == "draft"
