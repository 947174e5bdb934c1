"""Emails about practice groups, through `childcop.mail` (claimed per recipient, kind, report)."""

from __future__ import annotations

from childcop import mail
from childcop.utils import site_url

from .models import ProgressReport

KIND = "group_report"


def send_report_emails(report_id: int) -> int:
    """Tell the group's members (not the author) of a new report (each as they chose)."""
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
        if m.user_id != report.author_id and m.user.is_active
    ]
    context = {
        "report": report,
        "group": group,
        "url": site_url(report),
    }
    return mail.send_to_each(
        recipients,
        KIND,
        str(report.pk),
        "practice_groups/email/report_posted",
        f"{group.name}: a new progress report",
        context,
        notice=mail.Notice(context["url"], community=group.community_id),
    )
