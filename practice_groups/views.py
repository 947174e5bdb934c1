"""Practice groups: proposals and charters, membership, progress reports with the
community's responses, and support requests to the social learning team (the requests are
communities.health's; its queue is under /program/support/, communities.health.views.support)."""

from django.contrib import messages
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from childcop import permissions
from childcop.permissions import get_community_for_user, get_group_for_user, get_report_for_user
from childcop.utils import done, errors_said, filtered_page, posted
from communities.health.forms import SupportRequestForm
from communities.health.services.support import request_support

from . import services
from .choices import GROUP_WORKFLOW, REASON_GUIDANCE, GroupStatus, Reason, ResponseKind
from .filters import GroupFilter
from .forms import (
    ConcludeForm,
    ProposalForm,
    ReplyForm,
    ReportForm,
    ResponseForm,
    ReviewForm,
)

STATUS_RANK = Case(
    When(status=GroupStatus.ACTIVE, then=Value(0)),
    When(status=GroupStatus.PROPOSED, then=Value(1)),
    When(status=GroupStatus.CHANGES_REQUESTED, then=Value(2)),
    When(status=GroupStatus.CONCLUDED, then=Value(3)),
    default=Value(4),
    output_field=IntegerField(),
)


def reason_guidance():
    return [(r.label, *REASON_GUIDANCE[r]) for r in Reason]


def _simple_form(request, form, group, *, title, button):
    """The one-form page of a group's conclusion, reports, replies and support requests."""
    context = {
        "form": form,
        "group": group,
        "community": group.community,
        "title": title,
        "button": button,
    }
    return render(request, "practice_groups/simple_form.html", context)


@require_GET
def group_list(request, slug):
    community = get_community_for_user(request.user, slug)
    queryset = (
        community.practice_groups.select_related("proposed_by")
        .annotate(
            member_count=Count("memberships", distinct=True),
            report_count=Count("reports", distinct=True),
            status_rank=STATUS_RANK,
        )
        .order_by("status_rank", "name")
    )
    return filtered_page(
        request,
        GroupFilter(request.GET, queryset=queryset),
        "practice_groups/list.html",
        "practice_groups/_group_table.html",
        community=community,
        can_propose=permissions.can_propose_group(request.user, community),
    )


@require_http_methods(["GET", "POST"])
def propose(request, slug):
    community = get_community_for_user(request.user, slug, require=permissions.can_propose_group)
    form = ProposalForm(posted(request), community=community)
    if request.method == "POST" and form.is_valid():
        group = services.propose(form, community=community, by=request.user)
        return done(request, "Your proposal was sent to the coordinators to charter.", group)
    return render(
        request,
        "practice_groups/form.html",
        {
            "form": form,
            "community": community,
            "title": "Propose a practice group",
            "guidance": reason_guidance(),
        },
    )


@require_GET
def group_detail(request, pk):
    group = get_group_for_user(request.user, pk)
    can = permissions.group_flags(request.user, group)
    community = group.community
    coordinating = (
        permissions.community_role(request.user, community) >= permissions.Role.COORDINATOR
    )
    reports = group.reports.select_related("author").annotate(
        **{k.value: Count("responses", filter=Q(responses__kind=k)) for k in ResponseKind}
    )
    context = {
        "group": group,
        "community": community,
        "can": can,
        "guidance": REASON_GUIDANCE.get(group.reason),
        "members": group.memberships.select_related("user").order_by("user__display_name"),
        "reports": reports,
        "agenda_items": group.agenda_items.all(),
        "support_requests": group.support_requests.select_related("requested_by", "handled_by")
        if can["is_member"] or coordinating
        else None,
    }
    return render(request, "practice_groups/detail.html", context)


@require_http_methods(["GET", "POST"])
def group_edit(request, pk):
    group = get_group_for_user(request.user, pk, require=permissions.can_edit_group)
    form = ProposalForm(posted(request), instance=group, community=group.community)
    if request.method == "POST" and form.is_valid():
        resubmitted = GROUP_WORKFLOW.allows(group.status, "resubmit")
        group = services.save_proposal(form, by=request.user)
        if resubmitted and group.status == GROUP_WORKFLOW.target("resubmit"):
            messages.success(request, "The proposal was changed and proposed again.")
        else:
            messages.success(request, "The practice group was saved.")
        return redirect(group)
    return render(
        request,
        "practice_groups/form.html",
        {
            "form": form,
            "community": group.community,
            "group": group,
            "title": f"Edit {group.name}",
            "guidance": reason_guidance(),
        },
    )


