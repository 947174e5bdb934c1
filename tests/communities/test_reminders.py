"""Rhythm jobs: session reminders, missed heartbeats, the nightly recomputation, schedules.

Unit tests run the services (and the tasks, eagerly); the `worker` tests run a real
Celery worker on the configured broker and prove that duplicates cannot happen.
"""

import smtplib
from collections import Counter
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, PeriodicTask
from icalendar import Calendar

from childcop.accounts import notices
from childcop.accounts.factories import UserFactory
from childcop.accounts.models import SentEmail
from childcop.celery import app
from communities.choices import ActivityType, Channel, Format, SessionStatus
from communities.factories import CommunityFactory, CoordinatorFactory, MembershipFactory
from communities.models import Activity, Session
from communities.rhythm import jobs
from communities.tasks import check_heartbeats, recompute_participation, send_rhythm_reminders
from tests.commands import command_output, schedules_created_twice
from tests.waits import at_once, started_together, wait_for

NOW = datetime(2031, 3, 3, 9, 0, tzinfo=UTC)  # a Monday
MEMBERS = {"coordinator@example.org", "core@example.org", "member@example.org"}


def make_session(community, starts_at, **fields):
    values = {
        "title": "Case clinic",
        "activity_type": ActivityType.PRODUCTIVE_INQUIRIES,
        "format": Format.MANY_TO_MANY,
        "channel": Channel.ONLINE,
        "duration_minutes": 60,
    }
    values.update(fields)
    # Planned ahead, as a rhythm's sessions are (a session entered late warns nobody).
    values.setdefault("created_at", min(starts_at - timedelta(days=7), timezone.now()))
    return Session.objects.create(community=community, starts_at=starts_at, **values)


def log_activity(session):
    return Activity.objects.create(
        community=session.community,
        session=session,
        date=session.starts_at.date(),
        title=session.title,
        activity_type=session.activity_type,
        format=session.format,
    )


def recipients(outbox=None):
    return {message.to[0] for message in (mail.outbox if outbox is None else outbox)}


def ics_of(message):
    (attachment,) = [a for a in message.attachments if a[2] == "text/calendar"]
    return Calendar.from_ical(attachment[1])


@pytest.fixture
def session(users, community):
    """A hybrid session tomorrow afternoon (Tuesday 4 March 2031, 13:00 UTC)."""
    return make_session(
        community,
        NOW + timedelta(days=1, hours=4),
        title="Monthly case clinic",
        channel=Channel.HYBRID,
        duration_minutes=90,
        location="Room 4.12, Main building",
        meeting_link="https://meet.example.org/case-clinic",
    )


