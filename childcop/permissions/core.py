"""The core of access control: roles, the community role ladder, the closed-community guard
and the scoped fetch every other rule builds on.

* Anonymous people are sent to the login page (LoginRequiredMiddleware, default deny).
* Program admins (the social learning team) may do everything.
* A community is visible to its members, and to everyone signed in when it is open and past
  the *potential* stage; otherwise it does not exist for them (404). Its pages (profile,
  members, rhythm and activities, agenda, practice groups, learning loops, reviews) are
  fetched with `get_community_for_user`.
* A sponsor of a members-only community does not read its members' names or conversations:
  only the pages written for sponsors, fetched with `get_sponsored_community_for_user` —
  the sponsor dashboard, the health page (indicators, checks, reports) and the business
  case and agreement.
* Within a visible community, a role that is too low gets 403.
* A closed community is read-only for everyone: every rule that grants a write on a
  community or its content is declared with `@writes_to_community`, which answers False once
  the community is closed; a scoped fetch refusing such a rule says why (CLOSED_MESSAGE).
"""

from __future__ import annotations

import functools
from enum import IntEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import Http404

CLOSED_MESSAGE = "This community is closed: its history stays readable, but nothing can be changed."


class Role(IntEnum):
    """The community role ladder: each role may do what the roles below it may."""

    OUTSIDER = 0
    MEMBER = 1
    CORE = 2
    COORDINATOR = 3
    ADMIN = 4


def is_program_admin(user) -> bool:
    return bool(
        user.is_authenticated and user.is_active and (user.is_program_admin or user.is_superuser)
    )


def require_program_admin(user) -> None:
    if not is_program_admin(user):
        raise PermissionDenied


def public(view):
    """Mark a view as open to anonymous visitors (the only way out of default deny)."""
    from django.contrib.auth.decorators import login_not_required

    return login_not_required(view)


# --- sponsors -------------------------------------------------------------------------


def sponsored_communities_q(user) -> Q:
    """Communities this user currently sponsors (a program-wide sponsor: all of them)."""
    from sponsorship.choices import AppointmentRole, Scope
    from sponsorship.models import Appointment

    if not user.is_authenticated:
        return Q(pk__in=[])
    appointments = Appointment.objects.current().filter(person=user, role=AppointmentRole.SPONSOR)
    program_wide = appointments.filter(scope=Scope.PROGRAM)
    # the communities named in the user's appointments: one small set, not a subquery per
    # community
    named = Appointment.communities.through.objects.filter(
        appointment__in=appointments.filter(scope=Scope.COMMUNITIES)
    ).values("community_id")
    return Q(Exists(program_wide)) | Q(pk__in=named)


def is_sponsor_of(user, community) -> bool:
    """Cached on the community object, like the membership."""
    cache = community.__dict__.setdefault("_sponsor_cache", {})
    if user.pk not in cache:
        from communities.models import Community

        cache[user.pk] = (
            user.is_authenticated
            and Community.objects.filter(pk=community.pk)
            .filter(sponsored_communities_q(user))
            .exists()
        )
    return cache[user.pk]


def is_sponsor(user) -> bool:
    from sponsorship.choices import AppointmentRole
    from sponsorship.models import Appointment

    return bool(
        user.is_authenticated
        and Appointment.objects.current().filter(person=user, role=AppointmentRole.SPONSOR).exists()
    )


# --- the community role ladder ----------------------------------------------------------


def membership_of(user, community):
    """The user's membership of the community, or None (one query, cached on the object)."""
    cache = community.__dict__.setdefault("_membership_cache", {})
    if user.pk not in cache:
        cache[user.pk] = (
            community.memberships.filter(user_id=user.pk).first() if user.is_authenticated else None
        )
    return cache[user.pk]


def community_role(user, community) -> Role:
    if is_program_admin(user):
        return Role.ADMIN
    membership = membership_of(user, community)
    if membership is None:
        return Role.OUTSIDER
    if membership.is_coordinator:
        return Role.COORDINATOR
    if membership.is_core:
        return Role.CORE
    return Role.MEMBER


def visible_communities_q(user) -> Q:
    from communities.choices import Stage
    from communities.models import Membership

    if is_program_admin(user):
        return Q()
    if not user.is_authenticated:
        return Q(pk__in=[])
    is_member = Exists(Membership.objects.filter(community=OuterRef("pk"), user=user))
    # Not the communities one sponsors: a members-only one shows its sponsors the sponsor
    # pages only (see `get_sponsored_community_for_user`).
    return (Q(is_open=True) & ~Q(stage=Stage.POTENTIAL)) | Q(is_member)


def can_view_community(user, community) -> bool:
    """The community and its members' pages (not only the sponsor pages: see below)."""
    from communities.choices import Stage

    if community_role(user, community) >= Role.MEMBER:
        return True
    return bool(user.is_authenticated and community.is_open and community.stage != Stage.POTENTIAL)


def can_view_sponsor_pages(user, community) -> bool:
    """Whether the pages written for sponsors (dashboard, health, business case, agreement)
    exist for the user: the community is visible to them, or they sponsor it."""
    return can_view_community(user, community) or is_sponsor_of(user, community)


# --- the closed-community guard ---------------------------------------------------------


def is_read_only(community) -> bool:
    from communities.choices import Stage

    return community.stage == Stage.CLOSED


def community_of(obj):
    """The community a rule's object belongs to (a community is its own)."""
    from communities.models import Community

    return obj if isinstance(obj, Community) else obj.community


def writes_to_community(rule):
    """Declare that `rule(user, obj)` grants a write on a community or its content.

    Once the community is closed the rule answers False, for everyone (its history stays
    readable). `can_change_stage` is not declared so: an admin may reopen a community.
    """

    @functools.wraps(rule)
    def guarded(user, obj, *args, **kwargs):
        if is_read_only(community_of(obj)):
            return False
        return rule(user, obj, *args, **kwargs)

    guarded.guards_closure = True
    return guarded


# --- the scoped fetch -------------------------------------------------------------------


def check_required(user, obj, require) -> None:
    """The 403 of a scoped fetch: `require(user, obj)` must hold (when given).

    A too-low role stays a plain 403; a closed community's refusal of a write rule says why.
    """
    if require is None or require(user, obj):
        return
    if getattr(require, "guards_closure", False) and is_read_only(community_of(obj)):
        raise PermissionDenied(CLOSED_MESSAGE)
    raise PermissionDenied


def get_community_for_user(user, slug, *, require=None):
    """Fetch a community in the user's scope (404 outside it), then check `require` (403)."""
    from communities.models import Community

    community = Community.objects.filter(slug=slug).first()
    if community is None or not can_view_community(user, community):
        raise Http404("No such community.")
    check_required(user, community, require)
    return community


def get_sponsored_community_for_user(user, slug, *, require=None):
    """Like `get_community_for_user`, for the pages written for sponsors: a community the
    user sees, or sponsors (else 404); then `require` (403)."""
    from communities.models import Community

    community = Community.objects.filter(slug=slug).first()
    if community is None or not can_view_sponsor_pages(user, community):
        raise Http404("No such community.")
    check_required(user, community, require)
    return community
