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

from .core import (
    Role,
    community_role,
    is_program_admin,
    is_sponsor_of,
    membership_of,
    writes_to_community,
)


def can_view_health(user, community) -> bool:
    return community_role(user, community) >= Role.CORE or is_sponsor_of(user, community)


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


def can_manage_support(user) -> bool:
    """The support queue is the social learning team's."""
    return is_program_admin(user)