@pytest.mark.django_db
class TestReminders:
    def test_every_member_gets_one_reminder_with_the_session_details(self, settings, session):
        settings.TIME_ZONE = "Europe/Paris"
        User = django_apps.get_model("accounts", "User")
        User.objects.update(time_zone="Europe/Paris")  # each member's own (tests/accounts too)
        assert jobs.send_due_reminders(now=NOW) == 3
        assert recipients() == MEMBERS  # not the outsider, not the (non-member) admin
        message = next(m for m in mail.outbox if m.to == ["member@example.org"])
        assert message.subject == (
            "Reminder: Monthly case clinic, Tue 4 Mar, 14:00 (Data protection in practice)"
        )
        html = message.alternatives[0][0]
        for text in (message.body, html):
            assert "Monthly case clinic" in text
            assert "Tuesday 4 March 2031, 14:00 to 15:30 (Europe/Paris)" in text  # local time
            assert "1 h 30 min" in text
            assert "Hybrid" in text
            assert "Room 4.12, Main building" in text
            assert "https://meet.example.org/case-clinic" in text
        assert message.alternatives[0][1] == "text/html"
        assert (
            SentEmail.objects.filter(
                kind="session_reminder", key=jobs.reminder_key(session)
            ).count()
            == 3
        )

    def test_the_ics_attachment_has_the_session_in_utc_with_a_stable_uid(self, session):
        jobs.send_due_reminders(now=NOW)
        (event,) = ics_of(mail.outbox[0]).walk("VEVENT")
        assert event["DTSTART"].dt == datetime(2031, 3, 4, 13, 0, tzinfo=UTC)
        assert event["DTSTART"].dt.utcoffset() == timedelta(0)
        assert event["DTEND"].dt == datetime(2031, 3, 4, 14, 30, tzinfo=UTC)
        assert str(event["UID"]) == f"session-{session.pk}@childcop"
        assert str(event["SUMMARY"]) == "Monthly case clinic"
        assert str(event["LOCATION"]) == "Room 4.12, Main building"
        assert str(event["STATUS"]) == "CONFIRMED"

    def test_the_plain_text_is_not_html_escaped(self, users, community):
        make_session(community, NOW + timedelta(hours=5), title="Q&A <live>")
        jobs.send_due_reminders(now=NOW)
        assert "Q&A <live>" in mail.outbox[0].body
        assert "Q&amp;A &lt;live&gt;" in mail.outbox[0].alternatives[0][0]

    def test_one_click_unsubscribe_headers_and_link(self, session, users):
        jobs.send_due_reminders(now=NOW)
        message = next(m for m in mail.outbox if m.to == ["member@example.org"])
        header = message.extra_headers["List-Unsubscribe"]
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        url = header.strip("<>")
        assert url.startswith(settings.SITE_URL + "/unsubscribe/")
        assert url in message.body and url in message.alternatives[0][0]
        path = url.removeprefix(settings.SITE_URL)

        anonymous = Client(enforce_csrf_checks=True)
        page = anonymous.get(path)  # a link scanner's GET changes nothing
        assert page.status_code == 200
        assert b"Stop session reminders" in page.content
        assert notices.is_subscribed(users["member"])

        # The mail provider's one-click POST: no sign-in, no CSRF token.
        done = anonymous.post(
            path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
        )
        assert done.status_code == 200
        assert not notices.is_subscribed(users["member"])
        assert notices.is_subscribed(users["core"])  # only that person

        # No more reminders for them.
        mail.outbox.clear()
        make_session(session.community, NOW + timedelta(days=1, hours=6), title="Next one")
        jobs.send_due_reminders(now=NOW)
        assert recipients() == MEMBERS - {"member@example.org"}

    def test_a_tampered_or_foreign_token_is_404(self, users):
        good = jobs.unsubscribe_token(users["member"])
        client = Client()
        assert client.post(f"/unsubscribe/{good[:-2]}xx/").status_code == 404
        from django.core import signing

        other_salt = signing.dumps({"u": users["member"].pk}, salt="something-else")
        assert client.post(f"/unsubscribe/{other_salt}/").status_code == 404
        assert notices.is_subscribed(users["member"])

    def test_unsubscribe_only_takes_get_and_post(self, users):
        path = f"/unsubscribe/{jobs.unsubscribe_token(users['member'])}/"
        assert Client().put(path).status_code == 405

    def test_members_who_turned_reminders_off_or_are_inactive_get_nothing(self, session, users):
        notices.set_channel(users["member"], "session_reminder", notices.Channel.OFF)
        users["core"].is_active = False
        users["core"].save()
        assert jobs.send_due_reminders(now=NOW) == 1
        assert recipients() == {"coordinator@example.org"}

    def test_only_planned_sessions_within_the_communitys_window(self, users, community):
        make_session(community, NOW + timedelta(hours=3), status=SessionStatus.CANCELLED)
        make_session(community, NOW + timedelta(days=2, hours=1))  # beyond 2 days
        make_session(community, NOW - timedelta(hours=1))  # started already
        assert jobs.send_due_reminders(now=NOW) == 0
        assert mail.outbox == []

        community.reminder_days_before = 3
        community.save()
        assert jobs.send_due_reminders(now=NOW) == 3

    def test_non_members_get_nothing_and_each_community_has_its_own_window(self, users, community):
        other = CommunityFactory(name="Green operations", slug="green-ops", reminder_days_before=7)
        stranger = MembershipFactory(
            community=other, user=UserFactory(email="stranger@example.org")
        ).user
        make_session(community, NOW + timedelta(days=5))  # too far for a 2-day window
        make_session(other, NOW + timedelta(days=5), title="Site visit")
        assert jobs.send_due_reminders(now=NOW) == 1
        assert recipients() == {stranger.email}
        assert "Site visit" in mail.outbox[0].subject

    def test_running_again_sends_nothing_new(self, session):
        assert jobs.send_due_reminders(now=NOW) == 3
        assert jobs.send_due_reminders(now=NOW) == 0
        assert jobs.send_due_reminders(now=NOW + timedelta(hours=1)) == 0
        assert len(mail.outbox) == 3

    def test_a_run_that_dies_half_way_loses_nothing(self, session):
        real_send = EmailMultiAlternatives.send
        calls = []

        def flaky(message, *args, **kwargs):
            calls.append(message.to)
            if len(calls) == 2:
                raise ConnectionError("SMTP server went away")
            return real_send(message, *args, **kwargs)

        with (
            mock.patch.object(EmailMultiAlternatives, "send", flaky),
            pytest.raises(ConnectionError),
        ):
            jobs.send_due_reminders(now=NOW)
        assert len(mail.outbox) == 1
        # The failed email's claim was rolled back with it; the next run completes the work.
        assert SentEmail.objects.filter(kind="session_reminder").count() == 1
        assert jobs.send_due_reminders(now=NOW) == 2
        assert Counter(m.to[0] for m in mail.outbox) == dict.fromkeys(MEMBERS, 1)

    def test_a_refused_recipient_does_not_block_the_others(self, session):
        real_send = EmailMultiAlternatives.send

        def refuse_member(message, *args, **kwargs):
            if message.to == ["member@example.org"]:
                raise smtplib.SMTPRecipientsRefused({"member@example.org": (550, b"No such user")})
            return real_send(message, *args, **kwargs)

        with mock.patch.object(EmailMultiAlternatives, "send", refuse_member):
            assert jobs.send_due_reminders(now=NOW) == 2
        assert recipients() == MEMBERS - {"member@example.org"}
        assert jobs.send_due_reminders(now=NOW) == 1  # tried again on the next run

    def test_the_task_and_the_command_run_the_same_service(self, users, community):
        make_session(community, timezone.now() + timedelta(hours=2))
        send_rhythm_reminders.delay()
        assert len(mail.outbox) == 3
        assert "Sent 0 session reminder(s)." in command_output("send_rhythm_reminders")
        make_session(community, timezone.now() + timedelta(hours=3), title="Another")
        assert "Sent 3 session reminder(s)." in command_output("send_rhythm_reminders")
        assert len(mail.outbox) == 6

    def test_closed_communities_send_no_reminders(self, users, community):
        community.stage = "closed"
        community.save()
        make_session(community, NOW + timedelta(hours=3))
        assert jobs.send_due_reminders(now=NOW) == 0


