"""The learning room's workflows: the agenda's dot voting, the help-request loop, search.

Voting: each member spreads `votes_per_member` votes over the agenda items of an open
round; the cap is enforced by the database (a conditional UPDATE on the allowance row).

The loop: a help request is asked (open), answered, an answer is marked helpful by the
asker (answered; `helpful_at` set once), and later the asker says how it turned out
(closed). A closed loop can be captured in the shared memory, or told as a value-creation
story (`story_initial`).
"""

from __future__ import annotations

from django.db import connections, transaction
from django.db.models import Case, Count, F, IntegerField, Q, Value, When
from django.utils import timezone

from childcop import aggregates
from communities.choices import (
    AGENDA_WORKFLOW,
    HELP_WORKFLOW,
    AgendaStatus,
    LoopOutcome,
    MemoryKind,
)
from communities.models import (
    AgendaItem,
    Answer,
    HelpRequest,
    SharedMemoryEntry,
    Vote,
    VoteAllowance,
    VotingRound,
)

# --- the agenda's voting ----------------------------------------------------------------
# The items members can still vote on: `AGENDA_WORKFLOW.sources("vote")`.

# "Then status": what is being worked on comes before what is done or parked.
STATUS_RANK = Case(
    When(status=AgendaStatus.PRIORITISED, then=Value(0)),
    When(status=AgendaStatus.BEING_ADDRESSED, then=Value(1)),
    When(status=AgendaStatus.RAISED, then=Value(2)),
    When(status=AgendaStatus.ADDRESSED, then=Value(3)),
    default=Value(4),
    output_field=IntegerField(),
)


class VoteRefused(Exception):
    """A vote that may not be cast or taken back; the message says why."""


def cast_vote(voting_round: VotingRound, item: AgendaItem, voter) -> Vote:
    """Put one of the voter's votes on the item.

    One transaction: the voter's allowance is created on their first vote, then decremented
    with a conditional UPDATE (remaining > 0). Two requests racing for the last vote: the
    database serialises the UPDATEs on the row, and the second one updates nothing.
    """
    with transaction.atomic():
        if not VotingRound.objects.filter(pk=voting_round.pk, closed_at__isnull=True).exists():
            raise VoteRefused("This voting round is closed.")
        if item.community_id != voting_round.community_id or not AGENDA_WORKFLOW.allows(
            item.status, "vote"
        ):
            raise VoteRefused("This challenge is not open for votes.")
        allowance, _ = VoteAllowance.objects.get_or_create(
            round=voting_round, voter=voter, defaults={"remaining": voting_round.votes_per_member}
        )
        taken = VoteAllowance.objects.filter(pk=allowance.pk, remaining__gt=0).update(
            remaining=F("remaining") - 1
        )
        if not taken:
            raise VoteRefused("You have used all your votes in this round.")
        return Vote.objects.create(round=voting_round, item=item, voter=voter)


def withdraw_vote(voting_round: VotingRound, item: AgendaItem, voter) -> None:
    """Take one of the voter's votes on the item back (the round must be open)."""
    with transaction.atomic():
        if not VotingRound.objects.filter(pk=voting_round.pk, closed_at__isnull=True).exists():
            raise VoteRefused("This voting round is closed.")
        vote = (
            Vote.objects.filter(round=voting_round, item=item, voter=voter).order_by("-id").first()
        )
        if vote is None:
            raise VoteRefused("You have no vote on this challenge.")
        deleted, _ = Vote.objects.filter(pk=vote.pk).delete()
        if not deleted:  # a racing request took it back first
            raise VoteRefused("You have no vote on this challenge.")
        VoteAllowance.objects.filter(round=voting_round, voter=voter).update(
            remaining=F("remaining") + 1
        )


def votes_left(voting_round: VotingRound, voter) -> int:
    allowance = VoteAllowance.objects.filter(round=voting_round, voter=voter).first()
    return voting_round.votes_per_member if allowance is None else allowance.remaining


def close_round(voting_round: VotingRound) -> None:
    with transaction.atomic():
        VotingRound.objects.filter(pk=voting_round.pk, closed_at__isnull=True).update(
            closed_at=timezone.now()
        )
        aggregates.invalidate_needs("agenda")  # update(): no signal


def latest_round(community):
    return community.voting_rounds.order_by("-opened_at", "-id").first()


def prioritised_items(community, voting_round):
    """The agenda by priority: votes of the given (latest) round, then status, then newest."""
    votes = (
        Count("votes", filter=Q(votes__round=voting_round))
        if voting_round
        else Value(0, output_field=IntegerField())
    )
    return (
        community.agenda_items.select_related("raised_by")
        .annotate(round_votes=votes, status_rank=STATUS_RANK)
        .order_by("-round_votes", "status_rank", "-created_at", "-id")
    )


def round_items(voting_round, voter):
    """Items of the round's community with their votes in it, and the voter's own votes."""
    mine = Count("votes", filter=Q(votes__round=voting_round, votes__voter_id=voter.pk))
    return (
        voting_round.community.agenda_items.filter(
            Q(status__in=AGENDA_WORKFLOW.sources("vote"))
            | Q(pk__in=Vote.objects.filter(round=voting_round).values("item_id"))
        )
        .annotate(
            round_votes=Count("votes", filter=Q(votes__round=voting_round)),
            my_votes=mine,
        )
        .order_by("-round_votes", "title", "id")
    )


# --- search ---------------------------------------------------------------------------


