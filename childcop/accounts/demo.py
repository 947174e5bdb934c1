"""The demo program's notifications: what its people would have been told by email so far.

Each is written as if its email had gone out (claimed in `SentEmail` under the key the job
uses, with its notification), so the jobs never send it again; idempotent: a notice claimed
already is left as it is.
"""

from __future__ import annotations

from django.db import transaction

from childcop.utils import site_url

from . import notices
from .models import Access, SentEmail, User


def _told(user, kind: str, key: str, title: str, notice: notices.Notice) -> bool:
    with transaction.atomic():
        _, created = SentEmail.objects.get_or_create(recipient=user, kind=kind, key=key)
        if created:
            notices.record(user, kind, key, title, notice)
    return created


def seed_notifications(emails) -> int:
    """Notify the demo people (`emails`) of their communities, the business cases waiting
    for their endorsement and the program reports; the number written now."""
    from communities.health.models import ProgramReport
    from communities.models import Membership
    from sponsorship.models import BusinessCaseVersion
    from sponsorship.services import current_sponsors

    people = {user.pk: user for user in User.objects.filter(email__in=emails)}
    written = 0
    for membership in (
        Membership.objects.filter(user_id__in=people).select_related("community").order_by("pk")
    ):
        community = membership.community
        written += _told(
            people[membership.user_id],
            "added_to_community",
            str(membership.pk),
            f"You have been added to {community.name}",
            notices.Notice(community.get_absolute_url(), community=community),
        )
    submitted = (
        BusinessCaseVersion.objects.exclude(status="draft")
        .select_related("community")
        .order_by("pk")
    )
    for version in submitted:
        community = version.community
        for sponsor in current_sponsors(community).filter(pk__in=people):
            written += _told(
                sponsor,
                "business_case_submitted",
                str(version.pk),
                f"Business case of {community.name} (version {version.number}) for your review",
                notices.Notice(
                    site_url("sponsorship:business_case_version", community.slug, version.pk),
                    community=community,
                ),
            )
    admins = [user for user in people.values() if user.is_program_admin]
    for report in ProgramReport.objects.order_by("period"):
        for admin in admins:
            written += _told(
                admin,
                "program_report",
                str(report.pk),
                f"Program report {report.period:%B %Y}",
                notices.Notice(site_url("program:report", report.pk), access=Access.PROGRAM_ADMIN),
            )
    return written
