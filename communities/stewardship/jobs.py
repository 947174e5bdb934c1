"""Stewardship jobs, run by beat (migrations `launch_schedules` and `pdca_schedules`) through
`communities.tasks` and by management commands: overdue launch action items to their
owners, a weekly list of stalled launches to the program admins, and PDCA reviews falling
due to the coordinators.

All are idempotent: each email goes through `childcop.mail`, claimed first (a `SentEmail` row
under its unique constraint) in the same transaction as the send; a recipient the server
refuses is skipped until the next run.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from childcop import mail
from childcop.accounts.models import User
from childcop.utils import site_url
from communities.choices import Stage
from communities.models import Membership

from .models import LAUNCH_WORKFLOW, ActionItem, ActionStatus, PdcaReview
from .services import stalled_days, stalled_plans

logger = logging.getLogger(__name__)

OVERDUE_ACTION = "launch_action_overdue"
STALLED_LAUNCHES = "stalled_launches"
REVIEW_DUE = "pdca_review_due"

# --- the launch playbook -----------------------------------------------------------------


def overdue_action_items(today):
    return (
        ActionItem.objects.filter(
            status=ActionStatus.OPEN,
            due_on__lt=today,
            plan__status__in=LAUNCH_WORKFLOW.sources("edit"),  # a plan still worked on
            owner__is_active=True,
        )
        .select_related("owner", "plan__community")
        .order_by("due_on", "pk")
    )


def overdue_key(item) -> str:
    """Once per item and due date: moving the due date makes a new reminder."""
    return f"{item.pk}@{item.due_on.isoformat()}"


def remind_overdue_actions(today=None) -> int:
    """Email each overdue action item's owner, once per item and due date."""
    today = today or timezone.localdate()
    sent = 0
    for item in overdue_action_items(today):
        with mail.isolated("overdue launch action reminders", item):
            community = item.plan.community
            sent += mail.send_once(
                item.owner,
                OVERDUE_ACTION,
                overdue_key(item),
                "communities/email/launch_action_overdue",
                f"Overdue launch action: {item.title} ({community.name})",
                {
                    "item": item,
                    "community": community,
                    "url": site_url(item.plan),
                },
                skip_refused=True,
                notice=mail.Notice(site_url(item.plan), community=community),
            )
    if sent:
        logger.info("Sent %d overdue launch action reminder(s)", sent)
    return sent


def week_key(now) -> str:
    year, week, _ = timezone.localtime(now).isocalendar()
    return f"{year}-W{week:02d}"


def program_admins():
    return User.objects.filter(
        Q(is_program_admin=True) | Q(is_superuser=True), is_active=True
    ).order_by("pk")


def send_stalled_launches(now=None) -> int:
    """The weekly list of stalled launches to every program admin (once per ISO week)."""
    now = now or timezone.now()
    plans = list(
        stalled_plans(now).select_related("community", "lead").order_by("updated_at", "pk")
    )
    if not plans:
        return 0
    sent = mail.send_to_each(
        program_admins(),
        STALLED_LAUNCHES,
        week_key(now),
        "communities/email/launch_stalled",
        f"{len(plans)} stalled launch{'es' if len(plans) != 1 else ''} this week",
        {
            "plans": plans,
            "days": stalled_days(),
            "now": now,
            "site_url": settings.SITE_URL,
            "list_url": site_url("program:launches") + "?stalled=1",
        },
        skip_refused=True,
        notice=mail.Notice(site_url("program:launches") + "?stalled=1"),
    )
    if sent:
        logger.info("Sent %d stalled-launches list(s)", sent)
    return sent


# --- plan–do–check–act reviews falling due ------------------------------------------------


def due_reviews(today):
    """The latest review of each open community whose next review is today or past."""
    latest_pk = Subquery(
        PdcaReview.objects.filter(community=OuterRef("community"))
        .order_by("-created_at", "-id")
        .values("pk")[:1]
    )
    return (
        PdcaReview.objects.filter(pk=latest_pk, next_review_on__lte=today)
        .exclude(community__stage=Stage.CLOSED)
        .select_related("community")
        .order_by("next_review_on", "pk")
    )


def due_key(review) -> str:
    return f"{review.community_id}:{review.next_review_on}"


def send_review_reminders(today=None) -> int:
    """Remind the coordinators, once per community and review date (claimed before sending)."""
    today = today or timezone.localdate()
    sent = 0
    for review in due_reviews(today):
        with mail.isolated("PDCA review reminders", review):
            community = review.community
            coordinators = Membership.objects.filter(
                community_id=review.community_id, is_coordinator=True, user__is_active=True
            ).select_related("user")
            url = site_url("communities:pdca_create", community.slug)
            sent += mail.send_to_each(
                [membership.user for membership in coordinators.order_by("user_id")],
                REVIEW_DUE,
                due_key(review),
                "communities/email/pdca_review_due",  # plain text
                f"Plan–do–check–act review due: {community.name}",
                {
                    "community": community,
                    "review": review,
                    "url": url,
                },
                skip_refused=True,
                notice=mail.Notice(url, community=community),
            )
    if sent:
        logger.info("Sent %d PDCA review reminder(s)", sent)
    return sent
