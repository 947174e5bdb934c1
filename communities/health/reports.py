"""Monthly health reports: a frozen snapshot per community, and the program report.

`generate_reports(period)` is what the daily beat task (`communities.tasks.
generate_health_reports`, 06:30) and `manage.py generate_health_reports` run. For the
month `period` (its first day; by default the previous calendar month) it works in two
phases, so that a mail server that is down never stops a month's reports being made:

Phase 1 — the reports, no email:

1. walks the communities in batches of ``settings.CHILDCOP_HEALTH_BATCH_SIZE`` (keyset
   pagination by id). Which communities: every one that was not closed before the month
   began. A community closed during (or after) the month gets its final report for that
   month; one closed before it gets none. Communities are not filtered by their creation
   date: their history (sessions, activities, stories) may be entered after the fact, and
   a community with nothing yet shows "no data", never a made-up zero;
2. per batch: reads which reports of the period exist already, `compute()`s the indicators
   of the missing ones only (one call for the batch), and inserts the snapshots with
   ``bulk_create(ignore_conflicts=True)`` under the unique (community, period)
   constraint — a re-run, a retry or a second worker racing creates nothing twice and
   never overwrites a stored report: a report's data is frozen when it is generated;
   then reads back the stored reports of the batch (whoever wrote them);
3. after the last batch (only when run for every community) gets-or-creates the period's
   ``ProgramReport`` — every community's stage, flags and trends, biggest changes first,
   built from the stored snapshots. It is written last, so once it exists every report
   of the month does: a later run for the whole program skips phase 1 (one query).

Phase 2 — the emails (unless ``send_emails=False``):

4. walks the month's stored reports in batches and emails each one's highlights to the
   community's coordinators and the sponsors named for it, each email claimed in
   ``SentEmail`` (kind ``health_report``, key the report id) in the transaction that
   sends it, over one mail connection per batch;
5. emails the program report to the program admins and the program-wide sponsors (who
   get it instead of one email per community), claimed once each.

A mail failure (OSError: SMTP or socket) ends phase 2 and propagates, so the task retries;
every report is in place by then, the failed email's claim is rolled back, and the next
run — a retry, or the next daily tick — sends only what is unsent. The daily schedule
makes this automatic: the first run of a month makes the reports, later runs find them
made and send whatever a failure left unsent (a handful of queries per batch).

Queries: a constant number per batch whatever its size (see the comments in
`_report_batch` and `_email_batch`), plus a constant number per run. Emails are per
recipient by nature: each costs exactly one INSERT (its claim; the transaction around it
adds a savepoint pair only when the job itself runs inside a transaction). Emails already
claimed are skipped without a query per recipient, and a batch whose emails are all sent
reads no snapshot. Time grows linearly with the number of communities.
"""

from __future__ import annotations

import logging
import re
import smtplib
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, IntegerField, OuterRef, Q
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from childcop.accounts.models import SentEmail, User

from ..choices import Stage
from ..models import Community, Membership, StageChange
from .choices import Flag
from .indicators import CommunityHealth, Indicator, add_months, compute
from .models import HealthReport, ProgramReport

logger = logging.getLogger(__name__)

KIND = "health_report"
PROGRAM_KIND = "program_report"
MOVES_SHOWN = 3  # the biggest indicator moves in an email and at the top of a report

# The trends the program report shows for every community, in this order:
# (column, label, indicator key).
PROGRAM_TRENDS = [
    ("participants", "Participants", "attendees"),
    ("rhythm", "Rhythm adherence", "rhythm_adherence"),
    ("stories", "Stories", "stories"),
]

# Refusals of one message: skip that recipient and go on (see communities.rhythm.jobs).
_REFUSED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError)


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


def value_text(value, unit: str = "") -> str:
    if value is None:
        return "—"
    if unit == "yes/no":
        return "yes" if value else "no"
    if isinstance(value, float) and not value.is_integer():
        text = f"{value:.1f}"
    else:
        text = f"{value:.0f}" if isinstance(value, float) else str(value)
    return f"{text}%" if unit == "%" else text


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


