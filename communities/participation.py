"""Levels of participation computed from behaviour, and the history of every change.

A member's score over a rolling window is the share of the community's activities they
took part in: attended, or contributed to by logging them. A share keeps the levels fair
between a community that meets weekly and one that meets monthly. Thresholds are
program settings, in percent:

    CHILDCOP_PARTICIPATION_WINDOW_DAYS = 90   the rolling window
    CHILDCOP_PARTICIPATION_ACTIVE = 50        share for active
    CHILDCOP_PARTICIPATION_OCCASIONAL = 25    share for occasional
    CHILDCOP_PARTICIPATION_PERIPHERAL = 1     share for peripheral; below: transactional

A community with no activity in the window leaves its members' levels as they are.
The core group is not computed: it is a role that coordinators give (it lets people log
activities), so behaviour moves members between active and transactional only, and
core-group members keep their place until a coordinator changes it.

Members who joined within the window keep at least *peripheral* while they find their
way in. Coordinators and levels set by hand are left alone until the manual level is
cleared.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from childcop import aggregates

from .choices import Level
from .models import Activity, Attendance, LevelChange, Membership


def thresholds() -> dict:
    return {
        "window_days": settings.CHILDCOP_PARTICIPATION_WINDOW_DAYS,
        Level.ACTIVE: settings.CHILDCOP_PARTICIPATION_ACTIVE,
        Level.OCCASIONAL: settings.CHILDCOP_PARTICIPATION_OCCASIONAL,
        Level.PERIPHERAL: settings.CHILDCOP_PARTICIPATION_PERIPHERAL,
    }


def level_for(share: float, *, newcomer: bool, limits: dict | None = None) -> str:
    """The level for a share (0–100) of the community's activities taken part in."""
    limits = limits or thresholds()
    for level in (Level.ACTIVE, Level.OCCASIONAL, Level.PERIPHERAL):
        if share >= limits[level]:
            return level
    return Level.PERIPHERAL if newcomer else Level.TRANSACTIONAL


def _count(queryset):
    return Coalesce(
        Subquery(
            queryset.order_by().values("_k").annotate(n=Count("pk")).values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def scored_memberships(queryset, *, since, until):
    """Annotate memberships with attendance and contributions in [since, until] (two subqueries)."""
    attended = Attendance.objects.filter(
        user_id=OuterRef("user_id"),
        activity__community_id=OuterRef("community_id"),
        activity__date__gte=since,
        activity__date__lte=until,
    ).annotate(_k=Value(1))
    logged = (
        Activity.objects.filter(
            logged_by_id=OuterRef("user_id"),
            community_id=OuterRef("community_id"),
            date__gte=since,
            date__lte=until,
        )
        .exclude(attendance__user_id=OuterRef("user_id"))  # attended and logged: counted once
        .annotate(_k=Value(1))
    )
    return queryset.annotate(attended=_count(attended), contributed=_count(logged))


@transaction.atomic
def recompute_levels(community_id: int | None = None, *, now=None, membership_id=None) -> int:
    """Recompute every automatic level (optionally in one community); returns how many changed."""
    now = now or timezone.now()
    limits = thresholds()
    since = (now - timedelta(days=limits["window_days"])).date()
    memberships = Membership.objects.filter(level_is_manual=False, is_coordinator=False).exclude(
        level=Level.CORE
    )
    if community_id is not None:
        memberships = memberships.filter(community_id=community_id)
    if membership_id is not None:
        memberships = memberships.filter(pk=membership_id)
    offered = dict(
        Activity.objects.filter(date__gte=since, date__lte=now.date())
        .values_list("community_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    changed, history = [], []
    for m in scored_memberships(memberships.select_for_update(), since=since, until=now.date()):
        if not offered.get(m.community_id):
            continue  # no activity in the window: nothing to judge by
        share = (
            100 * min(m.attended + m.contributed, offered[m.community_id]) / offered[m.community_id]
        )
        new = level_for(share, newcomer=m.joined_on >= since, limits=limits)
        if new != m.level:
            history.append(
                LevelChange(
                    community_id=m.community_id,
                    user_id=m.user_id,
                    from_level=m.level,
                    to_level=new,
                    changed_at=now,
                )  # fmt: skip
            )
            m.level = new
            changed.append(m)
    Membership.objects.bulk_update(changed, ["level"], batch_size=500)
    LevelChange.objects.bulk_create(history, batch_size=500)
    if changed:  # bulk writes send no signal: the cached summaries of these communities
        from communities.landscape import retention_parts

        aggregates.invalidate_communities(
            {m.community_id for m in changed}, needs=aggregates.needs_name("membership")
        )
        # and their retention pages' settled parts (members' levels, level changes)
        retention_parts.invalidate({m.community_id for m in changed}, past=False)
    return len(changed)


def recompute_member(membership) -> None:
    recompute_levels(membership_id=membership.pk)
    membership.refresh_from_db(fields=["level"])


def record_level(membership, *, from_level="", by=None, manual=False):
    return LevelChange.objects.create(
        community_id=membership.community_id,
        user_id=membership.user_id,
        from_level=from_level,
        to_level=membership.level,
        is_manual=manual,
        changed_by=by,
    )


def movements(community, *, days=90, now=None):
    """Level movements in the last `days`: [(from_label, to_label, n, inwards)], one query."""
    now = now or timezone.now()
    order = [Level.CORE, Level.ACTIVE, Level.OCCASIONAL, Level.PERIPHERAL, Level.TRANSACTIONAL]
    labels = dict(Level.choices)
    rows = (
        LevelChange.objects.filter(community=community, changed_at__gte=now - timedelta(days=days))
        .exclude(from_level="")
        .values("from_level", "to_level")
        .annotate(n=Count("id"))
        .order_by("-n")
    )
    return [
        {
            "from": labels.get(r["from_level"], r["from_level"]),
            "to": labels.get(r["to_level"], r["to_level"]),
            "n": r["n"],
            "inwards": order.index(r["to_level"]) < order.index(r["from_level"]),
        }
        for r in rows
        if r["from_level"] in order and r["to_level"] in order
    ]
