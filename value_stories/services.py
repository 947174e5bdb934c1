"""Story workflows (each one transaction) and the value matrix (database aggregation only)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Avg, Count, F, Min, Q, Sum
from django.utils import timezone

from childcop import charts, permissions

from .choices import CHAIN, STORY_WORKFLOW, Cycle, Narrative, Status, Visibility, cycle_field
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


def _counts() -> dict:
    return {
        "total": Count("id"),
        "ground": Count("id", filter=Q(narrative=Narrative.GROUND)),
        "aspirational": Count("id", filter=Q(narrative=Narrative.ASPIRATIONAL)),
        **_cycle_counts(),
        **_chain_counts(),
    }


def _assembled(totals: dict, rows: list, indicators: list) -> dict:
    """The matrix as the pages show it, from the counts of the stories and their
    indicators' rows (the 50 most used)."""
    cycles = [{"cycle": c, "label": c.label, "n": totals[c.value]} for c in Cycle]
    chain = [{"label": "Linked to an activity", "n": totals["linked"]}] + [
        {"label": f"… claiming {c.label.lower()}", "n": totals[f"chain_{c}"]} for c in CHAIN
    ]
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


def value_matrix(stories, *, per_community=True) -> dict:
    """Counts per cycle, the chain of attribution and indicators of `stories` (approved,
    visible, filtered). Three queries (two without the per-community rows), whatever the
    number of stories: with the rows, the stories are read once, counted per community, and
    the program's counts are their sums."""
    counts = _counts()
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
    return _assembled(totals, rows, indicators)


# The program's matrix is assembled from one part per community and audience: the
# approved stories a viewer may read of a community are all of them (a member; the social
# learning team), those opened to its sponsors (a sponsor who is not a member), or those
# opened to the program (anyone else, in a community open to all): permissions.
# visible_stories_q's rule, community by community.
AUDIENCES = {
    "all": None,
    "sponsors": [Visibility.SPONSORS],
    "program": [Visibility.PROGRAM, Visibility.SPONSORS],
}


def audiences(user) -> dict[int, str]:
    """{community id: audience} of the communities whose approved stories `user` may read
    (three queries; one for the social learning team). Their own approved stories are
    theirs to read wherever they are: `own_story_uncovered`."""
    from communities.choices import Stage
    from communities.models import Community, Membership

    if permissions.is_program_admin(user):
        return dict.fromkeys(Community.objects.values_list("pk", flat=True), "all")
    open_to_all = Community.objects.filter(is_open=True).exclude(stage=Stage.POTENTIAL)
    result = dict.fromkeys(open_to_all.values_list("pk", flat=True), "program")
    sponsored = Community.objects.filter(permissions.sponsored_communities_q(user))
    result.update(dict.fromkeys(sponsored.values_list("pk", flat=True), "sponsors"))
    mine = Membership.objects.filter(user_id=user.pk).values_list("community_id", flat=True)
    result.update(dict.fromkeys(mine, "all"))
    return result


def portfolio_stories(ids, user, *, current: dict) -> dict[int, dict[str, int]] | None:
    """`stories_by_cycle(ids, user, sponsored=True)` for a sponsor's portfolio `ids`, from
    the value matrix's parts (kept per community, and computed again by the request that
    writes: childcop.warming): all the approved stories of the communities the sponsor is a
    member of, those open to sponsors of the others. None when one of their own approved
    stories there is not open to sponsors (then ask `stories_by_cycle`). Which they are is
    kept under the generations of "stories" (who may read what) and of the portfolio's
    communities (their approved stories). `current`: the tokens of both."""
    from childcop import aggregates, parts
    from communities.models import Membership

    def which():
        member_of = set(
            Membership.objects.filter(user_id=user.pk, community_id__in=ids).values_list(
                "community_id", flat=True
            )
        )
        if (
            ValueStory.objects.approved()
            .filter(author_id=user.pk, community_id__in=[pk for pk in ids if pk not in member_of])
            .exclude(visibility__in=AUDIENCES["sponsors"])
            .exists()
        ):
            return None
        return {pk: "all" if pk in member_of else "sponsors" for pk in ids}

    generations = aggregates.fragment_key([current[f"community:{pk}"] for pk in ids])
    variants = aggregates.cached(
        "stories", f"portfolio:{user.pk}:{generations}", which, current=current["stories"]
    )
    if variants is None:
        return None
    found = parts.parts_of("matrix", variants, MatrixParts, current=current)
    names = [c.value for c in Cycle] + ["total"]
    at = [3 + PART_COUNTS.index(name) for name in names]
    result = {}
    for pk in ids:
        row = found[pk][0]
        counts = [0] * len(names) if row is None else [row[i] for i in at]
        result[pk] = dict(zip(names, counts, strict=True))
    return result


def warm_matrix(ids) -> None:
    """After a write to a few communities (childcop.warming): their parts of the value
    matrix for every audience, and the social learning team's matrix with them."""
    from childcop import aggregates, parts
    from communities.models import Community

    parts.warm_parts("matrix", ids, list(AUDIENCES), MatrixParts)
    every = dict.fromkeys(Community.objects.values_list("pk", flat=True), "all")
    parts.cached_parts(
        "matrix", every, MatrixParts, current=aggregates.token(aggregates.COMMUNITIES)
    )


