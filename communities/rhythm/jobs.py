"""The rhythm's background jobs: session reminders, missed-heartbeat warnings, and the
invitations of the people an attendance import created an account for.

What the Celery tasks (`communities.tasks`) and the management commands
(`send_rhythm_reminders`, `check_heartbeats`) call. Reminders and heartbeats are run by
beat (see the ``rhythm_schedules`` migration); invitations are enqueued when an import is
applied. All are idempotent: every email goes through `childcop.mail`, which *claims* it
first by inserting a ``SentEmail`` row under its unique constraint, in the same transaction
as the send. A retry, a duplicate beat tick or two workers at once find the claim and send
nothing; a send that fails rolls its claim back, and a run that dies half-way leaves the
rest unclaimed for the next run (hourly for reminders, daily for heartbeats).
"""

from __future__ import annotations

import logging
from datetime import UTC, timedelta

from django.contrib.auth import get_user_model
from django.core import signing
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.text import slugify

from childcop import mail
from childcop.accounts.models import SentEmail
from childcop.utils import site_url
from communities.choices import SessionStatus, Stage
from communities.models import Community, Membership

from .models import AttendanceImport, Session
from .services.feeds import build_calendar, duration_label

logger = logging.getLogger(__name__)

REMINDER = "session_reminder"
MISSED_HEARTBEAT = "missed_heartbeat"
INVITE_KIND = "attendance_import_invite"
HEARTBEAT_LOOKBACK_DAYS = 30  # a first run (or a long outage) does not flood coordinators
UNSUBSCRIBE_SALT = "childcop.unsubscribe.rhythm_reminders"


def _days_q(field: str, lookup: str, now, *, sign: int, communities=None) -> Q:
    """Sessions whose `starts_at` is within each community's own number of days of `now`.

    One condition per distinct setting, so the database does the filtering. `communities`:
    only these (loaded already: their settings are read from them, no query).
    """
    if communities is None:
        days_values = (
            Community.objects.exclude(stage=Stage.CLOSED)
            .values_list(field, flat=True)
            .distinct()
            .order_by()
        )
        where = {}
    else:
        days_values = {getattr(c, field) for c in communities}
        where = {"community_id__in": [c.pk for c in communities]}
    q = Q(pk__in=[])
    for days in days_values:
        bound = now + sign * timedelta(days=days)
        q |= Q(**{f"community__{field}": days, f"starts_at__{lookup}": bound}, **where)
    return q


# --- Rhythm reminders --------------------------------------------------------------


def due_reminder_sessions(now):
    """Planned sessions starting within their community's `reminder_days_before` of now."""
    return (
        Session.objects.filter(status=SessionStatus.PLANNED, starts_at__gte=now)
        .filter(_days_q("reminder_days_before", "lte", now, sign=1))
        .exclude(community__stage=Stage.CLOSED)
        .select_related("community")
        .order_by("starts_at", "pk")
    )


def reminder_key(session) -> str:
    """A session moved to another time is a new reminder: the key holds the start time."""
    return f"{session.pk}@{session.starts_at.astimezone(UTC):%Y%m%dT%H%MZ}"


def reminder_recipients(session):
    """Active members not reminded of this session yet (`childcop.mail` then reads whether
    each wants the reminder)."""
    memberships = (
        Membership.objects.filter(
            community_id=session.community_id,
            user__is_active=True,
        )
        .exclude(
            Exists(
                SentEmail.objects.filter(
                    recipient=OuterRef("user"), kind=REMINDER, key=reminder_key(session)
                )
            )
        )
        .select_related("user")
        .order_by("user_id")
    )
    return [membership.user for membership in memberships]


