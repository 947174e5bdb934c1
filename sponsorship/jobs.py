"""What the Celery tasks (sponsorship.tasks) and the management command call: emails.

- `send_submitted_emails(version_id)`: each current sponsor of the community is emailed
  once about a submitted business case version (task `notify_business_case_submitted`,
  enqueued when the version is submitted).
- `send_review_reminders()`: agreement review reminders, 14 days before the review date
  and when it is overdue. Run daily by beat (migration ``review_reminder_schedule``), by
  the task ``sponsorship.tasks.send_review_reminders`` and by the command
  ``send_review_reminders``. Each email goes to the community's current sponsors, its
  coordinators and the program admins (the social learning team), once each.

Every email goes through `childcop.mail`, which *claims* it first by inserting a
``SentEmail`` row under its unique constraint (recipient, kind, key) in the same
transaction as the send: a second run, a retry or two runs at once send nothing new. A
reminder's key is the agreement, its review date and the kind of reminder, so a new
review date brings new reminders.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db.models import Q
from django.utils import dateformat, timezone

from childcop import mail
from childcop.accounts.models import User
from childcop.utils import site_url
from communities.choices import Stage
from communities.models import Membership

from .choices import BUSINESS_CASE_QUESTIONS, CaseStatus, CommitmentStatus
from .models import Agreement, BusinessCaseVersion
from .services import current_sponsors

logger = logging.getLogger(__name__)

SUBMITTED_EMAIL = "business_case_submitted"
REVIEW_REMINDER_EMAIL = "agreement_review"
DAYS_BEFORE = 14
DUE_SOON, OVERDUE = "due-soon", "overdue"


# --- Business case submitted -------------------------------------------------------------


def send_submitted_emails(version_id: int) -> int:
    """Email each current sponsor once about a submitted version (claimed per recipient)."""
    version = (
        BusinessCaseVersion.objects.select_related("community")
        .filter(pk=version_id)
        .exclude(status=CaseStatus.DRAFT)
        .first()
    )
    if version is None:
        return 0
    community = version.community
    context = {
        "version": version,
        "community": community,
        "url": site_url("sponsorship:business_case_version", community.slug, version.pk),
        "questions": [
            (question, getattr(version, field)) for field, question in BUSINESS_CASE_QUESTIONS
        ],
    }
    return mail.send_to_each(
        current_sponsors(community),
        SUBMITTED_EMAIL,
        str(version.pk),
        "sponsorship/email/case_submitted",
        f"Business case of {community.name} (version {version.number}) for your review",
        context,
        notice=mail.Notice(context["url"], community=community),
    )


# --- Agreement review reminders --------------------------------------------------------


def reminder_key(agreement, which: str) -> str:
    return f"{agreement.id}:{agreement.review_date.isoformat()}:{which}"


def due_agreements(today):
    """(agreement, which) for every agreement whose review is due soon or overdue."""
    agreements = (
        Agreement.objects.filter(review_date__lte=today + timedelta(days=DAYS_BEFORE))
        .exclude(community__stage=Stage.CLOSED)
        .select_related("community")
        .order_by("review_date", "pk")
    )
    for agreement in agreements:
        yield agreement, (OVERDUE if agreement.review_date < today else DUE_SOON)


def recipients(agreement):
    """Sponsors, coordinators and program admins of the agreement's community, once each."""
    community = agreement.community
    coordinators = Membership.objects.coordinators().filter(community=community).values("user_id")
    return list(
        User.objects.filter(is_active=True)
        .filter(
            Q(pk__in=current_sponsors(community).values("pk"))
            | Q(pk__in=coordinators)
            | Q(is_program_admin=True)
        )
        .order_by("pk")
    )


def reminder_email(agreement, which: str, today) -> tuple[str, dict]:
    """The subject and context of an agreement's reminder (the same for every recipient)."""
    community = agreement.community
    days = (agreement.review_date - today).days
    when = dateformat.format(agreement.review_date, "l j F Y")
    context = {
        "agreement": agreement,
        "community": community,
        "overdue": which == OVERDUE,
        "when": when,
        "days": abs(days),
        "open_commitments": list(
            agreement.commitments.filter(status=CommitmentStatus.OPEN).select_related("owner")
        ),
        "url": site_url("sponsorship:agreement", community.slug),
    }
    if which == OVERDUE:
        subject = f"Overdue: the review of {community.name}'s sponsorship agreement ({when})"
    else:
        subject = f"Review of {community.name}'s sponsorship agreement due on {when}"
    return subject, context


def send_review_reminders(now=None) -> int:
    """Send the agreement review reminders that are due; returns the number of emails sent."""
    today = timezone.localdate(now or timezone.now())
    sent = 0
    for agreement, which in due_agreements(today):
        with mail.isolated("agreement review reminders", agreement):
            key = reminder_key(agreement, which)
            subject, context = reminder_email(agreement, which, today)
            sent += mail.send_to_each(
                recipients(agreement),
                REVIEW_REMINDER_EMAIL,
                key,
                "sponsorship/email/review_reminder",
                subject,
                context,
                skip_refused=True,
                notice=mail.Notice(context["url"], community=agreement.community),
            )
    if sent:
        logger.info("Sent %d agreement review reminder(s)", sent)
    return sent
