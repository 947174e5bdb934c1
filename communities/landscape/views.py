"""Retention, drifting regulars and the landscape of practice.

- a community's retention (`retention`): cohorts, the core group's trajectory, the median
  time to first taking part; computed once per generation of the community's data
  (childcop.aggregates) and day, so a page view costs a few queries, and after an ordinary
  write from its cached settled part and the last days' rows (retention_parts);
- drifting regulars (`drifting`): for the coordinators, with a suggested action each;
- the program's retention (`program_retention`) and the landscape of practice
  (`landscape`, `neighbourhood`, the CSV exports) read the snapshot stored by the nightly
  job (communities.landscape.jobs): never a layout per request.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, Subquery
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from childcop import aggregates, charts, permissions
from childcop.accounts.models import User
from childcop.permissions import get_community_for_user, get_sponsored_community_for_user
from childcop.utils import csv_response, paginate
from communities.choices import ActivityType, SessionStatus, Stage
from communities.models import Activity, Attendance, Community, Session

from .filters import LandscapeFilter
from .jobs import latest
from .models import BrokerTie, LandscapeLink, LandscapeNode, LandscapeSnapshot
from .retention_parts import cached_retention
from .services import drift_windows
from .services import drifting as drifting_regulars

USUAL_DAYS = 365  # "usual activities": the activity types of the last year


def heatmap_context(table, key, title):
    """The chart and the table of one cohort table."""
    return {
        "key": key,
        "title": title,
        "table": table,
        "chart": charts.heatmap(table["rows"], table["columns"]),
        "columns": ["Joined" if j == 0 else f"+{j}" for j in range(table["columns"])],
    }


# --- one community ------------------------------------------------------------------------


@require_GET
def retention(request, slug):
    community = get_sponsored_community_for_user(
        request.user, slug, require=permissions.can_view_retention
    )
    data = cached_retention(community, today=timezone.localdate())
    core = data["core"]
    context = {
        "community": community,
        "cohorts": heatmap_context(data["cohorts"], "cohorts", "Retention by quarter joined"),
        "core": core,
        "core_chart": charts.horizontal_bars(
            [{"label": row["label"], "n": row["size"]} for row in core], width=420,
            label_width=90,
        ),
        "median_days": data["median_days"],
        "took_part": data["took_part"],
        "not_yet": data["not_yet"],
        "can_see_drifting": permissions.can_view_drifting(request.user, community),
        "is_closed": community.stage == Stage.CLOSED,
    }  # fmt: skip
    return render(request, "communities/landscape/retention.html", context)


def suggested_action(first_name, usual, upcoming):
    """From the guide's backchannel work: a personal note, and an invitation to a specific
    activity of the kind they usually come to (or the next one)."""
    session = next((s for s in upcoming if s.activity_type in usual), None)
    if session is None and upcoming:
        session = upcoming[0]
    if session is not None:
        when = timezone.localtime(session.starts_at)
        return (
            f"Send {first_name} a personal note and invite them to “{session.title}” on "
            f"{when:%-d %b}."
        )
    return (
        f"Send {first_name} a personal note: ask how things are going and what would make "
        "taking part worth their time."
    )


@require_GET
def drifting(request, slug):
    community = get_community_for_user(request.user, slug, require=permissions.can_view_drifting)
    today = timezone.localdate()
    is_closed = community.stage == Stage.CLOSED
    regulars, rows = (
        (0, []) if is_closed else drifting_regulars([community.pk], as_of=today)[community.pk]
    )
    rows.sort(key=lambda row: (row["last_in_window"] is not None, row["last_in_window"] or today))
    page = Paginator(rows, settings.CHILDCOP_PAGE_SIZE).get_page(request.GET.get("page"))
    ids = [row["user_id"] for row in page.object_list]
    last_attended = Attendance.objects.filter(
        user_id=OuterRef("pk"), activity__community_id=community.pk
    ).order_by("-activity__date")
    last_logged = Activity.objects.filter(
        logged_by_id=OuterRef("pk"), community_id=community.pk
    ).order_by("-date")
    people = {
        user.pk: user
        for user in User.objects.filter(pk__in=ids).annotate(
            last_attended=Subquery(last_attended.values("activity__date")[:1]),
            last_logged=Subquery(last_logged.values("date")[:1]),
        )
    } if ids else {}  # fmt: skip
    usual = defaultdict(Counter)
    if ids:
        since = today - timezone.timedelta(days=USUAL_DAYS)
        for user, kind, n in (
            Attendance.objects.filter(
                user_id__in=ids, activity__community_id=community.pk, activity__date__gte=since
            )
            .values_list("user_id", "activity__activity_type")
            .annotate(n=Count("id"))
            .order_by()
        ):
            usual[user][kind] = n
    upcoming = list(
        Session.objects.filter(community=community, starts_at__gte=timezone.now())
        .exclude(status=SessionStatus.CANCELLED)
        .only("title", "activity_type", "starts_at")
        .order_by("starts_at")[:20]
    ) if ids else []  # fmt: skip
    labels = dict(ActivityType.choices)
    people_rows = []
    for row in page.object_list:
        person = people.get(row["user_id"])
        if person is None:
            continue
        dates = [d for d in (person.last_attended, person.last_logged) if d]
        kinds = [kind for kind, _ in usual[person.pk].most_common(2)]
        people_rows.append({
            "person": person,
            "role": "Coordinator" if row["is_coordinator"] else (
                "Core group" if row["level"] == "core" else "Active"),
            "last": max(dates) if dates else None,
            "usual": [labels.get(kind, kind) for kind in kinds],
            "action": suggested_action(person.get_short_name(), kinds, upcoming),
        })  # fmt: skip
    since, split = drift_windows(today)
    context = {
        "community": community,
        "page": page,
        "people": people_rows,
        "regulars": regulars,
        "drifting_count": len(rows),
        "weeks": settings.CHILDCOP_DRIFT_WEEKS,
        "split": split,
        "is_closed": is_closed,
    }
    return render(request, "communities/landscape/drifting.html", context)


# --- the program --------------------------------------------------------------------------


def program_retention_data(snapshot_id) -> dict:
    """The cohorts' charts and tables, from the stored retention (one query)."""
    retention_data = LandscapeSnapshot.objects.values_list("retention", flat=True).get(
        pk=snapshot_id
    )
    stages = dict(Stage.choices)
    people, active = retention_data.get("people", 0), retention_data.get("active_people", 0)
    return {
        "overall": heatmap_context(retention_data["all"], "all", "Whole program")
        if retention_data.get("all")
        else None,
        "stages": [
            heatmap_context(table, key, stages.get(key, key))
            for key, table in retention_data.get("stages", {}).items()
        ],
        "active_people": active,
        "people": people,
        "active_share": round(100 * active / people) if people else None,
    }


