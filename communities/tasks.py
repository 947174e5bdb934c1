"""Thin Celery wrappers: tasks take ids and call the same services a command would."""

from celery import shared_task

from . import jobs


@shared_task(autoretry_for=(OSError,), retry_backoff=True, retry_backoff_max=600, max_retries=5)
def notify_added_to_community(membership_id: int) -> bool:
    return jobs.send_added_to_community(membership_id)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_attendance_import_invitations(import_id: int) -> int:
    """Invitations for the accounts an attendance import created (each email claimed once)."""
    from .rhythm.jobs import send_invitations

    return send_invitations(import_id)


# --- The community rhythm, driven by beat (schedules: migration `rhythm_schedules`).
# Each is idempotent: emails are claimed in the database before they are sent.
# OSError covers SMTP and socket failures (the next beat tick would also resume).
_RHYTHM_RETRY = {
    "autoretry_for": (OSError,),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 5,
}


@shared_task(**_RHYTHM_RETRY)
def send_rhythm_reminders() -> int:
    from .rhythm.jobs import send_due_reminders

    return send_due_reminders()


@shared_task(**_RHYTHM_RETRY)
def check_heartbeats() -> int:
    from .rhythm.jobs import warn_missed_heartbeats

    return warn_missed_heartbeats()


@shared_task(**_RHYTHM_RETRY)
def recompute_participation() -> dict:
    from .participation import recompute_levels
    from .rhythm.services import extend_all_sessions

    return {"sessions_created": extend_all_sessions(), "levels_changed": recompute_levels()}


# --- Learning loops, driven by beat (schedules: migration `loop_schedules`); idempotent.
@shared_task(**_RHYTHM_RETRY)
def check_learning_loops() -> dict:
    """Hourly: unanswered help requests to the coordinators, follow-ups due to the askers."""
    from .learning.jobs import send_follow_ups, send_unanswered_notices

    return {"unanswered": send_unanswered_notices(), "follow_ups": send_follow_ups()}


@shared_task(**_RHYTHM_RETRY)
def send_help_digests() -> int:
    from .learning.jobs import send_digests

    return send_digests()


# --- PDCA reviews falling due, driven by beat (schedule: migration `pdca_schedules`).
@shared_task(**_RHYTHM_RETRY)
def remind_pdca_reviews() -> int:
    from .stewardship.jobs import send_review_reminders

    return send_review_reminders()


# --- The launch playbook, driven by beat (schedules: migration `launch_schedules`); idempotent.
@shared_task(**_RHYTHM_RETRY)
def remind_overdue_launch_actions() -> int:
    from .stewardship.jobs import remind_overdue_actions

    return remind_overdue_actions()


@shared_task(**_RHYTHM_RETRY)
def send_stalled_launches() -> int:
    from .stewardship.jobs import send_stalled_launches as send

    return send()


# --- Monthly health reports, driven by beat daily at 06:30 (schedule: migration
# 0014_health_defaults): the first run of a month makes last month's reports, later runs
# cost a few queries and send only what a mail failure left unsent. Idempotent: reports
# are inserted under their unique (community, period) and never overwritten; every email
# is claimed first. Every report is stored before any email is sent, so an SMTP failure
# (OSError) only delays emails: retried with backoff (at most 5 times, 10 minutes apart at
# most), then by the next day's run. A long program gets a longer time limit.
@shared_task(**_RHYTHM_RETRY, time_limit=1800, soft_time_limit=1700)
def generate_health_reports(period: str | None = None) -> dict:
    """The previous month's reports (or `period`, "YYYY-MM"), emailed once each."""
    from .health.jobs import generate_reports
    from .health.services.reports import parse_period

    return generate_reports(parse_period(period) if period else None)


# --- Health check reminders, driven by beat (schedule: migration 0014_health_defaults), daily.
# Idempotent: each core group member's reminder is claimed once per health check.
@shared_task(**_RHYTHM_RETRY)
def send_health_check_reminders() -> int:
    from .health.jobs import send_reminders

    return send_reminders()


# --- The program overview's health status rows, driven by beat (migration
# 0014_health_defaults), hourly. Idempotent: each run rewrites the same rows.
@shared_task(**_RHYTHM_RETRY, time_limit=1800, soft_time_limit=1700)
def refresh_health_status(community_ids: list[int] | None = None) -> int:
    from .health.jobs import refresh

    return refresh(community_ids)


# --- Notifications read more than 90 days ago, deleted daily by beat (schedule: migration
# `notification_purge_schedule`). Idempotent: a second run finds nothing older to delete.
@shared_task(**_RHYTHM_RETRY)
def purge_read_notifications() -> int:
    from childcop.accounts.notices import purge_read

    return purge_read()


# --- The audit log's retention, driven by beat (schedule: migration audit `0002`).
@shared_task(**_RHYTHM_RETRY)
def purge_audit_log() -> int:
    """Daily: delete audit entries older than CHILDCOP_AUDIT_RETENTION_DAYS (idempotent)."""
    from audit.jobs import purge_expired

    return purge_expired()


# --- The landscape of practice and the program's retention, driven by beat nightly
# (migration `landscape_schedule`): the layout is computed here, never per request.
# Idempotent: each run replaces the stored landscape.
@shared_task(**_RHYTHM_RETRY, time_limit=1800, soft_time_limit=1700)
def refresh_landscape() -> dict:
    from .landscape.jobs import refresh

    return refresh()


# --- The weekly "Needs you" summary, driven by beat on Monday mornings (schedule: migration
# 0024_weekly_summary_schedule). Idempotent: each email is claimed once per person
# and ISO week.
@shared_task(**_RHYTHM_RETRY, time_limit=1800, soft_time_limit=1700)
def send_weekly_summaries() -> int:
    from childcop.needs.jobs import send_weekly_summaries as send

    return send()


# --- jobs kept in the database while the broker was unreachable (childcop.outbox).
@shared_task
def send_pending_tasks() -> int:
    from childcop import outbox

    return outbox.send_pending()
