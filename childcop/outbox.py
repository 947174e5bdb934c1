"""Jobs that could not reach the broker wait in the database and are sent when it is back.

Every task of the product is a `OutboxTask` (childcop.celery): when sending it to the broker
fails (Redis down or unreachable, after Celery's own quick retries), the request that sent
it does not fail; the job is saved as a `PendingTask` instead. `send_pending()` sends what
waits, oldest first, and stops at the first failure; it runs every minute from beat
(`communities.tasks.send_pending_tasks`) and when a worker starts. Every job is safe to run
twice (childcop.mail claims each email once), so a job sent twice by two drains at once
does no harm.
"""

from __future__ import annotations

import logging

from django.db import transaction
from kombu.exceptions import OperationalError as BrokerError

logger = logging.getLogger(__name__)

# What a broker that is down or unreachable raises from apply_async.
BROKER_DOWN = (BrokerError, OSError)
BATCH = 500


def keep(name: str, args, kwargs) -> None:
    from .models import PendingTask

    PendingTask.objects.create(name=name, args=list(args or ()), kwargs=dict(kwargs or {}))
    logger.warning("The broker is unreachable: %s kept to be sent when it is back", name)


def send_pending(batch: int = BATCH) -> int:
    """Send the jobs that wait (up to `batch`), oldest first; the number sent."""
    from .celery import app
    from .models import PendingTask

    sent = 0
    with transaction.atomic():
        waiting = list(
            PendingTask.objects.select_for_update(skip_locked=True).order_by("pk")[:batch]
        )
        for pending in waiting:
            try:
                app.send_task(pending.name, args=pending.args, kwargs=pending.kwargs)
            except BROKER_DOWN:
                logger.warning("The broker is still unreachable: %d job(s) wait", len(waiting))
                break
            pending.delete()
            sent += 1
    if sent:
        logger.info("Sent %d job(s) kept while the broker was unreachable", sent)
    return sent
