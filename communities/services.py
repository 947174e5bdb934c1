"""Workflows that touch several rows: each runs in one transaction."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.text import slugify

import audit
from childcop import aggregates

from . import participation
from .choices import LeadershipRole, Level
from .models import Community, Departure, LeadershipAssignment, Membership, StageChange

RESERVED_SLUGS = {"new", "launch-plans"}


class MembershipError(Exception):
    """A membership change that the community's rules do not allow."""


def unique_slug(name: str, exclude_pk=None) -> str:
    base = slugify(name)[:150] or "community"
    if base in RESERVED_SLUGS:  # would be shadowed by a page of the communities section
        base = f"{base}-community"
    slug, n = base, 2
    others = Community.objects.exclude(pk=exclude_pk)
    while others.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def create_community(*, by, objectives=(), **fields) -> Community:
    community = Community(**fields)
    community.slug = unique_slug(community.name)
    community.save()
    StageChange.objects.create(
        community=community, from_stage="", to_stage=community.stage, changed_by=by,
        note="Community created.",
    )  # fmt: skip
    for position, objective in enumerate(objectives):
        objective.community = community
        objective.position = position
        objective.save()
    return community


@transaction.atomic
def change_stage(community: Community, *, to_stage: str, by, note: str = "") -> StageChange:
    locked = Community.objects.select_for_update().get(pk=community.pk)
    if locked.stage == to_stage:
        raise ValueError("The community is already in that stage.")
    change = StageChange.objects.create(
        community=locked, from_stage=locked.stage, to_stage=to_stage, changed_by=by, note=note
    )
    locked.stage = to_stage
    locked.save(update_fields=["stage", "updated_at"])
    community.stage = to_stage
    audit.record(
        by,
        audit.Action.STAGE_CHANGED,
        locked,
        community=locked,
        detail=f"{change.get_from_stage_display()} → {change.get_to_stage_display()}",
    )
    return change


def _notify_added(membership: Membership) -> None:
    from .tasks import notify_added_to_community

    transaction.on_commit(lambda: notify_added_to_community.delay(membership.pk))


@transaction.atomic
def join(community: Community, user) -> Membership:
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                community=community, user=user, level=Level.PERIPHERAL
            )
    except IntegrityError:
        raise MembershipError("You are already a member of this community.") from None
    participation.record_level(membership)
    return membership


def _refuse_self_promotion(user, *, by, raises: bool, invited_by=None) -> None:
    """Nobody puts themselves into a community's core group (a core level, coordinator, a
    leadership role): such a change by the person it concerns is refused, unless it is their
    acceptance of someone else's invitation (`invited_by`, a launch plan's candidacy)."""
    if not raises or by is None or by.pk != user.pk:
        return
    if invited_by is not None and invited_by.pk != user.pk:
        return
    raise MembershipError(
        "Nobody adds themselves to a community's core group: a coordinator or the social "
        "learning team does."
    )


@transaction.atomic
def add_member(
    community: Community,
    user,
    *,
    by,
    level=Level.PERIPHERAL,
    is_coordinator=False,
    roles=(),
    invited_by=None,
) -> Membership:
    _refuse_self_promotion(
        user,
        by=by,
        raises=level == Level.CORE or is_coordinator or bool(roles),
        invited_by=invited_by,
    )
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                community=community, user=user, level=level, is_coordinator=is_coordinator,
                added_by=by,
            )  # fmt: skip
    except IntegrityError:
        raise MembershipError(f"{user} is already a member of this community.") from None
    participation.record_level(membership, by=by)
    set_leadership_roles(membership, roles)
    if level != Level.PERIPHERAL or is_coordinator or roles:
        _audit_roles(membership, by, [f"added as {membership.level_label.lower()}"], roles)
    if user != by:
        _notify_added(membership)
    return membership


