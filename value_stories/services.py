"""Story workflows (each one transaction) and the value matrix (database aggregation only)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Avg, Count, F, Min, Q
from django.utils import timezone

from childcop import charts, permissions

from .choices import CHAIN, STORY_WORKFLOW, Cycle, Narrative, Status, cycle_field
from .models import StoryIndicator, StoryTransition, ValueStory


class StoryError(Exception):
    """A workflow step that is not possible now (shown to the user as a message)."""


# --- workflow -------------------------------------------------------------------------


def _transition(story, to_status, *, by, comment="") -> StoryTransition:
    from . import tasks

    now = timezone.now()
    change = StoryTransition.objects.create(
        story=story, from_status=story.status if story.pk else "", to_status=to_status,
        by=by, at=now, comment=comment,
    )  # fmt: skip
    story.status = to_status
    fields = ["status", "updated_at"]
    if to_status == Status.SUBMITTED:
        story.submitted_at = now
        fields.append("submitted_at")
    if to_status == Status.APPROVED:
        story.approved_at = now
        fields.append("approved_at")
    story.save(update_fields=fields)
    if to_status in (Status.SUBMITTED, Status.RETURNED, Status.APPROVED):
        transaction.on_commit(lambda: tasks.notify_story_transition.delay(change.pk))
    return change


@transaction.atomic
def save_story(form, indicators=None, *, community, author) -> ValueStory:
    """Create or update a draft (or returned story) with its indicators."""
    story = form.save(commit=False)
    created = story.pk is None
    if created:
        story.community = community
        story.author = author
        story.status = STORY_WORKFLOW.initial
    elif not STORY_WORKFLOW.allows(story.status, "edit"):
        raise StoryError("This story is no longer editable.")
    story.save()
    if indicators is not None:
        indicators.instance = story
        indicators.save()
        # The posted indicators are the story's whole set. A form that an autosave saved
        # first still posts its indicators as new rows (the page never learnt their ids),
        # so the rows the form did not name are the earlier copies: they go.
        kept = [
            f.instance.pk
            for f in indicators.forms
            if f.instance.pk and f not in indicators.deleted_forms
        ]
        story.indicators.exclude(pk__in=kept).delete()
    if created:
        StoryTransition.objects.create(
            story=story, from_status="", to_status=STORY_WORKFLOW.initial, by=author
        )
    return story


@transaction.atomic
def submit(story, *, by) -> StoryTransition:
    story = ValueStory.objects.select_for_update().get(pk=story.pk)
    if not STORY_WORKFLOW.allows(story.status, "submit"):
        raise StoryError("Only a draft or a returned story can be submitted.")
    missing = story.missing_for_submission()
    if missing:
        raise StoryError("Before submitting, add " + "; ".join(missing) + ".")
    return _transition(story, STORY_WORKFLOW.target("submit"), by=by)


@transaction.atomic
def review(story, *, by, approve: bool, comment="") -> StoryTransition:
    story = ValueStory.objects.select_for_update().select_related("community").get(pk=story.pk)
    to_status = Status.APPROVED if approve else Status.RETURNED
    # the rule reads the workflow table (a story waiting for review), and the role
    if not permissions.can_review_story(by, story) or not STORY_WORKFLOW.allows(
        story.status, "review", to=to_status
    ):
        raise StoryError("This story is not waiting for your review.")
    if not approve and not comment.strip():
        raise StoryError("A returned story needs a comment.")
    return _transition(story, to_status, by=by, comment=comment)


@transaction.atomic
def withdraw(story, *, by, comment="") -> StoryTransition:
    story = ValueStory.objects.select_for_update().get(pk=story.pk)
    if not STORY_WORKFLOW.allows(story.status, "withdraw"):
        raise StoryError("This story was already withdrawn.")
    return _transition(story, STORY_WORKFLOW.target("withdraw"), by=by, comment=comment)


# --- the value matrix -----------------------------------------------------------------


def _cycle_counts() -> dict:
    return {c.value: Count("id", filter=Q(**{cycle_field(c): True})) for c in Cycle}


def _chain_counts() -> dict:
    linked = Q(activity__isnull=False)
    counts = {"linked": Count("id", filter=linked)}
    for cycle in CHAIN:
        linked &= Q(**{cycle_field(cycle): True})
        counts[f"chain_{cycle}"] = Count("id", filter=linked)
    return counts


def value_matrix(stories, *, per_community=True) -> dict:
    """Counts per cycle, the chain of attribution and indicators of `stories` (approved,
    visible, filtered). Three queries (two without the per-community rows), whatever the
    number of stories: with the rows, the stories are read once, counted per community, and
    the program's counts are their sums."""
    counts = {
        "total": Count("id"),
        "ground": Count("id", filter=Q(narrative=Narrative.GROUND)),
        "aspirational": Count("id", filter=Q(narrative=Narrative.ASPIRATIONAL)),
        **_cycle_counts(),
        **_chain_counts(),
    }
    rows = []
    if per_community:
        # grouped by the community's id alone (a hash aggregate, no sort of every story): its
        # one name and slug taken along as aggregates, the rows sorted by name after
        grouped = list(
            stories.values("community_id")
            .annotate(
                **counts,
                community__name=Min("community__name"),
                community__slug=Min("community__slug"),
            )
            .order_by()
        )
        totals = {key: sum(row[key] for row in grouped) for key in counts}
        for row in grouped:
            row["cycles"] = [row[c.value] for c in Cycle]
        rows = sorted(grouped, key=lambda row: (row["community__name"], row["community_id"]))
    else:
        totals = stories.aggregate(**counts)
    cycles = [{"cycle": c, "label": c.label, "n": totals[c.value]} for c in Cycle]
    chain = [{"label": "Linked to an activity", "n": totals["linked"]}] + [
        {"label": f"… claiming {c.label.lower()}", "n": totals[f"chain_{c}"]} for c in CHAIN
    ]
    indicators = list(
        StoryIndicator.objects.filter(story__in=stories.order_by().values("pk"))
        .values("name", "unit")
        .annotate(
            n=Count("id"),
            stories=Count("story", distinct=True),
            avg_before=Avg("before"),
            avg_after=Avg("after"),
            avg_change=Avg(F("after") - F("before")),
        )
        .order_by("-n", "name", "unit")[:50]
    )
    return {
        "total": totals["total"],
        "ground": totals["ground"],
        "aspirational": totals["aspirational"],
        "cycles": cycles,
        "chain": chain,
        "communities": rows,
        "indicators": indicators,
        "cycle_chart": charts.horizontal_bars(cycles),
        "chain_chart": charts.horizontal_bars(chain),
    }