def own_story_uncovered(user, audiences: dict) -> bool:
    """Whether one of `user`'s own approved stories is not in their `audiences` (written in
    a community they have since left, say): their matrix is computed whole then. One query,
    none for the social learning team (every story is theirs to read)."""
    if permissions.is_program_admin(user):
        return False
    for community_id, visibility in (
        ValueStory.objects.approved()
        .filter(author_id=user.pk)
        .values_list("community_id", "visibility")
    ):
        audience = audiences.get(community_id)
        if audience is None or (AUDIENCES[audience] and visibility not in AUDIENCES[audience]):
            return True
    return False


# The counts of a part's row, in this order (a tuple: parts are kept in the cache by the
# hundred, and read back after every write).
PART_COUNTS = tuple(_counts())


def matrix_parts(audience: str, ids) -> dict:
    """{community id: its part of the matrix}, for the audience: (its row — (id, name,
    slug, counts in PART_COUNTS' order), None without a story —, its indicators — (name,
    unit, count, stories, sum and count of before, of after, of the change)). Two
    queries, for any number of ids."""
    stories = ValueStory.objects.approved().filter(community_id__in=ids)
    if AUDIENCES[audience]:
        stories = stories.filter(visibility__in=AUDIENCES[audience])
    rows = {
        row[0]: row
        for row in stories.values("community_id")
        .annotate(
            **_counts(), community__name=Min("community__name"),
            community__slug=Min("community__slug"),
        )
        .values_list("community_id", "community__name", "community__slug", *PART_COUNTS)
        .order_by()
    }  # fmt: skip
    indicators = {pk: [] for pk in ids}
    change = F("after") - F("before")
    for community_id, *sums in (
        StoryIndicator.objects.filter(story__in=stories.order_by().values("pk"))
        .values_list("story__community_id", "name", "unit")
        .annotate(
            n=Count("id"), stories=Count("story", distinct=True),
            sum_before=Sum("before"), n_before=Count("before"),
            sum_after=Sum("after"), n_after=Count("after"),
            sum_change=Sum(change), n_change=Count(change),
        )
        .order_by()
    ):  # fmt: skip
        indicators[community_id].append(tuple(sums))
    return {pk: (rows.get(pk), tuple(indicators[pk])) for pk in ids}


def row(found) -> dict:
    """A row of the matrix's per-community table as the template reads it: a row of
    `value_matrix` as it is, a row of an assembled matrix ((id, name, slug, counts in
    PART_COUNTS' order): `MatrixParts`) as such a dict."""
    if isinstance(found, dict):
        return found
    pk, name, slug, *counts = found
    result = dict(zip(PART_COUNTS, counts, strict=True))
    result.update(community_id=pk, community__name=name, community__slug=slug)
    result["cycles"] = [result[c.value] for c in Cycle]
    return result


def _average(total, n):
    return None if not n else total / n


class MatrixParts:
    """The program's matrix assembled from a part per community (childcop.parts.
    cached_parts): `matrix_parts`, a sum of them that parts are added to or taken away
    from (the rows by community, the counts, the indicators' sums and counts), and the
    matrix of a sum."""

    compute = staticmethod(matrix_parts)

    @staticmethod
    def start() -> dict:
        return {"rows": {}, "counts": [0] * len(PART_COUNTS), "indicators": {}}

    @staticmethod
    def add(total: dict, part, sign: int) -> None:
        row, indicators = part
        if row is not None:
            if sign > 0:
                total["rows"][row[0]] = row
            else:
                total["rows"].pop(row[0], None)
            total["counts"] = [a + sign * b for a, b in zip(total["counts"], row[3:], strict=True)]
        for name, unit, *values in indicators:
            sums = total["indicators"].setdefault((name, unit), [0] * len(values))
            for i, value in enumerate(values):
                sums[i] += sign * (value or 0)
            if not sums[0]:  # no indicator of that name and unit left
                del total["indicators"][(name, unit)]

    @staticmethod
    def finish(total: dict) -> dict:
        # the rows as tuples, sorted by name: the page draws 25 of them (`row`)
        rows = sorted(total["rows"].values(), key=lambda row: (row[1], row[0]))
        indicators = [
            {
                "name": name, "unit": unit, "n": n, "stories": stories,
                "avg_before": _average(sum_before, n_before),
                "avg_after": _average(sum_after, n_after),
                "avg_change": _average(sum_change, n_change),
            }
            for (name, unit), (n, stories, sum_before, n_before, sum_after, n_after,
                               sum_change, n_change) in total["indicators"].items()
        ]  # fmt: skip
        indicators.sort(key=lambda i: (-i["n"], i["name"], i["unit"]))
        return _assembled(dict(zip(PART_COUNTS, total["counts"], strict=True)), rows,
                          indicators[:50])  # fmt: skip


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
