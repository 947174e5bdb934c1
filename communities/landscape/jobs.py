"""The landscape of practice and the program's retention, computed in the background
(`communities.tasks.refresh_landscape`, nightly; `manage.py refresh_landscape`) and stored
as one `LandscapeSnapshot`, so the pages read them and never lay out a graph per request.

- **Nodes**: every community not closed, sized by its *active members* (members who took
  part — attended or logged an activity — over CHILDCOP_PARTICIPATION_WINDOW_DAYS).
- **Links**: two communities sharing members, weighted by the members of both.
- **Brokers**: people active in two or more communities over the window (`BrokerTie`: one
  row per community they took part in).
- **Departments** each community brings together (its members' departments, most first)
  and its **boundary crossing**: the share of its members from outside its largest
  department (0% is one silo; people without a department are left out); and the
  departments of the organisation no community reaches.
- **Retention of last quarter's active members**: of the members who took part last
  quarter, the share who took part in the last CHILDCOP_DRIFT_WEEKS weeks.
- **Program retention**: cohorts by the quarter people first joined any community × the
  quarters since, the share who took part anywhere; the same per lifecycle stage (the
  communities' current stage); the share of people active in at least one community.

The layout is networkx's spring layout (Fruchterman–Reingold) with a fixed number of
iterations and a fixed seed, over each community's eight strongest links: the same program
gives the same map, and every link is still stored, and the strongest drawn. Its cost
grows with the communities (0.01 s for 47, 0.4–0.6 s for 457; from 500 on networkx takes
its sparse path, about 3 s), small beside the reads at any size the product serves.

Queries: eleven reads to compute it whatever the size of the program and a fixed number
more to replace the stored one. On PostgreSQL the links and brokers' ties go in with one
COPY each (`write_rows`), elsewhere one INSERT per 2,000 rows: the links grow with the pairs
of communities sharing members (35,244 for 457 communities, 1,014 for 47), so each must
cost little. The rest is tallying.
"""

from __future__ import annotations

import time
from collections import defaultdict
from datetime import timedelta
from itertools import combinations

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from childcop.accounts.models import User
from communities.choices import Stage
from communities.models import Activity, Attendance, Community, Departure, Membership

from .models import BrokerTie, LandscapeLink, LandscapeNode, LandscapeSnapshot
from .services import cohort_table, quarter_of, quarter_start, took_part_quarters

LAYOUT_ITERATIONS = 50
LAYOUT_SEED = 7
LAYOUT_LINKS_PER_NODE = 8


def strongest(links, per_node=LAYOUT_LINKS_PER_NODE):
    """Each node's `per_node` strongest links (their union): a sparse graph for the layout,
    so its cost grows with the communities, not with the pairs of them."""
    by_node = defaultdict(list)
    for a, b, n in links:
        by_node[a].append((n, a, b))
        by_node[b].append((n, a, b))
    kept = set()
    for rows in by_node.values():
        kept.update((a, b, n) for n, a, b in sorted(rows, reverse=True)[:per_node])
    return sorted(kept)


def layout(node_ids, links) -> dict:
    """{id: (x, y)} in 0–1: networkx's spring layout (Fruchterman–Reingold), fixed
    iterations and seed, over each community's strongest links."""
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(node_ids)
    graph.add_weighted_edges_from(strongest(links))
    if not node_ids:
        return {}
    positions = nx.spring_layout(
        graph, iterations=LAYOUT_ITERATIONS, seed=LAYOUT_SEED, weight="weight", method="force"
    )
    xs = [float(p[0]) for p in positions.values()]
    ys = [float(p[1]) for p in positions.values()]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
    return {
        node: ((float(p[0]) - min(xs)) / span_x, (float(p[1]) - min(ys)) / span_y)
        for node, p in positions.items()
    }