def stories_by_cycle(community_ids, user, *, sponsored=False) -> dict[int, dict[str, int]]:
    """Approved stories visible to `user`, per community and cycle, in ONE aggregate query.

    {community_id: {"immediate": n, …, "transformative": n, "total": n}} for every id
    given (zeros when none). A story claims several cycles, so "total" counts stories.
    Sponsors (not members) see only the stories their authors opened to sponsors.
    """
    ids = list(community_ids)
    empty = {**{c.value: 0 for c in Cycle}, "total": 0}
    result = {pk: dict(empty) for pk in ids}
    if not ids:
        return result
    # `sponsored`: every community given is one the user sponsors (their dashboard)
    visible = (
        permissions.visible_sponsored_stories_q(user)
        if sponsored
        else permissions.visible_stories_q(user)
    )
    rows = (
        ValueStory.objects.approved()
        .filter(community_id__in=ids)
        .filter(visible)
        .values("community_id")
        .annotate(total=Count("id"), **_cycle_counts())
        .order_by()
    )
    for row in rows:
        result[row.pop("community_id")] = row
    return result


def latest_approved(community, user, limit=5):
    """The community page's "Value created": one query (the viewer's relation to the
    community is known by then: no visibility subqueries)."""
    return list(
        ValueStory.objects.approved()
        .filter(community=community)
        .filter(permissions.visible_community_stories_q(user, community))
        .select_related("author")
        .order_by("-approved_at", "-id")[:limit]
    )
