"""The landscape room (communities/landscape/): retention, drifting regulars and the
landscape of practice.

* A community's **retention** page (cohorts, the core group's trajectory, counts only: no
  names) is read like its health: coordinators, core group, its sponsors and the social
  learning team; fetched with `get_sponsored_community_for_user`, so a sponsor of a
  members-only community reaches it.
* **Drifting regulars** name people: their coordinators and the social learning team read
  them (the core group and sponsors: 403).
* **Program retention** belongs to the social learning team.
* The **landscape of practice**: the social learning team sees every community; a sponsor
  their portfolio (`landscape_communities_q`); a member their community's neighbourhood
  (the community and the communities sharing members with it that they may see). Broker
  lists name people, so a broker is listed with the communities whose members the viewer
  may see (`broker_communities_q`: a members-only community's members are its members'
  only) and only when two of them remain.
"""

from __future__ import annotations

from django.db.models import Q

from .core import (
    Role,
    community_role,
    is_program_admin,
    is_sponsor,
    is_sponsor_of,
    sponsored_communities_q,
    visible_communities_q,
)


def can_view_retention(user, community) -> bool:
    return community_role(user, community) >= Role.CORE or is_sponsor_of(user, community)


def can_view_drifting(user, community) -> bool:
    return community_role(user, community) >= Role.COORDINATOR


def can_view_program_retention(user) -> bool:
    return is_program_admin(user)


def can_view_landscape(user) -> bool:
    """The program's landscape page: the whole of it for the team, a portfolio for sponsors."""
    return is_program_admin(user) or is_sponsor(user)


def landscape_communities_q(user) -> Q:
    """The communities of the landscape page a user sees."""
    if is_program_admin(user):
        return Q()
    return sponsored_communities_q(user)


def can_view_neighbourhood(user, community) -> bool:
    """A community's neighbourhood in the landscape: its members and the team."""
    return community_role(user, community) >= Role.MEMBER


def broker_communities_q(user) -> Q:
    """Communities whose members (and so brokers' ties) the user may see."""
    return visible_communities_q(user)
