"""The learning agenda: challenges raised by members, dot voting on them, their status.

Views, the voting service (the vote cap is enforced by the database) and the demo seed.
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Case, Count, F, IntegerField, Q, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from childcop import permissions
from childcop.permissions import get_community_for_user
from childcop.utils import paginate, posted, querystring_without

from .agenda_forms import AgendaFilter, AgendaItemForm, AgendaStatusForm, VotingRoundForm
from .choices import AgendaStatus
from .models import AgendaItem, Vote, VoteAllowance, VotingRound
from .views import confirm_page

# Items members can still vote on.
VOTABLE = [AgendaStatus.RAISED, AgendaStatus.PRIORITISED, AgendaStatus.BEING_ADDRESSED]

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


# --- the voting service -------------------------------------------------------------


def cast_vote(voting_round: VotingRound, item: AgendaItem, voter) -> Vote:
    """Put one of the voter's votes on the item.

    One transaction: the voter's allowance is created on their first vote, then decremented
    with a conditional UPDATE (remaining > 0). Two requests racing for the last vote: the
    database serialises the UPDATEs on the row, and the second one updates nothing.
    """
    with transaction.atomic():
        if not VotingRound.objects.filter(pk=voting_round.pk, closed_at__isnull=True).exists():
            raise VoteRefused("This voting round is closed.")
        if item.community_id != voting_round.community_id or item.status not in VOTABLE:
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
    VotingRound.objects.filter(pk=voting_round.pk, closed_at__isnull=True).update(
        closed_at=timezone.now()
    )


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
            Q(status__in=VOTABLE)
            | Q(pk__in=Vote.objects.filter(round=voting_round).values("item_id"))
        )
        .annotate(
            round_votes=Count("votes", filter=Q(votes__round=voting_round)),
            my_votes=mine,
        )
        .order_by("-round_votes", "title", "id")
    )


# --- views --------------------------------------------------------------------------


def agenda(request, slug):
    """The current agenda, by priority."""
    community = get_community_for_user(request.user, slug)
    current = latest_round(community)
    filterset = AgendaFilter(request.GET, queryset=prioritised_items(community, current))
    can = permissions.agenda_flags(request.user, community)
    context = {
        "community": community,
        "can": can,
        "round": current,
        "filter": filterset,
        "page": paginate(request, filterset.qs),
        "querystring": querystring_without(request, "page"),
    }
    template = "communities/agenda_list_partial.html" if request.htmx else "communities/agenda.html"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
def agenda_create(request, slug):
    community = get_community_for_user(
        request.user, slug, require=permissions.can_raise_agenda_item
    )
    form = AgendaItemForm(posted(request))
    if request.method == "POST" and form.is_valid():
        item = form.save(commit=False)
        item.community = community
        item.raised_by = request.user
        item.save()
        messages.success(request, f"The challenge “{item.title}” is on the agenda.")
        return redirect("communities:agenda_detail", slug=community.slug, pk=item.pk)
    return render(
        request,
        "communities/agenda_form.html",
        {"form": form, "community": community, "title": "Raise a challenge"},
    )


def _item(community, pk):
    return get_object_or_404(community.agenda_items.select_related("raised_by"), pk=pk)


def agenda_detail(request, slug, pk):
    community = get_community_for_user(request.user, slug)
    item = _item(community, pk)
    context = {
        "community": community,
        "item": item,
        "can": permissions.agenda_flags(request.user, community),
        "can_edit": permissions.can_edit_agenda_item(request.user, item),
        "activities": item.activities.order_by("-date"),
        "groups": item.practice_groups.all(),
        "rounds": community.voting_rounds.annotate(
            item_votes=Count("votes", filter=Q(votes__item=item))
        ).order_by("-opened_at"),
    }
    return render(request, "communities/agenda_detail.html", context)


@require_http_methods(["GET", "POST"])
def agenda_edit(request, slug, pk):
    community = get_community_for_user(request.user, slug)
    item = _item(community, pk)
    if not permissions.can_edit_agenda_item(request.user, item):
        raise PermissionDenied
    form = AgendaItemForm(posted(request), instance=item)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "The challenge was saved.")
        return redirect("communities:agenda_detail", slug=community.slug, pk=item.pk)
    return render(
        request,
        "communities/agenda_form.html",
        {"form": form, "community": community, "item": item, "title": "Edit the challenge"},
    )


@require_http_methods(["GET", "POST"])
def agenda_status(request, slug, pk):
    community = get_community_for_user(request.user, slug, require=permissions.can_steer_agenda)
    item = _item(community, pk)
    form = AgendaStatusForm(posted(request), instance=item, community=community)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
        messages.success(request, f"“{item.title}” is now {item.get_status_display().lower()}.")
        return redirect("communities:agenda_detail", slug=community.slug, pk=item.pk)
    return render(
        request,
        "communities/agenda_form.html",
        {"form": form, "community": community, "item": item, "title": "Move on the agenda"},
    )


@require_http_methods(["GET", "POST"])
def round_open(request, slug):
    community = get_community_for_user(request.user, slug, require=permissions.can_steer_agenda)
    form = VotingRoundForm(posted(request), community=community)
    if request.method == "POST" and form.is_valid():
        voting_round = form.save(commit=False)
        voting_round.community = community
        voting_round.opened_by = request.user
        voting_round.save()
        messages.success(request, "The voting round is open: members can spread their votes.")
        return redirect("communities:agenda_round", slug=community.slug, pk=voting_round.pk)
    return render(
        request,
        "communities/agenda_form.html",
        {"form": form, "community": community, "title": "Open a voting round"},
    )


@require_http_methods(["GET", "POST"])
def round_close(request, slug, pk):
    community = get_community_for_user(request.user, slug, require=permissions.can_steer_agenda)
    voting_round = get_object_or_404(community.voting_rounds, pk=pk)
    if request.method == "POST":
        close_round(voting_round)
        messages.success(request, "The voting round is closed; its results stand.")
        return redirect("communities:agenda_round", slug=community.slug, pk=voting_round.pk)
    return confirm_page(
        request,
        community,
        title=f"Close the voting round “{voting_round.title}”?",
        question="Members can no longer vote or take votes back; the results order the agenda.",
        action_label="Close the round",
    )


def _round_context(request, community, voting_round, **extra):
    can = permissions.agenda_flags(request.user, community)
    items = list(round_items(voting_round, request.user))
    total = sum(i.round_votes for i in items)
    top = max([i.round_votes for i in items] + [1])
    for i in items:
        i.bar = round(100 * i.round_votes / top)
    return {
        "community": community,
        "round": voting_round,
        "items": items,
        "total_votes": total,
        "voters": voting_round.votes.values("voter").distinct().count(),
        "can": can,
        "can_vote": can["vote"] and voting_round.is_open,
        "left": votes_left(voting_round, request.user) if can["vote"] else 0,
        **extra,
    }


def round_detail(request, slug, pk):
    community = get_community_for_user(request.user, slug)
    voting_round = get_object_or_404(community.voting_rounds, pk=pk)
    context = _round_context(request, community, voting_round)
    return render(request, "communities/agenda_round.html", context)


def round_results(request, slug, pk):
    """The live results (polled by htmx every 5 seconds while the round is open)."""
    community = get_community_for_user(request.user, slug)
    voting_round = get_object_or_404(community.voting_rounds, pk=pk)
    context = _round_context(request, community, voting_round)
    return render(request, "communities/agenda_results_partial.html", context)


@require_POST
def vote(request, slug, pk):
    """Add (action=add) or take back (action=remove) one vote on an item."""
    community = get_community_for_user(request.user, slug, require=permissions.can_vote)
    voting_round = get_object_or_404(community.voting_rounds, pk=pk)
    item_id = request.POST.get("item", "")
    valid_id = re.fullmatch(r"[1-9][0-9]{0,17}", item_id)
    item = community.agenda_items.filter(pk=item_id).first() if valid_id else None
    error = None
    if item is None:
        error = "Choose a challenge of this community."
    else:
        try:
            if request.POST.get("action") == "remove":
                withdraw_vote(voting_round, item, request.user)
            else:
                cast_vote(voting_round, item, request.user)
        except VoteRefused as refused:
            error = str(refused)
    voting_round.refresh_from_db()
    if request.htmx:
        context = _round_context(request, community, voting_round, error=error)
        return render(request, "communities/agenda_ballot_partial.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, "Your vote was recorded.")
    return redirect("communities:agenda_round", slug=community.slug, pk=voting_round.pk)


# --- demo ---------------------------------------------------------------------------

DEMO_CHALLENGES = [
    ("Consent forms nobody reads", "Members of staff sign without reading.", "HR advisers"),
    ("Legacy data in shared drives", "Old files with personal data nobody owns.", "IT teams"),
    ("Vendors who will not sign a DPA", "Small suppliers refuse our template.", "buyers"),
    ("Subject access requests at scale", "Requests take weeks to answer.", "the service desk"),
    ("Privacy by design in agile teams", "Sprints leave no room for a DPIA.", "product owners"),
    ("Training that sticks", "Yearly e-learning is clicked through.", "team leads"),
    ("Cross-border transfers after Schrems II", "Which tools may we still use?", "architects"),
]


def seed_demo(rng, now) -> None:
    """Agenda items in every status, a closed and an open voting round with votes, per
    community past its potential stage. Called by practice_groups.demo.seed."""
    from .choices import Stage
    from .models import Community

    for community in Community.objects.exclude(stage=Stage.POTENTIAL).order_by("pk"):
        members = [m.user for m in community.memberships.select_related("user")]
        if len(members) < 4:
            continue
        coordinator = next(
            (m.user for m in community.memberships.filter(is_coordinator=True)), members[0]
        )
        chosen = rng.sample(DEMO_CHALLENGES, 6)
        items = [
            AgendaItem.objects.create(
                community=community,
                title=title,
                description=f"{text}\n\n*Seen this month.*",
                faced_by=who,
                raised_by=rng.choice(members),
                created_at=now - timedelta(days=rng.randint(100, 200)),
            )  # fmt: skip
            for title, text, who in chosen
        ]
        closed = VotingRound.objects.create(
            community=community, title="Launch workshop: which challenges first?",
            opened_by=coordinator, opened_at=now - timedelta(days=90),
            closed_at=now - timedelta(days=83),
        )  # fmt: skip
        _demo_votes(rng, closed, items, members[:20], now - timedelta(days=88))
        statuses = [
            (AgendaStatus.PRIORITISED, "Top of the launch workshop's vote."),
            (AgendaStatus.BEING_ADDRESSED, "Taken up by a practice group and a case clinic."),
            (AgendaStatus.ADDRESSED, "A checklist was published in the shared memory."),
            (AgendaStatus.PARKED, "Waiting for the new policy; we come back to it in spring."),
            (AgendaStatus.RAISED, ""),
        ]
        for item, (status, note) in zip(items, statuses, strict=False):
            item.status, item.status_note = status, note
            item.save(update_fields=["status", "status_note"])
        activities = list(community.activities.order_by("-date")[:2])
        if activities:
            items[1].activities.set(activities)
        current = VotingRound.objects.create(
            community=community, title="This quarter: what is most pressing now?",
            opened_by=coordinator, opened_at=now - timedelta(days=3),
        )  # fmt: skip
        votable = [i for i in items if i.status in VOTABLE]
        _demo_votes(rng, current, votable, members[:8], now - timedelta(days=2))


def _demo_votes(rng, voting_round, items, voters, when):
    for voter in voters:
        used = rng.randint(1, voting_round.votes_per_member)
        Vote.objects.bulk_create(
            Vote(round=voting_round, item=rng.choice(items), voter=voter, created_at=when)
            for _ in range(used)
        )
        VoteAllowance.objects.create(
            round=voting_round, voter=voter, remaining=voting_round.votes_per_member - used
        )