def _audit_roles(membership: Membership, by, changes: list[str], roles=()) -> None:
    """A level, the coordinator role or leadership roles given or taken by hand."""
    if roles:
        labels = dict(LeadershipRole.choices)
        changes = [*changes, "leadership roles: " + ", ".join(sorted(labels[r] for r in roles))]
    audit.record(
        by,
        audit.Action.ROLE_CHANGED,
        membership,
        subject=membership.user,
        community=membership.community,
        detail="; ".join(changes),
    )


def _would_leave_without_coordinator(membership: Membership, *, still_coordinator: bool) -> bool:
    """True when this change takes away the community's last coordinator (read from the database,
    since a bound form may already have changed the instance in memory)."""
    if still_coordinator:
        return False
    coordinators = Membership.objects.select_for_update().filter(
        community_id=membership.community_id, is_coordinator=True
    )
    ids = set(coordinators.values_list("pk", flat=True))
    return ids == {membership.pk}


@transaction.atomic
def update_membership(
    membership: Membership,
    *,
    level,
    is_coordinator,
    roles,
    by=None,
    compute_level=False,
    invited_by=None,
) -> Membership:
    before = Membership.objects.get(pk=membership.pk)  # a bound form may have changed it
    was_core = before.is_coordinator or before.level == Level.CORE
    new_roles = set(roles) - set(before.leadership_roles.values_list("role", flat=True))
    _refuse_self_promotion(
        membership.user,
        by=by,
        raises=(is_coordinator and not before.is_coordinator)
        or (not was_core and (level == Level.CORE or bool(new_roles))),
        invited_by=invited_by,
    )
    if _would_leave_without_coordinator(membership, still_coordinator=is_coordinator):
        raise MembershipError(
            "This is the community's only coordinator: appoint another coordinator first."
        )
    previous = before.level
    membership.level = level
    membership.is_coordinator = is_coordinator
    if compute_level:
        membership.level_is_manual = False
    elif level != previous:
        membership.level_is_manual = True  # a level set by hand sticks until cleared
    membership.save(update_fields=["level", "is_coordinator", "level_is_manual"])
    if level != previous:
        participation.record_level(membership, from_level=previous, by=by, manual=True)
    old_roles = set(before.leadership_roles.values_list("role", flat=True))
    set_leadership_roles(membership, roles)
    changes = []
    if level != previous:
        changes.append(f"level: {Level(previous).label} → {Level(level).label}")
    if is_coordinator != before.is_coordinator:
        changes.append("made coordinator" if is_coordinator else "no longer coordinator")
    if set(roles) != old_roles:
        changes.append("leadership roles changed")
    if changes:
        _audit_roles(membership, by, changes, roles if set(roles) != old_roles else ())
    if compute_level:
        participation.recompute_member(membership)
    return membership


def set_leadership_roles(membership: Membership, roles) -> None:
    roles = set(roles)
    membership.leadership_roles.exclude(role__in=roles).delete()
    existing = set(membership.leadership_roles.values_list("role", flat=True))
    LeadershipAssignment.objects.bulk_create(
        LeadershipAssignment(membership=membership, role=role) for role in roles - existing
    )
    # bulk_create sends no signal: the community's cached summary (its leaders)
    aggregates.invalidate_communities(
        [membership.community_id], needs=aggregates.needs_name("membership")
    )


@transaction.atomic
def remove_membership(membership: Membership) -> None:
    if _would_leave_without_coordinator(membership, still_coordinator=False):
        raise MembershipError(
            "This is the community's only coordinator: appoint another coordinator first."
        )
    from practice_groups.models import GroupMembership

    # Leaving the community is leaving its practice groups too.
    GroupMembership.objects.filter(
        user_id=membership.user_id, group__community_id=membership.community_id
    ).delete()
    # Kept for the retention cohorts and the core group's trajectory.
    Departure.objects.create(
        community_id=membership.community_id,
        user_id=membership.user_id,
        joined_on=membership.joined_on,
        was_core=membership.is_core,
    )
    membership.delete()
