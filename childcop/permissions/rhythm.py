"""The rhythm: sessions, activities and attendance (communities/rhythm/)."""

from __future__ import annotations

from .core import Role, community_role, writes_to_community


@writes_to_community
def can_log_activities(user, community) -> bool:
    """Coordinators and the core group log activities and attendance."""
    return community_role(user, community) >= Role.CORE


@writes_to_community
def can_manage_rhythm(user, community) -> bool:
    return community_role(user, community) >= Role.COORDINATOR
