"""Health-check pages: the community's list, opening one, the result, a core group member's
answer, closing.

Who may do what is answered by childcop.permissions ("Health checks, indicators, reports"):
readers `can_view_health` (core group, coordinators, admins, the community's sponsors),
`can_open_health_check` (coordinators, admins; also closes), `can_answer_health_check` (the
core group, coordinators included; not admins); for one check, `can_answer_check` and
`can_close_check` add what its state allows (`HEALTH_CHECK_WORKFLOW`). A closed community
is read-only there.

While a check is open, a core group member who has not answered yet does not see the others'
ratings: independent ratings keep the spread meaningful. Notes are shown without names, in an order
of their own (by their text): the coordinator's list of who has answered (by name, without
dates) cannot be matched to them. The workflows and the result are in services.checks.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import Count, Exists, OuterRef
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from childcop import permissions
from childcop.permissions import get_sponsored_community_for_user
from childcop.utils import done, filtered_page, posted

from ..choices import HEALTH_CHECK_WORKFLOW
from ..filters import HealthCheckFilter
from ..forms import AnswerForm, OpenHealthCheckForm
from ..models import HealthCheckResponse
from ..services.checks import (
    CheckClosed,
    active_dimensions,
    close_check,
    combine,
    core_group,
    open_check,
    previous_check,
    save_answer,
    text_order,
)


def _get_check(request, slug, pk, *, require=permissions.can_view_health):
    """One scoped fetch: the community (404 outside scope, 403 below `require`), its check."""
    community = get_sponsored_community_for_user(request.user, slug, require=require)
    check = community.health_checks.filter(pk=pk).first()
    if check is None:
        raise Http404("No such health check.")
    check.community = community  # the membership cache travels with it
    return community, check


@require_safe
def check_list(request, slug):
    """The community's health checks, newest period first."""
    community = get_sponsored_community_for_user(
        request.user, slug, require=permissions.can_view_health
    )
    user = request.user
    checks = community.health_checks.annotate(
        answers=Count("responses"),
        answered=Exists(
            HealthCheckResponse.objects.filter(health_check=OuterRef("pk"), respondent_id=user.pk)
        ),
    ).order_by("-period_start")
    still_open = community.health_checks.filter(closed_at__isnull=True).first()
    return filtered_page(
        request,
        HealthCheckFilter(request.GET or None, queryset=checks),
        "communities/health/check_list.html",
        "communities/health/check_list_results.html",
        community=community,
        may_open=(may_open := permissions.can_open_health_check(user, community)),
        # One check open at a time: "Open a health check" only when none is.
        can_open=may_open and still_open is None,
        still_open=still_open,
        can_answer=permissions.can_answer_health_check(user, community),
        read_only=permissions.is_read_only(community),
    )


@require_http_methods(["GET", "POST"])
def check_open(request, slug):
    community = get_sponsored_community_for_user(
        request.user, slug, require=permissions.can_open_health_check
    )
    still_open = community.health_checks.filter(closed_at__isnull=True).first()
    form = OpenHealthCheckForm(posted(request), community=community)
    if request.method == "POST" and form.is_valid():
        try:
            check = open_check(community, by=request.user, **form.cleaned_data)
        except ValidationError as error:  # a check opened meanwhile: asked again, locked
            form.add_error(None, error)
        except IntegrityError:
            form.add_error(None, "This period was opened meanwhile; see the list of health checks.")
        else:
            return done(
                request,
                f"The health check {check.period_label} is open. The core group answers by "
                f"{check.answer_by:%-d %B %Y}; those who have not answered get one reminder "
                f"in the {settings.CHILDCOP_HEALTH_CHECK_REMIND_DAYS_BEFORE} days before.",
                "communities:health_check_answer",
                slug=community.slug,
                pk=check.pk,
            )
    return render(
        request,
        "communities/health/check_open.html",
        {"community": community, "form": form, "still_open": still_open},
    )


@require_safe
def check_detail(request, slug, pk):
    """The result: mean and spread per dimension, the radar beside the previous period's,
    the factors and notes; for coordinators, who has answered and who has not."""
    community, check = _get_check(request, slug, pk)
    user = request.user
    previous = previous_check(check)
    if previous is not None:
        previous.community = community
    result = combine(check, previous=previous)
    answered_ids = {r.respondent_id for r in result.responses}
    can_answer = permissions.can_answer_check(user, check)
    can_manage = permissions.can_open_health_check(user, community)
    waiting = None
    if can_manage:
        waiting = [
            m.user
            for m in core_group([community.pk])
            .select_related("user")
            .order_by("user__display_name")
            if m.user_id not in answered_ids
        ]
    context = {
        "community": community,
        "check": check,
        "result": result,
        # by name, without dates: nothing to match against the notes (by their text)
        "answered": sorted((r.respondent.display_name for r in result.responses), key=text_order),
        "radar": result.radar(),
        "has_answered": user.pk in answered_ids,
        "can_answer": can_answer,
        "can_close": permissions.can_close_check(user, check),
        "show_who": can_manage,
        "waiting": waiting,
        "hide_results": can_answer and user.pk not in answered_ids,
        "read_only": permissions.is_read_only(community),
    }
    return render(request, "communities/health/check_detail.html", context)


@require_http_methods(["GET", "POST"])
def check_answer(request, slug, pk):
    """A core group member's answer: a slider per dimension, the factors, notes. It may be
    changed while the check is open."""
    community, check = _get_check(request, slug, pk, require=permissions.can_answer_health_check)
    if not HEALTH_CHECK_WORKFLOW.allows(check.state, "answer"):
        messages.info(request, "This health check is closed: its answers are kept as they were.")
        return redirect(check)
    response = check.responses.filter(respondent=request.user).prefetch_related("ratings").first()
    dimensions = list(active_dimensions())
    form = AnswerForm(posted(request), dimensions=dimensions, response=response)
    if request.method == "POST" and form.is_valid():
        try:
            save_answer(
                check,
                request.user,
                ratings=form.ratings(),
                dimensions=form.dimension_ids,
                success_factors=form.cleaned_data["success_factors"],
                failure_factors=form.cleaned_data["failure_factors"],
                notes=form.cleaned_data["notes"].strip(),
            )
        except CheckClosed:
            messages.error(
                request,
                "This health check was closed before your answer arrived: it was not saved. "
                "The answers given are kept as they were.",
            )
            return redirect(check)
        return done(
            request,
            "Your answer was "
            + ("updated" if response else "saved")
            + ". You may change it while the health check is open.",
            check,
        )
    context = {"community": community, "check": check, "form": form, "response": response}
    return render(request, "communities/health/check_answer.html", context)


@require_http_methods(["GET", "POST"])
def check_close(request, slug, pk):
    """Close the check after a confirmation: no more answers, the result stays."""
    community, check = _get_check(request, slug, pk, require=permissions.can_open_health_check)
    if not HEALTH_CHECK_WORKFLOW.allows(check.state, "close"):
        messages.info(request, "This health check is already closed.")
        return redirect(check)
    if request.method == "POST":
        close_check(check)
        return done(request, f"The health check {check.period_label} is closed.", check)
    answers = check.responses.count()
    waiting = core_group([community.pk]).exclude(user__health_responses__health_check=check).count()
    context = {"community": community, "check": check, "answers": answers, "waiting": waiting}
    return render(request, "communities/health/check_close.html", context)
