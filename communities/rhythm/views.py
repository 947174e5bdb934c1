"""The rhythm's pages: rhythms and sessions, the activity log, the attendance import,
the calendar feeds and the one-click unsubscribe from session reminders."""

import re

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from childcop import charts, permissions
from childcop.accounts import notices
from childcop.accounts.models import User
from childcop.permissions import get_community_for_user
from childcop.utils import done, filtered_page, posted, save_with
from childcop.validators import one_line
from communities.choices import ACTIVITY_TYPE_EXAMPLES as EXAMPLES
from communities.choices import SessionStatus
from communities.models import Community, new_token
from communities.views import confirm_delete, confirm_page

from . import services
from .filters import ActivityFilter
from .forms import (
    ActivityForm,
    ActivityOutputFormSet,
    ConfirmForm,
    RhythmForm,
    SessionForm,
    UploadForm,
)
from .jobs import UNSUBSCRIBE_SALT
from .models import AttendanceImport
from .services.attendance_import import apply_import, build_report
from .services.feeds import build_calendar, feed_sessions

# --- Rhythm, sessions and the activity log ---------------------------------------------


@require_GET
def rhythm_overview(request, slug):
    community = get_community_for_user(request.user, slug)
    rows = services.heartbeat(community)
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
        "heartbeat": charts.heartbeat(rows),
    }
    return render(request, "communities/rhythm.html", context)


def _managed(request, slug, related, pk):
    """The community whose rhythm the user manages, and its `related` object `pk` (None
    without a pk: a new one)."""
    community = get_community_for_user(request.user, slug, require=permissions.can_manage_rhythm)
    return community, get_object_or_404(getattr(community, related), pk=pk) if pk else None


def _to_rhythm(request, message, community):
    return done(request, message, "communities:rhythm", community.slug)


@require_http_methods(["GET", "POST"])
def rhythm_form(request, slug, pk=None):
    community, instance = _managed(request, slug, "rhythms", pk)
    form = RhythmForm(posted(request), instance=instance)
    if request.method == "POST" and form.is_valid():
        rhythm, created = services.save_rhythm(form, community=community, by=request.user)
        saved = f"The rhythm “{rhythm.title}” was saved ({created} sessions planned)."
        return _to_rhythm(request, saved, community)
    context = {"form": form, "community": community, "rhythm": instance}
    return render(request, "communities/rhythm_form.html", {**context, "examples": EXAMPLES})


@require_http_methods(["GET", "POST"])
def rhythm_delete(request, slug, pk):
    community, rhythm = _managed(request, slug, "rhythms", pk)
    return confirm_delete(
        request,
        community,
        rhythm,
        deleted=f"The rhythm “{rhythm.title}” and its sessions were removed.",
        then=reverse("communities:rhythm", args=[community.slug]),
        title=f"Remove the rhythm “{rhythm.title}”?",
        question="Its planned sessions are removed too. Activities already logged stay in the log.",
        action_label="Remove the rhythm",
    )


@require_http_methods(["GET", "POST"])
def session_form(request, slug, pk=None):
    """Add a one-off session, or move a single occurrence (pk)."""
    community, instance = _managed(request, slug, "sessions", pk)
    form = SessionForm(posted(request), instance=instance)
    if request.method == "POST" and form.is_valid():
        session = save_with(form, community=community)
        return _to_rhythm(request, f"The session “{session.title}” was saved.", community)
    context = {"form": form, "community": community, "session": instance}
    return render(request, "communities/session_form.html", context)


@require_http_methods(["GET", "POST"])
def session_cancel(request, slug, pk):
    community, session = _managed(request, slug, "sessions", pk)
    cancelling = session.status == SessionStatus.PLANNED
    if request.method == "POST":
        session.status = SessionStatus.CANCELLED if cancelling else SessionStatus.PLANNED
        session.save(update_fields=["status"])
        word = "cancelled" if cancelling else "reinstated"
        day = f"{timezone.localtime(session.starts_at):%d %b %Y}"
        return _to_rhythm(request, f"The session of {day} was {word}.", community)
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


@require_GET
def activity_list(request, slug):
    community = get_community_for_user(request.user, slug)
    queryset = (
        community.activities.select_related("session", "logged_by")
        .annotate_attendance()
        .order_by("-date", "-id")
    )
    return filtered_page(
        request,
        ActivityFilter(request.GET, queryset=queryset),
        "communities/activities.html",
        "communities/_activity_table.html",
        community=community,
        can=permissions.community_flags(request.user, community),
    )


