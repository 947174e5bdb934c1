"""The monthly health reports job: the reports made once, then emailed once each.

`generate_reports(period)` is what the daily beat task (`communities.tasks.
generate_health_reports`, 06:30) and `manage.py generate_health_reports` run. For the
month `period` (its first day; by default the previous calendar month) it works in two
phases, so that a mail server that is down never stops a month's reports being made:

Phase 1 — the reports, no email: `services.reports.make_reports` freezes a snapshot of
every reportable community in batches, then (when run for every community) the period's
program report, written last: once it exists every report of the month does, so a later
run for the whole program skips phase 1 (one query).

Phase 2 — the emails (unless ``send_emails=False``):

1. walks the month's stored reports in batches and emails each one's highlights to the
   community's coordinators and the sponsors named for it, each email claimed in
   ``SentEmail`` (kind ``health_report``, key the report id) in the transaction that
   sends it, over one mail connection per batch;
2. emails the program report to the program admins and the program-wide sponsors (who
   get it instead of one email per community), claimed once each.

A mail failure (OSError: SMTP or socket) ends phase 2 and propagates, so the task retries;
every report is in place by then, the failed email's claim is rolled back, and the next
run — a retry, or the next daily tick — sends only what is unsent. The daily schedule
makes this automatic: the first run of a month makes the reports, later runs find them
made and send whatever a failure left unsent (a handful of queries per batch).

Queries: a constant number per batch whatever its size (see the comments in
`services.reports.freeze_batch` and `_email_batch`), plus a constant number per run. Emails
are per recipient by nature: each costs four queries (the recipient's preference for the
kind, its claim, its notification, the recipient's unread count; the transaction around
them adds a savepoint pair only when the job itself runs inside a transaction). Emails
already claimed are skipped without a query per recipient, and a batch whose emails are all
sent reads no snapshot. Time grows linearly with the number of communities.
"""

from __future__ import annotations

import logging
from functools import partial

from django.conf import settings
from django.core.mail import get_connection
from django.db.models import F, IntegerField, Q
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils import timezone

from childcop import mail
from childcop.accounts import notices
from childcop.accounts.models import Access, SentEmail, User
from childcop.utils import site_url
from communities.models import Membership

from ..models import HealthReport, ProgramReport
from ..services.reports import default_period, highlights, labelled, make_reports

logger = logging.getLogger(__name__)

KIND = "health_report"
PROGRAM_KIND = "program_report"

# --- Emails --------------------------------------------------------------------------------


def report_url(community: dict, report_id: int) -> str:
    return site_url("communities:health_report", community["slug"], report_id)


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
    return mail.message(
        user,
        "communities/health/email/report",
        f"Health report {report.period:%B %Y}: {community['name']} ({status})",
        context,
        connection=connection,
    )


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
    queries, then per email sent its claim, its notification and the unread count."""
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
            mail.Notice(
                report_url(row, row["pk"]),
                community=row["community_id"],
                title=f"Health report {stored[row['pk']].period:%B %Y}: {row['name']}",
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
    """Send the pending [(user, key, build, notice)] emails, each claimed (and its
    notification written) in the transaction that sends it, over one mail session (opened
    only when there is something to send); `build(connection)` makes the message. The
    recipients' preferences for `kind` are read once for them all."""
    if not pending:
        return 0
    sent = 0
    chosen = notices.channels({user.pk for user, _, _, _ in pending}, kind)  # 1
    connection = get_connection()
    with connection:
        for user, key, build, notice in pending:
            if mail.send_claimed(
                user,
                kind,
                key,
                lambda b=build: b(connection),
                skip_refused=True,
                notice=notice,
                chosen=chosen[user.pk],
            ):
                sent += 1
    return sent


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
        "url": site_url("program:report", report.pk) if reason == "admin" else "",
    }
    return mail.message(
        user,
        "communities/health/email/program_report",
        f"Program report {report.period:%B %Y}: {data.get('communities', 0)} communities, "
        f"{data.get('flagged', 0)} flagged",
        context,
        connection=connection,
    )


def _email_program_report(report, today) -> int:
    recipients = program_recipients(today)  # 2: the admins, the program-wide sponsors
    key = str(report.pk)
    claimed = _claimed(PROGRAM_KIND, [key])  # 1
    title = f"Program report {report.period:%B %Y}"
    for_admins = mail.Notice(
        site_url("program:report", report.pk), access=Access.PROGRAM_ADMIN, title=title
    )
    for_sponsors = mail.Notice(site_url("sponsorship:dashboard"), title=title)
    pending = [
        (
            user,
            key,
            partial(program_message, report, user, reason),
            for_admins if reason == "admin" else for_sponsors,
        )
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
        program = make_reports(period, community_ids, now, batch_size, result)
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
