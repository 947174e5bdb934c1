"""Times in each person's own time zone: pages, emails and the personal calendar feed."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from childcop.accounts.factories import UserFactory
from communities.choices import ActivityType, Channel, Format
from communities.factories import MembershipFactory
from communities.rhythm import jobs
from communities.rhythm.models import Session

STARTS = datetime(2031, 3, 4, 13, 0, tzinfo=UTC)  # a Tuesday; 14:00 in Brussels, 08:00 in New York


@pytest.fixture
def session(community):
    return Session.objects.create(
        community=community,
        starts_at=STARTS,
        title="Case clinic",
        activity_type=ActivityType.PRODUCTIVE_INQUIRIES,
        format=Format.MANY_TO_MANY,
        channel=Channel.ONLINE,
        duration_minutes=60,
        created_at=STARTS - timedelta(days=7),
    )


@pytest.fixture
def brussels(community):
    user = UserFactory(email="brussels@example.org", time_zone="Europe/Brussels")
    MembershipFactory(community=community, user=user)
    return user


@pytest.fixture
def new_york(community):
    user = UserFactory(email="newyork@example.org", time_zone="America/New_York")
    MembershipFactory(community=community, user=user)
    return user


def test_a_new_person_has_the_programs_time_zone(settings, db):
    settings.TIME_ZONE = "Europe/Lisbon"
    assert UserFactory().time_zone == "Europe/Lisbon"


def test_a_page_shows_the_times_in_the_readers_time_zone(community, session, brussels, new_york):
    url = reverse("communities:rhythm", args=[community.slug])
    pages = {}
    for user in (brussels, new_york):
        client = Client()
        client.force_login(user)
        pages[user.time_zone] = client.get(url).content.decode()
    assert "Tue 4 Mar 2031, 14:00" in pages["Europe/Brussels"]
    assert "Tue 4 Mar 2031, 08:00" in pages["America/New_York"]
    assert "14:00" not in pages["America/New_York"]
    assert timezone.get_current_timezone_name() == "UTC"  # nothing leaks out of a request


def test_the_profile_sets_the_time_zone(client, brussels):
    client.force_login(brussels)
    form = {"display_name": "Bea", "time_zone": "Asia/Tokyo"}
    assert client.post(reverse("profile"), form).status_code == 302
    brussels.refresh_from_db()
    assert brussels.time_zone == "Asia/Tokyo"
    response = client.post(reverse("profile"), {"display_name": "Bea", "time_zone": "Mars/Olympus"})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()


def test_a_reminder_shows_each_member_the_time_in_their_own_zone(session, brussels, new_york):
    jobs.send_due_reminders(now=STARTS - timedelta(hours=20))
    sent = {m.to[0]: m for m in mail.outbox}
    here, there = sent["brussels@example.org"], sent["newyork@example.org"]
    assert "Tue 4 Mar, 14:00" in here.subject
    assert "Tuesday 4 March 2031, 14:00 to 15:00 (Europe/Brussels)" in here.body
    assert "Tue 4 Mar, 08:00" in there.subject
    assert "Tuesday 4 March 2031, 08:00 to 09:00 (America/New_York)" in there.body
    assert "08:00 to 09:00 (America/New_York)" in there.alternatives[0][0]
    assert timezone.get_current_timezone_name() == "UTC"


def test_the_personal_feed_names_the_persons_time_zone(client, session, new_york):
    client.force_login(new_york)
    client.post(reverse("calendar_rotate_mine"))
    new_york.refresh_from_db()
    response = Client().get(reverse("calendar_mine", args=[new_york.calendar_token]))
    calendar = Calendar.from_ical(response.content)
    assert calendar["X-WR-TIMEZONE"] == "America/New_York"