@require_GET
def program_retention(request):
    if not permissions.can_view_program_retention(request.user):
        raise PermissionDenied
    snapshot = latest(only=("pk", "computed_at", "window_days"))
    context = {"snapshot": snapshot}
    if snapshot is not None:
        context["lazy"] = Lazy(lambda: program_retention_data(snapshot.pk))
        context["fragment_key"] = aggregates.fragment_key(snapshot.pk, snapshot.computed_at)
    return render(request, "communities/landscape/program_retention.html", context)


def _short(name, length=22):
    return name if len(name) <= length else name[: length - 1] + "…"


MAP_LINKS = 300  # the strongest links drawn and listed: a fixed amount whatever the program
MAP_LABELS = 30  # the largest communities carry their name on the map (all have a title)


def landscape_data(request, communities, *, snapshot, focus=None):
    """The map, the communities' table, the strongest links and a page of brokers of the
    `communities` queryset: a fixed number of queries, a bounded amount of drawing."""
    nodes = list(
        LandscapeNode.objects.filter(snapshot=snapshot, community__in=communities)
        .select_related("community")
        .only(
            "community__name", "community__slug", "community__stage", "community__domain",
            "members", "active_members", "x", "y", "departments", "department_count",
            "boundary_crossing", "retained", "last_quarter_active",
        )
        .order_by("community__name")
    )  # fmt: skip
    by_id = {node.community_id: node for node in nodes}
    links = LandscapeLink.objects.filter(
        snapshot=snapshot, source__in=communities, target__in=communities
    )
    if focus is not None:
        links = links.filter(Q(source=focus) | Q(target=focus))
    links = list(links.order_by("-shared", "source_id", "target_id")[: MAP_LINKS + 1])
    more_links = len(links) > MAP_LINKS
    links = links[:MAP_LINKS]
    for link in links:
        link.source_node, link.target_node = by_id[link.source_id], by_id[link.target_id]
    labelled = {n.community_id for n in sorted(nodes, key=lambda n: -n.active_members)[:MAP_LABELS]}
    chart = charts.network(
        [{"id": n.community_id, "x": n.x, "y": n.y, "size": n.active_members,
          "label": n.community.name,
          "short": _short(n.community.name) if n.community_id in labelled else "",
          "fill": "#b36b00" if focus is not None and n.community_id == focus.pk else None}
         for n in nodes],
        [{"source": link.source_id, "target": link.target_id, "n": link.shared,
          "source_name": link.source_node.community.name,
          "target_name": link.target_node.community.name} for link in links],
    )  # fmt: skip
    # brokers: people active in two or more of these communities whose members the viewer
    # may see (a members-only community's members are its members' only)
    seen = Community.objects.filter(pk__in=communities).filter(
        permissions.broker_communities_q(request.user)
    )
    ties = BrokerTie.objects.filter(snapshot=snapshot, community__in=seen)
    if focus is not None:
        ties = ties.filter(user__in=ties.filter(community=focus).values("user_id"))
    brokers = paginate(
        _BrokerPage(request),
        ties.values("user_id", "user__display_name")
        .annotate(n=Count("id"))
        .filter(n__gte=2)
        .order_by("-n", "user__display_name", "user_id"),
    )
    page_ids = [row["user_id"] for row in brokers.object_list]
    of_broker = defaultdict(list)
    for user_id, name, slug in (
        ties.filter(user_id__in=page_ids)
        .values_list("user_id", "community__name", "community__slug")
        .order_by("community__name")
    ) if page_ids else []:  # fmt: skip
        of_broker[user_id].append((name, slug))
    for row in brokers.object_list:
        row["communities"] = of_broker[row["user_id"]]
    return {
        "nodes": nodes,
        "table": Paginator(nodes, settings.CHILDCOP_PAGE_SIZE).get_page(request.GET.get("page")),
        "links": links,
        "top_links": links[:15],
        "more_links": more_links,
        "chart": chart,
        "brokers": brokers,
        "own": by_id.get(focus.pk) if focus is not None else None,
    }