def search(queryset, text: str, fields: list[str]):
    """Full-text search on PostgreSQL (stemmed, ranked); `icontains` on every word elsewhere."""
    text = (text or "").strip()
    if not text:
        return queryset
    if connections[queryset.db].vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = SearchVector(*fields, config="english")
        query = SearchQuery(text, search_type="websearch", config="english")
        return (
            queryset.annotate(search_vector=vector, search_rank=SearchRank(vector, query))
            .filter(search_vector=query)
            .order_by("-search_rank", *queryset.query.order_by)
        )
    for word in text.split()[:10]:
        match = Q()
        for field in fields:
            match |= Q(**{f"{field}__icontains": word})
        queryset = queryset.filter(match)
    return queryset


# --- the loop -------------------------------------------------------------------------
# Each step is one of `HELP_WORKFLOW`'s: a step the request's status does not allow is
# refused (`LoopRefused`), as the permission rules refuse it.


class LoopRefused(Exception):
    """A step of the loop that the help request's status does not allow."""


def _require(help_request, action: str, message: str) -> None:
    if not HELP_WORKFLOW.allows(help_request.status, action):
        raise LoopRefused(message)


def ask(form, *, community, asker) -> HelpRequest:
    help_request = form.save(commit=False)
    help_request.community = community
    help_request.asker = asker
    help_request.save()
    return help_request


def answer(form, *, help_request, author) -> Answer:
    _require(help_request, "answer", "This loop is closed: it takes no more answers.")
    item = form.save(commit=False)
    item.request = help_request
    item.author = author
    item.save()
    return item


def mark_helpful(help_request, answer_obj, *, now=None) -> bool:
    """Mark the answer helpful; the first time also answers the request. True if it changed."""
    _require(help_request, "mark_helpful", "This loop is closed: its answers stay as they are.")
    now = now or timezone.now()
    with transaction.atomic():
        changed = Answer.objects.filter(pk=answer_obj.pk, helpful=False).update(helpful=True)
        # Conditional update: two clicks at once still set `helpful_at` only once.
        HelpRequest.objects.filter(
            pk=help_request.pk,
            helpful_at__isnull=True,
            status__in=HELP_WORKFLOW.sources("mark_helpful"),
        ).update(helpful_at=now, status=HELP_WORKFLOW.target("mark_helpful"))
        aggregates.invalidate_needs("help")  # update(): no signal
    help_request.refresh_from_db(fields=["helpful_at", "status"])
    answer_obj.helpful = True
    return bool(changed)


def close_loop(form, *, now=None) -> HelpRequest:
    """Save the follow-up (outcome and reflection): the loop is closed."""
    _require(form.instance, "follow_up", "Only an answered request is followed up.")
    help_request = form.save(commit=False)
    help_request.status = HELP_WORKFLOW.target("follow_up")
    help_request.closed_at = now or timezone.now()
    help_request.save(update_fields=["outcome", "reflection", "status", "closed_at"])
    return help_request


# --- shared memory ---------------------------------------------------------------------


def save_memory_entry(form, *, community, author) -> SharedMemoryEntry:
    """Save a shared-memory entry from its form; a new entry records its author."""
    entry = form.save(commit=False)
    entry.community = community
    if entry.pk is None:
        entry.created_by = author
    entry.save()
    return entry


def _quote(text: str) -> str:
    return "\n".join(f"> {line}" if line.strip() else ">" for line in text.strip().splitlines())


def memory_draft(help_request, kind: str, answers) -> dict:
    """Title and Markdown body of a shared-memory entry, prefilled from a closed loop."""
    helpful = [a for a in answers if a.helpful] or list(answers)
    heading = {
        MemoryKind.FAQ: "### The question",
        MemoryKind.SUMMARY: "### The challenge",
        MemoryKind.INSIGHT: "### Where the insight came from",
        MemoryKind.CASE_STORY: "### The case",
        MemoryKind.REFLECTION: "### What we tried",
    }[kind]
    parts = [heading, help_request.challenge.strip()]
    if helpful:
        parts.append("### The advice" if kind != MemoryKind.REFLECTION else "### The advice given")
        for item in helpful:
            who = f"— {item.author}" if item.author else ""
            parts.append(f"{_quote(item.body)}\n\n{who}".strip())
    outcome = LoopOutcome(help_request.outcome).label if help_request.outcome else ""
    parts.append("### How it turned out")
    parts.append(f"**{outcome}.**" if outcome else "")
    if help_request.reflection.strip():
        parts.append(help_request.reflection.strip())
    return {"title": help_request.title[:200], "body": "\n\n".join(p for p in parts if p)}


def capture(help_request, kind: str, *, by) -> tuple[SharedMemoryEntry, bool]:
    """One click: the closed loop becomes a shared-memory entry of `kind` (once per kind)."""
    _require(help_request, "capture", "Only a closed loop is captured.")
    existing = help_request.memory.filter(kind=kind).first()
    if existing:
        return existing, False
    draft = memory_draft(help_request, kind, help_request.answers.select_related("author"))
    entry = SharedMemoryEntry.objects.create(
        community_id=help_request.community_id,
        kind=kind,
        created_by=by,
        help_request=help_request,
        **draft,
    )
    return entry, True


def story_initial(help_request) -> dict:
    """Initial values of a value-creation story told from a closed loop (value_stories)."""
    helpful = [a.body.strip() for a in help_request.answers.all() if a.helpful]
    when = help_request.closed_at or help_request.helpful_at or help_request.created_at
    outcome = LoopOutcome(help_request.outcome).label if help_request.outcome else ""
    return {
        "title": help_request.title[:200],
        "happened_on": timezone.localtime(when).date(),
        "activity_description": (
            f"I asked the community for help: “{help_request.title}”.\n\n"
            f"{help_request.challenge.strip()}"
        ),
        "gained": "\n\n".join(helpful),
        "applied": "\n\n".join(
            p for p in [f"{outcome}." if outcome else "", help_request.reflection.strip()] if p
        ),
    }
