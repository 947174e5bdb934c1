"""Rhythm, sessions and the activity log."""

import re

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from childcop import permissions
from childcop.permissions import get_community_for_user
from childcop.utils import paginate, posted, querystring_without

from . import services
from .choices import ACTIVITY_TYPE_EXAMPLES, SessionStatus
from .filters import ActivityFilter
from .forms import ActivityForm, ActivityOutputFormSet, RhythmForm, SessionForm
from .rhythm import services as rhythm_service
from .views import confirm_page


def rhythm_overview(request, slug):
    community = get_community_for_user(request.user, slug)
    rows = rhythm_service.heartbeat(community)
    context = {
        "community": community,
        "can": permissions.community_flags(request.user, community),
        "rhythms": community.rhythms.all(),
        "sessions": community.sessions.filter(starts_at__gte=timezone.now())
        .select_related("rhythm", "activity__community")
        .order_by("starts_at")[:12],
        "past_sessions": community.sessions.filter(starts_at__lt=timezone.now())
        .select_related("activity__community")
        .order_by("-starts_at")[:8],
        "heartbeat": rhythm_service.heartbeat_chart(rows),
    }
    return render(request, "communities/rhythm.html", context)


@require_http_methods(["GET", "POST"])
def rhythm_form(request, slug, pk=None):
    community = get_community_for_user(request.user, slug, require=permissions.can_manage_rhythm)
    instance = get_object_or_404(community.rhythms, pk=pk) if pk else None
    form = RhythmForm(posted(request), instance=instance)
    if request.method == "POST" and form.is_valid():
        rhythm, created = rhythm_service.save_rhythm(form, community=community, by=request.user)
        messages.success(
            request, f"The rhythm “{rhythm.title}” was saved ({created} sessions planned)."
        )
        return redirect("communities:rhythm", slug=community.slug)
    return render(
        request,
        "communities/rhythm_form.html",
        {
            "form": form,
            "community": community,
            "rhythm": instance,
            "examples": ACTIVITY_TYPE_EXAMPLES,
        },
    )


@require_http_methods(["GET", "POST"])
def rhythm_delete(request, slug, pk):
    community = get_community_for_user(request.user, slug, require=permissions.can_manage_rhythm)
    rhythm = get_object_or_404(community.rhythms, pk=pk)
    if request.method == "POST":
        rhythm.delete()
        messages.success(request, f"The rhythm “{rhythm.title}” and its sessions were removed.")
        return redirect("communities:rhythm", slug=community.slug)
    return confirm_page(
        request,
        community,
        title=f"Remove the rhythm “{rhythm.title}”?",
        question="Its planned sessions are removed too. Activities already logged stay in the log.",
        action_label="Remove the rhythm",
    )


@require_http_methods(["GET", "POST"])
def session_form(request, slug, pk=None):
    """Add a one-off session, or move a single occurrence (pk)."""
    community = get_community_for_user(request.user, slug, require=permissions.can_manage_rhythm)
    instance = get_object_or_404(community.sessions, pk=pk) if pk else None
    form = SessionForm(posted(request), instance=instance)
    if request.method == "POST" and form.is_valid():
        session = form.save(commit=False)
        session.community = community
        session.save()
        messages.success(request, f"The session “{session.title}” was saved.")
        return redirect("communities:rhythm", slug=community.slug)
    return render(
        request,
        "communities/session_form.html",
        {"form": form, "community": community, "session": instance},
    )


@require_http_methods(["GET", "POST"])
def session_cancel(request, slug, pk):
    community = get_community_for_user(request.user, slug, require=permissions.can_manage_rhythm)
    session = get_object_or_404(community.sessions, pk=pk)
    cancelling = session.status == SessionStatus.PLANNED
    if request.method == "POST":
        session.status = SessionStatus.CANCELLED if cancelling else SessionStatus.PLANNED
        session.save(update_fields=["status"])
        word = "cancelled" if cancelling else "reinstated"
        messages.success(
            request, f"The session of {timezone.localtime(session.starts_at):%d %b %Y} was {word}."
        )
        return redirect("communities:rhythm", slug=community.slug)
    when = f"{timezone.localtime(session.starts_at):%A %d %B %Y, %H:%M}"
    return confirm_page(
        request,
        community,
        title=f"{'Cancel' if cancelling else 'Reinstate'} “{session.title}” on {when}?",
        question="Members' calendars show the change; no reminder is sent for a cancelled session."
        if cancelling
        else "The session is planned again, and members will be reminded.",
        action_label="Cancel this session" if cancelling else "Reinstate this session",
    )


def activity_list(request, slug):
    community = get_community_for_user(request.user, slug)
    queryset = (
        community.activities.select_related("session", "logged_by")
        .annotate_attendance()
        .order_by("-date", "-id")
    )
    filterset = ActivityFilter(request.GET, queryset=queryset)
    context = {
        "community": community,
        "can": permissions.community_flags(request.user, community),
        "filter": filterset,
        "page": paginate(request, filterset.qs),
        "querystring": querystring_without(request, "page"),
    }
    template = "communities/_activity_table.html" if request.htmx else "communities/activities.html"
    return render(request, template, context)


def activity_detail(request, slug, pk):
    community = get_community_for_user(request.user, slug)
    activity = get_object_or_404(community.activities.select_related("session", "logged_by"), pk=pk)
    context = {
        "community": community,
        "activity": activity,
        "can": permissions.community_flags(request.user, community),
        "outputs": activity.outputs.all(),
        "attendees": activity.attendance.select_related("user").order_by("user__display_name"),
    }
    return render(request, "communities/activity_detail.html", context)


@require_http_methods(["GET", "POST"])
def activity_form(request, slug, pk=None):
    community = get_community_for_user(request.user, slug, require=permissions.can_log_activities)
    instance = get_object_or_404(community.activities, pk=pk) if pk else None
    initial = {}
    session_id = request.GET.get("session", "")
    if instance is None and re.fullmatch(r"[1-9][0-9]{0,17}", session_id):
        session = community.sessions.filter(pk=session_id, activity__isnull=True).first()
        if session:
            initial = {
                "session": session,
                "title": session.title,
                "activity_type": session.activity_type,
                "format": session.format,
                "date": timezone.localtime(session.starts_at).date(),
            }
    form = ActivityForm(posted(request), instance=instance, initial=initial, community=community)
    outputs = ActivityOutputFormSet(posted(request), instance=instance, prefix="outputs")
    if request.method == "POST" and form.is_valid() and outputs.is_valid():
        activity = services.save_activity(form, outputs, community=community, by=request.user)
        messages.success(request, f"The activity “{activity.title}” was logged.")
        return redirect(activity)
    return render(
        request,
        "communities/activity_form.html",
        {
            "form": form,
            "outputs": outputs,
            "community": community,
            "activity": instance,
            "examples": ACTIVITY_TYPE_EXAMPLES,
        },
    )


@require_http_methods(["GET", "POST"])
def activity_delete(request, slug, pk):
    community = get_community_for_user(request.user, slug, require=permissions.can_manage_rhythm)
    activity = get_object_or_404(community.activities, pk=pk)
    if request.method == "POST":
        activity.delete()
        messages.success(request, f"The activity “{activity.title}” was deleted.")
        return redirect("communities:activities", slug=community.slug)
    return confirm_page(
        request,
        community,
        title=f"Delete the activity “{activity.title}”?",
        question="Its attendance and outputs are deleted too; participation levels are recomputed tonight.",
        action_label="Delete the activity",
    )
