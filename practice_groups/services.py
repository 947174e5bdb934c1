"""Practice-group workflows; each is one transaction."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from childcop import aggregates

from .choices import GROUP_WORKFLOW, GroupStatus
from .models import GroupMembership, PracticeGroup, ProgressReport, ReportResponse


class NotAllowedNow(Exception):
    """The group's status changed since the page was shown."""


# A review's decision and the state it leads to (any other decision declines).
REVIEW_DECISIONS = {"charter": GroupStatus.ACTIVE, "changes": GroupStatus.CHANGES_REQUESTED}


@transaction.atomic
def propose(form, *, community, by) -> PracticeGroup:
    group = form.save(commit=False)
    group.community = community
    group.proposed_by = by
    group.status = GROUP_WORKFLOW.initial
    group.save()
    form.save_m2m()
    return group


@transaction.atomic
def save_proposal(form, *, by) -> PracticeGroup:
    """Edit a group; a proposal sent back for changes is proposed again by its proposer."""
    group = form.save(commit=False)
    if GROUP_WORKFLOW.allows(group.status, "resubmit") and group.proposed_by_id == by.pk:
        group.status = GROUP_WORKFLOW.target("resubmit")
    group.save()
    form.save_m2m()
    return group


@transaction.atomic
def review(group: PracticeGroup, *, decision: str, note: str, by) -> PracticeGroup:
    """Charter (→ active, the proposer becomes a member), ask for changes, or decline."""
    group = PracticeGroup.objects.select_for_update().get(pk=group.pk)
    to_status = REVIEW_DECISIONS.get(decision, GroupStatus.DECLINED)
    if not GROUP_WORKFLOW.allows(group.status, "review", to=to_status):
        raise NotAllowedNow("This proposal was already reviewed.")
    group.charter_note = note
    group.status = to_status
    if to_status == GroupStatus.ACTIVE:
        group.chartered_by = by
        group.chartered_at = timezone.now()
        if group.proposed_by_id:
            GroupMembership.objects.get_or_create(group=group, user_id=group.proposed_by_id)
    group.save()
    return group


def join(group: PracticeGroup, user) -> bool:
    _, created = GroupMembership.objects.get_or_create(group=group, user=user)
    return created


def leave(group: PracticeGroup, user) -> bool:
    deleted, _ = GroupMembership.objects.filter(group=group, user=user).delete()
    return bool(deleted)


@transaction.atomic
def conclude(group: PracticeGroup, *, outcome: str) -> PracticeGroup:
    updated = PracticeGroup.objects.filter(
        pk=group.pk, status__in=GROUP_WORKFLOW.sources("conclude")
    ).update(status=GROUP_WORKFLOW.target("conclude"), outcome=outcome, concluded_at=timezone.now())
    if not updated:
        raise NotAllowedNow("The group is not active any more.")
    aggregates.invalidate_needs("groups")  # update(): no signal
    group.refresh_from_db()
    return group


@transaction.atomic
def post_report(form, *, group, by) -> ProgressReport:
    from . import tasks

    report = form.save(commit=False)
    report.group = group
    report.author = by
    report.save()
    transaction.on_commit(lambda: tasks.notify_report_posted.delay(report.pk))
    return report


@transaction.atomic
def save_reply(form) -> ProgressReport:
    report = form.save(commit=False)
    report.replied_at = timezone.now()
    report.save(update_fields=["reply", "replied_at"])
    return report


@transaction.atomic
def respond(report: ProgressReport, *, by, kind: str, comment: str) -> ReportResponse:
    """One response per person per report: a second one replaces the first."""
    response, _ = ReportResponse.objects.update_or_create(
        report=report, responder=by, defaults={"kind": kind, "comment": comment}
    )
    return response
