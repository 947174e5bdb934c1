"""Retention cohorts, the core group's trajectory and drifting regulars, from what the
product records: memberships (and departures), attendance and logged activities.

*Took part* means attended an activity of the community, or logged one (contributed), as
for the levels of participation (communities.participation). Attendance by people who are
not members (guests) counts for nobody's cohort: cohorts are made of members, past
(`Departure`) and present. A person's cohort is the quarter they first joined the
community: someone who left and rejoined stays in their first cohort, and counts as
retained in the quarters they took part in.

Everything is aggregated in the database (distinct people per quarter, counts per
member); Python only tallies the aggregated rows.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q
from django.db.models.functions import ExtractQuarter, ExtractYear
from django.utils import timezone

from communities.choices import Level
from communities.models import Activity, Attendance, Departure, LevelChange, Membership

COHORT_QUARTERS = 8  # the cohorts (and quarters) shown: the last two years
OUTER_LEVELS = [Level.ACTIVE, Level.OCCASIONAL, Level.PERIPHERAL, Level.TRANSACTIONAL]


# --- quarters -----------------------------------------------------------------------------


def quarter_of(day) -> int:
    """A quarter as one integer (year × 4 + quarter − 1), so quarters subtract."""
    return day.year * 4 + (day.month - 1) // 3


def quarter_start(index: int) -> date:
    return date(index // 4, index % 4 * 3 + 1, 1)


def quarter_label(index: int) -> str:
    return f"Q{index % 4 + 1} {index // 4}"


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def took_part_quarters(attendance, activities, *keys) -> set[tuple]:
    """{(*keys, person, quarter)}: who took part in which quarter, distinct in the database
    (two queries: attendance, logged activities). `keys` are extra fields, named on the
    attendance (`activity__…`); on the activities the same names without `activity__`."""
    pairs = set()
    for queryset, person, day, fields in (
        (attendance, "user_id", "activity__date", keys),
        (activities.filter(logged_by__isnull=False), "logged_by_id", "date",
         [k.removeprefix("activity__") for k in keys]),
    ):  # fmt: skip
        rows = (
            queryset.annotate(_y=ExtractYear(day), _q=ExtractQuarter(day))
            .values_list(*fields, person, "_y", "_q")
            .distinct()
            .order_by()
        )
        for *rest, user, year, q in rows:
            pairs.add((*rest, user, year * 4 + q - 1))
    return pairs


def cohort_table(joined: dict, took_part: set, today: date, quarters=COHORT_QUARTERS) -> dict:
    """Cohorts by the quarter people first joined (the last `quarters` of them) × the
    quarters since: how many took part, and their share of the cohort.

    `joined`: {person: first day joined}; `took_part`: {(person, quarter)}."""
    current = quarter_of(today)
    first = current - quarters + 1
    cohorts = defaultdict(list)
    for person, day in joined.items():
        if first <= quarter_of(day) <= current:
            cohorts[quarter_of(day)].append(person)
    counts = {
        (q, later): sum((person, later) in took_part for person in people)
        for q, people in cohorts.items()
        for later in range(q, current + 1)
    }
    joined_in = defaultdict(int)
    for day in joined.values():
        joined_in[quarter_of(day)] += 1
    return cohort_rows(joined_in, counts, today, quarters)


def cohort_rows(joined_in: dict, counts: dict, today: date, quarters=COHORT_QUARTERS) -> dict:
    """The cohort table of `cohort_table` from counts: `joined_in` {quarter: people who
    first joined then}, `counts` {(quarter joined, later quarter): how many of them took
    part then}."""
    current = quarter_of(today)
    first = current - quarters + 1
    rows = []
    for q in range(first, current + 1):
        size = joined_in.get(q, 0)
        cells = []
        for later in range(q, current + 1):
            n = counts.get((q, later), 0)
            cells.append({"n": n, "share": round(100 * n / size) if size else None})
        rows.append({"quarter": q, "label": quarter_label(q), "size": size, "cells": cells})
    return {
        "rows": rows,
        "columns": quarters,
        "earlier": sum(n for q, n in joined_in.items() if q < first),
    }


# --- one community ------------------------------------------------------------------------


def _first_since_joining(queryset, community_id, *, person, day="date") -> dict:
    """{person id: their first `day` in `queryset` on or after they joined the community}:
    one grouped query (the person's membership joined in, one per person and community)."""
    return dict(
        queryset.filter(
            **{
                f"{person}__memberships__community_id": community_id,
                f"{day}__gte": F(f"{person}__memberships__joined_on"),
            }
        )
        .values_list(f"{person}_id")
        .annotate(first=Min(day))
        .order_by()
    )


def community_retention(community, *, today=None) -> dict:
    """Cohorts, the core group's trajectory and the median time from joining to first
    taking part, for one community (eight queries; cached by the views)."""
    today = today or timezone.localdate()
    took_part = {
        (user, q)
        for user, q in took_part_quarters(
            Attendance.objects.filter(activity__community_id=community.pk),
            Activity.objects.filter(community_id=community.pk),
        )
    }
    # Each member's first attendance and first logged activity since joining: one grouped
    # query each over the community's rows, joined to its memberships (a correlated
    # sub-query per member read the attendance once per member: 0.4 s for 3,000 members).
    first_attended = _first_since_joining(
        Attendance.objects.filter(activity__community_id=community.pk),
        community.pk,
        person="user",
        day="activity__date",
    )
    first_logged = _first_since_joining(
        Activity.objects.filter(community_id=community.pk), community.pk, person="logged_by"
    )
    joined, waits, not_yet, core_now = {}, [], 0, 0
    for user, joined_on, level, is_coordinator in (
        Membership.objects.filter(community_id=community.pk)
        .values_list("user_id", "joined_on", "level", "is_coordinator")
        .order_by()
    ):
        joined[user] = joined_on
        core_now += level == Level.CORE or is_coordinator
        days = [d for d in (first_attended.get(user), first_logged.get(user)) if d]
        if days:
            waits.append((min(days) - joined_on).days)
        else:
            not_yet += 1
    departures = list(
        Departure.objects.filter(community_id=community.pk)
        .values_list("user_id", "joined_on", "left_on", "was_core")
        .order_by()
    )
    for user, joined_on, _, _ in departures:
        if user not in joined or joined_on < joined[user]:
            joined[user] = joined_on
    return {
        "cohorts": cohort_table(joined, took_part, today),
        "core": core_trajectory(
            community.pk, core_now, departures, today=today, joined=joined.values()
        ),
        "median_days": statistics.median(waits) if waits else None,
        "took_part": len(waits),
        "not_yet": not_yet,
    }


def core_trajectory(
    community_id, core_now, departures, *, today, joined=(), quarters=COHORT_QUARTERS
):
    """The core group (coordinators included) per quarter: its size at the quarter's end,
    the people who left it (to an outer level, or out of the community), and newcomers who
    reached it (moved in from an outer level). One query; sizes are counted back from now,
    and are never more than the people who had joined by then (`joined`: the first day
    each member, past or present, joined): someone made core as they joined leaves no
    level change to count back."""
    first = quarter_of(today) - quarters + 1
    entered, left, reached = core_moves_by_quarter(community_id, since=_aware(quarter_start(first)))
    for _, _, left_on, was_core in departures:
        if was_core and quarter_of(left_on) >= first:
            left[quarter_of(left_on)] += 1
    joined_in = defaultdict(int)
    for day in joined:
        joined_in[quarter_of(day)] += 1
    return core_rows(core_now, entered, left, reached, joined_in, today=today, quarters=quarters)


def core_moves_by_quarter(community_id, *, since, until=None):
    """({quarter: moves into the core group}, {quarter: moves out of it}, {quarter: moves
    into it from an outer level}) of the level changes at or after `since` (and before
    `until`), in quarters of the current time zone: one query."""
    entered, left, reached = defaultdict(int), defaultdict(int), defaultdict(int)
    core = Q(to_level=Level.CORE) & ~Q(from_level=Level.CORE)
    out = Q(from_level=Level.CORE) & ~Q(to_level=Level.CORE)
    changes = LevelChange.objects.filter(community_id=community_id, changed_at__gte=since)
    if until is not None:
        changes = changes.filter(changed_at__lt=until)
    for year, q, n_in, n_out, n_reached in (
        changes.filter(core | out)
        .annotate(_y=ExtractYear("changed_at"), _q=ExtractQuarter("changed_at"))
        .values_list("_y", "_q")
        .annotate(
            n_in=Count("id", filter=core),
            n_out=Count("id", filter=out),
            n_reached=Count("id", filter=core & Q(from_level__in=OUTER_LEVELS)),
        )
        .order_by()
    ):
        index = year * 4 + q - 1
        entered[index], left[index], reached[index] = n_in, n_out, n_reached
    return entered, left, reached


def core_rows(core_now, entered, left, reached, joined_in, *, today, quarters=COHORT_QUARTERS):
    """The rows of `core_trajectory` from counts per quarter: moves into, out of and from an
    outer level into the core group (departures of core members among those out), and
    `joined_in` {quarter: people who first joined then}."""
    current = quarter_of(today)
    first = current - quarters + 1
    had_joined = sum(joined_in.values())  # by the end of the quarter, counted back
    capped = had_joined > 0
    rows, size = [], core_now
    for index in range(current, first - 1, -1):
        rows.append({"quarter": index, "label": quarter_label(index),
                     "size": min(size, had_joined) if capped else size,
                     "left": left.get(index, 0), "reached": reached.get(index, 0)})  # fmt: skip
        had_joined -= joined_in.get(index, 0)
        size = max(size - entered.get(index, 0) + left.get(index, 0), 0)
    return list(reversed(rows))


# --- drifting regulars --------------------------------------------------------------------


def drift_windows(as_of: date) -> tuple[date, date]:
    """(since, split): regulars are judged over (since, split], drifting over (split, as_of]."""
    split = as_of - timedelta(weeks=settings.CHILDCOP_DRIFT_WEEKS)
    return split - timedelta(days=settings.CHILDCOP_PARTICIPATION_WINDOW_DAYS), split


def member_participation(community_ids, *, since, split, until) -> dict:
    """{(community, person): [before, recent, last]}: activities taken part in over
    (since, split] and (split, until] and the last day in (since, until]. Two queries: an
    activity attended and logged by the same person counts once."""
    counts = {}
    attended = (
        Attendance.objects.filter(
            activity__community_id__in=community_ids,
            activity__date__gt=since,
            activity__date__lte=until,
        )
        .values_list("activity__community_id", "user_id")
        .annotate(
            before=Count("id", filter=Q(activity__date__lte=split)),
            recent=Count("id", filter=Q(activity__date__gt=split)),
            last=Max("activity__date"),
        )
        .order_by()
    )
    logged = (
        Activity.objects.filter(
            community_id__in=community_ids,
            logged_by__isnull=False,
            date__gt=since,
            date__lte=until,
        )
        .filter(~Exists(Attendance.objects.filter(activity=OuterRef("pk"),
                                                  user_id=OuterRef("logged_by_id"))))
        .values_list("community_id", "logged_by_id")
        .annotate(before=Count("id", filter=Q(date__lte=split)),
                  recent=Count("id", filter=Q(date__gt=split)), last=Max("date"))
        .order_by()
    )  # fmt: skip
    for rows in (attended, logged):
        for community_id, user, before, recent, last in rows:
            entry = counts.setdefault((community_id, user), [0, 0, None])
            entry[0] += before
            entry[1] += recent
            entry[2] = max(d for d in (entry[2], last) if d)
    return counts


def offered(community_ids, *, since, split) -> dict:
    """{community: activities in (since, split]}: one query."""
    return dict(
        Activity.objects.filter(community_id__in=community_ids, date__gt=since, date__lte=split)
        .values_list("community_id")
        .annotate(n=Count("id"))
        .order_by()
    )


def is_regular(row, before, offered_before, split) -> bool:
    """In the core group (or a coordinator), or active over the window before: took part in
    at least CHILDCOP_PARTICIPATION_ACTIVE % of the community's activities then. Members who
    joined within the drift window are finding their way in, not drifting."""
    if row["joined_on"] > split:
        return False
    if row["is_coordinator"] or row["level"] == Level.CORE:
        return True
    return bool(
        offered_before
        and 100 * min(before, offered_before)
        >= settings.CHILDCOP_PARTICIPATION_ACTIVE * offered_before
    )


def drifting(community_ids, *, as_of: date, memberships=None) -> dict:
    """{community: (regulars, [drifting membership rows])}: four queries."""
    since, split = drift_windows(as_of)
    took_part = member_participation(community_ids, since=since, split=split, until=as_of)
    base = offered(community_ids, since=since, split=split)
    rows = memberships if memberships is not None else Membership.objects.all()
    result = {cid: [0, []] for cid in community_ids}
    for row in (
        rows.filter(community_id__in=community_ids)
        .values("pk", "community_id", "user_id", "joined_on", "level", "is_coordinator")
        .order_by()
    ):
        before, recent, last = took_part.get((row["community_id"], row["user_id"]), (0, 0, None))
        if is_regular(row, before, base.get(row["community_id"], 0), split):
            result[row["community_id"]][0] += 1
            if not recent:
                row["last_in_window"] = last
                result[row["community_id"]][1].append(row)
    return {cid: (n, people) for cid, (n, people) in result.items()}


def core_moves(community_ids, *, since: date) -> dict:
    """{community: (entered, left)}: moves into and out of the core group since `since`,
    departures of core members included (two queries)."""
    moves = defaultdict(lambda: [0, 0])
    core = Q(to_level=Level.CORE) & ~Q(from_level=Level.CORE)
    out = Q(from_level=Level.CORE) & ~Q(to_level=Level.CORE)
    for cid, n_in, n_out in (
        LevelChange.objects.filter(community_id__in=community_ids, changed_at__gt=_aware(since))
        .filter(core | out)
        .values_list("community_id")
        .annotate(n_in=Count("id", filter=core), n_out=Count("id", filter=out))
        .order_by()
    ):
        moves[cid][0] += n_in
        moves[cid][1] += n_out
    for cid, n in (
        Departure.objects.filter(community_id__in=community_ids, was_core=True, left_on__gt=since)
        .values_list("community_id")
        .annotate(n=Count("id"))
        .order_by()
    ):
        moves[cid][1] += n
    return {cid: tuple(v) for cid, v in moves.items()}