def write_rows(model, fields, rows) -> None:
    """Insert `rows` (tuples of the `fields`' values) into `model`'s table. On PostgreSQL
    with one COPY, no model instance per row: links grow with the pairs of communities
    sharing members, and `bulk_create` spends most of its time building and preparing
    instances. Elsewhere (SQLite) `bulk_create`, 2,000 rows per INSERT."""
    if connection.vendor != "postgresql":
        model.objects.bulk_create(
            [model(**dict(zip(fields, row, strict=True))) for row in rows], batch_size=2000
        )
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def _took_part(ids, *, start, today, since, last_q, split) -> dict:
    """{(community, person): {"window", "last_q", "recent"}}: two grouped queries."""
    found = defaultdict(set)
    last_start, last_end = last_q
    attended = (
        Attendance.objects.filter(
            activity__community_id__in=ids, activity__date__gte=start, activity__date__lte=today
        )
        .values_list("activity__community_id", "user_id")
        .annotate(
            window=Count("id", filter=Q(activity__date__gt=since)),
            last_q=Count("id", filter=Q(activity__date__gte=last_start,
                                        activity__date__lte=last_end)),
            recent=Count("id", filter=Q(activity__date__gt=split)),
        )
        .order_by()
    )  # fmt: skip
    logged = (
        Activity.objects.filter(
            community_id__in=ids, logged_by__isnull=False, date__gte=start, date__lte=today
        )
        .values_list("community_id", "logged_by_id")
        .annotate(
            window=Count("id", filter=Q(date__gt=since)),
            last_q=Count("id", filter=Q(date__gte=last_start, date__lte=last_end)),
            recent=Count("id", filter=Q(date__gt=split)),
        )
        .order_by()
    )
    for rows in (attended, logged):
        for community_id, user, window, in_last_q, recent in rows:
            for key, n in (("window", window), ("last_q", in_last_q), ("recent", recent)):
                if n:
                    found[(community_id, user)].add(key)
    return found


def program_retention(today, *, active_people: int, people: int) -> dict:
    """The program's cohorts, overall and per current lifecycle stage (four queries)."""
    took = took_part_quarters(
        Attendance.objects.all(), Activity.objects.all(), "activity__community__stage"
    )
    joined = defaultdict(dict)
    for rows in (
        Membership.objects.values_list("community__stage", "user_id", "joined_on").order_by(),
        Departure.objects.values_list("community__stage", "user_id", "joined_on").order_by(),
    ):
        for stage, user, day in rows:
            for key in ("all", stage):
                if user not in joined[key] or day < joined[key][user]:
                    joined[key][user] = day
    overall = {(user, q) for _, user, q in took}
    by_stage = defaultdict(set)
    for stage, user, q in took:
        by_stage[stage].add((user, q))
    return {
        "all": cohort_table(joined["all"], overall, today),
        "stages": {
            stage: cohort_table(joined[stage], by_stage[stage], today)
            for stage in Stage.values
            if joined.get(stage)
        },
        "active_people": active_people,
        "people": people,
    }