# --- Emails --------------------------------------------------------------------------------


def _send_claimed(user, kind: str, key: str, build) -> bool:
    """Claim (user, kind, key) and send `build()` in one transaction; False if claimed already.

    The pattern of `communities.rhythm.jobs._send_claimed`, with one statement fewer: the claim
    is the transaction's first write, so a duplicate's IntegrityError simply rolls the
    whole (empty) transaction back — no savepoint of its own. A concurrent attempt waits on
    the unique index (PostgreSQL) or the write lock (SQLite) and then finds the claim; a
    failed send rolls the claim back for the next run.
    """
    try:
        with transaction.atomic():
            SentEmail.objects.create(recipient=user, kind=kind, key=key)
            build().send()
    except IntegrityError:
        return False
    except _REFUSED:
        logger.exception("%s %s to %s was refused; the next run tries again", kind, key, user)
        return False
    return True


def report_url(community: dict, report_id: int) -> str:
    return settings.SITE_URL + reverse(
        "communities:health_report", args=[community["slug"], report_id]
    )


def report_message(report, community: dict, user, reason: str, connection):
    """`community`: the community's current "name" and "slug" (its link)."""
    facts = highlights(report.data)
    context = {
        "user": user,
        "community": community,
        "report": report,
        "period": report.period,
        "highlights": facts,
        "reason": reason,
        "url": report_url(community, report.pk),
    }
    flags = len(facts.flags)
    status = f"{flags} flag{'s' if flags != 1 else ''}" if flags else "no flags"
    message = EmailMultiAlternatives(
        subject=f"Health report {report.period:%B %Y}: {community['name']} ({status})",
        body=render_to_string("communities/health/email/report.txt", context),
        to=[user.email],
        headers={"Auto-Submitted": "auto-generated"},
        connection=connection,
    )
    message.attach_alternative(
        render_to_string("communities/health/email/report.html", context), "text/html"
    )
    return message


def _program_wide_sponsors(today):
    from sponsorship.choices import AppointmentRole, Scope
    from sponsorship.models import Appointment

    appointments = (
        Appointment.objects.current(today)
        .filter(role=AppointmentRole.SPONSOR, scope=Scope.PROGRAM, person__is_active=True)
        .select_related("person")
        .order_by("person_id")
    )
    return {a.person_id: a.person for a in appointments}


def _recipients(community_ids, today):
    """{community id: {user id: (user, reason)}}: active coordinators, then the active,
    current sponsors named for the community. Program-wide sponsors are not here: they get
    the program report instead (see `program_recipients`).

    Two queries for the batch: the coordinators' memberships with their users, and the
    named sponsors' appointment links with their people.
    """
    from sponsorship.choices import AppointmentRole, Scope
    from sponsorship.models import Appointment

    found = {pk: {} for pk in community_ids}
    for membership in (
        Membership.objects.filter(
            community_id__in=community_ids, is_coordinator=True, user__is_active=True
        )
        .select_related("user")
        .order_by("community_id", "user_id")
    ):
        found[membership.community_id][membership.user_id] = (membership.user, "coordinate")
    named = Appointment.communities.through.objects.filter(
        community_id__in=community_ids,
        appointment__in=Appointment.objects.current(today).filter(
            role=AppointmentRole.SPONSOR, scope=Scope.COMMUNITIES, person__is_active=True
        ),
    ).select_related("appointment__person")
    for link in named.order_by("community_id", "appointment__person_id"):
        person = link.appointment.person
        found[link.community_id].setdefault(person.pk, (person, "sponsor"))
    return found


def _claimed(kind: str, keys) -> set[tuple[int, str]]:
    """(recipient id, key) pairs already claimed: one query, so re-runs cost no per-email
    attempt (a claim made after this read is still caught by the unique constraint)."""
    return set(
        SentEmail.objects.filter(kind=kind, key__in=list(keys)).values_list("recipient_id", "key")
    )