@pytest.mark.django_db
class TestMissedHeartbeat:
    def test_coordinators_only_are_warned_once_with_a_link_to_log_it(self, users, community):
        second = CoordinatorFactory(
            community=community, user=UserFactory(email="co2@example.org")
        ).user
        missed = make_session(community, NOW - timedelta(days=4), title="Lunch and learn")
        assert jobs.warn_missed_heartbeats(now=NOW) == 2
        assert recipients() == {"coordinator@example.org", second.email}
        message = mail.outbox[0]
        assert "Lunch and learn" in message.subject
        link = (
            f"{settings.SITE_URL}/communities/data-protection/activities/new/?session={missed.pk}"
        )
        assert link in message.body
        assert link in message.alternatives[0][0]
        # A second run, a day later: nothing new.
        assert jobs.warn_missed_heartbeats(now=NOW + timedelta(days=1)) == 0
        assert len(mail.outbox) == 2

    def test_no_warning_when_an_activity_is_linked(self, users, community):
        log_activity(make_session(community, NOW - timedelta(days=4)))
        assert jobs.warn_missed_heartbeats(now=NOW) == 0

    def test_only_planned_sessions_past_the_grace_period_and_within_30_days(self, users, community):
        make_session(community, NOW - timedelta(days=2))  # within the 3-day grace
        make_session(community, NOW - timedelta(days=31))  # too old: no flood on a first run
        make_session(community, NOW - timedelta(days=5), status=SessionStatus.CANCELLED)
        make_session(community, NOW + timedelta(days=1))
        assert jobs.warn_missed_heartbeats(now=NOW) == 0
        community.heartbeat_grace_days = 1
        community.save()
        assert jobs.warn_missed_heartbeats(now=NOW) == 1

    def test_the_task_and_the_command(self, users, community):
        make_session(community, timezone.now() - timedelta(days=4))
        check_heartbeats.delay()
        assert recipients() == {"coordinator@example.org"}
        assert "Sent 0 missed-heartbeat warning(s)." in command_output("check_heartbeats")


@pytest.mark.django_db
def test_nightly_task_and_command_extend_sessions_and_recompute_levels(users, community):
    from communities.factories import ActivityFactory, RhythmFactory
    from communities.models import Membership

    rhythm = RhythmFactory(
        community=community, recurrence="weekly", starts_at=timezone.now() + timedelta(days=1)
    )
    member = Membership.objects.get(community=community, user=users["member"])
    member.joined_on = timezone.localdate() - timedelta(days=400)
    member.save()
    ActivityFactory(community=community)  # the member missed it: active -> transactional
    recompute_participation.delay()
    assert rhythm.sessions.count() > 20  # materialised up to the horizon
    member.refresh_from_db()
    assert member.level == "transactional"
    assert "0 session(s) created; 0 participation level(s) changed." in command_output(
        "recompute_participation"
    )


