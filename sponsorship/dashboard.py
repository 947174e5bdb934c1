"""The sponsor dashboard: every sponsored community on one page, in pictures and numbers.

All figures come from a fixed number of aggregate queries, whatever the portfolio's size.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, FilteredRelation, Max, Min, OuterRef, Q, Subquery
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from childcop import permissions
from childcop.utils import paginate
from communities.choices import Level, SessionStatus, Stage
from communities.models import Community, LevelChange, Membership, Session
from value_stories.choices import Cycle
from value_stories.services import stories_by_cycle

from .choices import CaseStatus, CommitmentStatus
from .models import BusinessCaseVersion, Commitment

LEVELS = [("coordinator", "Coordinator"), *Level.choices]
LEVEL_COLOURS = {
    "coordinator": "#0b2545",
    Level.CORE: "#1f3b63",
    Level.ACTIVE: "#3e6fb0",
    Level.OCCASIONAL: "#7fa6d8",
    Level.PERIPHERAL: "#b9cfe9",
    Level.TRANSACTIONAL: "#e3ebf5",
}
INWARD_ORDER = [Level.CORE, Level.ACTIVE, Level.OCCASIONAL, Level.PERIPHERAL, Level.TRANSACTIONAL]


def _months(now, count=12):
    tz = timezone.get_current_timezone()
    first = timezone.localtime(now, tz).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    for _ in range(count - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    months, cursor = [], first
    for _ in range(count):
        months.append(cursor.date())
        cursor = (cursor + timedelta(days=32)).replace(day=1)
    return first, months


# Cards per page: the summary covers the whole portfolio, the cards one page of it, so a
# page costs the same whatever the portfolio's size.
PAGE_SIZE = 12


def portfolio(communities, *, user, now=None, page_number=None, per_page=None):
    """The dashboard's data for a queryset of communities: a fixed number of queries.

    The summary covers every community; with `per_page`, the cards only the page
    `page_number` of them (`page` in the result)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    # What the sponsor has been shown: the latest version past its draft.
    latest_case = (
        BusinessCaseVersion.objects.filter(community=OuterRef("pk"))
        .exclude(status=CaseStatus.DRAFT)
        .order_by("-number")
    )
    rows = list(
        communities.annotate(
            case_status=Subquery(latest_case.values("status")[:1]),
            case_number=Subquery(latest_case.values("number")[:1]),
        )
        .select_related("agreement")
        .order_by("name")
    )
    ids = [c.pk for c in rows]
    first, months = _months(now)

    levels = {}
    for community_id, level, is_coordinator, n in (
        Membership.objects.filter(community_id__in=ids)
        .values_list("community_id", "level", "is_coordinator")
        .annotate(n=Count("id"))
        .order_by()
    ):
        key = "coordinator" if is_coordinator else level
        levels.setdefault(community_id, {}).setdefault(key, 0)
        levels[community_id][key] += n

    # "Held": an activity was logged for the session. The join is to these communities'
    # activities only (their index), not to the program's: the cost stays the portfolio's.
    def logged():
        return FilteredRelation("activity", condition=Q(activity__community_id__in=ids))

    held_q = Q(logged__isnull=False)
    rhythm = {
        r["community_id"]: r
        for r in Session.objects.filter(community_id__in=ids)
        .exclude(status=SessionStatus.CANCELLED)
        .annotate(logged=logged())
        .values("community_id")
        .annotate(
            planned=Count("id", filter=Q(starts_at__gte=first, starts_at__lte=now)),
            held=Count("id", filter=Q(starts_at__gte=first, starts_at__lte=now) & held_q),
            last=Max("starts_at", filter=Q(starts_at__lte=now) & held_q),
            next=Min("starts_at", filter=Q(starts_at__gt=now)),
        )
        .order_by()
    }
    monthly = {}
    for community_id, month, planned, held in (
        Session.objects.filter(community_id__in=ids, starts_at__gte=first, starts_at__lte=now)
        .exclude(status=SessionStatus.CANCELLED)
        .annotate(logged=logged())
        .annotate(month=TruncMonth("starts_at", tzinfo=timezone.get_current_timezone()))
        .values_list("community_id", "month")
        .annotate(planned=Count("id"), held=Count("id", filter=held_q))
        .order_by()
    ):
        key = month.date() if hasattr(month, "date") else month
        monthly[(community_id, key)] = (planned, held)

    movement = {}
    for community_id, from_level, to_level, n in (
        LevelChange.objects.filter(community_id__in=ids, changed_at__gte=now - timedelta(days=90))
        .exclude(from_level="")
        .values_list("community_id", "from_level", "to_level")
        .annotate(n=Count("id"))
        .order_by()
    ):
        if from_level in INWARD_ORDER and to_level in INWARD_ORDER:
            inwards = INWARD_ORDER.index(to_level) < INWARD_ORDER.index(from_level)
            bucket = movement.setdefault(community_id, {"inwards": 0, "outwards": 0})
            bucket["inwards" if inwards else "outwards"] += n

    commitments = {}
    for commitment in (
        Commitment.objects.filter(
            agreement__community_id__in=ids,
            status=CommitmentStatus.OPEN,
            due__lte=today + timedelta(days=30),
        )
        .select_related("owner", "agreement")
        .order_by("due")
    ):
        commitments.setdefault(commitment.agreement.community_id, []).append(commitment)

    stories = stories_by_cycle(ids, user)
    cycle_labels = dict(Cycle.choices)

    totals = dict.fromkeys([key for key, _ in LEVELS], 0)
    summary = {"planned": 0, "held": 0, "inwards": 0, "outwards": 0, "endorsed": 0, "stories": 0}
    for community in rows:
        counts = levels.get(community.pk, {})
        for key, _ in LEVELS:
            totals[key] += counts.get(key, 0)
        r = rhythm.get(community.pk, {})
        moved = movement.get(community.pk, {"inwards": 0, "outwards": 0})
        summary["planned"] += r.get("planned", 0)
        summary["held"] += r.get("held", 0)
        summary["inwards"] += moved["inwards"]
        summary["outwards"] += moved["outwards"]
        summary["endorsed"] += community.case_status == CaseStatus.ENDORSED
        summary["stories"] += stories[community.pk]["total"]

    page = Paginator(rows, per_page).get_page(page_number) if per_page else None
    cards = []
    for community in page.object_list if page else rows:
        counts = levels.get(community.pk, {})
        r = rhythm.get(community.pk, {})
        moved = movement.get(community.pk, {"inwards": 0, "outwards": 0})
        agreement = getattr(community, "agreement", None)
        cards.append(
            {
                "community": community,
                "levels": level_bar(counts),
                "member_total": sum(counts.values()),
                "planned": r.get("planned", 0),
                "held": r.get("held", 0),
                "last": r.get("last"),
                "next": r.get("next"),
                "heartbeat": sparkline(
                    [monthly.get((community.pk, m), (0, 0)) for m in months],
                    label=f"Sessions held {r.get('held', 0)} of {r.get('planned', 0)} planned "
                    "in the last 12 months",
                ),
                "months": months,
                "moved": moved,
                "case_status": community.case_status,
                "case_label": CaseStatus(community.case_status).label
                if community.case_status
                else "Not started",
                "case_number": community.case_number,
                "review_date": agreement.review_date if agreement else None,
                "review_overdue": bool(agreement and agreement.review_date < today),
                "commitments": commitments.get(community.pk, []),
                "stories": stories[community.pk]["total"],
                "cycles": [
                    (cycle_labels[cycle], n)
                    for cycle, n in stories[community.pk].items()
                    if cycle != "total" and n
                ],
            }
        )
    summary["members"] = level_bar(totals)
    summary["member_total"] = sum(totals.values())
    summary["communities"] = len(rows)
    return {
        "cards": cards,
        "summary": summary,
        "levels": LEVELS,
        "colours": LEVEL_COLOURS,
        "page": page,
    }