@require_GET
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
        session = community.sessions.select_related("activity").filter(pk=session_id).first()
        logged = getattr(session, "activity", None) if session else None
        if logged is not None:  # logged already: open what was logged
            messages.info(request, "This session is logged already: here is its activity.")
            return redirect(logged)
        if session:
            local = timezone.localtime(session.starts_at)
            initial = {
                "session": session,
                "title": session.title,
                "activity_type": session.activity_type,
                "format": session.format,
                "channel": session.channel,
                "date": local.date(),
                "start_time": local.time().replace(second=0, microsecond=0),
            }
    form = ActivityForm(posted(request), instance=instance, initial=initial, community=community)
    outputs = ActivityOutputFormSet(posted(request), instance=instance, prefix="outputs")
    if request.method == "POST" and form.is_valid() and outputs.is_valid():
        activity = services.save_activity(form, outputs, community=community, by=request.user)
        return done(request, f"The activity “{activity.title}” was logged.", activity)
    context = {
        "form": form,
        "outputs": outputs,
        "community": community,
        "activity": instance,
        "from_session": bool(initial),
    }
    return render(request, "communities/activity_form.html", {**context, "examples": EXAMPLES})


@require_http_methods(["GET", "POST"])
def activity_delete(request, slug, pk):
    community, activity = _managed(request, slug, "activities", pk)
    return confirm_delete(
        request,
        community,
        activity,
        deleted=f"The activity “{activity.title}” was deleted.",
        then=reverse("communities:activities", args=[community.slug]),
        title=f"Delete the activity “{activity.title}”?",
        question="Its attendance and outputs are deleted too; participation levels are recomputed tonight.",
        action_label="Delete the activity",
    )


# --- Attendance import: upload → preview → confirm (services/attendance_import.py) --------

SHOWN = 200  # entries of each list shown on the preview page


def _entries(report, name):
    """(line, name in the file, the address or account, a note) rows for one list."""
    for e in report.get(name, [])[:SHOWN]:
        if name == "malformed":
            yield e["line"], e["value"] or "(empty)", "", e["reason"]
        elif name == "duplicates":
            yield e["line"], "", e["email"], f"Also on line {e['first_line']}: counted once."
        elif name == "guests":
            yield e["line"], e["name"], "", ""
        elif name == "unknown":
            note = "" if e.get("invitable") else (
                "Outside the allowed email domains: cannot be invited (a program admin "
                "can allow more domains)."
            )  # fmt: skip
            yield e["line"], e.get("in_file", ""), e["email"], note
        else:
            account = f"{e.get('name', '')} <{e['email']}>" if e.get("name") else e["email"]
            note = (
                "The name in the file is not the account's: check the address."
                if e.get("name_differs") else ""
            )  # fmt: skip
            yield e["line"], e.get("in_file", ""), account, note


SECTIONS = [
    ("members", "Members", "success", "Will be marked as attended."),
    (
        "non_members",
        "Registered, not members",
        "info",
        "Will be added to the community as peripheral members and marked as attended.",
    ),
    ("already", "Already recorded", "secondary", "Already attendees: nothing changes."),
    (
        "guests",
        "Guests without an email",
        "info",
        "In the file by name only: counted as guests of the activity, by name.",
    ),
    (
        "unknown",
        "Emails without an account",
        "warning",
        "Nobody has an account with these addresses: counted as guests, skipped, or invited, "
        "as you choose below (only addresses in the allowed email domains are invited).",
    ),
    ("deactivated", "Deactivated accounts", "secondary", "Skipped."),
    (
        "duplicates",
        "Left and rejoined, or listed twice",
        "secondary",
        "The same address more than once: one attendance.",
    ),
    ("malformed", "Malformed rows", "danger", "Skipped: fix them in the file and upload it again."),
]


def preview_sections(report):
    sections = []
    for key, title, tone, explanation in SECTIONS:
        count = len(report.get(key, []))
        if count:
            sections.append(
                {
                    "key": key,
                    "title": title,
                    "tone": tone,
                    "explanation": explanation,
                    "count": count,
                    "entries": list(_entries(report, key)),
                    "more": max(0, count - SHOWN),
                }
            )
    return sections


def _activity_for(request, slug, pk):
    community = get_community_for_user(request.user, slug, require=permissions.can_log_activities)
    activity = get_object_or_404(community.activities, pk=pk)
    return community, activity


IMPORT_TEMPLATE = "communities/attendance_import.html"


