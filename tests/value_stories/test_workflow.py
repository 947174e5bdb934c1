"""Writing, submitting, reviewing, resubmitting and withdrawing a story; history; emails."""

import importlib

import pytest
from django.core import mail
from django.urls import reverse

from childcop.accounts.models import SentEmail
from value_stories import jobs
from value_stories.choices import Status, Visibility
from value_stories.factories import ValueStoryFactory
from value_stories.forms import StoryForm
from value_stories.models import StoryTransition, ValueStory

pytestmark = pytest.mark.django_db


def story_data(activity=None, **overrides):
    data = {
        "title": "The clinic that saved a tender",
        "happened_on": "2025-03-04",
        "author_role": "Contract manager",
        "narrative": "ground",
        "visibility": "sponsors",
        "activity": activity.pk if activity else "",
        "activity_description": "A case clinic on subcontracting clauses.",
        "experience": "Open, practical, generous.",
        "gained": "A checklist of red flags.",
        "applied": "Used it on the next two tenders.",
        "difference": "A penalty clause avoided.",
        "cycles": ["immediate", "potential", "applied", "realized"],
        "indicators-TOTAL_FORMS": "2",
        "indicators-INITIAL_FORMS": "0",
        "indicators-MIN_NUM_FORMS": "0",
        "indicators-MAX_NUM_FORMS": "20",
        "indicators-0-name": "Penalties avoided",
        "indicators-0-unit": "€",
        "indicators-0-before": "0",
        "indicators-0-after": "40000",
        "indicators-0-source": "Finance",
    }
    data.update(overrides)
    return data


def create_url(community):
    return reverse("value_stories:create", args=[community.slug])


