"""The community health page: the automatic indicators and flags of one community.

Read by the core group, coordinators, the community's sponsors and the social learning team
(`permissions.can_view_health`); members and signed-in visitors of an open community get
403, a community out of someone's scope 404. Figures are computed live for the current
month and the three before (see indicators.compute); the monthly reports keep the frozen
ones.
"""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from childcop import charts, permissions
from childcop.permissions import get_sponsored_community_for_user
from communities.choices import Stage

from ..indicators import GROUPS, PARTICIPATION_MIN_BASE, breakdown_rows, compute
from ..indicators.results import CORE_MIN_BASE, DRIFTING_MIN_BASE


def breakdown_text(indicator) -> list[tuple[str, int]]:
    """The breakdown shown under an indicator's label (members get their own bar; of the
    cycles, only those claimed)."""
    if indicator.key == "members":
        return []
    rows = [(label, n) for _, label, n in breakdown_rows(indicator)]
    return [(label, n) for label, n in rows if n] if indicator.key == "stories" else rows


def indicator_rows(health) -> list[tuple[str, list[dict]]]:
    groups = {group: [] for group in GROUPS}
    for indicator in health.indicators:
        groups.setdefault(indicator.group, []).append(
            {
                "indicator": indicator,
                "current": charts.value_text(indicator.current, indicator.unit),
                "cells": [charts.value_text(v, indicator.unit) for v in indicator.values],
                "chart": charts.sparkline(indicator.values, indicator.unit)
                if indicator.available
                else None,
                "breakdown": breakdown_text(indicator),
            }
        )
    return [(group, rows) for group, rows in groups.items() if rows]


@require_safe
def health(request, slug):
    community = get_sponsored_community_for_user(
        request.user, slug, require=permissions.can_view_health
    )
    result = compute([community.pk], now=timezone.now())[community.pk]
    reports = list(
        community.health_reports.only("pk", "community_id", "period", "generated_at").order_by(
            "-period"
        )[:12]
    )
    for report in reports:
        report.community = community  # get_absolute_url needs the slug: no query per report
    members = result.indicator("members")
    context = {
        "community": community,
        "health": result,
        "groups": indicator_rows(result),
        "distribution": charts.level_bar(members.breakdown or {}) if members else None,
        "reports": reports,
        "is_closed": community.stage == Stage.CLOSED,
        "is_potential": community.stage == Stage.POTENTIAL,
        "thresholds": {
            "grace": community.heartbeat_grace_days,
            "inactive_days": settings.CHILDCOP_FLAG_COORDINATOR_INACTIVE_DAYS,
            "story_days": settings.CHILDCOP_FLAG_NO_STORY_DAYS,
            "window_days": settings.CHILDCOP_PARTICIPATION_WINDOW_DAYS,
            "drop": settings.CHILDCOP_FLAG_PARTICIPATION_DROP,
            "min_base": PARTICIPATION_MIN_BASE,
            "check_days": settings.CHILDCOP_HEALTH_CHECK_OVERDUE_DAYS,
            "drift_weeks": settings.CHILDCOP_DRIFT_WEEKS,
            "drifting_share": settings.CHILDCOP_FLAG_DRIFTING_SHARE,
            "drifting_min_base": DRIFTING_MIN_BASE,
            "core_shrink": settings.CHILDCOP_FLAG_CORE_SHRINK,
            "core_min_base": CORE_MIN_BASE,
        },
        "can_see_drifting": permissions.can_view_drifting(request.user, community),
        "can_see_retention": permissions.can_view_retention(request.user, community),
    }
    return render(request, "communities/health/health.html", context)