def _email_batch(page, today) -> int:
    """Email the reports of one page [{pk, community_id, name, slug}]; a constant number of
    queries, then one INSERT per email sent (its claim)."""
    recipients = _recipients([row["community_id"] for row in page], today)  # 2
    claimed = _claimed(KIND, [str(row["pk"]) for row in page])  # 1
    wanted = [
        (row, user, reason)
        for row in page
        for user, reason in recipients[row["community_id"]].values()
        if (user.pk, str(row["pk"])) not in claimed
    ]
    if not wanted:
        return 0  # all sent already: no snapshot read
    # 1: the snapshots of the reports that still have an email to send.
    stored = HealthReport.objects.in_bulk({row["pk"] for row, _, _ in wanted})
    pending = [
        (
            user,
            str(row["pk"]),
            partial(
                report_message,
                stored[row["pk"]],
                {"pk": row["community_id"], "name": row["name"], "slug": row["slug"]},
                user,
                reason,
            ),
        )
        for row, user, reason in wanted
    ]
    return _send_all(pending, KIND)


def _email_reports(period, community_ids, today, batch_size) -> int:
    """Phase 2: every stored report of `period` (of `community_ids`, or all) emailed to whoever
    has not had it yet, in batches by community id."""
    reports = HealthReport.objects.filter(period=period)
    if community_ids is not None:
        reports = reports.filter(community_id__in=list(community_ids))
    sent, last = 0, 0
    while True:
        # 1 per batch: the next reports, with their community's current name and slug.
        page = list(
            reports.filter(community_id__gt=last)
            .order_by("community_id")
            .values("pk", "community_id", name=F("community__name"), slug=F("community__slug"))[
                :batch_size
            ]
        )
        if page:
            last = page[-1]["community_id"]
            sent += _email_batch(page, today)
        if len(page) < batch_size:
            return sent


def _send_all(pending, kind: str) -> int:
    """Send the pending [(user, key, build)] emails, each claimed in the transaction that
    sends it, over one mail session (opened only when there is something to send);
    `build(connection)` makes the message."""
    if not pending:
        return 0
    sent = 0
    connection = get_connection()
    with connection:
        for user, key, build in pending:
            if _send_claimed(user, kind, key, lambda b=build: b(connection)):
                sent += 1
    return sent


# --- One batch ------------------------------------------------------------------------------


def _report_batch(batch, period, now, run):
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


def program_admins():
    return User.objects.filter(
        Q(is_program_admin=True) | Q(is_superuser=True), is_active=True
    ).order_by("pk")


def program_recipients(today) -> dict:
    """{user id: (user, reason)}: the program admins ("admin"), then the active program-wide
    sponsors ("sponsor"), who read the program report rather than one email per
    community. Two queries."""
    found = {admin.pk: (admin, "admin") for admin in program_admins()}
    for pk, person in _program_wide_sponsors(today).items():
        found.setdefault(pk, (person, "sponsor"))
    return found


def program_message(report: ProgramReport, user, reason: str, connection):
    """The program report's email. Program admins get its link; program-wide sponsors (who
    cannot open the program pages) get each listed community's report link instead."""
    data = report.data
    top = []
    for row in data.get("rows", [])[:5]:
        line = labelled(row)
        if row.get("slug") and row.get("report_id"):
            line["url"] = report_url(row, row["report_id"])
        top.append(line)
    context = {
        "user": user,
        "report": report,
        "data": data,
        "top": top,
        "reason": reason,
        "url": settings.SITE_URL + reverse("program:report", args=[report.pk])
        if reason == "admin"
        else "",
    }
    message = EmailMultiAlternatives(
        subject=(
            f"Program report {report.period:%B %Y}: {data.get('communities', 0)} communities, "
            f"{data.get('flagged', 0)} flagged"
        ),
        body=render_to_string("communities/health/email/program_report.txt", context),
        to=[user.email],
        headers={"Auto-Submitted": "auto-generated"},
        connection=connection,
    )
    message.attach_alternative(
        render_to_string("communities/health/email/program_report.html", context), "text/html"
    )
    return message


