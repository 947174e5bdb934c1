"""The rhythm's workflows: recurrence rules, session occurrences, the heartbeat's figures
(drawn by childcop.charts.heartbeat and its template), and logging an activity with its
outputs and attendance.

The calendar feeds' iCalendar building is in `feeds`, the attendance import's parsing,
matching and applying in `attendance_import`.

Recurrence is computed in the program's time zone (settings.TIME_ZONE) on naive local
times, so a session at 18:00 stays at 18:00 across daylight-saving changes; each
occurrence is then made aware and stored in UTC.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import MAXYEAR, UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil import rrule as du_rrule
from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from childcop import aggregates
from childcop.forms import FIRST_YEAR, LAST_YEAR
from communities.choices import Recurrence, SessionStatus

from ..models import Activity, Attendance, Rhythm, Session

WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
HORIZON_DAYS = 180  # sessions are materialised this far ahead
BACKFILL_DAYS = 400  # and this far back, for a rhythm that started earlier
MAX_OCCURRENCES = 1000  # a rule's occurrences are searched this many at most
SEARCH_DAYS = 366 * 2  # and this far after its first session
CALENDAR_CYCLE = 400  # years after which the Gregorian calendar repeats, weekdays included
FORBIDDEN_FREQUENCIES = ("SECONDLY", "MINUTELY", "HOURLY")
# What a session copies from its rhythm (and follows when the rhythm is edited).
SESSION_DETAILS = (
    "title", "activity_type", "format", "channel", "duration_minutes", "location", "meeting_link",
)  # fmt: skip


class RecurrenceError(ValueError):
    pass


def program_tz() -> ZoneInfo:
    """Recurrence keeps the program's wall-clock time, whoever's time zone is active."""
    return ZoneInfo(settings.TIME_ZONE)


def nth_weekday(local: datetime) -> str:
    """'2TU' for the second Tuesday; '-1FR' for a fifth (so: last) Friday."""
    n = (local.day - 1) // 7 + 1
    return f"{-1 if n == 5 else n}{WEEKDAYS[local.weekday()]}"


def rule_text(recurrence: str, starts_at: datetime, custom: str = "") -> str:
    local = timezone.localtime(starts_at, program_tz())
    if recurrence == Recurrence.WEEKLY:
        return "FREQ=WEEKLY"
    if recurrence == Recurrence.FORTNIGHTLY:
        return "FREQ=WEEKLY;INTERVAL=2"
    if recurrence == Recurrence.MONTHLY:
        return f"FREQ=MONTHLY;BYDAY={nth_weekday(local)}"
    if recurrence == Recurrence.QUARTERLY:
        return f"FREQ=MONTHLY;INTERVAL=3;BYDAY={nth_weekday(local)}"
    return custom.strip().removeprefix("RRULE:")


class BoundedRule:
    """A dateutil rule whose search for occurrences ends within a fraction of a second.

    dateutil stops at UNTIL (or COUNT) only when it finds an occurrence: a rule that never
    happens (the 30th of February) or has run out would be searched day by day up to the
    year 9999, holding a worker for seconds. The Gregorian calendar, weekdays and leap years
    included, repeats every 400 years, so the rule is searched shifted by whole cycles to
    the last cycle before 9999 (the search then ends there) and its occurrences shifted back:
    the same dates, found at most 400 years from the end of the calendar. Occurrences are
    also bounded in time (SEARCH_DAYS after the first session) and in number.
    """

    def __init__(self, rule: du_rrule.rrule, local_start: datetime):
        self.limit = local_start + timedelta(days=SEARCH_DAYS)
        self.shift = (MAXYEAR - self.limit.year) // CALENDAR_CYCLE * CALENDAR_CYCLE
        count = rule._count  # noqa: SLF001
        self.rule = rule.replace(
            dtstart=self._there(local_start),
            count=min(count, MAX_OCCURRENCES) if count else None,
            until=None if count else self._there(min(rule._until or self.limit, self.limit)),  # noqa: SLF001
        )

    def _there(self, local: datetime) -> datetime:
        return local.replace(year=local.year + self.shift)

    def _back(self, occurrences) -> Iterator[datetime]:
        for found, _ in zip(occurrences, range(MAX_OCCURRENCES), strict=False):
            local = found.replace(year=found.year - self.shift)
            if local > self.limit:
                return
            yield local

    def __iter__(self) -> Iterator[datetime]:
        return self._back(iter(self.rule))

    def xafter(self, local: datetime, *, inc: bool = False) -> Iterator[datetime]:
        """The occurrences from `local` on (at or after it when `inc`)."""
        if local > self.limit:
            return iter(())
        return self._back(self.rule.xafter(self._there(local), inc=inc))


def parse_rule(text: str, local_start: datetime) -> BoundedRule:
    """A bounded rule from RFC 5545 text, refusing what cannot be a community's rhythm."""
    cleaned = text.strip().upper().removeprefix("RRULE:")
    if not cleaned:
        raise RecurrenceError("Enter a rule, e.g. FREQ=MONTHLY;BYDAY=-1FR.")
    if "DTSTART" in cleaned or "\n" in cleaned:
        raise RecurrenceError("Give only the RRULE part; the first session sets the start.")
    parts = dict(part.partition("=")[::2] for part in cleaned.split(";") if part)
    if parts.get("FREQ") in FORBIDDEN_FREQUENCIES or {"BYHOUR", "BYMINUTE", "BYSECOND"} & set(
        parts
    ):
        raise RecurrenceError("A rhythm repeats at most daily, at the time of the first session.")
    if not parts.get("INTERVAL", "1").isdigit() or int(parts.get("INTERVAL", "1")) < 1:
        raise RecurrenceError("INTERVAL must be a whole number of at least 1.")
    if not FIRST_YEAR <= local_start.year <= LAST_YEAR:
        raise RecurrenceError(f"A rhythm starts between {FIRST_YEAR} and {LAST_YEAR}.")
    try:
        rule = du_rrule.rrulestr(cleaned, dtstart=local_start, ignoretz=True)
        if not isinstance(rule, du_rrule.rrule):
            raise RecurrenceError("Give one rule.")
        return BoundedRule(rule, local_start)
    except RecurrenceError:
        raise
    except (ValueError, TypeError, OverflowError) as error:
        raise RecurrenceError(f"This is not a valid RFC 5545 rule: {error}") from None


