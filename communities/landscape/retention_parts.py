"""A community's retention page (`services.community_retention`) computed in parts, so that
its first view after an ordinary write (someone joins, an activity is logged with its
attendance) reads what was written since, whatever the community's size and history.

*Rows* are the attendance records and logged activities the page reads. Who took part in
which quarter is a union of rows, a member's first day taken part since joining a minimum:
adding rows to a part twice changes nothing, so the parts may overlap.

- the **past**: who took part in which quarter, each person's last day taken part, each
  member's first day since joining (with the day joined it is for: a member whose day
  joined has changed since is looked up again, alone), from the rows dated before the
  current quarter (`past_before`). Cached per generation of "community-past:<id>" and
  quarter; computed with the settled part, from the same two reads of all the rows;
- the **settled part** (`settled_part`): what the page shows, as counts and per-person
  columns (`People`) the rows written since can be added to (`add_rows`): from the past and
  the rows it does not have (dated since, or written since it was computed), the members
  who joined before `live_since` (a few days ago), the departures, the level changes
  before its `t0` — the moment it started reading, less `WRITE_MINUTES`. Cached per
  generation of "community-settled:<id>" and day; the rows written since `t0` are added
  to the cached value for good every `ROLL_MINUTES`;
- the **live part** (`live_part`): three queries over what was written lately: the rows of
  the activities created since `t0`, the members who joined since `live_since` (their
  first day since joining is in the settled part's days since then, with the live rows),
  the level changes since the settled part's `t0`.

The page's value is cached per generation of "community:<id>" and day as before
(`cached_retention`): after an ordinary write only the live part is read again.

A part must never hold a row the database no longer has, nor miss one the live part does
not read: the writes that would otherwise make it so start its generation (and
"community:<id>"'s), in the writer's transaction (childcop.aggregates explains generations):

- an activity created, with its attendance, by a transaction shorter than `WRITE_MINUTES`
  / 2: nothing (the live part reads it); an attendance record added to an activity created
  earlier: the settled part, and the past when the activity's day is before the quarter of
  two days from now (a reader's day is at most the UTC day after, whatever their time
  zone; a day more for the writer's transaction);
- an activity updated (its day, who logged it, its community; or anything, since the
  product writes its attendance after it), an attendance record updated: the settled part,
  and the past when its day is, or was, before that quarter. The day it was is read from
  the database, locked until the writer commits. An activity deleted (its attendance goes
  with it, without a signal): both;
- a membership saved or deleted (but a new one joined on or after `retention_writes.
  _joined_live_from()`:
  the live part reads it), a departure saved or deleted, a level change saved (but a new
  one written now): the settled part;
- bulk writes (attendance imports, the nightly levels, demo data) call `invalidate()`.

Rows deleted in cascades of a person's deletion send no signal: their memberships' and
departures' deletions start the settled part's generation, and the rows of a person
deleted are read for nobody's cohort (cohorts are made of memberships and departures).
"""

from __future__ import annotations

import bisect
import statistics
from array import array
from collections import defaultdict
from datetime import date, timedelta

from django.core.cache import cache
from django.db.models import F, Max, Min, Q
from django.db.models.functions import ExtractQuarter, ExtractYear
from django.utils import timezone

from childcop import aggregates
from communities.choices import Level

from .services import (
    COHORT_QUARTERS,
    _aware,
    cohort_rows,
    core_moves_by_quarter,
    core_rows,
    quarter_of,
    quarter_start,
)

LIVE_DAYS = 4  # members who joined in the last days: the live part's
WRITE_MINUTES = 20  # longer than a transaction that creates an activity, clocks' skew too
ROLL_MINUTES = 15  # the rows written since are added to the cached settled part this often
MARGIN_DAYS = 2  # a reader's day is at most the UTC day after a writer's, plus a transaction
_UNKNOWN = object()


def settled_name(community_id) -> str:
    return f"community-settled:{community_id}"


def past_name(community_id) -> str:
    return f"community-past:{community_id}"


def live_since(today: date) -> date:
    """Members who joined on or after this day are read live."""
    return today - timedelta(days=LIVE_DAYS)


def past_before(today: date) -> date:
    """The past: rows dated before the current quarter."""
    return quarter_start(quarter_of(today))


# --- reading rows -------------------------------------------------------------------------


