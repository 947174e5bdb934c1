"""Thin Celery wrappers: tasks take ids and call the same functions a command would."""

from celery import shared_task

from . import jobs


@shared_task(autoretry_for=(OSError,), retry_backoff=True, retry_backoff_max=600, max_retries=5)
def notify_report_posted(report_id: int) -> int:
    return jobs.send_report_emails(report_id)
