"""The sponsor dashboard: every sponsored community on one page, in pictures and numbers.

All figures come from a fixed number of queries, whatever the portfolio's size; each
community's figures are cached until its data changes (communities.summary). Each card is
drawn by `sponsorship/_card.html`; the rendered cards are cached under their figures'
generations and a digest of what they show besides (`fragment_key`): the next session,
the commitments due, the stories the viewer may read, the agreement review's lateness.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from childcop import aggregates, charts, permissions
from childcop.utils import paginate
from communities import summary as community_summary
from communities.choices import Stage
from communities.health.choices import Flag
from communities.models import Community
from value_stories.choices import Cycle
from value_stories.services import portfolio_stories, stories_by_cycle

from ..choices import CaseStatus

LEVELS = charts.LEVELS
# The pictures' sizes (childcop.charts): a card's bars and the portfolio's.
LEVEL_BAR = {"width": 240, "height": 16}
# Cards per page: the summary covers the whole portfolio, the cards one page of it, so a
# page costs the same whatever the portfolio's size.
PAGE_SIZE = 8


def portfolio(communities, *, user, now=None, page_number=None, per_page=None, sponsored=False):
    """The dashboard's data for a queryset of communities: a fixed number of queries.

    What does not depend on the viewer comes from each community's cached card
    (communities.summary: recomputed after any write to the community's data), what moves
    with time or the viewer live: the next sessions, the commitments due, the stories the
    viewer may read. The summary covers every community; with `per_page`, the cards only
    the page `page_number` of them (`page` in the result)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    rows = list(
        communities.only("pk", "name", "slug", "domain", "stage", "is_open")
        .annotate(health_flags=F("health_status__flags"))  # the same query: a join
        .order_by("name")
    )
    ids = [c.pk for c in rows]
    current = aggregates.tokens(
        [*(f"community:{pk}" for pk in ids), *community_summary.CARD_ALSO, "stories"]
    )
    data = community_summary.cards(ids, now=now, current=current)  # no query when cached
    months = community_summary.months(now)[1]
    stories = (sponsored and portfolio_stories(ids, user, current=current)) or stories_by_cycle(
        ids, user, sponsored=sponsored
    )

    totals = dict.fromkeys([key for key, _ in LEVELS], 0)
    summary = {"planned": 0, "held": 0, "inwards": 0, "outwards": 0, "endorsed": 0, "stories": 0}
    for community in rows:
        card = data[community.pk]
        for key, _ in LEVELS:
            totals[key] += card["levels"].get(key, 0)
        summary["planned"] += card["planned"]
        summary["held"] += card["held"]
        summary["inwards"] += card["moved"]["inwards"]
        summary["outwards"] += card["moved"]["outwards"]
        summary["endorsed"] += card["case_status"] == CaseStatus.ENDORSED
        summary["stories"] += stories[community.pk]["total"]

    page = Paginator(rows, per_page).get_page(page_number) if per_page else None
    shown = list(page.object_list) if page else rows
    shown_ids = [c.pk for c in shown]
    upcoming = community_summary.next_sessions(shown_ids, now=now)
    due_by = today + timedelta(days=community_summary.COMMITMENTS_DAYS)
    cycle_labels = dict(Cycle.choices)
    cards = []
    for community in shown:
        card = data[community.pk]
        review_date = card["review_date"]
        held, planned = card["held"], card["planned"]
        cards.append(
            {
                "community": community,
                "levels": charts.level_bar(card["levels"], **LEVEL_BAR),
                "member_total": sum(card["levels"].values()),
                "planned": planned,
                "held": held,
                "last": card["last"],
                "next": upcoming.get(community.pk),
                "heartbeat": charts.session_bars(card["months"], months=months),
                "heartbeat_label": f"Sessions held {held} of {planned} planned "
                "in the last 12 months",
                "months": months,
                "moved": card["moved"],
                "case_status": card["case_status"],
                "case_label": CaseStatus(card["case_status"]).label
                if card["case_status"]
                else "Not started",
                "case_number": card["case_number"],
                "review_date": review_date,
                "review_overdue": bool(review_date and review_date < today),
                "commitments": [
                    {**commitment, "overdue": commitment["due"] < today}
                    for commitment in card["commitments"]
                    if commitment["due"] <= due_by
                ],
                "flags": [
                    Flag(key).label
                    for key in (community.health_flags or "").split()
                    if key in Flag.values
                ],
                "stories": stories[community.pk]["total"],
                # retention of last quarter's active members and the departments it
                # connects (communities.landscape.jobs, nightly)
                "landscape": card["landscape"],
                "retention_url": reverse("communities:retention", args=[community.slug]),
                "cycles": [
                    (cycle_labels[cycle], n)
                    for cycle, n in stories[community.pk].items()
                    if cycle != "total" and n
                ],
            }
        )
    for card in cards:
        card["fragment_key"] = fragment_key(card, data[card["community"].pk]["key"])
    summary["members"] = charts.level_bar(totals, **LEVEL_BAR)
    summary["member_total"] = sum(totals.values())
    summary["communities"] = len(rows)
    return {
        "cards": cards,
        # the rendered cards are cached under this: what every card shows, in order
        "cards_key": aggregates.fragment_key([card["fragment_key"] for card in cards]),
        "summary": summary,
        "page": page,
    }


def fragment_key(card, generation) -> str:
    """The key of a rendered card (sponsorship/_card.html, included with only the card):
    its figures' generation (`generation`, their cache key: what the cached figures show)
    and a digest of the rest it shows — the community's name, address, domain, stage and
    openness (members-only: the name links to the sponsor's page, not the community's),
    the next session, the review's lateness, the commitments due, the stories the viewer
    may read and the landscape's figures (retention, departments)."""
    c = card["community"]
    return generation + ":" + aggregates.fragment_key(
        c.pk, c.name, c.slug, c.domain, c.stage, c.is_open, card["next"], card["review_overdue"],
        card["commitments"], card["stories"], card["cycles"], card["flags"], card["landscape"],
    )  # fmt: skip


@require_GET
def dashboard(request):
    """Every community the signed-in sponsor sponsors; the whole program for the team."""
    user = request.user
    if permissions.is_program_admin(user):
        # The whole program: a page of communities at a time (the summary is the page's).
        page = paginate(
            request, Community.objects.exclude(stage=Stage.CLOSED).order_by("name"), PAGE_SIZE
        )
        communities = Community.objects.filter(pk__in=[c.pk for c in page.object_list])
        context = {"heading": "All communities (program view)", **portfolio(communities, user=user)}
        context["page"] = page
    elif permissions.is_sponsor(user):
        # The whole portfolio in the summary, a page of it in cards.
        communities = Community.objects.filter(permissions.sponsored_communities_q(user))
        data = portfolio(
            communities,
            user=user,
            page_number=request.GET.get("page"),
            per_page=PAGE_SIZE,
            sponsored=True,  # every one of them: the stories' visibility rule is simpler
        )
        context = {"heading": "Your communities", **data}
    else:
        raise PermissionDenied
    return render(request, "sponsorship/dashboard.html", context)


@require_GET
def community_dashboard(request, slug):
    """One sponsored community's card, full width; 404 for a community one does not sponsor."""
    community = Community.objects.filter(slug=slug).first()
    if community is None or not permissions.can_view_sponsor_dashboard(request.user, community):
        raise Http404("No such community.")
    data = portfolio(Community.objects.filter(pk=community.pk), user=request.user)
    context = {"heading": community.name, "community": community, **data}
    return render(request, "sponsorship/dashboard.html", context)
