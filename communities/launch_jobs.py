"""The launch playbook's emails: overdue action items to their owners, and a weekly list
of stalled launches to the program admins.

Both are run by beat (migration `launch_schedules`) and by management commands, and both
are idempotent: each email is claimed first (a `SentEmail` row under its unique
constraint) in the same transaction as the send — see `communities.rhythm.jobs`.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from childcop.accounts.models import User

from .launch import stalled_days, stalled_plans
from .models import ActionItem, ActionStatus, LaunchStatus
from .rhythm.jobs import _send_claimed

logger = logging.getLogger(__name__)

OVERDUE_ACTION = "launch_action_overdue"
STALLED_LAUNCHES = "stalled_launches"


def overdue_action_items(today):
    return (
        ActionItem.objects.filter(
            status=ActionStatus.OPEN,
            due_on__lt=today,
            plan__status=LaunchStatus.OPEN,
            owner__is_active=True,
        )
        .select_related("owner", "plan__community")
        .order_by("due_on", "pk")
    )


def overdue_key(item) -> str:
    """Once per item and due date: moving the due date makes a new reminder."""
    return f"{item.pk}@{item.due_on.isoformat()}"


def overdue_message(item) -> EmailMultiAlternatives:
    community = item.plan.community
    context = {
        "item": item,
        "user": item.owner,
        "community": community,
        "url": settings.SITE_URL + item.plan.get_absolute_url(),
    }
    message = EmailMultiAlternatives(
        subject=f"Overdue launch action: {item.title} ({community.name})",
        body=render_to_string("communities/email/launch_action_overdue.txt", context),
        to=[item.owner.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(
        render_to_string("communities/email/launch_action_overdue.html", context), "text/html"
    )
    return message


def remind_overdue_actions(today=None) -> int:
    """Email each overdue action item's owner, once per item and due date."""
    today = today or timezone.localdate()
    sent = 0
    for item in overdue_action_items(today):
        if _send_claimed(
            item.owner, OVERDUE_ACTION, overdue_key(item), lambda i=item: overdue_message(i)
        ):
            sent += 1
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


def stalled_message(user, plans, now) -> EmailMultiAlternatives:
    context = {
        "user": user,
        "plans": plans,
        "days": stalled_days(),
        "now": now,
        "site_url": settings.SITE_URL,
        "list_url": settings.SITE_URL + "/communities/launch-plans/?stalled=1",
    }
    message = EmailMultiAlternatives(
        subject=f"{len(plans)} stalled launch{'es' if len(plans) != 1 else ''} this week",
        body=render_to_string("communities/email/launch_stalled.txt", context),
        to=[user.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(
        render_to_string("communities/email/launch_stalled.html", context), "text/html"
    )
    return message


def send_stalled_launches(now=None) -> int:
    """The weekly list of stalled launches to every program admin (once per ISO week)."""
    now = now or timezone.now()
    plans = list(
        stalled_plans(now).select_related("community", "lead").order_by("updated_at", "pk")
    )
    if not plans:
        return 0
    sent = 0
    key = week_key(now)
    for user in program_admins():
        if _send_claimed(
            user, STALLED_LAUNCHES, key, lambda u=user: stalled_message(u, plans, now)
        ):
            sent += 1
    if sent:
        logger.info("Sent %d stalled-launches list(s)", sent)
    return sent