def test_member_writes_and_submits_a_story_linked_to_an_activity(
    clients, users, community, activity, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = clients["member"].post(
            create_url(community), {**story_data(activity), "action": "submit"}
        )
    story = ValueStory.objects.get()
    assert response.status_code == 302 and response["Location"] == story.get_absolute_url()
    assert story.status == Status.SUBMITTED and story.author == users["member"]
    assert story.activity == activity and story.community == community
    assert [c.value for c in story.cycles] == ["immediate", "potential", "applied", "realized"]
    assert story.indicators.get().after == 40000
    assert list(story.transitions.values_list("from_status", "to_status")) == [
        ("", "draft"),
        ("draft", "submitted"),
    ]
    # the community's coordinators are emailed, once
    assert [m.to for m in mail.outbox] == [[users["coordinator"].email]]
    assert "awaits your review" in mail.outbox[0].subject


def test_the_form_prefills_a_linked_activity(clients, community, activity):
    response = clients["member"].get(create_url(community) + f"?activity={activity.pk}")
    assert response.context["form"].initial["activity"] == activity
    assert clients["member"].get(create_url(community) + "?activity=99x").status_code == 200


def test_activity_of_another_community_is_refused(clients, community):
    from communities.factories import ActivityFactory

    foreign = ActivityFactory()
    response = clients["member"].post(create_url(community), story_data(foreign))
    assert response.status_code == 200 and "activity" in response.context["form"].errors
    assert not ValueStory.objects.exists()


def test_invalid_input_shows_errors_and_writes_nothing(clients, community):
    response = clients["member"].post(create_url(community), story_data(title="", narrative="x"))
    assert response.status_code == 200
    assert {"title", "narrative"} <= set(response.context["form"].errors)
    assert not ValueStory.objects.exists() and not StoryTransition.objects.exists()


def test_an_incomplete_story_stays_a_draft(clients, community):
    response = clients["member"].post(
        create_url(community),
        {**story_data(cycles=[], experience=""), "action": "submit"},
        follow=True,
    )
    story = ValueStory.objects.get()
    assert story.status == Status.DRAFT
    assert "at least one claimed value-creation cycle" in response.content.decode()


def test_who_may_write(clients):
    from django.urls import reverse as r

    for role, code in [("member", 200), ("core", 200), ("coordinator", 200), ("admin", 200),
                       ("outsider", 403), ("sponsor", 403)]:  # fmt: skip
        assert (
            clients[role].get(r("value_stories:create", args=["data-protection"])).status_code
            == code
        )
    assert (
        clients["anonymous"].get(r("value_stories:create", args=["data-protection"])).status_code
        == 302
    )


def review(client, story, decision, comment=""):
    return client.post(
        reverse("value_stories:review", args=[story.pk]), {"decision": decision, "comment": comment}
    )


def test_return_resubmit_approve_with_history_and_emails(
    clients, users, make_story, django_capture_on_commit_callbacks
):
    story = make_story(status=Status.SUBMITTED, visibility=Visibility.SPONSORS)
    # Returning needs a comment: errors, nothing written.
    response = review(clients["coordinator"], story, "return")
    assert response.status_code == 200 and "comment" in response.context["form"].errors
    story.refresh_from_db()
    assert story.status == Status.SUBMITTED
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            review(clients["coordinator"], story, "return", "Add the numbers?").status_code == 302
        )
    story.refresh_from_db()
    assert story.status == Status.RETURNED
    assert mail.outbox[-1].to == [users["member"].email]
    assert "Add the numbers?" in mail.outbox[-1].body
    # Returned: the coordinator no longer sees it; the author edits and resubmits.
    assert clients["coordinator"].get(story.get_absolute_url()).status_code == 404
    assert clients["member"].get(reverse("value_stories:edit", args=[story.pk])).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = clients["member"].post(reverse("value_stories:submit", args=[story.pk]))
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.status == Status.SUBMITTED
    # A submitted story is no longer editable by its author (403), nor re-submittable.
    assert clients["member"].get(reverse("value_stories:edit", args=[story.pk])).status_code == 403
    assert (
        clients["member"].post(reverse("value_stories:submit", args=[story.pk])).status_code == 403
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert review(clients["coordinator"], story, "approve").status_code == 302
    story.refresh_from_db()
    assert story.status == Status.APPROVED and story.approved_at
    assert "was approved" in mail.outbox[-1].subject
    history = list(
        story.transitions.values_list("from_status", "to_status", "by__email", "comment")
    )
    assert history == [
        ("submitted", "returned", "coordinator@example.org", "Add the numbers?"),
        ("returned", "submitted", "member@example.org", ""),
        ("submitted", "approved", "coordinator@example.org", ""),
    ]
    page = clients["member"].get(story.get_absolute_url()).content.decode()
    assert "Review history" in page and "Add the numbers?" in page
    # the sponsor reads the story, not its review history
    sponsor_page = clients["sponsor"].get(story.get_absolute_url()).content.decode()
    assert "Add the numbers?" not in sponsor_page
    # the sponsor now sees it on the list
    assert story.title in clients["sponsor"].get(reverse("value_stories:list")).content.decode()


def test_review_permissions(clients, users, make_story):
    story = make_story(status=Status.SUBMITTED)
    url = reverse("value_stories:review", args=[story.pk])
    assert clients["coordinator"].get(url).status_code == 200
    assert clients["admin"].get(url).status_code == 200
    assert clients["member"].get(url).status_code == 403  # the author
    for role in ("core", "outsider", "sponsor"):
        assert clients[role].get(url).status_code == 404
    own = make_story(status=Status.SUBMITTED, author=users["coordinator"])
    own_url = reverse("value_stories:review", args=[own.pk])
    assert clients["coordinator"].get(own_url).status_code == 403  # not their own story
    draft = make_story(status=Status.DRAFT)
    assert clients["admin"].get(reverse("value_stories:review", args=[draft.pk])).status_code == 403


def test_waiting_for_review_lists_only_what_may_be_reviewed(clients, users, community, make_story):
    story = make_story(status=Status.SUBMITTED, title="Numbers that moved")
    make_story(status=Status.SUBMITTED, author=users["coordinator"], title="My own story")
    listed = [
        s.pk for s in clients["coordinator"].get(reverse("value_stories:list")).context["to_review"]
    ]
    assert listed == [story.pk]
    type(community).objects.filter(pk=community.pk).update(stage="closed")
    response = clients["coordinator"].get(reverse("value_stories:list"))
    assert list(response.context["to_review"]) == []  # a closed community is read-only
    review = reverse("value_stories:review", args=[story.pk])
    assert clients["coordinator"].post(review, {"decision": "approve"}).status_code == 403


def test_a_program_admin_cannot_approve_their_own_story(clients, users, community):
    from communities.factories import MembershipFactory

    MembershipFactory(community=community, user=users["admin"])
    story = ValueStoryFactory(community=community, author=users["admin"], status="submitted")
    response = clients["admin"].post(
        reverse("value_stories:review", args=[story.pk]), {"decision": "approve", "comment": "ok"}
    )
    assert response.status_code == 403
    story.refresh_from_db()
    assert story.status == "submitted"


def test_withdraw(clients, users, approved):
    story = approved(visibility=Visibility.PROGRAM)
    url = reverse("value_stories:withdraw", args=[story.pk])
    assert clients["coordinator"].get(url).status_code == 403
    assert clients["outsider"].get(url).status_code == 403  # reads it, may not withdraw it
    assert clients["member"].get(url).status_code == 200
    assert clients["member"].post(url, {"comment": "Sensitive after all"}).status_code == 302
    story.refresh_from_db()
    assert story.status == Status.WITHDRAWN
    assert story.transitions.last().comment == "Sensitive after all"
    assert clients["outsider"].get(story.get_absolute_url()).status_code == 404
    assert clients["member"].get(url).status_code == 403  # already withdrawn


def test_post_only_routes(clients, make_story):
    story = make_story()
    assert (
        clients["member"].get(reverse("value_stories:submit", args=[story.pk])).status_code == 405
    )
    url = reverse("value_stories:autosave", args=["data-protection"])
    assert clients["member"].get(url).status_code == 405


def test_emails_are_claimed_once_per_transition(users, make_story):
    story = make_story(status=Status.SUBMITTED)
    change = StoryTransition.objects.create(
        story=story, from_status="draft", to_status="submitted", by=users["member"]
    )
    assert jobs.send_transition_emails(change.pk) == 1
    assert jobs.send_transition_emails(change.pk) == 0  # a retry, a duplicate delivery
    assert len(mail.outbox) == 1
    assert SentEmail.objects.filter(kind="story_submitted", key=str(change.pk)).count() == 1
    # a later transition of the same kind is a new email
    again = StoryTransition.objects.create(
        story=story, from_status="returned", to_status="submitted", by=users["member"]
    )
    assert jobs.send_transition_emails(again.pk) == 1
    assert jobs.send_transition_emails(999999) == 0


def test_autosave_creates_then_updates_one_draft(clients, users, community):
    url = reverse("value_stories:autosave", args=[community.slug])
    response = clients["member"].post(url, story_data(), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "Draft saved at" in html
    assert "<html" not in html and "<nav" not in html  # a small partial, not a page
    story = ValueStory.objects.get()
    assert story.status == Status.DRAFT and story.author == users["member"]
    assert f'name="story_id" id="story-id" value="{story.pk}" hx-swap-oob="true"' in html
    response = clients["member"].post(
        url,
        {**story_data(title="Better title"), "story_id": story.pk,
         "indicators-INITIAL_FORMS": "0", "indicators-TOTAL_FORMS": "0"},
    )  # fmt: skip
    assert (
        "Draft saved at" in response.content.decode()
        and "hx-swap-oob" not in response.content.decode()
    )
    story.refresh_from_db()
    assert ValueStory.objects.count() == 1 and story.title == "Better title"
    # the final submit of the form updates the same draft
    clients["member"].post(
        create_url(community),
        {**story_data(), "story_id": story.pk, "indicators-TOTAL_FORMS": "0", "action": "submit"},
    )
    story.refresh_from_db()
    assert ValueStory.objects.count() == 1 and story.status == Status.SUBMITTED


def test_autosave_reports_errors_and_respects_ownership(clients, users, community, make_story):
    url = reverse("value_stories:autosave", args=[community.slug])
    response = clients["member"].post(url, story_data(title=""))
    assert "Not saved yet" in response.content.decode() and not ValueStory.objects.exists()
    # someone else's draft id is ignored: a new draft is created instead of overwriting it
    theirs = make_story(author=users["core"], title="Core's draft")
    clients["member"].post(url, {**story_data(title="Mine"), "story_id": theirs.pk})
    theirs.refresh_from_db()
    assert theirs.title == "Core's draft"
    assert ValueStory.objects.filter(author=users["member"], title="Mine").exists()
    # a submitted story is not autosaved over either
    submitted = make_story(status=Status.SUBMITTED, title="Under review")
    clients["member"].post(url, {**story_data(title="Changed"), "story_id": submitted.pk})
    submitted.refresh_from_db()
    assert submitted.title == "Under review"
    assert clients["outsider"].post(url, story_data()).status_code == 403
    assert clients["sponsor"].post(url, story_data()).status_code == 403


def test_the_form_page_autosaves_with_htmx(clients, community):
    html = clients["member"].get(create_url(community)).content.decode()
    assert f'hx-post="{reverse("value_stories:autosave", args=[community.slug])}"' in html
    assert 'data-autosave="30"' in html and 'id="autosave-status"' in html  # static/js/childcop.js


def test_autosave_then_submit_keeps_each_indicator_once(clients, community):
    """The page never learns the ids of indicators an autosave stored; submitting must not
    store them a second time (each indicator was shown twice)."""
    url = reverse("value_stories:autosave", args=[community.slug])
    clients["member"].post(url, story_data(), HTTP_HX_REQUEST="true")
    story = ValueStory.objects.get()
    assert list(story.indicators.values_list("name", flat=True)) == ["Penalties avoided"]
    # the page autosaves again, then submits: same indicators, still without ids
    clients["member"].post(url, {**story_data(), "story_id": story.pk}, HTTP_HX_REQUEST="true")
    clients["member"].post(
        create_url(community), {**story_data(), "story_id": story.pk, "action": "submit"}
    )
    story.refresh_from_db()
    assert story.status == Status.SUBMITTED
    assert list(story.indicators.values_list("name", "after")) == [("Penalties avoided", 40000)]


def test_the_data_migration_removes_stored_copies_only(make_story):
    from django.apps import apps

    from value_stories.models import StoryIndicator

    migration = importlib.import_module("value_stories.migrations.0004_remove_duplicate_indicators")
    twice, other = make_story(title="Twice"), make_story(title="Other")
    for story in (twice, twice, other):
        StoryIndicator.objects.create(story=story, name="Hours saved", unit="h", after=12)
    StoryIndicator.objects.create(story=twice, name="Hours saved", unit="h", after=13)
    migration.remove_copies(apps, None)
    assert list(twice.indicators.values_list("after", flat=True)) == [12, 13]
    assert other.indicators.count() == 1


def test_what_a_story_needs_before_it_is_submitted_is_marked(clients, community):
    import re

    html = clients["member"].get(create_url(community)).content.decode()
    star = r'\s*<span class="text-danger" aria-hidden="true">\*</span>'
    for label in ("What meaningful activity did you take part in?",
                  "What was your experience of it?", "Title"):  # fmt: skip
        assert re.search(re.escape(label) + star, html), label
    assert not re.search(re.escape("Your role") + star, html)  # optional: no star
    assert "need an answer before you submit the story" in html
    form = StoryForm(community=community, step="changed")
    assert form.marks_needed and form.fields["cycles"].needed_to_submit


def test_a_story_is_started_from_the_list_of_stories(clients, community):
    html = clients["member"].get(reverse("value_stories:list")).content.decode()
    assert f'href="{create_url(community)}"' in html
    # someone in no community is told how to start one
    html = clients["outsider"].get(reverse("value_stories:list")).content.decode()
    assert "join a community" in html and 'href="/stories/community/' not in html
