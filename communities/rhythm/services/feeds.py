"""Calendar feeds (iCalendar) of rhythm sessions: the events, the calendars, the addresses.

Each community and each person has a feed whose address holds a secret token (the views
are in `communities.rhythm.views`); session reminders attach the same event as an .ics.
"""

from __future__ import annotations

from datetime import UTC, timedelta

from django.utils import timezone
from icalendar import Calendar, Event

from childcop.utils import site_url
from communities.choices import SessionStatus

from ..models import Session

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
    community_url = site_url(community)
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


def build_calendar(sessions, *, name: str, with_community_name=False, time_zone="") -> bytes:
    """The events carry their times in UTC; `time_zone` (a person's own, for their feed)
    tells calendar applications which zone to show them in (X-WR-TIMEZONE)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    if time_zone:
        calendar.add("x-wr-timezone", time_zone)
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


def personal_feed_url(user) -> str:
    """The absolute address of the person's feed, or "" when they have none yet."""
    if not user.calendar_token:
        return ""
    return site_url("calendar_mine", user.calendar_token)


def community_feed_url(community) -> str:
    return site_url("calendar_community", community.calendar_token)
