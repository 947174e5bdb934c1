"""Monthly health reports, frozen: a snapshot per community and the program report.

A report's data is frozen when it is made (`HealthReport.data`, `ProgramReport.data`):
everything a report page or email shows is read back from it (`highlights`, `labelled`),
never recomputed, so a report reads the same however the community's data changed since.

`make_reports(period, ...)` is phase 1 of the monthly job (jobs.reports.generate_reports),
no email:

1. it walks the communities in batches of ``settings.CHILDCOP_HEALTH_BATCH_SIZE`` (keyset
   pagination by id). Which communities: every one that was not closed before the month
   began. A community closed during (or after) the month gets its final report for that
   month; one closed before it gets none. Communities are not filtered by their creation
   date: their history (sessions, activities, stories) may be entered after the fact, and
   a community with nothing yet shows "no data", never a made-up zero;
2. per batch (`freeze_batch`): reads which reports of the period exist already,
   `compute()`s the indicators of the missing ones only (one call for the batch), and
   inserts the snapshots with ``bulk_create(ignore_conflicts=True)`` under the unique
   (community, period) constraint — a re-run, a retry or a second worker racing creates
   nothing twice and never overwrites a stored report; then reads back the stored reports
   of the batch (whoever wrote them);
3. after the last batch (only when run for every community) gets-or-creates the period's
   ``ProgramReport`` — every community's stage, flags and trends, biggest changes first,
   built from the stored snapshots. It is written last, so once it exists every report
   of the month does.

Queries: a constant number per batch whatever its size (see the comments in
`freeze_batch`), plus a constant number per run.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from childcop.charts import value_text
from communities.choices import Stage
from communities.models import Community, StageChange

from ..choices import Flag
from ..indicators import CommunityHealth, Indicator, add_months, compute
from ..models import HealthReport, ProgramReport

MOVES_SHOWN = 3  # the biggest indicator moves in an email and at the top of a report


# The trends the program report shows for every community, in this order:
# (column, label, indicator key).
PROGRAM_TRENDS = [
    ("participants", "Participants", "attendees"),
    ("rhythm", "Rhythm adherence", "rhythm_adherence"),
    ("stories", "Stories", "stories"),
]


# --- Periods ------------------------------------------------------------------------------


def default_period(now=None) -> date:
    """The previous calendar month (in the program's time zone)."""
    today = timezone.localdate(now or timezone.now())
    return add_months(today.replace(day=1), -1)


def parse_period(text: str) -> date:
    """'YYYY-MM' → the first day of that month; ValueError otherwise."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", (text or "").strip())
    if not match or not 1 <= int(match[2]) <= 12:
        raise ValueError(f"Not a month: {text!r} (expected YYYY-MM, e.g. 2031-04).")
    return date(int(match[1]), int(match[2]), 1)


def _month_begins(period: date) -> datetime:
    return timezone.make_aware(datetime.combine(period, time.min))


# --- Which communities ------------------------------------------------------------------


def reportable_communities(period: date, community_ids=None):
    """Communities not closed before `period` began (closed during it: a final report)."""
    closed_since = StageChange.objects.filter(
        community=OuterRef("pk"), to_stage=Stage.CLOSED, changed_at__gte=_month_begins(period)
    )
    communities = Community.objects.filter(~Q(stage=Stage.CLOSED) | Q(Exists(closed_since)))
    if community_ids is not None:
        communities = communities.filter(pk__in=list(community_ids))
    return communities


# --- Reading a snapshot ---------------------------------------------------------------------


@dataclass
class Move:
    """One indicator's move between the two last periods of a snapshot."""

    key: str
    label: str
    group: str
    unit: str
    previous: object
    current: object
    magnitude: float  # size of the move, 0 to 1 (see indicator_move)

    @property
    def delta(self):
        return self.current - self.previous

    @property
    def direction(self) -> str:
        return "up" if self.current > self.previous else "down"

    @property
    def text(self) -> str:
        line = f"{value_text(self.previous, self.unit)} → {value_text(self.current, self.unit)}"
        if self.unit == "%":
            points = self.delta
            return f"{line} ({points:+.0f} points)"
        if self.unit != "yes/no" and self.previous:
            return f"{line} ({self.delta / abs(self.previous):+.0%})"
        return line


def _is_number(value) -> bool:
    return isinstance(value, int | float)  # yes/no indicators hold 1/0 (or booleans)


def indicator_move(indicator: Indicator) -> Move | None:
    """The move from the previous period to the current one, or None (no data, no change)."""
    current, previous = indicator.current, indicator.previous
    if not indicator.available or not (_is_number(current) and _is_number(previous)):
        return None
    if current == previous:
        return None
    # How big, on one scale for every indicator: the change over the larger of the two
    # values (0 → anything and a yes/no flip are 1; halving and doubling are both 0.5).
    magnitude = abs(current - previous) / max(abs(previous), abs(current))
    return Move(
        indicator.key,
        indicator.label,
        indicator.group,
        indicator.unit,
        previous,
        current,
        magnitude,
    )


def biggest_moves(health: CommunityHealth, limit: int | None = MOVES_SHOWN) -> list[Move]:
    found = [m for m in (indicator_move(i) for i in health.indicators) if m is not None]
    found.sort(key=lambda m: (-m.magnitude, -abs(m.delta), m.label))
    return found if limit is None else found[:limit]


def report_context(data: dict) -> dict:
    """The report's frozen facts beside the indicators (stage, name, previous flags)."""
    return data.get("report") or {}


@dataclass
class Highlights:
    health: CommunityHealth
    context: dict
    flags: list  # RaisedFlag, each with .is_new set
    cleared: list  # [(key, label)] flags of the previous report no longer raised
    moves: list[Move]

    @property
    def has_previous(self) -> bool:
        return self.context.get("previous_flags") is not None


def highlights(data: dict) -> Highlights:
    """What a reader should see first, read from the stored snapshot only."""
    health = CommunityHealth.from_json(data)
    context = report_context(data)
    before = context.get("previous_flags")
    before_set = set(before or [])
    for flag in health.flags:
        flag.is_new = before is not None and flag.key not in before_set
    now = set(health.flag_keys)
    cleared = [(key, _label(key)) for key in (before or []) if key not in now]
    return Highlights(health, context, health.flags, cleared, biggest_moves(health))


# --- Building a snapshot --------------------------------------------------------------------


def snapshot(health: CommunityHealth, community: dict, *, previous_flags, run: str) -> dict:
    """The JSON stored in HealthReport.data: the computed health and the month's context."""
    data = health.as_json()
    stage = community["stage"]
    data["report"] = {
        "community": {
            "id": community["pk"],
            "name": community["name"],
            "slug": community["slug"],
            "stage": stage,
            "stage_label": Stage(stage).label if stage in Stage.values else stage,
        },
        # The previous month's flags as stored then (None: there was no report), so the
        # flags raised and cleared since are part of the frozen record.
        "previous_flags": None if previous_flags is None else list(previous_flags),
        "run": run,  # which run wrote it (tells a run what it created itself)
    }
    return data


def _flag_keys(data: dict) -> list[str]:
    return [flag["key"] for flag in data.get("flags", [])]


# --- One batch ------------------------------------------------------------------------------


def freeze_batch(batch, period, now, run):
    """Reports for one batch of communities (no email); a constant number of queries."""
    ids = [c["pk"] for c in batch]
    communities = {c["pk"]: c for c in batch}
    # 1: which reports of the period exist already (a re-run computes nothing again).
    existing = set(
        HealthReport.objects.filter(community_id__in=ids, period=period).values_list(
            "community_id", flat=True
        )
    )
    missing = [pk for pk in ids if pk not in existing]
    if missing:
        # compute(): its own fixed number of queries for the whole batch.
        healths = compute(missing, period=period, now=now)
        # 1: the previous month's reports, so a snapshot records the flags raised since.
        previous = {
            community_id: _flag_keys(data)
            for community_id, data in HealthReport.objects.filter(
                community_id__in=missing, period=add_months(period, -1)
            ).values_list("community_id", "data")
        }
        # 1: the snapshots, under the unique (community, period) constraint: a report
        # written meanwhile by another run wins, and nothing is ever overwritten.
        HealthReport.objects.bulk_create(
            [
                HealthReport(
                    community_id=pk,
                    period=period,
                    generated_at=now,
                    data=snapshot(
                        healths[pk], communities[pk], previous_flags=previous.get(pk), run=run
                    ),
                )
                for pk in missing
                if pk in healths
            ],
            ignore_conflicts=True,
        )
    # 1: the stored reports of the batch, whoever wrote them: the program report is built
    # from these frozen snapshots only.
    stored = {
        r.community_id: r
        for r in HealthReport.objects.filter(community_id__in=ids, period=period).order_by(
            "community_id"
        )
    }
    created = sum(1 for r in stored.values() if report_context(r.data).get("run") == run)
    return stored, created


# --- The program report ---------------------------------------------------------------------


def program_row(report: HealthReport) -> dict:
    """One community's line of the program report, from its stored snapshot."""
    facts = highlights(report.data)
    health, context = facts.health, facts.context
    community = context.get("community", {})
    before = context.get("previous_flags")
    keys = health.flag_keys
    raised = [k for k in keys if before is not None and k not in before]
    cleared = [k for k, _ in facts.cleared]
    trends = []
    for column, label, key in PROGRAM_TRENDS:
        indicator = health.indicator(key)
        if indicator is None or not indicator.available:
            trends.append({"key": column, "label": label, "available": False})
            continue
        trends.append(
            {
                "key": column,
                "label": label,
                "available": True,
                "unit": indicator.unit,
                "current": indicator.current,
                "previous": indicator.previous,
                "values": indicator.values,
            }
        )
    move = facts.moves[0] if facts.moves else None
    return {
        "community_id": report.community_id,
        "report_id": report.pk,
        "name": community.get("name", ""),
        "slug": community.get("slug", ""),
        "stage": community.get("stage", ""),
        "stage_label": community.get("stage_label", ""),
        "flags": keys,
        "flag_count": len(keys),
        "flag_count_before": None if before is None else len(before),
        "raised": raised,
        "cleared": cleared,
        "trends": trends,
        "biggest_move": None
        if move is None
        else {"label": move.label, "text": move.text, "magnitude": move.magnitude},
        # How much changed: flags raised or cleared since the previous report first, then
        # the largest relative move of any indicator.
        "change": [len(raised) + len(cleared), round(move.magnitude if move else 0.0, 4)],
    }


def order_rows(rows: list[dict]) -> list[dict]:
    """Biggest changes first; ties by name."""
    return sorted(rows, key=lambda r: (-r["change"][0], -r["change"][1], r["name"].lower()))


def program_data(period: date, rows: list[dict], now) -> dict:
    totals = dict.fromkeys(Flag.values, 0)
    for row in rows:
        for key in row["flags"]:
            totals[key] = totals.get(key, 0) + 1
    return {
        "period": period.isoformat(),
        "generated_at": now.isoformat(),
        "communities": len(rows),
        "flagged": sum(1 for r in rows if r["flag_count"]),
        "flag_totals": totals,
        "trend_labels": [label for _, label, _ in PROGRAM_TRENDS],
        "rows": order_rows(rows),
    }


def _label(key: str) -> str:
    return Flag(key).label if key in Flag.values else key


def labelled(row: dict) -> dict:
    """A program report row with its flags' labels (for pages and emails)."""
    return {
        **row,
        "flag_labels": [_label(k) for k in row.get("flags", [])],
        "raised_labels": [_label(k) for k in row.get("raised", [])],
        "cleared_labels": [_label(k) for k in row.get("cleared", [])],
    }


def freeze_program_report(period, rows, now):
    """The period's program report, made once: (report, created)."""
    # 1 select (+1 insert when created): get_or_create under the unique
    # period; a report already there (another run, a race) is kept as it is.
    return ProgramReport.objects.get_or_create(
        period=period, defaults={"generated_at": now, "data": program_data(period, rows, now)}
    )


# --- Phase 1 of the monthly job -------------------------------------------------------------


def make_reports(period, community_ids, now, batch_size, result):
    """Phase 1: every missing snapshot of `period`, then (for the whole program) the program
    report, which it returns (None when run for chosen communities). No email. Counts what
    it did in `result` (communities, created, program_report_created)."""
    run = uuid.uuid4().hex
    communities = reportable_communities(period, community_ids)
    rows, last = [], 0
    while True:
        # 1 per batch: the next communities by id (keyset pagination).
        batch = list(
            communities.filter(pk__gt=last)
            .order_by("pk")
            .values("pk", "name", "slug", "stage")[:batch_size]
        )
        if batch:
            last = batch[-1]["pk"]
            stored, created = freeze_batch(batch, period, now, run)
            result["communities"] += len(stored)
            result["created"] += created
            if community_ids is None:
                rows.extend(program_row(report) for report in stored.values())
        if len(batch) < batch_size:
            break
    if community_ids is not None:
        return None
    report, created = freeze_program_report(period, rows, now)
    result["program_report_created"] = created
    return report