def _models():
    from communities.models import Activity, Attendance, Departure, Membership

    return Activity, Attendance, Departure, Membership


def _rows(community_id, where=None):
    """(attendance, logged activities) of the community's activities that satisfy
    `where(prefix)` (a Q on the activity's fields, named after `prefix`)."""
    Activity, Attendance, _, _ = _models()
    attendance = Attendance.objects.filter(activity__community_id=community_id)
    logged = Activity.objects.filter(community_id=community_id, logged_by__isnull=False)
    if where is not None:
        attendance, logged = attendance.filter(where("activity__")), logged.filter(where(""))
    return attendance, logged


def _quarters(rows):
    """[(person, quarter, last day taken part then)]: one query."""
    parts = []
    for queryset, person, day in ((rows[0], "user_id", "activity__date"),
                                  (rows[1], "logged_by_id", "date")):  # fmt: skip
        parts.append(
            queryset.annotate(_y=ExtractYear(day), _q=ExtractQuarter(day))
            .values_list(person, "_y", "_q")
            .annotate(_last=Max(day))
            .order_by()
        )
    return [
        (person, y * 4 + q - 1, day) for person, y, q, day in parts[0].union(parts[1], all=True)
    ]


def _first_since_joining(community_id, rows, *, people=None, split=None):
    """[(member, day joined, first day in `rows` on or after it)]: one query, each member's
    day joined read with their rows (among `people`). With `split` (a day): [(member, day
    joined, first day before `split` or None, first day)]."""
    parts = []
    for queryset, person, day in ((rows[0], "user", "activity__date"),
                                  (rows[1], "logged_by", "date")):  # fmt: skip
        membership = {
            f"{person}__memberships__community_id": community_id,
            f"{day}__gte": F(f"{person}__memberships__joined_on"),
        }
        if people is not None:
            membership[f"{person}_id__in"] = people
        queryset = queryset.filter(**membership).values_list(
            f"{person}_id", f"{person}__memberships__joined_on"
        )
        if split is not None:
            queryset = queryset.annotate(_before=Min(day, filter=Q(**{f"{day}__lt": split})))
        parts.append(queryset.annotate(_first=Min(day)).order_by())
    return list(parts[0].union(parts[1], all=True))


def _written_since(t0):
    return lambda prefix: Q(**{f"{prefix}created_at__gte": t0})


def _bits(days, first_q, current) -> int:
    bits = 0
    for day in days:
        quarter = quarter_of(date.fromordinal(day))
        if first_q <= quarter <= current:
            bits |= 1 << (quarter - first_q)
    return bits


# --- the parts ----------------------------------------------------------------------------


def _row_facts(community_id, today: date, past: dict | None):
    """(took, first, past): who took part in which quarter of the table (bits), each
    member's first day since joining (ordinals), from the past and the rows it does not
    have; with `past` None, from two reads of all the rows, and the past computed from the
    same reads (else None). The past: who took part in which quarter (bits), each person's
    last day taken part, each member's (day joined, first day since) from the rows dated
    before the quarter; `t0`: rows written since may be missing."""
    since, current = past_before(today), quarter_of(today)
    first_q = current - COHORT_QUARTERS + 1
    took, first = defaultdict(int), {}
    if past is None:
        fresh = {"t0": timezone.now() - timedelta(minutes=WRITE_MINUTES), "took": {},
                 "last": {}, "first": {}}  # fmt: skip
        rows = _rows(community_id)
        for person, quarter, day in _quarters(rows):
            if first_q <= quarter <= current:
                took[person] |= 1 << (quarter - first_q)
            if quarter < current:  # the past's
                if quarter >= first_q:
                    fresh["took"][person] = fresh["took"].get(person, 0) | 1 << (quarter - first_q)
                fresh["last"][person] = max(fresh["last"].get(person, 0), day.toordinal())
        for person, joined_on, before, day in _first_since_joining(community_id, rows,
                                                                   split=since):  # fmt: skip
            first[person] = min(first.get(person, day.toordinal()), day.toordinal())
            if before is not None and joined_on < since:
                joined_on, before = joined_on.toordinal(), before.toordinal()
                known = fresh["first"].get(person)
                fresh["first"][person] = (joined_on, min(known[1], before) if known else before)
        return dict(took), first, fresh
    took.update(past["took"])  # the same quarters: the past ends where this quarter starts
    # the rows the past does not have: dated since, or written since it was computed
    recent = _rows(
        community_id,
        lambda p: Q(**{f"{p}date__gte": since}) | Q(**{f"{p}created_at__gte": past["t0"]}),
    )
    for person, quarter, _ in _quarters(recent):
        if first_q <= quarter <= current:
            took[person] |= 1 << (quarter - first_q)
    for person, _, day in _first_since_joining(community_id, recent):
        first[person] = min(first.get(person, day.toordinal()), day.toordinal())
    return dict(took), first, None


