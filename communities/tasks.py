"""Thin Celery wrappers: tasks take ids and call the same services a command would."""

from celery import shared_task

from . import notifications


@shared_task(autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True, max_retries=5)
def notify_added_to_community(membership_id: int) -> bool:
    return notifications.send_added_to_community(membership_id)
