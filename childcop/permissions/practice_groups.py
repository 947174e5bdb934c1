"""Practice groups (practice_groups/): proposals, charters, membership, progress reports.

The practice groups of a community are seen by whoever sees the community (404 outside
it). Members propose groups and respond to reports; coordinators (and program admins)
charter, decline or ask changes of proposed groups. Only a group's members post its
progress reports and the group's replies, and ask for support. Which step a group's status
allows is `practice_groups.choices.GROUP_WORKFLOW`.
"""

from __future__ import annotations

from django.http import Http404

from .core import (
    Role,
    can_view_community,
    check_required,
    community_role,
    membership_of,
    writes_to_community,
)


def get_group_for_user(user, pk, *, require=None, queryset=None):
    """A practice group of a community the user sees (else 404), then check `require` (403)."""
    from practice_groups.models import PracticeGroup

    queryset = PracticeGroup.objects.all() if queryset is None else queryset
    group = queryset.select_related("community").filter(pk=pk).first()
    if group is None or not can_view_community(user, group.community):
        raise Http404("No such practice group.")
    check_required(user, group, require)
    return group


def get_report_for_user(user, pk, *, require=None):
    """A progress report of a group whose community the user sees (else 404), then 403."""
    from practice_groups.models import ProgressReport

    report = ProgressReport.objects.select_related("group__community", "author").filter(pk=pk)
    report = report.first()
    if report is None or not can_view_community(user, report.group.community):
        raise Http404("No such report.")
    check_required(user, report.group, require)
    return report


def is_group_member(user, group) -> bool:
    """Cached on the group object."""
    cache = group.__dict__.setdefault("_group_member_cache", {})
    if user.pk not in cache:
        cache[user.pk] = (
            user.is_authenticated
            and group.memberships.filter(user_id=user.pk).exists()
            and membership_of(user, group.community) is not None  # still in the community
        )
    return cache[user.pk]


@writes_to_community
def can_propose_group(user, community) -> bool:
    return community_role(user, community) >= Role.MEMBER


@writes_to_community
def can_charter_group(user, group) -> bool:
    """Charter, decline or ask for changes: coordinators and program admins, while proposed."""
    from practice_groups.choices import GROUP_WORKFLOW

    return (
        GROUP_WORKFLOW.allows(group.status, "review")
        and community_role(user, group.community) >= Role.COORDINATOR
    )


@writes_to_community
def can_edit_group(user, group) -> bool:
    """The proposer while it is proposed or changes are asked; coordinators while not closed."""
    from practice_groups.choices import GROUP_WORKFLOW

    if not GROUP_WORKFLOW.allows(group.status, "edit"):
        return False
    if community_role(user, group.community) >= Role.COORDINATOR:
        return True
    return group.proposed_by_id == user.pk and GROUP_WORKFLOW.allows(group.status, "edit_proposal")


@writes_to_community
def can_join_group(user, group) -> bool:
    """Members of the community join an active group they are not in yet."""
    from practice_groups.choices import GROUP_WORKFLOW

    return (
        GROUP_WORKFLOW.allows(group.status, "join")
        and membership_of(user, group.community) is not None
        and not is_group_member(user, group)
    )


@writes_to_community
def can_leave_group(user, group) -> bool:
    from practice_groups.choices import GROUP_WORKFLOW

    return GROUP_WORKFLOW.allows(group.status, "leave") and is_group_member(user, group)


@writes_to_community
def can_conclude_group(user, group) -> bool:
    from practice_groups.choices import GROUP_WORKFLOW

    return GROUP_WORKFLOW.allows(group.status, "conclude") and (
        community_role(user, group.community) >= Role.COORDINATOR or is_group_member(user, group)
    )


@writes_to_community
def can_post_report(user, group) -> bool:
    """Only the group's members post its progress reports (and the group's replies)."""
    from practice_groups.choices import GROUP_WORKFLOW

    return GROUP_WORKFLOW.allows(group.status, "report") and is_group_member(user, group)


@writes_to_community
def can_respond_to_report(user, group) -> bool:
    """Members of the community endorse, critique or suggest refinements."""
    return community_role(user, group.community) >= Role.MEMBER


@writes_to_community
def can_request_support(user, group) -> bool:
    from practice_groups.choices import GROUP_WORKFLOW

    return GROUP_WORKFLOW.allows(group.status, "request_support") and is_group_member(user, group)


def group_flags(user, group) -> dict:
    return {
        "edit": can_edit_group(user, group),
        "charter": can_charter_group(user, group),
        "join": can_join_group(user, group),
        "leave": can_leave_group(user, group),
        "conclude": can_conclude_group(user, group),
        "report": can_post_report(user, group),
        "respond": can_respond_to_report(user, group),
        "support": can_request_support(user, group),
        "is_member": is_group_member(user, group),
    }
