"""Recurrence, sessions, heartbeat: monthly n-th weekdays, month ends, DST, cancellations."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from childcop import charts
from communities.choices import Recurrence, SessionStatus
from communities.factories import ActivityFactory, RhythmFactory, SessionFactory
from communities.models import Rhythm, Session
from communities.rhythm import services as rhythm_service
from communities.rhythm.forms import RhythmForm

pytestmark = pytest.mark.django_db
UTC = ZoneInfo("UTC")


@pytest.fixture
def brussels(settings):
    settings.TIME_ZONE = "Europe/Brussels"
    return ZoneInfo("Europe/Brussels")


def local_dates(rhythm, start, end, tz):
    return [o.astimezone(tz) for o in rhythm_service.occurrences(rhythm, start, end)]


def test_monthly_on_the_second_tuesday(community, brussels):
    first = datetime(2026, 1, 13, 12, 30, tzinfo=brussels)  # 2nd Tuesday of January
    rhythm = RhythmFactory(community=community, recurrence=Recurrence.MONTHLY, starts_at=first)
    got = local_dates(rhythm, first, first + timedelta(days=200), brussels)
    assert [d.date() for d in got[:6]] == [
        date(2026, 1, 13), date(2026, 2, 10), date(2026, 3, 10),
        date(2026, 4, 14), date(2026, 5, 12), date(2026, 6, 9),
    ]  # fmt: skip
    assert all(
        d.weekday() == 1 and 8 <= d.day <= 14 and (d.hour, d.minute) == (12, 30) for d in got
    )


def test_a_fifth_weekday_becomes_the_last_one(community, brussels):
    first = datetime(2026, 1, 29, 16, 0, tzinfo=brussels)  # 5th Thursday of January
    rhythm = RhythmFactory(community=community, recurrence=Recurrence.MONTHLY, starts_at=first)
    got = [d.date() for d in local_dates(rhythm, first, first + timedelta(days=100), brussels)]
    assert got[:4] == [date(2026, 1, 29), date(2026, 2, 26), date(2026, 3, 26), date(2026, 4, 30)]


def test_quarterly_keeps_the_weekday_of_the_month(community, brussels):
    first = datetime(2026, 2, 3, 10, 0, tzinfo=brussels)  # 1st Tuesday
    rhythm = RhythmFactory(community=community, recurrence=Recurrence.QUARTERLY, starts_at=first)
    got = [d.date() for d in local_dates(rhythm, first, first + timedelta(days=370), brussels)]
    assert got == [
        date(2026, 2, 3),
        date(2026, 5, 5),
        date(2026, 8, 4),
        date(2026, 11, 3),
        date(2027, 2, 2),
    ]


@pytest.mark.parametrize(
    "rule,expected",
    [
        (
            "FREQ=MONTHLY;BYMONTHDAY=-1",
            [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)],
        ),
        # RFC 5545: months without a 31st are skipped, not moved.
        (
            "FREQ=MONTHLY;BYMONTHDAY=31",
            [date(2026, 1, 31), date(2026, 3, 31), date(2026, 5, 31), date(2026, 7, 31)],
        ),
    ],
)
def test_month_ends_with_custom_rules(community, brussels, rule, expected):
    first = datetime(2026, 1, 31, 9, 0, tzinfo=brussels)
    rhythm = RhythmFactory(
        community=community, recurrence=Recurrence.CUSTOM, rrule=rule, starts_at=first
    )
    got = [d.date() for d in local_dates(rhythm, first, first + timedelta(days=200), brussels)]
    assert got[:4] == expected


def test_daylight_saving_keeps_the_local_time_and_stores_utc(community, brussels):
    first = datetime(2026, 3, 19, 18, 0, tzinfo=brussels)  # clocks go forward on 29 March
    rhythm = RhythmFactory(community=community, recurrence=Recurrence.WEEKLY, starts_at=first)
    rhythm_service.sync_sessions(rhythm, now=first - timedelta(days=1))
    stored = list(rhythm.sessions.order_by("starts_at")[:3].values_list("starts_at", flat=True))
    assert [s.astimezone(UTC).hour for s in stored] == [17, 17, 16]  # CET, CET, then CEST
    assert {s.astimezone(brussels).hour for s in stored} == {18}
    autumn = datetime(2026, 10, 22, 18, 0, tzinfo=brussels)
    later = [
        o.astimezone(UTC).hour
        for o in rhythm_service.occurrences(rhythm, autumn, autumn + timedelta(days=8))
    ]
    assert later == [16, 17]  # back to CET after 25 October


def test_until_and_horizon_bound_the_sessions(community):
    now = timezone.now()
    rhythm = RhythmFactory(
        community=community, recurrence=Recurrence.WEEKLY, starts_at=now + timedelta(days=1),
        until=(now + timedelta(days=30)).date(),
    )  # fmt: skip
    assert rhythm_service.sync_sessions(rhythm, now=now) == 5
    assert rhythm_service.sync_sessions(rhythm, now=now) == 0  # idempotent
    assert rhythm.sessions.count() == 5


def test_cancelled_and_moved_occurrences_survive_a_resync(community):
    now = timezone.now()
    rhythm = RhythmFactory(
        community=community, recurrence=Recurrence.WEEKLY, starts_at=now + timedelta(days=1)
    )
    rhythm_service.sync_sessions(rhythm, now=now)
    first, second = rhythm.sessions.order_by("starts_at")[:2]
    first.status = SessionStatus.CANCELLED
    first.save()
    second.starts_at += timedelta(hours=3)
    second.save()
    total = rhythm.sessions.count()
    rhythm_service.sync_sessions(rhythm, now=now)
    assert rhythm.sessions.count() == total
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == SessionStatus.CANCELLED
    assert second.is_moved and second.starts_at == second.occurrence + timedelta(hours=3)


def test_editing_the_rule_replans_untouched_future_sessions(community):
    now = timezone.now()
    rhythm = RhythmFactory(
        community=community, recurrence=Recurrence.WEEKLY, starts_at=now + timedelta(days=1)
    )
    rhythm_service.sync_sessions(rhythm, now=now)
    weekly = rhythm.sessions.count()
    rhythm.recurrence = Recurrence.FORTNIGHTLY
    rhythm.save()
    rhythm_service.sync_sessions(rhythm, now=now)
    assert abs(rhythm.sessions.count() - weekly / 2) <= 1


def test_heartbeat_counts_planned_held_and_cancelled(community):
    now = timezone.now()
    held = SessionFactory(community=community, starts_at=now - timedelta(days=3))
    SessionFactory(community=community, starts_at=now - timedelta(days=2))  # missed
    SessionFactory(
        community=community, starts_at=now - timedelta(days=1), status=SessionStatus.CANCELLED
    )
    SessionFactory(
        community=community, starts_at=now + timedelta(days=5)
    )  # future: not yet planned-past
    ActivityFactory(community=community, session=held, date=timezone.localdate(held.starts_at))
    ActivityFactory(community=community, date=timezone.localdate())  # without a session
    rows = rhythm_service.heartbeat(community, now=now)
    assert len(rows) == 12
    this_month = rows[-1]
    month_start = timezone.localtime(now).replace(day=1)
    if (now - timedelta(days=3)) >= month_start:
        assert (this_month["planned"], this_month["held"], this_month["activities"]) == (2, 1, 2)
    assert sum(r["planned"] for r in rows) == 2
    assert sum(r["held"] for r in rows) == 1
    chart = charts.heartbeat(rows)
    assert len(chart["bars"]) == 12 and any(b["h_planned"] > 0 for b in chart["bars"])


def custom_rule_form(rule):
    """The rhythm form with a custom recurrence rule."""
    return RhythmForm(
        data={
            "title": "Clinic",
            "activity_type": "exchanges",
            "format": "one_to_many",
            "channel": "online",
            "recurrence": "custom",
            "rrule": rule,
            "starts_at": "2026-12-01T10:00",
            "duration_minutes": "60",
        }  # fmt: skip
    )


@pytest.mark.parametrize(
    "rule,message",
    [
        ("FREQ=MINUTELY", "at most daily"),
        ("FREQ=FORTNIGHTLY", "not a valid"),
        ("DTSTART:20260101T000000\nRRULE:FREQ=DAILY", "Give only the RRULE"),
        ("", "Enter the custom rule"),
    ],
)
def test_invalid_custom_rules_are_refused(community, rule, message):
    form = custom_rule_form(rule)
    assert not form.is_valid()
    assert message in str(form.errors)


def test_coordinator_defines_a_monthly_rhythm_through_the_form(clients, community):
    response = clients["coordinator"].post(
        reverse("communities:rhythm_create", args=[community.slug]),
        {
            "title": "Monthly case clinic",
            "activity_type": "productive_inquiries",
            "format": "many_to_many",
            "channel": "online",
            "recurrence": "monthly",
            "starts_at": "2027-01-12T12:30",
            "duration_minutes": "90",
            "meeting_link": "https://meet.example.org/clinic",
        },  # fmt: skip
    )
    assert response.status_code == 302
    rhythm = Rhythm.objects.get(community=community)
    assert rhythm.sessions.exists()
    page = (
        clients["member"].get(reverse("communities:rhythm", args=[community.slug])).content.decode()
    )
    assert "Monthly case clinic" in page and "Heartbeat" in page


def test_one_off_session_cancel_and_reinstate(clients, community):
    url = reverse("communities:session_create", args=[community.slug])
    response = clients["coordinator"].post(
        url,
        {"title": "Field visit", "activity_type": "visits", "format": "small_groups", "channel": "face_to_face",
         "starts_at": "2027-03-02T09:00", "duration_minutes": "240", "location": "Antwerp depot"},
    )  # fmt: skip
    assert response.status_code == 302
    session = Session.objects.get(title="Field visit")
    assert session.rhythm is None
    cancel = reverse("communities:session_cancel", args=[community.slug, session.pk])
    clients["coordinator"].post(cancel)
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED
    clients["coordinator"].post(cancel)
    session.refresh_from_db()
    assert session.status == SessionStatus.PLANNED
    assert clients["member"].post(cancel).status_code == 403


def test_invalid_rhythm_input_writes_nothing(clients, community):
    response = clients["coordinator"].post(
        reverse("communities:rhythm_create", args=[community.slug]),
        {"title": "", "recurrence": "monthly", "starts_at": "not a date", "duration_minutes": "-5"},
    )
    assert response.status_code == 200 and "is-invalid" in response.content.decode()
    assert not Rhythm.objects.exists() and not Session.objects.exists()


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=DAILY;BYHOUR=0,1,2,3",
        "FREQ=DAILY;BYMINUTE=0,30",
        "FREQ=WEEKLY;INTERVAL=0",
        "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
    ],
)
def test_rules_that_flood_or_never_happen_are_refused(community, rule):
    form = custom_rule_form(rule)
    assert not form.is_valid() and "rrule" in form.errors


def test_a_new_rhythm_starting_in_the_past_invents_no_past_sessions(community):
    now = timezone.now()
    rhythm = RhythmFactory(
        community=community, recurrence=Recurrence.WEEKLY, starts_at=now - timedelta(days=60)
    )
    rhythm_service.sync_sessions(rhythm, now=now)
    assert not rhythm.sessions.filter(starts_at__lt=now).exists()
    assert rhythm.sessions.filter(starts_at__gte=now).exists()


def test_a_community_named_new_gets_a_slug_that_works(clients):
    response = clients["admin"].post(
        reverse("communities:create"),
        {"name": "New", "domain": "Newcomers", "stage": "coalescing", "is_open": "on",
         "objectives-TOTAL_FORMS": "0", "objectives-INITIAL_FORMS": "0"},
    )  # fmt: skip
    assert response.status_code == 302
    assert clients["admin"].get(response["Location"]).context["community"].name == "New"


def test_a_rhythm_entered_late_gets_its_past_sessions_but_no_heartbeat_warnings(clients, community):
    from django.core import mail

    from communities.rhythm import jobs

    first = timezone.localtime() - timedelta(days=20)
    response = clients["coordinator"].post(
        reverse("communities:rhythm_create", args=[community.slug]),
        {"title": "Weekly exchange", "activity_type": "exchanges", "format": "many_to_many",
         "channel": "online", "recurrence": "weekly", "starts_at": first.strftime("%Y-%m-%dT%H:%M"),
         "duration_minutes": "60"},
    )  # fmt: skip
    assert response.status_code == 302
    rhythm = Rhythm.objects.get()
    past = rhythm.sessions.filter(starts_at__lt=timezone.now()).count()
    assert past >= 2  # loggable after the fact
    assert jobs.warn_missed_heartbeats() == 0 and not mail.outbox
    # Editing the rhythm (another time of day) replans the future only: no past duplicates.
    clients["coordinator"].post(
        reverse("communities:rhythm_edit", args=[community.slug, rhythm.pk]),
        {"title": "Weekly exchange", "activity_type": "exchanges", "format": "many_to_many",
         "channel": "online", "recurrence": "weekly",
         "starts_at": (first + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"), "duration_minutes": "60"},
    )  # fmt: skip
    assert rhythm.sessions.filter(starts_at__lt=timezone.now() - timedelta(hours=3)).count() <= past