@require_http_methods(["GET", "POST"])
def import_upload(request, slug, pk):
    community, activity = _activity_for(request, slug, pk)
    form = UploadForm(posted(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        upload = AttendanceImport.objects.create(
            activity=activity,
            created_by=request.user,
            filename=one_line(form.cleaned_data["file"].name)[:255],
            rows=build_report(activity, form.parsed),
        )
        return redirect(
            "communities:attendance_import_confirm",
            slug=community.slug,
            pk=activity.pk,
            import_id=upload.pk,
        )
    return render(
        request,
        IMPORT_TEMPLATE,
        {"step": "upload", "community": community, "activity": activity, "upload_form": form},
    )


@require_http_methods(["GET", "POST"])
def import_confirm(request, slug, pk, import_id):
    community, activity = _activity_for(request, slug, pk)
    upload = get_object_or_404(activity.imports.select_related("created_by"), pk=import_id)
    if upload.is_applied and request.method == "POST":
        messages.info(request, "This file was already imported; nothing was changed.")
        return redirect(activity)
    report = upload.rows
    # Adding people to the community (and inviting new ones) is the coordinators' call;
    # invitations also need sign-up to be open.
    can_add_members = permissions.can_manage_members(request.user, community)
    if not settings.CHILDCOP_SIGNUP_OPEN:
        report = {
            **report,
            "unknown": [{**e, "invitable": False} for e in report.get("unknown", [])],
        }
    if not can_add_members:  # the core group counts guests but invites nobody
        report = {
            **report,
            "unknown": [{**e, "invitable": False} for e in report.get("unknown", [])],
        }
    form = ConfirmForm(posted(request), report=report)
    if request.method == "POST" and form.is_valid():
        action = form.cleaned_data.get("unknown_action") or AttendanceImport.UnknownAction.SKIP
        if action == AttendanceImport.UnknownAction.INVITE and not can_add_members:
            action = AttendanceImport.UnknownAction.SKIP
        result = apply_import(
            upload, unknown_action=action, by=request.user, add_members=can_add_members
        )
        if result is None:  # applied by someone else in the meantime
            messages.info(request, "This file was already imported; nothing was changed.")
        else:
            messages.success(request, result.message())
        return redirect(activity)
    ready = len(report.get("members", [])) + len(report.get("non_members", []))
    guests = len(report.get("guests", []))
    unknown = len(report.get("unknown", []))
    invitable = sum(1 for e in report.get("unknown", []) if e.get("invitable"))
    context = {
        "step": "preview",
        "community": community,
        "activity": activity,
        "upload": upload,
        "report": report,
        "result": report.get("result"),
        "sections": preview_sections(report),
        "ready": ready,
        "invitable": invitable,
        "guests": guests,
        "unknown_count": unknown,
        "form": form,
        "shown": SHOWN,
        "can_add_members": can_add_members,
    }
    return render(request, IMPORT_TEMPLATE, context)


# --- Calendar feeds, and revoking their secret addresses ---------------------------------
# Each community and each person has a feed whose address holds a secret token: anyone
# with the address may read it (calendar applications cannot sign in), so the feeds are
# public views that answer 404 for any unknown token, and "Get a new address" replaces
# the token, after which the old address answers 404 too.


def _ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_GET
@never_cache
@permissions.public
def community_feed(request, token):
    """One community's sessions. Two queries, whatever the number of sessions."""
    community = Community.objects.filter(calendar_token=token).first()
    if community is None:
        raise Http404("No such calendar.")
    sessions = feed_sessions().filter(community=community)
    content = build_calendar(sessions, name=community.name)
    return _ics_response(content, f"{community.slug}.ics")


@require_GET
@never_cache
@permissions.public
def personal_feed(request, token):
    """The sessions of every community the person belongs to. Two queries."""
    user = User.objects.filter(calendar_token=token, is_active=True).first()
    if user is None:
        raise Http404("No such calendar.")
    sessions = feed_sessions().filter(community__memberships__user=user)
    content = build_calendar(
        sessions,
        name="My communities of practice",
        with_community_name=True,
        time_zone=user.tzinfo.key,
    )
    return _ics_response(content, "my-communities.ics")


@require_POST
def rotate_community_token(request, slug):
    """Revoke the community feed's address (coordinators and program admins)."""
    community = permissions.get_community_for_user(
        request.user, slug, require=permissions.can_manage_members
    )
    community.calendar_token = new_token()
    community.save(update_fields=["calendar_token"])
    return done(
        request,
        "The community calendar has a new address; the old one no longer works. "
        "Share the new one with the members who subscribed.",
        community,
    )


@require_POST
def rotate_personal_token(request):
    """Create, or replace, the signed-in person's feed address."""
    user = request.user
    had_one = bool(user.calendar_token)
    user.calendar_token = new_token()
    user.save(update_fields=["calendar_token"])
    return done(
        request,
        "Your calendar has a new address; the old one no longer works."
        if had_one
        else "Your calendar address is ready: add it to your calendar application.",
        "profile",
    )


# --- One-click unsubscribe (RFC 8058) -----------------------------------------------


@csrf_exempt  # one-click unsubscribe: mail providers POST without a CSRF token
@require_http_methods(["GET", "POST"])
@never_cache
@permissions.public
def unsubscribe(request, token):
    """GET asks for confirmation (link scanners only GET); POST stops the reminder emails.

    The signed token is the only credential: no sign-in is needed. A made-up or
    tampered token answers 404.
    """
    try:
        payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        user_id = int(payload["u"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise Http404("This unsubscribe link is not valid.") from None
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise Http404("This unsubscribe link is not valid.")
    done = False
    if request.method == "POST":
        # The same preference as the preferences page's: no more emails (the reminders
        # stay in the person's notifications until they turn them off there).
        notices.unsubscribe(user)
        done = True
    return render(
        request,
        "communities/unsubscribe.html",
        {"person": user, "done": done, "is_subscribed": notices.is_subscribed(user)},
    )
