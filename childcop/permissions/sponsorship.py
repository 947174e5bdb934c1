"""Sponsorship and the support structure: the sponsor dashboard, the business case, the
agreement (expectations and accountability), appointments, councils and mentoring.

The business case and the agreement are read by the community's members, its sponsors and
program admins; anyone else (also a signed-in outsider of an open community) finds nothing
(404). Coordinators draft the business case, sponsors respond to it; the social learning
team keeps the support structure. These, the sponsor dashboard and the health pages are
all a sponsor of a members-only community sees of it (`core.get_sponsored_community_for_user`).
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from .core import (
    Role,
    check_required,
    community_role,
    get_sponsored_community_for_user,
    is_program_admin,
    is_read_only,
    is_sponsor_of,
    writes_to_community,
)


def can_view_sponsor_dashboard(user, community) -> bool:
    return is_program_admin(user) or is_sponsor_of(user, community)


@writes_to_community
def can_manage_business_case(user, community) -> bool:
    """Coordinators draft and submit the business case; the social learning team helps."""
    return community_role(user, community) >= Role.COORDINATOR


@writes_to_community
def can_respond_to_business_case(user, community) -> bool:
    """Only the community's sponsors comment on or endorse its business case."""
    return is_sponsor_of(user, community)


def can_view_sponsorship(user, community) -> bool:
    """The business case and the agreement: the community's members, its sponsors, admins.

    Anyone else (also a signed-in outsider of an open community) is out of scope: 404.
    """
    return community_role(user, community) >= Role.MEMBER or is_sponsor_of(user, community)


def can_view_case_drafts(user, community) -> bool:
    """Draft business cases are the coordinators' (and the social learning team's) work.

    A read: they stay readable once the community is closed (not closure-guarded)."""
    return community_role(user, community) >= Role.COORDINATOR


@writes_to_community
def can_manage_agreement(user, community) -> bool:
    """Expectations and accountability: the social learning team negotiates, coordinators edit."""
    return community_role(user, community) >= Role.COORDINATOR


def completable_commitments(user, community, commitments) -> set[int]:
    """The ids of the open ones among `commitments` (the community's) that `user` may mark
    done: each its owner's (a sponsor, a coordinator), and all those who keep the
    agreement's. None once the community is closed."""
    from sponsorship.choices import CommitmentStatus

    if is_read_only(community):
        return set()
    keeps = can_manage_agreement(user, community)
    return {
        c.pk for c in commitments
        if c.status == CommitmentStatus.OPEN and (keeps or c.owner_id == user.pk)
    }  # fmt: skip


def get_sponsorship_community_for_user(user, slug, *, require=None):
    """A community whose business case and agreement the user may read (else 404), then 403.

    A sponsor of a members-only community reaches these (not its members' pages)."""
    community = get_sponsored_community_for_user(user, slug)
    if not can_view_sponsorship(user, community):
        raise Http404("No such community.")
    check_required(user, community, require)
    return community


def can_manage_support_structure(user) -> bool:
    """Appointments, councils, mentoring pairs, agreements: the social learning team."""
    return is_program_admin(user)


def mentor_pairs_q(user) -> Q:
    """Mentoring pairs a user may see: their own (as mentor or mentee); admins see all."""
    if is_program_admin(user):
        return Q()
    if not user.is_authenticated:
        return Q(pk__in=[])
    return Q(mentor=user) | Q(mentee=user)


def can_write_check_in(user, pair) -> bool:
    """The mentor and the mentee keep check-in notes; the social learning team may too."""
    return is_program_admin(user) or user.pk in (pair.mentor_id, pair.mentee_id)