class People:
    """Per-person columns of a settled part, sorted by person: arrays, which the cache loads
    in no time whatever their length (a dict of thousands of people takes a millisecond),
    each person found by bisection. Columns (0: none): the first day they joined (as a
    member or before a departure), the day their membership joined (members who joined
    before the live part), their first day taken part since, the quarters they took part
    in (bits, bit 0 the table's first quarter)."""

    COLUMNS = ("joined", "member", "first", "took")

    def __init__(self, rows: dict):
        ids = sorted(rows)
        self.ids = array("q", ids)
        self.columns = [array("q", (rows[p][i] for p in ids)) for i in range(len(self.COLUMNS))]

    def get(self, person) -> tuple:
        i = bisect.bisect_left(self.ids, person)
        if i < len(self.ids) and self.ids[i] == person:
            return tuple(column[i] for column in self.columns)
        return (0,) * len(self.COLUMNS)

    def set(self, person, values) -> None:
        i = bisect.bisect_left(self.ids, person)
        if i < len(self.ids) and self.ids[i] == person:
            for column, value in zip(self.columns, values, strict=True):
                column[i] = value
        else:
            self.ids.insert(i, person)
            for column, value in zip(self.columns, values, strict=True):
                column.insert(i, value)


DAY_BITS = 20  # a day's ordinal fits (until the year 2870)


def _days_of(recent, person) -> list:
    """The days `person` took part on in `recent` (sorted person << DAY_BITS | day)."""
    lo = bisect.bisect_left(recent, person << DAY_BITS)
    hi = bisect.bisect_left(recent, (person + 1) << DAY_BITS)
    return [key & ((1 << DAY_BITS) - 1) for key in recent[lo:hi]]


def settled_part(community_id, today: date, past: dict | None) -> tuple[dict, dict | None]:
    """(the settled part for the page of `today`, the past when it was computed with it:
    `past` None). Six queries (seven when some member's first day is not in the past as
    computed: they joined on another day)."""
    _, _, Departure, Membership = _models()
    t0 = timezone.now() - timedelta(minutes=WRITE_MINUTES)
    since, before = past_before(today), live_since(today)
    current = quarter_of(today)
    first_q = current - COHORT_QUARTERS + 1
    members = list(
        Membership.objects.filter(community_id=community_id, joined_on__lt=before)
        .values_list("user_id", "joined_on", "level", "is_coordinator")
        .order_by()
    )
    departures = list(
        Departure.objects.filter(community_id=community_id)
        .values_list("user_id", "joined_on", "left_on", "was_core")
        .order_by()
    )
    took, first, fresh = _row_facts(community_id, today, past)
    again = []
    for person, joined_on, _, _ in members if past is not None else ():
        joined_on = joined_on.toordinal()
        if joined_on >= since.toordinal() or past["last"].get(person, 0) < joined_on:
            continue  # nothing in the past since they joined
        known = past["first"].get(person)
        if known is not None and known[0] == joined_on:
            first[person] = min(first.get(person, known[1]), known[1])
        else:
            again.append(person)  # joined on another day than the past was computed for
    if again:
        older = _rows(community_id, lambda p: Q(**{f"{p}date__lt": since}))
        for person, _, day in _first_since_joining(community_id, older, people=again):
            first[person] = min(first.get(person, day.toordinal()), day.toordinal())
    # the days taken part on since the live part's members joined at the earliest
    attendance, logged = _rows(community_id, lambda p: Q(**{f"{p}date__gte": before}))
    recent = array("q", sorted(
        person << DAY_BITS | day.toordinal()
        for person, day in attendance.values_list("user_id", "activity__date").order_by()
        .union(logged.values_list("logged_by_id", "date").order_by())
    ))  # fmt: skip
    rows, waits, not_yet, core_now = {}, [], 0, 0
    for person, joined_on, level, is_coordinator in members:
        joined_on = joined_on.toordinal()
        core_now += level == Level.CORE or is_coordinator
        day = first.get(person, 0)
        rows[person] = [joined_on, joined_on, day, took.get(person, 0)]
        if day:
            waits.append(day - joined_on)
        else:
            not_yet += 1
    entered, left, reached = core_moves_by_quarter(
        community_id, since=_aware(quarter_start(first_q)), until=t0
    )
    for person, joined_on, left_on, was_core in departures:
        joined_on = joined_on.toordinal()
        row = rows.setdefault(person, [joined_on, 0, 0, took.get(person, 0)])
        row[0] = min(row[0], joined_on)
        if was_core and quarter_of(left_on) >= first_q:
            left[quarter_of(left_on)] += 1
    joined_in, counts = defaultdict(int), defaultdict(int)
    for row in rows.values():
        _count(joined_in, counts, row[0], row[3], first_q, current, 1)
    for person, bits in took.items():  # guests: in a cohort if they join
        rows.setdefault(person, [0, 0, 0, bits])
    return {
        "t0": t0,  # rows written since are read live: rolls on (`cached_retention`)
        "moves_from": t0,  # level changes since are read live
        "people": People(rows),
        "recent": recent,
        "waits": array("q", sorted(waits)),
        "not_yet": not_yet,
        "core_now": core_now,
        "joined_in": dict(joined_in),
        "counts": dict(counts),
        "moves": (dict(entered), dict(left), dict(reached)),
    }, fresh


