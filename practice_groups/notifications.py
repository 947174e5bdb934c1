"""Emails about practice groups. Each is claimed (recipient, kind, report) before it is sent."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from childcop.accounts.models import SentEmail

from .models import ProgressReport

KIND = "group_report"


def claim(recipient, kind: str, key: str) -> bool:
    """Insert the claim row; False when this email was already claimed (and sent)."""
    try:
        with transaction.atomic():
            SentEmail.objects.create(recipient=recipient, kind=kind, key=key)
    except IntegrityError:
        return False
    return True


def send_report_emails(report_id: int) -> int:
    """Tell the group's members (not the author) of a new report; respects `notify_digests`."""
    report = (
        ProgressReport.objects.select_related("group__community", "author")
        .filter(pk=report_id)
        .first()
    )
    if report is None:
        return 0
    group = report.group
    recipients = [
        m.user
        for m in group.memberships.select_related("user").order_by("user_id")
        if m.user_id != report.author_id and m.user.is_active and m.user.notify_digests
    ]
    sent = 0
    for user in recipients:
        with transaction.atomic():
            if not claim(user, KIND, str(report.pk)):
                continue
            context = {
                "report": report,
                "group": group,
                "user": user,
                "url": settings.SITE_URL + report.get_absolute_url(),
                "preferences_url": settings.SITE_URL + "/account/profile/",
            }
            EmailMessage(
                subject=f"{group.name}: a new progress report",
                body=render_to_string("practice_groups/email/report_posted.txt", context),
                to=[user.email],
            ).send()
        sent += 1
    return sent