def occurrences(rhythm: Rhythm, start: datetime, end: datetime) -> list[datetime]:
    """The rhythm's occurrences in [start, end], as aware UTC datetimes."""
    tz = program_tz()
    # Sessions start on the minute: dateutil drops sub-second precision from dtstart.
    first = rhythm.starts_at.replace(second=0, microsecond=0)
    local_start = timezone.localtime(first, tz).replace(tzinfo=None)
    rule = parse_rule(rule_text(rhythm.recurrence, first, rhythm.rrule), local_start)
    window_start = timezone.localtime(max(start, first), tz).replace(tzinfo=None)
    window_end = timezone.localtime(end, tz).replace(tzinfo=None)
    if rhythm.until:
        window_end = min(window_end, datetime.combine(rhythm.until, time.max))
    found = []
    for local in rule.xafter(window_start, inc=True):
        if local > window_end:
            break
        found.append(timezone.make_aware(local, tz).astimezone(UTC))
    return found


@transaction.atomic
def save_rhythm(form, *, community, by):
    """Save a rhythm from its form and plan its sessions, in one transaction."""
    rhythm = form.save(commit=False)
    rhythm.community = community
    is_new = rhythm.pk is None
    if is_new:
        rhythm.created_by = by
    rhythm.save()
    # A new rhythm that started earlier gets its past sessions, so that they can be logged;
    # an edited one only replans its future.
    return rhythm, sync_sessions(rhythm, backfill=is_new)


