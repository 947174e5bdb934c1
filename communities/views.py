"""Community views: function-based, one scoped fetch at the top, permissions from one module."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from childcop import aggregates, charts, permissions
from childcop.permissions import get_community_for_user
from childcop.utils import csv_response, done, errors_said, filtered_page, posted

from . import services
from . import summary as community_summary
from .choices import STAGE_HELP, Level
from .filters import CommunityFilter, MemberFilter
from .forms import (
    AddMemberForm,
    CommunityAdminEditForm,
    CommunityCoordinatorEditForm,
    CommunityCreateForm,
    MembershipForm,
    ObjectiveFormSet,
    StageChangeForm,
)
from .models import Community, Membership
from .rhythm import services as rhythm


def confirm_page(request, community, *, title, question, action_label):
    """The confirmation page every destructive action shows before its POST."""
    context = {
        "community": community,
        "title": title,
        "question": question,
        "action_label": action_label,
    }
    return render(request, "communities/confirm.html", context)


def confirm_delete(request, community, obj, *, deleted, then, **confirm):
    """Delete `obj` on POST, say `deleted` and go to `then` (a URL); ask first on GET
    (`confirm`: the confirmation page's title, question and action_label)."""
    if request.method == "POST":
        obj.delete()
        return done(request, deleted, then)
    return confirm_page(request, community, **confirm)


def _coordinators_prefetch():
    return Prefetch(
        "memberships",
        queryset=Membership.objects.coordinators().select_related("user"),
        to_attr="coordinator_memberships",
    )


@require_GET
def community_list(request):
    user = request.user
    queryset = (
        Community.objects.for_user(user)
        .annotate(
            member_count=Count("memberships", distinct=True),
            viewer_is_member=Exists(
                Membership.objects.filter(community=OuterRef("pk"), user_id=user.pk)
            ),
        )
        .prefetch_related(_coordinators_prefetch())
        .order_by("name")
    )
    return filtered_page(
        request,
        CommunityFilter(request.GET, queryset=queryset),
        "communities/list.html",
        "communities/_community_table.html",
        can_create=permissions.can_create_community(user),
    )


@require_http_methods(["GET", "POST"])
def community_create(request):
    permissions.require_program_admin(request.user)
    form = CommunityCreateForm(posted(request))
    formset = ObjectiveFormSet(posted(request), prefix="objectives")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        objectives = [
            f.save(commit=False)
            for f in formset.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        community = services.create_community(
            by=request.user, objectives=objectives, **form.cleaned_data
        )
        return done(request, f"{community.name} was created.", community)
    return _profile_form(request, form, formset)


def _profile_form(request, form, formset, community=None):
    """The community's profile and objectives: a new community's when `community` is None."""
    context = {"form": form, "formset": formset, "creating": community is None}
    if community is not None:
        context["community"] = community
    return render(request, "communities/form.html", context)


@require_GET
def community_detail(request, slug):
    community = get_community_for_user(request.user, slug)
    flags = permissions.community_flags(request.user, community)
    # What does not depend on the viewer comes from the community's cached summary
    # (communities.summary; recomputed after any write to the community's data).
    summary = community_summary.profile(community)
    level_counts = summary["level_counts"]
    coordinators = summary["coordinators"]
    levels = [("Coordinator", len(coordinators))] + [
        (label, level_counts.get(value, 0)) for value, label in Level.choices
    ]
    context = {
        "community": community,
        "can": flags,
        "membership": permissions.membership_of(request.user, community),
        "objectives": summary["objectives"],
        "coordinators": coordinators,
        "levels": levels,
        "member_total": sum(n for _, n in levels),
        "leaders": summary["leaders"],
        "recent_members": summary["newest"],
        "stage_changes": summary["stage_changes"],
        "stage_help": STAGE_HELP.get(community.stage, ""),
        "next_sessions": rhythm.upcoming_sessions(community, limit=3),
        "heartbeat": charts.heartbeat(summary["heartbeat"]),
        # the drawn heartbeat is cached under its summary's generation (detail.html)
        "heartbeat_key": aggregates.fragment_key(summary["key"]),
        "movements": summary["movements"],
        "recent_activities": summary["recent_activities"],
        "trajectory": community.level_changes.filter(user_id=request.user.pk)[:12]
        if flags["is_member"]
        else [],
    }
    return render(request, "communities/detail.html", context)


@require_http_methods(["GET", "POST"])
def community_edit(request, slug):
    community = get_community_for_user(request.user, slug, require=permissions.can_edit_community)
    form_class = (
        CommunityAdminEditForm
        if permissions.is_program_admin(request.user)
        else CommunityCoordinatorEditForm
    )
    form = form_class(posted(request), instance=community)
    formset = ObjectiveFormSet(posted(request), instance=community, prefix="objectives")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        from django.db import transaction

        with transaction.atomic():
            form.save()
            formset.save()
        return done(request, "The community profile was saved.", community)
    return _profile_form(request, form, formset, community)


@require_http_methods(["GET", "POST"])
def community_stage(request, slug):
    community = get_community_for_user(request.user, slug, require=permissions.can_change_stage)
    form = StageChangeForm(posted(request), community=community)
    if request.method == "POST" and form.is_valid():
        change = services.change_stage(
            community,
            to_stage=form.cleaned_data["to_stage"],
            by=request.user,
            note=form.cleaned_data["note"],
        )
        return done(
            request,
            f"{community.name} moved to the {change.get_to_stage_display()} stage.",
            community,
        )
    history = community.stage_changes.select_related("changed_by")
    return render(
        request,
        "communities/stage.html",
        {"form": form, "community": community, "history": history, "stage_help": STAGE_HELP},
    )


def _member_queryset(request, community):
    queryset = community.memberships.select_related("user").prefetch_related("leadership_roles")
    return MemberFilter(request.GET, queryset=queryset)


@require_GET
def member_list(request, slug):
    community = get_community_for_user(request.user, slug)
    return filtered_page(
        request,
        _member_queryset(request, community),
        "communities/members.html",
        "communities/_member_table.html",
        community=community,
        can=permissions.community_flags(request.user, community),
    )


@require_GET
def member_export(request, slug):
    community = get_community_for_user(request.user, slug, require=permissions.can_manage_members)
    filterset = _member_queryset(request, community)
    rows = (
        (
            m.user.display_name,
            m.user.email,
            m.user.job_title,
            m.user.department,
            m.level_label,
            "; ".join(r.get_role_display() for r in m.leadership_roles.all()),
            m.joined_on.isoformat(),
        )
        for m in filterset.qs
    )
    header = [
        "Name",
        "Email",
        "Job title",
        "Department",
        "Participation level",
        "Leadership roles",
        "Joined",
    ]
    return csv_response(
        f"{community.slug}-members.csv", header, rows, request=request, community=community
    )


@require_POST
def community_join(request, slug):
    community = get_community_for_user(request.user, slug)
    if not permissions.can_join(request.user, community):
        if permissions.membership_of(request.user, community) is not None:
            messages.info(request, "You are already a member of this community.")
            return redirect(community)
        raise PermissionDenied
    try:
        services.join(community, request.user)
    except services.MembershipError as error:
        messages.info(request, str(error))
    else:
        messages.success(request, f"Welcome to {community.name}!")
    return redirect(community)


@require_http_methods(["GET", "POST"])
def community_leave(request, slug):
    community = get_community_for_user(request.user, slug, require=permissions.can_leave)
    membership = permissions.membership_of(request.user, community)
    if request.method == "POST":
        try:
            services.remove_membership(membership)
        except services.MembershipError as error:
            messages.error(request, str(error))
            return redirect(community)
        messages.success(request, f"You have left {community.name}.")
        if permissions.can_view_community(request.user, Community.objects.get(pk=community.pk)):
            return redirect(community)
        return redirect("communities:list")
    if membership.is_coordinator and not (
        community.memberships.filter(is_coordinator=True).exclude(pk=membership.pk).exists()
    ):
        # Leaving would fail: say so before asking, with the way forward.
        return render(
            request,
            "communities/leave_blocked.html",
            {"community": community, "can_manage": permissions.can_manage_members(
                request.user, community)},
        )  # fmt: skip
    return confirm_page(
        request,
        community,
        title=f"Leave {community.name}?",
        question="You will no longer be a member. Your past contributions stay with the community.",
        action_label="Leave the community",
    )


@require_http_methods(["GET", "POST"])
def member_add(request, slug):
    community = get_community_for_user(request.user, slug, require=permissions.can_manage_members)
    form = AddMemberForm(posted(request), community=community)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.add_member(
                community,
                form.user,
                by=request.user,
                level=form.cleaned_data["level"],
                is_coordinator=form.cleaned_data["is_coordinator"],
                roles=form.cleaned_data["roles"],
            )
        except services.MembershipError as error:
            form.add_error("email", str(error))
        else:
            added = f"{membership.user} was added to {community.name}."
            return done(request, added, "communities:members", community.slug)
    return render(request, "communities/member_form.html", {"form": form, "community": community})


def _membership_for(request, slug, pk):
    community = get_community_for_user(request.user, slug, require=permissions.can_manage_members)
    membership = get_object_or_404(community.memberships.select_related("user"), pk=pk)
    return community, membership


@require_http_methods(["GET", "POST"])
def membership_edit(request, slug, pk):
    community, membership = _membership_for(request, slug, pk)
    form = MembershipForm(posted(request), instance=membership)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_membership(
                membership,
                level=form.cleaned_data["level"],
                is_coordinator=form.cleaned_data["is_coordinator"],
                roles=form.cleaned_data["roles"],
                by=request.user,
                compute_level=form.cleaned_data.get("compute_level", False),
            )
        except services.MembershipError as error:
            form.add_error("is_coordinator", str(error))
        else:
            saved = f"{membership.user}'s membership was saved."
            return done(request, saved, "communities:members", community.slug)
    return render(
        request,
        "communities/member_form.html",
        {"form": form, "community": community, "membership": membership},
    )


@require_http_methods(["GET", "POST"])
def membership_remove(request, slug, pk):
    community, membership = _membership_for(request, slug, pk)
    if request.method == "POST":
        with errors_said(request, services.MembershipError):
            services.remove_membership(membership)
            messages.success(request, f"{membership.user} was removed from {community.name}.")
        return redirect("communities:members", slug=community.slug)
    return confirm_page(
        request,
        community,
        title=f"Remove {membership.user} from {community.name}?",
        question="They will no longer be a member. Their past contributions stay with the community.",
        action_label="Remove from the community",
    )