def _program_report(period, rows, now):
    # 1 select (+1 insert when created): get_or_create under the unique
    # period; a report already there (another run, a race) is kept as it is.
    return ProgramReport.objects.get_or_create(
        period=period, defaults={"generated_at": now, "data": program_data(period, rows, now)}
    )


def _email_program_report(report, today) -> int:
    recipients = program_recipients(today)  # 2: the admins, the program-wide sponsors
    key = str(report.pk)
    claimed = _claimed(PROGRAM_KIND, [key])  # 1
    pending = [
        (user, key, partial(program_message, report, user, reason))
        for user, reason in recipients.values()
        if (user.pk, key) not in claimed
    ]
    return _send_all(pending, PROGRAM_KIND)


# --- The job --------------------------------------------------------------------------------


def generate_reports(period=None, *, community_ids=None, now=None, send_emails=True) -> dict:
    """Generate (once) and send the health reports of `period`; see the module's docstring.

    Returns what happened: the period, communities reported on, reports created by this
    run (0 on a re-run), emails sent, and the program report's id and whether it was
    created (None when run for chosen communities only). A mail failure (OSError) is
    raised after phase 1 is complete: the next run sends what is unsent.
    """
    now = now or timezone.now()
    period = default_period(now) if period is None else period.replace(day=1)
    if period >= timezone.localdate(now).replace(day=1):
        raise ValueError(f"{period:%B %Y} has not ended yet: a month is reported on once over.")
    batch_size = max(1, settings.CHILDCOP_HEALTH_BATCH_SIZE)
    today = timezone.localdate(now)
    result = {
        "period": period.isoformat(),
        "communities": 0,
        "created": 0,
        "emails": 0,
        "program_report": None,
        "program_report_created": False,
        "program_emails": 0,
    }
    program = None
    if community_ids is None:
        # 1: the month's program report, without its data. It is written after the last
        # snapshot, so when it exists the month's reports are made: skip phase 1.
        program = (
            ProgramReport.objects.filter(period=period)
            .defer("data")
            .annotate(reported=Cast(KT("data__communities"), IntegerField()))
            .first()
        )
    if program is None:
        program = _make_reports(period, community_ids, now, batch_size, result)
    else:
        result["communities"] = program.reported or 0
    if program is not None:
        result["program_report"] = program.pk
    if send_emails:
        try:
            result["emails"] = _email_reports(period, community_ids, today, batch_size)
            if program is not None:
                result["program_emails"] = _email_program_report(program, today)
        except OSError:
            logger.warning(
                "Health reports for %s are made, but sending their emails failed; the next "
                "run sends what is unsent: %s",
                period,
                result,
            )
            raise
    logger.info("Health reports for %s: %s", period, result)
    return result


def _make_reports(period, community_ids, now, batch_size, result):
    """Phase 1: every missing snapshot of `period`, then (for the whole program) the program
    report, which it returns. No email."""
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
            stored, created = _report_batch(batch, period, now, run)
            result["communities"] += len(stored)
            result["created"] += created
            if community_ids is None:
                rows.extend(program_row(report) for report in stored.values())
        if len(batch) < batch_size:
            break
    if community_ids is not None:
        return None
    report, created = _program_report(period, rows, now)
    result["program_report_created"] = created
    return report


def seed_demo(months: int = 2) -> list[dict]:
    """The demo's reports for the last `months` months, oldest first (so each records the
    flags of the one before); idempotent, no email."""
    last = default_period()
    return [
        generate_reports(add_months(last, -back), send_emails=False)
        for back in reversed(range(months))
    ]