class Lazy:
    """What a cached fragment shows, computed only when the fragment is not in the cache:
    the template reads `lazy.data.…` inside its `{% cache %}` block."""

    def __init__(self, compute):
        self._compute, self._value = compute, None

    @property
    def data(self):
        if self._value is None:
            self._value = self._compute()
        return self._value


def generations(request) -> dict:
    """The generations of what a landscape fragment shows beyond its snapshot: the
    communities' names and stages, people's names and the sponsors ("landscape"), and, for
    anyone but the social learning team (who see every community and every member), what
    decides what they see (memberships, sponsor appointments: "stories"). One
    query. The team's fragments therefore outlive the program's ordinary writes (someone
    joins, an activity is logged, a story approved): the snapshot is what they show."""
    if permissions.is_program_admin(request.user):
        return aggregates.tokens(["landscape"])
    return aggregates.tokens(["landscape", "stories"])


def fragment(request, snapshot, *parts, current=None) -> str:
    """The key of a landscape fragment: the snapshot (its id and time: an id may come back
    once the snapshot before is deleted), the `generations()` (`current`: when read
    already), the viewer's scope and the query string."""
    scope = "team" if permissions.is_program_admin(request.user) else request.user.pk
    generations_now = current or generations(request)
    return aggregates.fragment_key(
        snapshot.pk,
        snapshot.computed_at,
        sorted(generations_now.values()),
        scope,
        request.GET.urlencode(),
        *parts,
    )


class _BrokerPage:
    """The brokers' page number in its own query parameter (`brokers`), beside the table's."""

    def __init__(self, request):
        self.GET = {"page": request.GET.get("brokers")}


def _landscape_scope(request):
    if not permissions.can_view_landscape(request.user):
        raise PermissionDenied
    scope = Community.objects.filter(permissions.landscape_communities_q(request.user)).exclude(
        stage=Stage.CLOSED
    )
    filterset = LandscapeFilter(request.GET, queryset=scope)
    communities = filterset.qs if filterset.is_valid() else scope.none()
    return filterset, communities


