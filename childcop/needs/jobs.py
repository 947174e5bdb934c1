"""The weekly summary: each person who asked for it (`User.weekly_summary`, off unless they
turn it on in their profile) gets their "Needs you" list by email on Monday morning.

Called by the Celery task ``communities.tasks.send_weekly_summaries`` (beat, Mondays 07:00:
migration ``communities.0024_weekly_summary_schedule``). Each email goes through
`childcop.mail`, claimed in ``SentEmail`` under (recipient, ``weekly_summary``, the ISO
week): a second run, a retry or two workers at once find the claim and send nothing. A
person with nothing waiting gets no email that week (and a later run of the same week,
once something waits, sends it then). One person's list failing to build is logged and
skipped (`mail.isolated`); the next run tries again.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone

from childcop import mail
from childcop.accounts.models import SentEmail, User
from childcop.utils import site_url

from .items import grouped
from .roles import build

logger = logging.getLogger(__name__)

KIND = "weekly_summary"


def week_key(now) -> str:
    """The ISO week of `now` (local time), e.g. "2026-W50"."""
    year, week, _ = timezone.localtime(now).isocalendar()
    return f"{year}-W{week:02d}"


def recipients(key: str):
    """Active people who asked for the summary and have not had this week's yet."""
    claimed = SentEmail.objects.filter(recipient=OuterRef("pk"), kind=KIND, key=key)
    return (
        User.objects.filter(is_active=True, weekly_summary=True)
        .exclude(Exists(claimed))
        .order_by("pk")
    )


def absolute(url: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{url}" if url.startswith("/") else url


def summary_context(needs) -> dict:
    groups = grouped(needs)
    return {
        "groups": [
            {
                "title": group.title,
                "count": group.count,
                "items": [
                    {
                        "text": item.text,
                        "action": item.action,
                        "url": absolute(item.url),
                        "urgency": item.urgency,
                    }
                    for item in group.items
                ],
            }
            for group in groups
        ],
        "count": sum(need.count for need in needs),
        "home_url": site_url("home"),
    }


def send_weekly_summaries(now=None) -> int:
    """This week's summary to everyone who wants it and has something waiting; the number
    sent now."""
    now = now or timezone.now()
    key = week_key(now)
    sent = 0
    for user in recipients(key).iterator():
        with mail.isolated("weekly summaries", user):
            needs = build(user, now=now)
            if not needs:
                continue
            context = summary_context(needs)
            n = context["count"]
            sent += mail.send_once(
                user,
                KIND,
                key,
                "needs/email/weekly_summary",
                f"This week, {n} thing{'s' if n != 1 else ''} need{'' if n != 1 else 's'} you",
                context,
                skip_refused=True,
                notice=mail.Notice(site_url("home")),
            )
    if sent:
        logger.info("Sent %d weekly summar%s", sent, "ies" if sent != 1 else "y")
    return sent
