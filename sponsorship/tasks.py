"""Thin Celery wrappers: tasks take ids and call the jobs (jobs.py) a command would."""

from celery import shared_task

# OSError covers SMTP and socket failures; every email is claimed before it is sent,
# so a retry (or the next beat tick) resumes without sending anything twice.
_RETRY = {
    "autoretry_for": (OSError,),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 5,
}


@shared_task(**_RETRY)
def notify_business_case_submitted(version_id: int) -> int:
    from . import jobs

    return jobs.send_submitted_emails(version_id)


@shared_task(**_RETRY)
def send_review_reminders() -> int:
    """Daily (beat schedule: migration `review_reminder_schedule`)."""
    from . import jobs

    return jobs.send_review_reminders()
