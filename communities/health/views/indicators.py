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

from childcop import permissions
from childcop.permissions import get_community_for_user
from communities.choices import Stage

from ..indicators import GROUPS, LEVEL_KEYS, PARTICIPATION_MIN_BASE, breakdown_rows, compute

SPARK_W, SPARK_H, SPARK_PAD = 120, 32, 4
BAR_W = 600
LEVEL_COLOURS = {
    "coordinator": "#0b2545",
    "core": "#1f3b63",
    "active": "#3e6fb0",
    "occasional": "#7fa6d8",
    "peripheral": "#b9cfe9",
    "transactional": "#e3ebf5",
}
# Text on each level's colour (AA contrast).
LEVEL_INK = {key: "#fff" if key in ("coordinator", "core", "active") else "#0b2545"
             for key in LEVEL_COLOURS}  # fmt: skip


def value_text(value, unit="") -> str:
    """A value as shown: "—" when there is no data (never a made-up 0)."""
    if value is None:
        return "—"
    if unit == "yes/no":
        return "yes" if value else "no"
    return f"{value}%" if unit == "%" else str(value)


def sparkline(values, unit="") -> dict | None:
    """A small line over the periods, broken where a period has no data; None without data."""
    numbers = [v for v in values if isinstance(v, int | float)]
    if not numbers:
        return None
    top = 1 if unit == "yes/no" else max(100 if unit == "%" else 1, *numbers)
    low = min(0, *numbers)
    span = (top - low) or 1
    step = (SPARK_W - 2 * SPARK_PAD) / max(len(values) - 1, 1)
    points, segments, run = [], [], []
    for index, value in enumerate(values):
        if not isinstance(value, int | float):
            if run:
                segments.append(" ".join(run))
            run = []
            continue
        x = SPARK_PAD + index * step
        y = SPARK_PAD + (SPARK_H - 2 * SPARK_PAD) * (1 - (value - low) / span)
        points.append({"x": round(x, 1), "y": round(y, 1), "last": index == len(values) - 1})
        run.append(f"{x:.1f},{y:.1f}")
    if run:
        segments.append(" ".join(run))
    return {"width": SPARK_W, "height": SPARK_H, "base": SPARK_H - SPARK_PAD,
            "segments": segments, "points": points}  # fmt: skip


def level_bar(breakdown) -> dict:
    """The participation distribution as one stacked bar, from the centre outwards."""
    total = sum(breakdown.values())
    x, parts = 0.0, []
    for key, label in LEVEL_KEYS:
        n = breakdown.get(key, 0)
        width = BAR_W * n / total if total else 0
        parts.append({"key": key, "label": label, "n": n, "x": round(x, 1), "w": round(width, 1),
                      "colour": LEVEL_COLOURS[key], "ink": LEVEL_INK[key],
                      "share": round(100 * n / total) if total else 0,
                      "text_x": round(x + width / 2, 1), "show_n": width >= 24})  # fmt: skip
        x += width
    return {"width": BAR_W, "height": 28, "parts": parts, "total": total}


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
                "current": value_text(indicator.current, indicator.unit),
                "cells": [value_text(v, indicator.unit) for v in indicator.values],
                "chart": sparkline(indicator.values, indicator.unit)
                if indicator.available
                else None,
                "breakdown": breakdown_text(indicator),
            }
        )
    return [(group, rows) for group, rows in groups.items() if rows]


@require_safe
def health(request, slug):
    community = get_community_for_user(request.user, slug, require=permissions.can_view_health)
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
        "distribution": level_bar(members.breakdown or {}) if members else None,
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
        },
    }
    return render(request, "communities/health/health.html", context)