def _count(joined_in, counts, day, bits, first_q, current, sign):
    """Add (sign 1) or take away (−1) a person who first joined on `day` (an ordinal) and
    took part in the quarters `bits` (bit 0: `first_q`) to the cohort counts."""
    quarter = quarter_of(date.fromordinal(day))
    joined_in[quarter] = joined_in.get(quarter, 0) + sign
    if first_q <= quarter <= current:
        bits >>= quarter - first_q
        later = quarter
        while bits:
            if bits & 1:
                counts[(quarter, later)] = counts.get((quarter, later), 0) + sign
            bits >>= 1
            later += 1


def add_rows(state: dict, days: dict, today: date) -> None:
    """Add rows to a settled part (in place): `days` {person: [days taken part] (ordinals)}.
    Adding rows it has already changes nothing."""
    current = quarter_of(today)
    first_q = current - COHORT_QUARTERS + 1
    since = live_since(today).toordinal()
    people, waits, recent = state["people"], state["waits"], state["recent"]
    for person, person_days in days.items():
        joined_on, member, first, bits = row = people.get(person)
        bits |= _bits(person_days, first_q, current)
        if joined_on and bits != row[3]:
            for old, sign in ((row[3], -1), (bits, 1)):
                _count(state["joined_in"], state["counts"], joined_on, old, first_q, current,
                       sign)  # fmt: skip
        since_joining = [day for day in person_days if day >= member]
        if member and since_joining and (not first or min(since_joining) < first):
            if first:
                del waits[bisect.bisect_left(waits, first - member)]
            else:
                state["not_yet"] -= 1
            first = min(since_joining)
            bisect.insort(waits, first - member)
        if (joined_on, member, first, bits) != row:
            people.set(person, (joined_on, member, first, bits))
        for day in person_days:
            key = person << DAY_BITS | day
            i = bisect.bisect_left(recent, key)
            if day >= since and (i == len(recent) or recent[i] != key):
                recent.insert(i, key)


def live_part(community_id, today: date, state: dict) -> dict:
    """The live part: three queries (the members who joined since `live_since(today)`, the
    rows of the activities created since the settled part's `t0`, the level changes since
    its `moves_from`)."""
    _, _, _, Membership = _models()
    first_q = quarter_of(today) - COHORT_QUARTERS + 1
    members = list(
        Membership.objects.filter(community_id=community_id, joined_on__gte=live_since(today))
        .values_list("user_id", "joined_on", "level", "is_coordinator")
        .order_by()
    )
    attendance, logged = _rows(community_id, _written_since(state["t0"]))
    days = defaultdict(list)
    for person, day in (
        attendance.values_list("user_id", "activity__date")
        .order_by()
        .union(logged.values_list("logged_by_id", "date").order_by())
    ):
        days[person].append(day.toordinal())
    moves = core_moves_by_quarter(
        community_id, since=max(state["moves_from"], _aware(quarter_start(first_q)))
    )
    return {"members": members, "days": dict(days), "moves": tuple(dict(m) for m in moves)}