def level_bar(counts, width=240):
    """A stacked bar of members by participation level, from the centre outwards.

    `svg` is the picture, built here rather than in the template: a portfolio page holds
    dozens of these, and Python formats their numbers far faster than template loops."""
    total = sum(counts.values()) or 1
    x, parts = 0.0, []
    for key, label in LEVELS:
        n = counts.get(key, 0)
        w = width * n / total
        parts.append({"key": key, "label": label, "n": n, "x": round(x, 1), "w": round(w, 1),
                      "colour": LEVEL_COLOURS[key]})  # fmt: skip
        x += w
    # numbers need no escaping; the labels are escaped
    rects = "".join(
        f'<rect x="{p["x"]}" y="0" width="{p["w"]}" height="16" fill="{p["colour"]}">'
        f"<title>{escape(p['label'])}: {p['n']}</title></rect>"
        for p in parts
        if p["w"]
    )
    label = escape(", ".join(f"{p['label']}: {p['n']}" for p in parts))
    svg = mark_safe(  # noqa: S308 — numbers and escaped labels only
        f'<svg viewBox="0 0 {width} 16" width="100%" height="16" preserveAspectRatio="none" '
        f'role="img" aria-label="{label}">{rects}</svg>'
    )
    return {"width": width, "parts": parts, "svg": svg}


def sparkline(values, width=240, height=40, *, label=""):
    """Twelve months of sessions planned (outline) and held (filled) as tiny bars; `svg`
    is the picture (see level_bar), `label` its text alternative."""
    top = max([1] + [planned for planned, _ in values])
    slot = width / len(values)
    bars = []
    for i, (planned, held) in enumerate(values):
        bars.append(
            {
                "x": round(i * slot + 1, 1),
                "w": round(slot - 3, 1),
                "y_planned": round(height - height * planned / top, 1),
                "h_planned": round(height * planned / top, 1),
                "y_held": round(height - height * held / top, 1),
                "h_held": round(height * held / top, 1),
            }
        )
    rects = "".join(
        f'<rect x="{b["x"]}" y="{b["y_planned"]}" width="{b["w"]}" height="{b["h_planned"]}" '
        'fill="none" stroke="#1f3b63" stroke-width="1"/>'
        f'<rect x="{b["x"]}" y="{b["y_held"]}" width="{b["w"]}" height="{b["h_held"]}" '
        'fill="#1f3b63"/>'
        for b in bars
    )
    svg = mark_safe(  # noqa: S308 — numbers and an escaped label only
        f'<svg viewBox="0 0 {width} {height}" width="100%" height="{height}" '
        f'preserveAspectRatio="none" role="img" aria-label="{escape(label)}">{rects}</svg>'
    )
    return {"width": width, "height": height, "bars": bars, "svg": svg}


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
            communities, user=user, page_number=request.GET.get("page"), per_page=PAGE_SIZE
        )
        context = {"heading": "Your communities", **data}
    else:
        raise PermissionDenied
    return render(request, "sponsorship/dashboard.html", context)


def community_dashboard(request, slug):
    """One sponsored community's card, full width; 404 for a community one does not sponsor."""
    community = Community.objects.filter(slug=slug).first()
    if community is None or not permissions.can_view_sponsor_dashboard(request.user, community):
        raise Http404("No such community.")
    data = portfolio(Community.objects.filter(pk=community.pk), user=request.user)
    context = {"heading": community.name, "community": community, **data}
    return render(request, "sponsorship/dashboard.html", context)
