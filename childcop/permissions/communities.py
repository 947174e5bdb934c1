"""A community itself: its profile, its stage, its members; the flags of its pages.

Members and the core group read; coordinators edit the profile (not the stage) and manage
members; only program admins create communities and change lifecycle stages.
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
from .rhythm import can_log_activities, can_manage_rhythm
from .sponsorship import can_view_sponsorship


def can_create_community(user) -> bool:
    return is_program_admin(user)


@writes_to_community
def can_edit_community(user, community) -> bool:
    return community_role(user, community) >= Role.COORDINATOR


def can_change_stage(user, community) -> bool:
    """Not closure-guarded: a program admin may reopen a closed community."""
    return is_program_admin(user)


@writes_to_community
def can_manage_members(user, community) -> bool:
    return community_role(user, community) >= Role.COORDINATOR


@writes_to_community
def can_join(user, community) -> bool:
    from communities.choices import Stage

    return (
        user.is_authenticated
        and membership_of(user, community) is None
        and community.is_open
        and community.stage != Stage.CLOSED
    )


@writes_to_community
def can_leave(user, community) -> bool:
    return membership_of(user, community) is not None


def community_flags(user, community) -> dict:
    """Everything a community page needs to know about what this user may do."""
    role = community_role(user, community)
    return {
        "role": role,
        "role_label": role.name.replace("_", " ").capitalize() if role else "",
        "is_member": membership_of(user, community) is not None,
        "edit": can_edit_community(user, community),
        "change_stage": can_change_stage(user, community),
        "manage_members": can_manage_members(user, community),
        "log_activities": can_log_activities(user, community),
        "manage_rhythm": can_manage_rhythm(user, community),
        "join": can_join(user, community),
        "leave": can_leave(user, community),
        # members and admins: no query; others: one (are they a sponsor of it?)
        "view_sponsorship": can_view_sponsorship(user, community),
        # The "Health" link: the core group and up without a query; a sponsor who is not a
        # member was just looked up by view_sponsorship (cached). A member who also sponsors
        # the community is not looked up here (no extra query): they open the page directly.
        "view_health": role >= Role.CORE
        or (role == Role.OUTSIDER and is_sponsor_of(user, community)),
    }
