"""The health room (communities/health/): health checks, indicators, flags, reports, the
program overview and the support-request queue.

A community's health (indicators, flags, health checks, monthly reports) is read by its
coordinators and core group, its sponsors and the social learning team; members and
visitors get 403. These pages are fetched with `get_sponsored_community_for_user`, so a
sponsor of a members-only community reaches them (and not its members' pages). Coordinators open and close health checks; the core group (the
coordinators included) answers them. The program overview, program reports and the
support-request queue belong to the social learning team (program admins). Which step a
check's state allows is `communities.health.choices.HEALTH_CHECK_WORKFLOW`.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from .core import (
    Role,
    community_role,
    is_program_admin,
    is_sponsor_of,
    membership_of,
    sponsored_communities_q,
    writes_to_community,
)


def can_view_health(user, community) -> bool:
    return community_role(user, community) >= Role.CORE or is_sponsor_of(user, community)


def health_communities_q(user) -> Q:
    """`can_view_health` as a filter on communities (no query run): the communities whose
    health (indicators, flags, checks, monthly reports) this user reads — their core group
    and coordinators, their sponsors, program admins."""
    from communities.choices import Level
    from communities.models import Membership

    if is_program_admin(user):
        return Q()
    if not user.is_authenticated:
        return Q(pk__in=[])
    core = Membership.objects.filter(community=OuterRef("pk"), user_id=user.pk).filter(
        Q(is_coordinator=True) | Q(level=Level.CORE)
    )
    return Q(Exists(core)) | sponsored_communities_q(user)


@writes_to_community
def can_open_health_check(user, community) -> bool:
    return community_role(user, community) >= Role.COORDINATOR


@writes_to_community
def can_answer_health_check(user, community) -> bool:
    """Core group members and coordinators rate; admins read but do not rate."""
    membership = membership_of(user, community)
    return membership is not None and (membership.is_core or membership.is_coordinator)


@writes_to_community
def can_answer_check(user, check) -> bool:
    """Answer (or change one's answer to) this health check: while its state allows it."""
    from communities.health.choices import HEALTH_CHECK_WORKFLOW

    return HEALTH_CHECK_WORKFLOW.allows(check.state, "answer") and can_answer_health_check(
        user, check.community
    )


@writes_to_community
def can_close_check(user, check) -> bool:
    """Close this health check: its community's coordinators, while its state allows it."""
    from communities.health.choices import HEALTH_CHECK_WORKFLOW

    return HEALTH_CHECK_WORKFLOW.allows(check.state, "close") and can_open_health_check(
        user, check.community
    )


def can_view_program_overview(user) -> bool:
    return is_program_admin(user)


@writes_to_community
def can_request_community_support(user, community) -> bool:
    """Coordinators ask the social learning team for coaching, launch help, technology or
    logistics (practice groups ask through `can_request_support`)."""
    return community_role(user, community) >= Role.COORDINATOR


def visible_support_requests_q(user) -> Q:
    """A filter on SupportRequest: the requests this user reads — program admins the whole
    queue; a coordinator those of their communities, on the page where they ask
    (`can_request_community_support`: not once the community is closed), and those of their
    communities' practice groups, on each group's page; a practice group's members (still
    members of its community) the group's requests, on the group's page."""
    from communities.choices import Stage
    from communities.models import Membership
    from practice_groups.models import GroupMembership

    if is_program_admin(user):
        return Q()
    if not user.is_authenticated:
        return Q(pk__in=[])
    mine = Membership.objects.filter(user_id=user.pk)
    coordinating = mine.filter(is_coordinator=True)
    in_groups = GroupMembership.objects.filter(
        user_id=user.pk, group__community_id__in=mine.values("community_id")
    )
    return (
        Q(
            community_id__in=coordinating.exclude(community__stage=Stage.CLOSED).values(
                "community_id"
            )
        )
        | Q(group__isnull=False, community_id__in=coordinating.values("community_id"))
        | Q(group_id__in=in_groups.values("group_id"))
    )


def can_manage_support(user) -> bool:
    """The support queue is the social learning team's."""
    return is_program_admin(user)