def refresh(now=None) -> dict:
    """Compute and store the landscape (replacing the one before): a fixed number of reads."""
    started = time.perf_counter()
    now = now or timezone.now()
    today = timezone.localdate(now)
    window = settings.CHILDCOP_PARTICIPATION_WINDOW_DAYS
    since = today - timedelta(days=window)
    split = today - timedelta(weeks=settings.CHILDCOP_DRIFT_WEEKS)
    last = quarter_of(today) - 1
    last_q = (quarter_start(last), quarter_start(last + 1) - timedelta(days=1))

    ids = list(
        Community.objects.exclude(stage=Stage.CLOSED).values_list("pk", flat=True).order_by("pk")
    )  # 1
    members = defaultdict(set)
    for community_id, user in Membership.objects.filter(community_id__in=ids).values_list(
        "community_id", "user_id"
    ):  # 2
        members[community_id].add(user)
    took = _took_part(
        ids, start=min(since, last_q[0]), today=today, since=since, last_q=last_q, split=split
    )  # 3, 4
    active = defaultdict(set)  # person -> communities they took part in as members
    counts = {cid: {"active": 0, "last_q": 0, "retained": 0} for cid in ids}
    for (cid, user), keys in took.items():
        if user not in members[cid]:
            continue  # a guest: not a member of the community
        if "window" in keys:
            active[user].add(cid)
            counts[cid]["active"] += 1
        if "last_q" in keys:
            counts[cid]["last_q"] += 1
            counts[cid]["retained"] += "recent" in keys
    communities_of = defaultdict(list)
    for cid in ids:
        for user in members[cid]:
            communities_of[user].append(cid)
    shared = defaultdict(int)
    for cids in communities_of.values():
        for a, b in combinations(sorted(cids), 2):
            shared[(a, b)] += 1
    departments = defaultdict(list)
    for cid, department, n in (
        Membership.objects.filter(community_id__in=ids)
        .exclude(user__department="")
        .values_list("community_id", "user__department")
        .annotate(n=Count("id"))
        .order_by("community_id", "-n", "user__department")
    ):  # 5
        departments[cid].append([department, n])
    reached = {name for rows in departments.values() for name, _ in rows}
    people = dict(
        User.objects.filter(is_active=True)
        .exclude(department="")
        .values_list("department")
        .annotate(n=Count("id"))
        .order_by()
    )  # 6
    everyone = User.objects.filter(is_active=True).count()  # 7
    retention = program_retention(today, active_people=len(active), people=everyone)  # 8–11
    laid_out = time.perf_counter()
    positions = layout(ids, [(a, b, n) for (a, b), n in shared.items()])
    writing = time.perf_counter()

    with transaction.atomic():
        snapshot = LandscapeSnapshot.objects.create(
            computed_at=now,
            window_days=window,
            retention=retention,
            departments_without=sorted(
                ([name, n] for name, n in people.items() if name not in reached),
                key=lambda row: (-row[1], row[0]),
            ),
        )
        nodes = []
        for cid in ids:
            rows = departments[cid]
            with_department = sum(n for _, n in rows)
            c = counts[cid]
            x, y = positions.get(cid, (0.5, 0.5))
            nodes.append(LandscapeNode(
                snapshot=snapshot, community_id=cid, members=len(members[cid]),
                active_members=c["active"], x=x, y=y, departments=rows,
                department_count=len(rows),
                boundary_crossing=round(100 * (with_department - rows[0][1]) / with_department)
                if rows else None,
                last_quarter_active=c["last_q"],
                retained=round(100 * c["retained"] / c["last_q"]) if c["last_q"] else None,
            ))  # fmt: skip
        LandscapeNode.objects.bulk_create(nodes, batch_size=500)
        write_rows(
            LandscapeLink, ("snapshot_id", "source_id", "target_id", "shared"),
            ((snapshot.pk, a, b, n) for (a, b), n in shared.items()),
        )  # fmt: skip
        write_rows(
            BrokerTie, ("snapshot_id", "user_id", "community_id"),
            ((snapshot.pk, user, cid)
             for user, cids in active.items() if len(cids) >= 2 for cid in sorted(cids)),
        )  # fmt: skip
        # the ones before go (two runs at once each keep theirs; the next run tidies up)
        LandscapeSnapshot.objects.exclude(pk=snapshot.pk).delete()
        seconds = time.perf_counter() - started
        LandscapeSnapshot.objects.filter(pk=snapshot.pk).update(seconds=seconds)
    done = time.perf_counter()
    return {
        "communities": len(ids),
        "links": len(shared),
        "brokers": sum(len(cids) >= 2 for cids in active.values()),
        # all of it, the commit included (the stored `seconds` stop before the commit, whose
        # foreign keys' checks grow with the links written); then its phases
        "seconds": round(done - started, 2),
        "read_seconds": round(laid_out - started, 2),
        "layout_seconds": round(writing - laid_out, 2),
        "write_seconds": round(done - writing, 2),
    }


def latest(only=None):
    """The stored landscape (`only` its fields named), or None before the job first ran
    (one query)."""
    snapshots = LandscapeSnapshot.objects.order_by("-computed_at", "-id")
    return (snapshots.only(*only) if only else snapshots).first()
