"""The coordinator's quarterly cultivation checklist and the social learning team's coaching
log."""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from childcop import permissions
from childcop.permissions import get_community_for_user
from childcop.utils import done, paginate, posted, save_with

from .. import services
from ..forms import ChecklistForm, CoachingForm
from ..models import CultivatingActivity, CultivationCheck

QUARTER_RE = re.compile(r"^(\d{4})-Q([1-4])$")


@require_http_methods(["GET", "POST"])
def checklist(request, slug):
    """The signed-in coordinator's (or core member's) checklist for a quarter."""
    community = get_community_for_user(request.user, slug, require=permissions.can_read_checklist)
    quarter = request.GET.get("quarter") or services.current_quarter()
    if not QUARTER_RE.match(quarter):
        raise Http404("No such quarter.")
    if request.method == "POST" and not permissions.can_keep_checklist(request.user, community):
        raise PermissionDenied(
            permissions.CLOSED_MESSAGE if permissions.is_read_only(community) else ""
        )
    checks = {
        c.activity: c
        for c in CultivationCheck.objects.filter(
            community=community, coordinator=request.user, quarter=quarter
        )
    }
    form = ChecklistForm(posted(request), checks=checks)
    if request.method == "POST" and form.is_valid():
        services.keep_checklist(
            community,
            coordinator=request.user,
            quarter=quarter,
            answers={
                a.value: (
                    form.cleaned_data[f"{a.value}-done"],
                    form.cleaned_data[f"{a.value}-note"],
                )
                for a in CultivatingActivity
            },
        )
        return done(
            request,
            f"Your cultivation checklist for {quarter} was saved.",
            f"{request.path}?quarter={quarter}",
        )
    checked = sum(1 for c in checks.values() if c.done)
    history = (
        CultivationCheck.objects.filter(community=community, coordinator=request.user, done=True)
        .values_list("quarter", flat=True)
        .order_by("-quarter")
    )
    quarters = sorted({services.current_quarter(), quarter, *history}, reverse=True)
    context = {
        "community": community,
        "form": form,
        "quarter": quarter,
        "quarters": quarters,
        "done": checked,
        "total": len(CultivatingActivity),
        "can_write": permissions.can_keep_checklist(request.user, community),
    }
    return render(request, "communities/cultivation.html", context)


@require_GET
def coaching_list(request, slug):
    community = get_community_for_user(request.user, slug, require=permissions.can_read_coaching)
    sessions = community.coaching_sessions.select_related("coach").prefetch_related("leaders")
    return render(
        request,
        "communities/cultivation_coaching.html",
        {
            "community": community,
            "page": paginate(request, sessions),
            "can_log": permissions.can_log_coaching(request.user, community),
        },
    )


@require_http_methods(["GET", "POST"])
def coaching_create(request, slug):
    community = get_community_for_user(request.user, slug, require=permissions.can_log_coaching)
    form = CoachingForm(posted(request), community=community)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            save_with(form, community=community, coach=request.user)
        return done(request, "The coaching session was logged.", "communities:coaching", slug)
    return render(
        request,
        "communities/cultivation_coaching_form.html",
        {"community": community, "form": form},
    )