@require_http_methods(["GET", "POST"])
def group_review(request, pk):
    group = get_group_for_user(request.user, pk, require=permissions.can_charter_group)
    form = ReviewForm(posted(request))
    if request.method == "POST" and form.is_valid():
        with errors_said(request, services.NotAllowedNow):
            group = services.review(
                group,
                decision=form.cleaned_data["decision"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
            messages.success(request, f"{group.name}: {group.get_status_display().lower()}.")
        return redirect(group)
    return render(
        request,
        "practice_groups/review.html",
        {"form": form, "group": group, "community": group.community},
    )


@require_POST
def group_join(request, pk):
    group = get_group_for_user(request.user, pk, require=permissions.can_join_group)
    services.join(group, request.user)
    return done(request, f"You joined {group.name}.", group)


@require_POST
def group_leave(request, pk):
    group = get_group_for_user(request.user, pk, require=permissions.can_leave_group)
    services.leave(group, request.user)
    return done(request, f"You left {group.name}.", group)


@require_http_methods(["GET", "POST"])
def group_conclude(request, pk):
    group = get_group_for_user(request.user, pk, require=permissions.can_conclude_group)
    form = ConcludeForm(posted(request))
    if request.method == "POST" and form.is_valid():
        with errors_said(request, services.NotAllowedNow):
            services.conclude(group, outcome=form.cleaned_data["outcome"])
            messages.success(request, f"{group.name} concluded. Thank you!")
        return redirect(group)
    return _simple_form(
        request, form, group, title=f"Conclude {group.name}", button="Conclude the group"
    )


@require_http_methods(["GET", "POST"])
def report_create(request, pk):
    group = get_group_for_user(request.user, pk, require=permissions.can_post_report)
    form = ReportForm(posted(request))
    if request.method == "POST" and form.is_valid():
        report = services.post_report(form, group=group, by=request.user)
        return done(request, "The report was posted; the community can respond to it.", report)
    return _simple_form(
        request, form, group, title="Post a progress report", button="Post the report"
    )


def _report_page(request, report, response_form=None, status=200):
    group = report.group
    mine = report.responses.filter(responder_id=request.user.pk).first()
    can = permissions.group_flags(request.user, group)
    if response_form is None and can["respond"]:
        response_form = ResponseForm(instance=mine)
    responses = list(report.responses.select_related("responder"))
    tally = [
        (label, sum(1 for r in responses if r.kind == value))
        for value, label in ResponseKind.choices
    ]
    context = {
        "report": report,
        "group": group,
        "community": group.community,
        "can": can,
        "responses": responses,
        "tally": tally,
        "mine": mine,
        "response_form": response_form,
    }
    return render(request, "practice_groups/report.html", context, status=status)


@require_GET
def report_detail(request, pk):
    report = get_report_for_user(request.user, pk)
    return _report_page(request, report)


@require_POST
def report_respond(request, pk):
    report = get_report_for_user(request.user, pk, require=permissions.can_respond_to_report)
    mine = report.responses.filter(responder_id=request.user.pk).first()
    form = ResponseForm(request.POST, instance=mine)
    if form.is_valid():
        services.respond(
            report,
            by=request.user,
            kind=form.cleaned_data["kind"],
            comment=form.cleaned_data["comment"],
        )
        return done(request, "Your response was saved.", report)
    return _report_page(request, report, response_form=form)


@require_http_methods(["GET", "POST"])
def report_reply(request, pk):
    report = get_report_for_user(request.user, pk, require=permissions.can_post_report)
    form = ReplyForm(posted(request), instance=report)
    if request.method == "POST" and form.is_valid():
        services.save_reply(form)
        return done(request, "The group's reply was saved.", report)
    return _simple_form(
        request,
        form,
        report.group,
        title=f"The group's reply to “{report.title}”",
        button="Save the reply",
    )


@require_http_methods(["GET", "POST"])
def support_create(request, pk):
    group = get_group_for_user(request.user, pk, require=permissions.can_request_support)
    form = SupportRequestForm(posted(request))
    if request.method == "POST" and form.is_valid():
        request_support(form, community=group.community, group=group, by=request.user)
        return done(request, "Your request is in the social learning team's queue.", group)
    return _simple_form(
        request,
        form,
        group,
        title="Ask the social learning team for support",
        button="Send the request",
    )