def unsubscribe_token(user) -> str:
    return signing.dumps({"u": user.pk}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(user) -> str:
    return site_url("unsubscribe", unsubscribe_token(user))


def reminder_email(session) -> tuple[str, dict, tuple[str, bytes]]:
    """A session's reminder: (subject, context, .ics). Its times show in each member's own
    time zone: the subject is called, and the context rendered, while it is active."""
    community = session.community
    context = {
        "session": session,
        "community": community,
        "starts": session.starts_at,
        "ends": session.ends_at,
        "duration": duration_label(session.duration_minutes),
        "channel": session.get_channel_display(),
        "url": site_url(community),
    }

    def subject():
        starts = dateformat.format(timezone.localtime(session.starts_at), "D j M, H:i")
        return f"Reminder: {session.title}, {starts} ({community.name})"

    ics = (
        f"{slugify(session.title) or 'session'}.ics",
        build_calendar([session], name=community.name),
    )
    return subject, context, ics


def send_due_reminders(now=None) -> int:
    """Email every member about the sessions due soon; returns the number of emails sent."""
    now = now or timezone.now()
    sent = 0
    for session in due_reminder_sessions(now):
        with mail.isolated("session reminders", session):
            sent += _send_reminders(session)
    if sent:
        logger.info("Sent %d session reminder(s)", sent)
    return sent


def _send_reminders(session) -> int:
    recipients = reminder_recipients(session)
    if not recipients:
        return 0
    subject, context, ics = reminder_email(session)
    key = reminder_key(session)
    return sum(
        mail.send_once(
            user,
            REMINDER,
            key,
            "communities/email/session_reminder",
            subject,
            context,
            skip_refused=True,
            ics=ics,
            unsubscribe=unsubscribe_url(user),
            notice=mail.Notice(context["url"], community=session.community),
        )
        for user in recipients
    )


# --- Missed heartbeats ---------------------------------------------------------------


def missed_heartbeat_sessions(now, communities=None):
    """Planned sessions past their community's grace period with no activity logged (of
    `communities` only, when given: loaded already, their settings read from them)."""
    return (
        Session.objects.filter(
            status=SessionStatus.PLANNED,
            activity__isnull=True,
            starts_at__gte=now - timedelta(days=HEARTBEAT_LOOKBACK_DAYS),
            # A session recorded after it happened (a rhythm entered late) was not a
            # heartbeat anyone was waiting for: no warning.
            created_at__lt=F("starts_at"),
        )
        .filter(_days_q("heartbeat_grace_days", "lt", now, sign=-1, communities=communities))
        .exclude(community__stage=Stage.CLOSED)
        .select_related("community")
        .order_by("starts_at", "pk")
    )


def heartbeat_recipients(session):
    memberships = (
        Membership.objects.filter(
            community_id=session.community_id, is_coordinator=True, user__is_active=True
        )
        .exclude(
            Exists(
                SentEmail.objects.filter(
                    recipient=OuterRef("user"), kind=MISSED_HEARTBEAT, key=str(session.pk)
                )
            )
        )
        .select_related("user")
        .order_by("user_id")
    )
    return [membership.user for membership in memberships]


def log_activity_url(session) -> str:
    return (
        site_url("communities:activity_create", session.community.slug) + f"?session={session.pk}"
    )


def warn_missed_heartbeats(now=None) -> int:
    """Warn coordinators, once per session each, about sessions nobody logged."""
    now = now or timezone.now()
    sent = 0
    for session in missed_heartbeat_sessions(now):
        community = session.community
        with mail.isolated("missed-heartbeat warnings", session):
            sent += mail.send_to_each(
                heartbeat_recipients(session),
                MISSED_HEARTBEAT,
                str(session.pk),
                "communities/email/missed_heartbeat",
                f"No activity logged for “{session.title}” ({community.name})",
                {
                    "session": session,
                    "community": community,
                    "starts": session.starts_at,
                    "log_url": log_activity_url(session),
                    "url": site_url(community),
                },
                skip_refused=True,
                notice=mail.Notice(log_activity_url(session), community=community),
            )
    if sent:
        logger.info("Sent %d missed-heartbeat warning(s)", sent)
    return sent


# --- Invitations of the people an attendance import created an account for ----------


def send_invitations(import_id: int) -> int:
    """Email each person this import created an account for a link to set their password.

    Each email is claimed first (`childcop.mail`), so a retried job sends nobody twice; an
    event's email: a refused recipient reaches the task, whose retry resumes.
    """
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    upload = (
        AttendanceImport.objects.select_related("activity__community", "created_by")
        .filter(pk=import_id)
        .first()
    )
    if upload is None:
        return 0
    activity, community = upload.activity, upload.activity.community
    ids = upload.rows.get("result", {}).get("invited_ids", [])
    sent = 0
    for user in get_user_model().objects.filter(pk__in=ids, is_active=True):
        if user.has_usable_password():  # they have set a password some other way
            continue
        with mail.isolated("attendance import invitations", user):
            path = reverse(
                "account_reset_password_from_key",
                kwargs={
                    "uidb36": user_pk_to_url_str(user),
                    "key": default_token_generator.make_token(user),
                },
            )
            sent += mail.send_once(
                user,
                INVITE_KIND,
                str(upload.pk),
                "communities/email/import_invite",
                f"You are invited to {community.name} on childcop",
                {
                    "community": community,
                    "activity": activity,
                    "invited_by": upload.created_by,
                    "url": site_url(path),
                    "community_url": site_url(community),
                },
                # not the password link: that one is for the email only
                notice=mail.Notice(site_url(community), community=community),
            )
    return sent
