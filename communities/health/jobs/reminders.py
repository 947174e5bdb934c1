"""The health-check reminder: one email to each core group member (coordinators included)
who has not answered an open health check (not closed, its answer date not passed), sent
once the answer date is CHILDCOP_HEALTH_CHECK_REMIND_DAYS_BEFORE days away or nearer — not
the day the check opens.

Run daily by beat (migration `0014_health_defaults`) through the thin task
`communities.tasks.send_health_check_reminders`, and by the management command
`send_health_check_reminders`. Idempotent like every job here: each email is claimed first
in `SentEmail` (recipient, kind "health_check_reminder", key the check's id) inside the
transaction that sends it (`childcop.mail.send_once`), so a second run, a retry
or two workers at once send nothing more.

Batched: whatever the number of open checks, finding who to remind takes four queries (the
open checks, their core groups, the answers, the claims already made); each email sent then
costs its claim with the recipient's preference and its notification (`childcop.mail`).

It is a role notice, like the coordinators' PDCA and unanswered-help notices: the
"session reminders" preference (and its one-click unsubscribe) is about rhythm sessions, so it
does not silence this once-per-check reminder; the email says why it was sent.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from childcop import mail
from childcop.accounts.models import SentEmail
from childcop.utils import site_url

from ...choices import Stage
from ..models import HealthCheck, HealthCheckResponse
from ..services.checks import core_group

logger = logging.getLogger(__name__)

REMINDER = "health_check_reminder"


def open_checks(today):
    """Health checks to remind of: not closed, their answer date not passed but within
    CHILDCOP_HEALTH_CHECK_REMIND_DAYS_BEFORE days, and their community not closed."""
    within = timedelta(days=max(0, settings.CHILDCOP_HEALTH_CHECK_REMIND_DAYS_BEFORE))
    return (
        HealthCheck.objects.filter(
            closed_at__isnull=True, answer_by__gte=today, answer_by__lte=today + within
        )
        .exclude(community__stage=Stage.CLOSED)
        .select_related("community")
        .order_by("answer_by", "pk")
    )


def due_reminders(today) -> list[tuple[HealthCheck, object]]:
    """(check, user) pairs to remind: core group members without an answer or a claim."""
    checks = list(open_checks(today))  # (1)
    if not checks:
        return []
    keys = {str(check.pk) for check in checks}
    members = defaultdict(list)
    for membership in (  # (2)
        core_group({check.community_id for check in checks})
        .select_related("user")
        .order_by("user_id")
    ):
        members[membership.community_id].append(membership.user)
    answered = set(  # (3)
        HealthCheckResponse.objects.filter(health_check__in=checks).values_list(
            "health_check_id", "respondent_id"
        )
    )
    claimed = set(  # (4)
        SentEmail.objects.filter(kind=REMINDER, key__in=keys).values_list("key", "recipient_id")
    )
    return [
        (check, user)
        for check in checks
        for user in members[check.community_id]
        if (check.pk, user.pk) not in answered and (str(check.pk), user.pk) not in claimed
    ]


def reminder_email(check) -> tuple[str, dict]:
    """The reminder's subject and context, the same for every core group member."""
    community = check.community
    context = {
        "check": check,
        "community": community,
        "url": site_url("communities:health_check_answer", community.slug, check.pk),
    }
    return f"Health check {check.period_label}: your answer for {community.name}", context


def send_reminders(today=None) -> int:
    """Remind each core group member, once per open health check they have not answered,
    when its answer date is near."""
    today = today or timezone.localdate()
    sent = 0
    for check, user in due_reminders(today):
        with mail.isolated("health check reminders", check):
            subject, context = reminder_email(check)
            if mail.send_once(
                user,
                REMINDER,
                str(check.pk),
                "communities/email/health_check_reminder",
                subject,
                context,
                skip_refused=True,
                notice=mail.Notice(context["url"], community=check.community_id),
            ):
                sent += 1
    if sent:
        logger.info("Sent %d health check reminder(s)", sent)
    return sent
