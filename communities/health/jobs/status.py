"""The program overview's status rows: each community's latest indicators and flags.

`refresh()` recomputes `HealthStatus` rows in batches of settings.CHILDCOP_HEALTH_BATCH_SIZE
communities: per batch, one `compute()` (a fixed number of queries) and one upsert, in one
transaction, so the number of queries grows with the number of batches, not of communities.
Run hourly by beat (`communities.tasks.refresh_health_status`), by the management command
`refresh_health_status`, and by anyone who needs the rows fresh (the report job, tests).
It is idempotent: running it twice writes the same rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from childcop import aggregates
from communities.models import Community, HealthStatus

from ..indicators import compute

FIELDS = [
    "computed_at", "last_activity_on", "sessions_planned", "sessions_held", "participants",
    "participants_before", "stories", "flags", "flag_count", "data",
]  # fmt: skip


def batches(ids, size=None):
    size = max(1, size or settings.CHILDCOP_HEALTH_BATCH_SIZE)
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def status_row(health, *, computed_at) -> HealthStatus:
    status = health.status
    return HealthStatus(
        community_id=health.community_id,
        computed_at=computed_at,
        last_activity_on=status.get("last_activity_on"),
        sessions_planned=status.get("sessions_planned", 0),
        sessions_held=status.get("sessions_held", 0),
        participants=status.get("participants", 0),
        participants_before=status.get("participants_before", 0),
        stories=status.get("stories", 0),
        flags=HealthStatus.encode_flags(health.flag_keys),
        flag_count=len(set(health.flag_keys)),
        data=health.as_json(),
    )


def refresh(community_ids=None, *, now=None) -> int:
    """(Re)write the status rows of the given communities (all of them by default); returns
    how many rows were written."""
    now = now or timezone.now()
    if community_ids is None:
        ids = list(Community.objects.order_by("pk").values_list("pk", flat=True))
    else:
        ids = sorted({int(pk) for pk in community_ids})
    written = 0
    for batch in batches(ids):
        with transaction.atomic():
            rows = [status_row(h, computed_at=now) for h in compute(batch, now=now).values()]
            HealthStatus.objects.bulk_create(
                rows, update_conflicts=True, unique_fields=["community"], update_fields=FIELDS
            )
            aggregates.invalidate_needs("health")  # the flags "Needs you" lists
        written += len(rows)
    return written
