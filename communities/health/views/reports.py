"""Health report pages: a community's monthly reports (web and printable) and the program
reports of the social learning team.

Everything on these pages is read from the stored snapshot (`HealthReport.data`,
`ProgramReport.data`): nothing is recomputed, so a report reads the same however the
community's data changed since. Access: `permissions.can_view_health` (core group,
coordinators, program admins and the community's sponsors) for community reports,
`permissions.can_view_program_overview` (program admins) for program reports.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import IntegerField
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from childcop import charts, permissions
from childcop.utils import paginate
from communities.models import Community

from ..choices import FLAG_ADVICE, Flag
from ..filters import ReportFilter
from ..indicators import breakdown_rows
from ..models import HealthReport, ProgramReport
from ..services.reports import PROGRAM_TRENDS, highlights, labelled

# Charts: childcop.charts; each is shown with its numbers beside it.
SPARKLINE = {"width": 168, "height": 44, "pad": 6}  # the printed reports' sparklines


def flag_bars(totals: dict, communities: int) -> dict:
    """How many communities raise each flag, as horizontal bars (a share of them all)."""
    rows = [{"key": key, "label": Flag(key).label, "n": totals.get(key, 0)} for key in Flag.values]
    return charts.horizontal_bars(
        rows, width=640, label_width=290, margin=50, out_of=communities, align="start"
    )


# --- Reading a community report -------------------------------------------------------------


def _groups(health):
    periods = health.periods
    groups = {}
    for indicator in health.indicators:
        groups.setdefault(indicator.group or "Other", []).append(
            {
                "indicator": indicator,
                "cells": [
                    {"period": p, "text": charts.value_text(v, indicator.unit)}
                    for p, v in zip(periods, indicator.values, strict=False)
                ],
                "current_text": charts.value_text(indicator.current, indicator.unit),
                "chart": charts.sparkline(indicator.values, indicator.unit, **SPARKLINE)
                if indicator.available
                else None,
                "breakdown": breakdown_rows(indicator),
            }
        )
    return list(groups.items())


def report_page(report: HealthReport) -> dict:
    """The context every report page renders, from the stored JSON only."""
    facts = highlights(report.data)
    return {
        "report": report,
        "facts": facts,
        "health": facts.health,
        "stage_label": facts.context.get("community", {}).get("stage_label", ""),
        "groups": _groups(facts.health),
        "status": facts.health.status,
    }


@require_safe
def report_list(request, slug):
    community = permissions.get_sponsored_community_for_user(
        request.user, slug, require=permissions.can_view_health
    )
    filterset = ReportFilter(request.GET, queryset=community.health_reports.order_by("-period"))
    page = paginate(request, filterset.qs)
    rows = []
    for report in page:
        facts = highlights(report.data)
        rows.append({"report": report, "flags": facts.flags, "moves": facts.moves[:1]})
    return render(
        request,
        "communities/health/reports.html",
        {"community": community, "page": page, "rows": rows, "filter": filterset},
    )


def _community_report(request, slug, pk, template, **extra):
    """One of the community's monthly reports, on the page `template` (with `extra`)."""
    community = permissions.get_sponsored_community_for_user(
        request.user, slug, require=permissions.can_view_health
    )
    report = get_object_or_404(community.health_reports, pk=pk)
    report.community = community
    return render(request, template, {"community": community, **report_page(report), **extra})


@require_safe
def report_detail(request, slug, pk):
    template = "communities/health/report.html"
    return _community_report(request, slug, pk, template, advice=FLAG_ADVICE)


@require_safe
def report_print(request, slug, pk):
    template = "communities/health/report_print.html"
    return _community_report(request, slug, pk, template, printable=True)


# --- Program reports (the social learning team) ---------------------------------------------


def _require_admin(user):
    if not permissions.can_view_program_overview(user):
        raise PermissionDenied


@require_safe
def program_report_list(request):
    _require_admin(request.user)
    # The list shows two figures of each report: read them from its JSON in the database
    # (SQLite and PostgreSQL alike) instead of loading every report's data.
    reports = (
        ProgramReport.objects.defer("data")
        .annotate(
            communities=Cast(KT("data__communities"), IntegerField()),
            flagged=Cast(KT("data__flagged"), IntegerField()),
        )
        .order_by("-period")
    )
    page = paginate(request, reports)
    return render(request, "communities/health/program_reports.html", {"page": page})


def _program_page(pk) -> dict:
    report = get_object_or_404(ProgramReport, pk=pk)
    data = report.data
    rows = data.get("rows", [])
    # Links go to each community's report by its current address (one query).
    slugs = dict(
        Community.objects.filter(pk__in=[r["community_id"] for r in rows]).values_list("pk", "slug")
    )
    lines = []
    for row in rows:
        slug = slugs.get(row["community_id"])
        trends = []
        for trend in row.get("trends", []):
            if trend.get("available"):
                unit = trend.get("unit", "")
                trend = {
                    **trend,
                    "current_text": charts.value_text(trend.get("current"), unit),
                    "previous_text": charts.value_text(trend.get("previous"), unit),
                }
            trends.append(trend)
        lines.append({**labelled(row), "slug": slug, "trends": trends})
    return {
        "report": report,
        "data": data,
        "period": date.fromisoformat(data["period"]) if data.get("period") else report.period,
        "rows": lines,
        "trend_labels": data.get("trend_labels") or [label for _, label, _ in PROGRAM_TRENDS],
        "bars": flag_bars(data.get("flag_totals", {}), data.get("communities", 0)),
    }


@require_safe
def program_report_detail(request, pk):
    _require_admin(request.user)
    return render(request, "communities/health/program_report.html", _program_page(pk))


@require_safe
def program_report_print(request, pk):
    _require_admin(request.user)
    return render(
        request,
        "communities/health/program_report_print.html",
        {**_program_page(pk), "printable": True},
    )