@pytest.mark.django_db
def test_the_beat_schedules_migration_is_idempotent_and_reversible():
    migration, tasks = schedules_created_twice("communities.migrations.0002_rhythm_schedules")
    assert len(tasks) == PeriodicTask.objects.count() == 3
    crontabs = {task: (t.crontab.minute, t.crontab.hour) for task, t in tasks.items()}
    assert crontabs == {
        "communities.tasks.send_rhythm_reminders": ("5", "*"),
        "communities.tasks.check_heartbeats": ("0", "7"),
        "communities.tasks.recompute_participation": ("30", "2"),
    }
    assert all(t.enabled for t in tasks.values())
    for task in tasks:
        assert app.tasks[task]  # the schedule names a registered task
    migration.delete_schedules(django_apps, None)
    assert PeriodicTask.objects.count() == 0
    assert CrontabSchedule.objects.count() == 0


# --- On a real worker -------------------------------------------------------------------


def soon_sessions(community, n=2):
    now = timezone.now()
    return [
        make_session(community, now + timedelta(hours=2 + i), title=f"Session {i}")
        for i in range(n)
    ]


def assert_once_per_member_per_session(sessions, members):
    keys = Counter((m.to[0], m.subject) for m in mail.outbox)
    assert all(n == 1 for n in keys.values()), f"duplicates: {keys}"
    assert len(mail.outbox) == len(sessions) * len(members)
    assert recipients() == members
    assert SentEmail.objects.filter(kind="session_reminder").count() == len(mail.outbox)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_worker_reminds_each_member_once_per_session_even_when_run_again(worker, users, community):
    sessions = soon_sessions(community)
    worker(send_rhythm_reminders)
    assert wait_for(lambda: len(mail.outbox) == 6), f"the worker sent {len(mail.outbox)}"
    # A duplicate beat tick, a retry: found claimed, nothing new.
    worker(send_rhythm_reminders)
    worker(send_rhythm_reminders)
    assert worker.idle()  # every delivery has run: a duplicate email would be there
    assert_once_per_member_per_session(sessions, MEMBERS)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_deliveries_on_two_worker_threads_send_once(
    worker, users, community, settings, monkeypatch
):
    settings.EMAIL_BACKEND = "tests.mail_backends.SlowBackend"
    # Both deliveries start the job at the same moment, one on each worker thread.
    barrier = started_together(monkeypatch, jobs, "send_due_reminders")
    for i in range(4):
        MembershipFactory(community=community, user=UserFactory(email=f"extra{i}@example.org"))
    sessions = soon_sessions(community, 3)
    members = MEMBERS | {f"extra{i}@example.org" for i in range(4)}
    expected = len(sessions) * len(members)
    worker(send_rhythm_reminders)
    worker(send_rhythm_reminders)
    assert wait_for(lambda: len(mail.outbox) >= expected)
    assert worker.idle()  # the slower of the two runs has finished too
    assert not barrier.broken and barrier.n_waiting == 0  # both runs did start together
    assert_once_per_member_per_session(sessions, members)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_in_threads_send_once(users, community, settings):
    # The test database is a WAL file on SQLite (see test_settings), like production's
    # embedded default, so concurrent writers wait for each other instead of failing.
    assert not (connection.vendor == "sqlite" and connection.is_in_memory_db())
    settings.EMAIL_BACKEND = "tests.mail_backends.SlowBackend"
    for i in range(4):
        MembershipFactory(community=community, user=UserFactory(email=f"extra{i}@example.org"))
    sessions = soon_sessions(community, 2)
    members = MEMBERS | {f"extra{i}@example.org" for i in range(4)}
    results, errors = at_once(jobs.send_due_reminders)
    assert not errors, errors
    assert sum(results) == len(sessions) * len(members)
    assert_once_per_member_per_session(sessions, members)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_worker_warns_coordinators_only_about_a_missed_heartbeat(worker, users, community):
    missed = make_session(community, timezone.now() - timedelta(days=5), title="Missed one")
    make_session(community, timezone.now() - timedelta(days=6), title="Logged one")
    log_activity(Session.objects.get(title="Logged one"))
    worker(check_heartbeats)
    worker(check_heartbeats)
    assert wait_for(lambda: len(mail.outbox) >= 1)
    assert worker.idle()
    assert [m.to for m in mail.outbox] == [["coordinator@example.org"]]
    assert f"?session={missed.pk}" in mail.outbox[0].body


def test_a_moved_session_is_reminded_again_at_its_new_time(users, community):
    from datetime import timedelta

    from django.core import mail
    from django.utils import timezone

    from communities.factories import SessionFactory

    session = SessionFactory(community=community, starts_at=timezone.now() + timedelta(days=1))
    first = jobs.send_due_reminders()
    assert first > 0 and jobs.send_due_reminders() == 0
    session.starts_at += timedelta(hours=3)
    session.save()
    assert jobs.send_due_reminders() == first
    assert len(mail.outbox) == 2 * first