def filter_key(request, current) -> str:
    """The key of the landscape's rendered filter form: its sponsors (the people with a
    current sponsor appointment: the `generations()` `current`, and the day, as terms end)
    and the query string (the values chosen, their errors). The program's sponsors are
    many: drawing their choices each time would grow with the program."""
    return aggregates.fragment_key(
        "filter", sorted(current.values()), timezone.localdate(), request.GET.urlencode()
    )


@require_GET
def landscape(request):
    filterset, communities = _landscape_scope(request)
    snapshot = latest(only=("pk", "computed_at", "window_days", "departments_without"))
    current = generations(request)
    context = {"filter": filterset, "snapshot": snapshot, "filter_key": filter_key(request, current),
               "is_admin": permissions.is_program_admin(request.user)}  # fmt: skip
    if snapshot is not None:
        context["fragment_key"] = fragment(request, snapshot, current=current)
        context["lazy"] = Lazy(
            lambda: landscape_data(request, communities.values("pk"), snapshot=snapshot)
        )
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("brokers", None)
    context["query"] = query.urlencode()
    return render(request, "communities/landscape/landscape.html", context)


@require_GET
def landscape_export(request):
    filterset, communities = _landscape_scope(request)
    snapshot = latest()
    nodes = (
        LandscapeNode.objects.filter(snapshot=snapshot, community__in=communities.values("pk"))
        .select_related("community")
        .order_by("community__name")
        if snapshot
        else []
    )
    return csv_response(
        "landscape.csv",
        ["community", "stage", "domain", "members", "active members", "departments",
         "boundary crossing (%)", "last quarter's active members", "still taking part (%)",
         "departments (members)"],
        ([n.community.name, n.community.get_stage_display(), n.community.domain, n.members,
          n.active_members, n.department_count, n.boundary_crossing, n.last_quarter_active,
          n.retained, "; ".join(f"{d} ({k})" for d, k in n.departments)] for n in nodes),
        request=request,
    )  # fmt: skip


@require_GET
def brokers_export(request):
    filterset, communities = _landscape_scope(request)
    snapshot = latest()
    rows = []
    if snapshot is not None:
        seen = Community.objects.filter(pk__in=communities.values("pk")).filter(
            permissions.broker_communities_q(request.user)
        )
        ties = BrokerTie.objects.filter(snapshot=snapshot, community__in=seen)
        brokers = ties.values("user_id").annotate(n=Count("id")).filter(n__gte=2).values("user_id")
        of_broker = defaultdict(list)
        names = {}
        for user_id, name, department, community in (
            ties.filter(user_id__in=brokers)
            .values_list("user_id", "user__display_name", "user__department", "community__name")
            .order_by("user__display_name", "user_id", "community__name")
        ):
            names[user_id] = (name, department)
            of_broker[user_id].append(community)
        rows = [[*names[u], len(c), "; ".join(c)] for u, c in of_broker.items()]
    return csv_response(
        "brokers.csv", ["person", "department", "communities", "which"], rows, request=request
    )


@require_GET
def neighbourhood(request, slug):
    community = get_community_for_user(
        request.user, slug, require=permissions.can_view_neighbourhood
    )
    snapshot = latest()
    context = {"community": community, "snapshot": snapshot}
    if snapshot is not None:
        linked = LandscapeLink.objects.filter(snapshot=snapshot).filter(
            Q(source=community) | Q(target=community)
        )
        near = (
            Community.objects.filter(
                Q(pk=community.pk)
                | Q(pk__in=linked.values("source_id"))
                | Q(pk__in=linked.values("target_id"))
            )
            # itself, and the neighbours the viewer may see (an empty Q would drop them)
            .filter(
                Q(pk=community.pk)
                | Q(
                    pk__in=Community.objects.filter(
                        permissions.visible_communities_q(request.user)
                    ).values("pk")
                )
            )
            .exclude(stage=Stage.CLOSED)
            .values("pk")
        )
        context["fragment_key"] = fragment(request, snapshot, community.pk)
        context["lazy"] = Lazy(
            lambda: landscape_data(request, near, snapshot=snapshot, focus=community)
        )
    context["landscape_url"] = (
        reverse("program:landscape") if permissions.can_view_landscape(request.user) else None
    )
    return render(request, "communities/landscape/neighbourhood.html", context)