def assemble(state: dict, live: dict, today: date) -> dict:
    """The page's value (as `services.community_retention`) from a settled part the live
    part's rows were added to (`add_rows`), and the live part's members and level changes."""
    current = quarter_of(today)
    first_q = current - COHORT_QUARTERS + 1
    joined_in, counts = dict(state["joined_in"]), dict(state["counts"])
    waits, not_yet, core_now = list(state["waits"]), state["not_yet"], state["core_now"]
    for person, joined_on, level, is_coordinator in live["members"]:
        joined_on = joined_on.toordinal()
        core_now += level == Level.CORE or is_coordinator
        days = [day for day in _days_of(state["recent"], person) if day >= joined_on]
        if days:
            waits.append(min(days) - joined_on)
        else:
            not_yet += 1
        before, _, _, bits = state["people"].get(person)
        if not before or joined_on < before:
            if before:
                _count(joined_in, counts, before, bits, first_q, current, -1)
            _count(joined_in, counts, joined_on, bits, first_q, current, 1)
    entered, left, reached = (
        {q: settled.get(q, 0) + now.get(q, 0) for q in {*settled, *now}}
        for settled, now in zip(state["moves"], live["moves"], strict=True)
    )
    return {
        "cohorts": cohort_rows(joined_in, counts, today),
        "core": core_rows(core_now, entered, left, reached, joined_in, today=today),
        "median_days": statistics.median(waits) if waits else None,
        "took_part": len(waits),
        "not_yet": not_yet,
    }


def _key(name, token, key) -> str:
    return f"{aggregates.PREFIX}:{name}:{token}:{key}"


def cached_retention(community, *, today: date) -> dict:
    """The retention page's value for `today`: one query for the three generations; when
    the page's value is not cached, the live part's three queries, and the settled part's
    (and the past's) when they are not cached either."""
    pk = community.pk
    names = [f"community:{pk}", settled_name(pk), past_name(pk)]
    current = aggregates.tokens(names)
    key = f"retention:{today.isoformat()}"

    def compute():
        settled_key = _key(names[1], current[names[1]], key)
        state = cache.get(settled_key)
        fresh = state is None
        if fresh:
            past_key = _key(names[2], current[names[2]], f"retention:{past_before(today)}")
            state, past = settled_part(pk, today, cache.get(past_key))
            if past is not None:
                cache.set(past_key, past, aggregates.TIMEOUT)
            cache.set(settled_key, state, aggregates.TIMEOUT)
        read_at = timezone.now()
        live = live_part(pk, today, state)
        add_rows(state, live["days"], today)
        if not fresh and read_at - state["t0"] > timedelta(minutes=WRITE_MINUTES + ROLL_MINUTES):
            # what was written since the settled part was computed, added to it for good
            state["t0"] = read_at - timedelta(minutes=WRITE_MINUTES)
            cache.set(settled_key, state, aggregates.TIMEOUT)
        return assemble(state, live, today)

    return aggregates.cached(names[0], key, compute, current=current[names[0]])


def warm(ids) -> None:
    """After a write to the communities `ids` (childcop.warming): their retention as its
    page asks for it (today in the program's time zone)."""
    from communities.models import Community

    today = timezone.localdate()
    for community in Community.objects.filter(pk__in=ids):
        cached_retention(community, today=today)


# --- what starts the parts' generations --------------------------------------------------


def invalidate(community_ids, *, past=True) -> None:
    """New generations of the communities' settled parts (and of their past: `past`) and
    of their summaries, after bulk writes to their attendance, activities, memberships,
    departures or level changes (`bulk_create`, `update` and fast deletes send no signal)."""
    names = []
    for pk in dict.fromkeys(community_ids):
        if pk is not None:
            names += [f"community:{pk}", settled_name(pk)] + ([past_name(pk)] if past else [])
    # "Needs you" reads none of it: the writes' own receivers and calls start its generations
    aggregates.invalidate(*names, needs=None)
