"""Calendar feeds (iCalendar) of rhythm sessions, and revoking their secret addresses.

Each community and each person has a feed whose address holds a secret token: anyone
with the address may read it (calendar applications cannot sign in), so the feeds are
public views that answer 404 for any unknown token, and "Get a new address" replaces
the token, after which the old address answers 404 too.
"""

from __future__ import annotations

from datetime import UTC, timedelta

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from icalendar import Calendar, Event

from childcop import permissions
from childcop.accounts.models import User

from .choices import SessionStatus
from .models import Community, Session, new_token

PRODID = "-//childcop//Communities of practice//EN"
FEED_PAST_DAYS = 30
FEED_FUTURE_DAYS = 180


def session_uid(session) -> str:
    """Stable for the life of the session, so calendars update the event instead of adding one."""
    return f"session-{session.pk}@childcop"


def duration_label(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def session_event(session, *, with_community_name=False, stamp=None) -> Event:
    """One VEVENT; `session.community` should be fetched already (select_related)."""
    community = session.community
    community_url = settings.SITE_URL + community.get_absolute_url()
    event = Event()
    event.add("uid", session_uid(session))
    event.add("dtstamp", stamp or timezone.now())
    event.add("dtstart", session.starts_at.astimezone(UTC))
    event.add("dtend", session.ends_at.astimezone(UTC))
    summary = f"{session.title} ({community.name})" if with_community_name else session.title
    event.add("summary", summary)
    lines = [
        f"{community.name} — {session.get_channel_display()}, {duration_label(session.duration_minutes)}."
    ]
    if session.meeting_link:
        lines.append(f"Join: {session.meeting_link}")
    lines.append(f"Community: {community_url}")
    event.add("description", "\n".join(lines))
    location = session.location or session.meeting_link
    if location:
        event.add("location", location)
    event.add("url", session.meeting_link or community_url)
    event.add("status", "CANCELLED" if session.status == SessionStatus.CANCELLED else "CONFIRMED")
    return event


def build_calendar(sessions, *, name: str, with_community_name=False) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    stamp = timezone.now()
    for session in sessions:
        calendar.add_component(
            session_event(session, with_community_name=with_community_name, stamp=stamp)
        )
    return calendar.to_ical()


def feed_sessions(now=None):
    """Sessions in the feed window (cancelled ones included, shown as cancelled)."""
    now = now or timezone.now()
    return (
        Session.objects.filter(
            starts_at__gte=now - timedelta(days=FEED_PAST_DAYS),
            starts_at__lte=now + timedelta(days=FEED_FUTURE_DAYS),
        )
        .select_related("community")
        .order_by("starts_at", "pk")
    )


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
    content = build_calendar(sessions, name="My communities of practice", with_community_name=True)
    return _ics_response(content, "my-communities.ics")


def personal_feed_url(user) -> str:
    """The absolute address of the person's feed, or "" when they have none yet."""
    if not user.calendar_token:
        return ""
    return settings.SITE_URL + reverse("calendar_mine", args=[user.calendar_token])


def community_feed_url(community) -> str:
    return settings.SITE_URL + reverse("calendar_community", args=[community.calendar_token])


@require_POST
def rotate_community_token(request, slug):
    """Revoke the community feed's address (coordinators and program admins)."""
    community = permissions.get_community_for_user(
        request.user, slug, require=permissions.can_manage_members
    )
    community.calendar_token = new_token()
    community.save(update_fields=["calendar_token"])
    messages.success(
        request,
        "The community calendar has a new address; the old one no longer works. "
        "Share the new one with the members who subscribed.",
    )
    return redirect(community)


@require_POST
def rotate_personal_token(request):
    """Create, or replace, the signed-in person's feed address."""
    user = request.user
    had_one = bool(user.calendar_token)
    user.calendar_token = new_token()
    user.save(update_fields=["calendar_token"])
    messages.success(
        request,
        "Your calendar has a new address; the old one no longer works."
        if had_one
        else "Your calendar address is ready: add it to your calendar application.",
    )
    return redirect("profile")