@transaction.atomic
def sync_sessions(rhythm: Rhythm, *, now: datetime | None = None, backfill: bool = False) -> int:
    """Materialise the rhythm's sessions; returns how many were added.

    Idempotent and stable: existing sessions keep their ids (reminders are keyed on them).
    Future sessions nobody touched follow the rule and details of an edited rhythm; moved,
    cancelled and logged sessions are left as they are.
    """
    now = now or timezone.now()
    # Past occurrences are only created on request (a new rhythm entered after it started):
    # an edited rhythm does not recreate its past beside the sessions it already has.
    since = now - timedelta(days=BACKFILL_DAYS) if backfill else now
    wanted = occurrences(rhythm, since, now + timedelta(days=HORIZON_DAYS))
    untouched_future = rhythm.sessions.filter(
        starts_at__gt=now,
        status=SessionStatus.PLANNED,
        activity__isnull=True,
        occurrence=F("starts_at"),
    )
    untouched_future.exclude(occurrence__in=wanted).delete()
    details = {name: getattr(rhythm, name) for name in SESSION_DETAILS}
    untouched_future.update(**details)
    existing = set(rhythm.sessions.values_list("occurrence", flat=True))
    missing = [when for when in wanted if when not in existing]
    Session.objects.bulk_create(
        [
            Session(
                community_id=rhythm.community_id,
                rhythm=rhythm,
                occurrence=when,
                starts_at=when,
                **details,
            )
            for when in missing
        ],
        ignore_conflicts=True,
    )
    # bulk writes send no signal: the community's cached summaries (heartbeat, next sessions)
    aggregates.invalidate_communities([rhythm.community_id], needs=aggregates.needs_name("rhythm"))
    return len(missing)


def extend_all_sessions(*, now: datetime | None = None) -> int:
    """Nightly: keep every rhythm's sessions materialised up to the horizon."""
    total = 0
    today = (now or timezone.now()).date()
    for rhythm in Rhythm.objects.filter(Q(until__isnull=True) | Q(until__gte=today)):
        total += sync_sessions(rhythm, now=now)
    return total


def upcoming_sessions(community, *, limit=5, now=None):
    now = now or timezone.now()
    return community.sessions.filter(starts_at__gte=now - timedelta(hours=2)).order_by("starts_at")[
        :limit
    ]


def heartbeat(community, *, months=12, now=None):
    """Sessions planned vs held, and activities logged, per month over the last 12 months.

    Two aggregate queries, whatever the number of sessions and activities.
    """
    now = now or timezone.now()
    tz = timezone.get_current_timezone()
    local_now = timezone.localtime(now, tz)
    first = local_now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    for _ in range(months - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    month_starts = []
    cursor = first
    for _ in range(months):
        month_starts.append(cursor.date())
        cursor = (cursor + timedelta(days=32)).replace(day=1)
    sessions = (
        Session.objects.filter(community=community, starts_at__gte=first, starts_at__lte=now)
        .exclude(status=SessionStatus.CANCELLED)
        .annotate(month=TruncMonth("starts_at", tzinfo=tz))
        .values("month")
        .annotate(planned=Count("id"), held=Count("id", filter=Q(activity__isnull=False)))
        .order_by()
    )
    by_month = {
        row["month"].date() if hasattr(row["month"], "date") else row["month"]: row
        for row in sessions
    }
    activities = (
        Activity.objects.filter(
            community=community, date__gte=first.date(), date__lte=local_now.date()
        )
        .annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(n=Count("id"))
        .order_by()
    )
    activity_counts = {row["month"]: row["n"] for row in activities}
    rows = []
    for month in month_starts:
        row = by_month.get(month, {})
        rows.append(
            {
                "month": month,
                "planned": row.get("planned", 0),
                "held": row.get("held", 0),
                "activities": activity_counts.get(month, 0),
            }
        )
    return rows


@transaction.atomic
def save_activity(form, outputs_formset, *, community, by):
    """Create or update an activity with its outputs and attendees, in one transaction."""
    activity = form.save(commit=False)
    activity.community = community
    if activity.logged_by_id is None:
        activity.logged_by = by
    activity.save()
    outputs_formset.instance = activity
    outputs_formset.save()
    wanted = {user.pk for user in form.cleaned_data["attendees"]}
    current = set(activity.attendance.values_list("user_id", flat=True))
    # Only people the form offered (today's members) can be unticked: the attendance of
    # someone who has since left the community stays on record.
    offered = form.fields["attendees"].queryset.filter(pk__in=current - wanted)
    activity.attendance.filter(user__in=offered).delete()
    Attendance.objects.bulk_create(
        [Attendance(activity=activity, user_id=pk) for pk in wanted - current],
        ignore_conflicts=True,
    )
    return activity
