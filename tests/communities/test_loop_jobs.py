"""Learning-loop jobs: unanswered requests, follow-ups, the daily digest, their schedules.

Unit tests run the services with a fixed `now`; the `worker` tests run a real Celery
worker on the configured broker and show each email goes out once, also when run twice.
"""

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from django.apps import apps as django_apps
from django.core import mail
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from childcop.accounts.factories import UserFactory
from childcop.accounts.models import SentEmail
from childcop.accounts.notices import Channel, set_channel
from childcop.celery import app
from communities.factories import (
    AnswerFactory,
    CommunityFactory,
    CoordinatorFactory,
    HelpRequestFactory,
    MembershipFactory,
)
from communities.learning import jobs
from communities.tasks import check_learning_loops, send_help_digests
from tests.commands import command_output, schedules_created_twice
from tests.waits import wait_for

FRIDAY = datetime(2031, 3, 7, 9, 0, tzinfo=UTC)


def to(outbox=None):
    return sorted(m.to[0] for m in (mail.outbox if outbox is None else outbox))


def test_working_days_skip_the_weekend(settings):
    settings.TIME_ZONE = "UTC"
    assert jobs.add_working_days(FRIDAY, 3) == FRIDAY + timedelta(days=5)  # Wednesday
    assert jobs.add_working_days(FRIDAY, 1) == FRIDAY + timedelta(days=3)  # Monday
    saturday = FRIDAY + timedelta(days=1)
    assert jobs.add_working_days(saturday, 1) == saturday + timedelta(days=2)  # Monday
    monday = FRIDAY + timedelta(days=3)
    assert jobs.add_working_days(monday, 3) == monday + timedelta(days=3)  # Thursday


# --- (a) unanswered requests -----------------------------------------------------------------


@pytest.mark.django_db
class TestUnanswered:
    def test_coordinators_hear_once_after_three_working_days(self, users, community, settings):
        settings.TIME_ZONE = "UTC"
        second = CoordinatorFactory(community=community).user
        request = HelpRequestFactory(
            community=community, asker=users["member"], title="Clauses?", created_at=FRIDAY
        )
        tuesday = FRIDAY + timedelta(days=4, hours=3)
        assert jobs.send_unanswered_notices(now=tuesday) == 0  # 2 working days
        wednesday = FRIDAY + timedelta(days=5)
        assert jobs.send_unanswered_notices(now=wednesday) == 2
        assert to() == sorted(["coordinator@example.org", second.email])
        message = mail.outbox[0]
        assert message.subject == "Unanswered help request: Clauses? (Data protection in practice)"
        assert f"/communities/{community.slug}/help/{request.pk}/" in message.body
        assert "3 working days" in message.body
        assert jobs.send_unanswered_notices(now=wednesday + timedelta(hours=1)) == 0
        assert len(mail.outbox) == 2
        assert set(
            SentEmail.objects.filter(kind="help_unanswered").values_list("key", flat=True)
        ) == {str(request.pk)}

    def test_answered_or_closed_requests_and_the_asking_coordinator_are_left_alone(
        self, users, community
    ):
        old = timezone.now() - timedelta(days=10)
        answered = HelpRequestFactory(community=community, created_at=old)
        AnswerFactory(request=answered)
        HelpRequestFactory(community=community, created_at=old, status="closed")
        HelpRequestFactory(community=community, created_at=old, asker=users["coordinator"])
        assert jobs.send_unanswered_notices() == 0
        HelpRequestFactory(community=community, created_at=timezone.now() - timedelta(days=90))
        assert jobs.send_unanswered_notices() == 0  # older than the look-back

    def test_each_community_s_commitment(self, users, community, settings):
        settings.TIME_ZONE = "UTC"
        community.response_commitment_days = 1
        community.save()
        HelpRequestFactory(community=community, created_at=FRIDAY)
        assert jobs.send_unanswered_notices(now=FRIDAY + timedelta(days=2)) == 0  # Sunday
        assert jobs.send_unanswered_notices(now=FRIDAY + timedelta(days=3)) == 1  # Monday


# --- (b) follow-ups --------------------------------------------------------------------------


@pytest.mark.django_db
class TestFollowUps:
    def test_the_asker_is_asked_once_after_follow_up_days(self, users, community):
        now = timezone.now()
        request = HelpRequestFactory(
            community=community,
            asker=users["member"],
            title="Penalty clauses",
            status="answered",
            helpful_at=now - timedelta(days=14, minutes=1),
        )
        HelpRequestFactory(  # not yet due
            community=community, status="answered", helpful_at=now - timedelta(days=13)
        )
        HelpRequestFactory(  # closed already
            community=community, status="closed", helpful_at=now - timedelta(days=20)
        )
        assert jobs.send_follow_ups(now=now) == 1
        (message,) = mail.outbox
        assert message.to == ["member@example.org"]
        assert message.subject == "How did it turn out? Penalty clauses"
        follow_up = f"/communities/{community.slug}/help/{request.pk}/follow-up/"
        assert follow_up in message.body and follow_up in message.alternatives[0][0]
        assert jobs.send_follow_ups(now=now + timedelta(hours=1)) == 0
        assert SentEmail.objects.get(kind="help_follow_up").key == str(request.pk)

    def test_each_community_s_follow_up_days(self, users, community):
        community.follow_up_days = 3
        community.save()
        HelpRequestFactory(
            community=community,
            status="answered",
            helpful_at=timezone.now() - timedelta(days=4),
        )
        assert jobs.send_follow_ups() == 1


# --- (c) the daily digest ---------------------------------------------------------------------


@pytest.mark.django_db
class TestDigest:
    def test_yesterday_s_requests_go_to_members_who_want_digests(self, users, community, settings):
        settings.TIME_ZONE = "UTC"
        now = datetime(2031, 3, 4, 6, 45, tzinfo=UTC)
        yesterday = datetime(2031, 3, 3, 15, 0, tzinfo=UTC)
        HelpRequestFactory(community=community, asker=users["member"], title="Mine",
                           created_at=yesterday)  # fmt: skip
        HelpRequestFactory(community=community, asker=users["core"], title="Core's",
                           created_at=yesterday + timedelta(hours=1))  # fmt: skip
        HelpRequestFactory(community=community, title="Today", created_at=now)
        HelpRequestFactory(
            community=community, title="Older", created_at=yesterday - timedelta(days=1)
        )
        other = CommunityFactory()
        HelpRequestFactory(community=other, title="Elsewhere", created_at=yesterday)
        set_channel(users["coordinator"], "help_digest", Channel.OFF)
        assert jobs.send_digests(now=now) == 2
        by_recipient = {m.to[0]: m for m in mail.outbox}
        assert set(by_recipient) == {"member@example.org", "core@example.org"}
        member_digest = by_recipient["member@example.org"].body
        assert "Core's" in member_digest and "Mine" not in member_digest
        assert "Today" not in member_digest and "Elsewhere" not in member_digest
        assert by_recipient["member@example.org"].subject == (
            "1 new help request in your communities"
        )
        assert "Mine" in by_recipient["core@example.org"].body
        assert jobs.send_digests(now=now + timedelta(hours=3)) == 0
        assert set(SentEmail.objects.filter(kind="help_digest").values_list("key", flat=True)) == {
            "2031-03-03"
        }

    def test_nothing_new_sends_nothing(self, users, community):
        assert jobs.send_digests() == 0
        assert not mail.outbox


# --- tasks, commands, schedules -------------------------------------------------------------


@pytest.mark.django_db
def test_the_tasks_and_commands(users, community):
    old = timezone.now() - timedelta(days=10)
    HelpRequestFactory(community=community, created_at=old)
    HelpRequestFactory(
        community=community,
        asker=users["member"],
        status="answered",
        helpful_at=old - timedelta(days=10),
    )
    HelpRequestFactory(community=community, created_at=timezone.now() - timedelta(days=1))
    assert check_learning_loops.delay().get() == {"unanswered": 1, "follow_ups": 1}
    send_help_digests.delay()
    assert len(mail.outbox) > 2
    for command, text in [
        ("remind_unanswered_help", "Sent 0 unanswered-request notice(s)."),
        ("send_help_follow_ups", "Sent 0 follow-up(s)."),
        ("send_help_digests", "Sent 0 help-request digest(s)."),
    ]:
        assert text in command_output(command)


@pytest.mark.django_db
def test_the_loop_schedules_migration_is_idempotent_and_reversible():
    migration, tasks = schedules_created_twice("communities.migrations.0008_loop_schedules")
    assert len(tasks) == PeriodicTask.objects.count() == 2
    assert {task: (t.crontab.minute, t.crontab.hour) for task, t in tasks.items()} == {
        "communities.tasks.check_learning_loops": ("20", "*"),
        "communities.tasks.send_help_digests": ("45", "6"),
    }
    for task in tasks:
        assert app.tasks[task]
    migration.delete_schedules(django_apps, None)
    assert PeriodicTask.objects.count() == CrontabSchedule.objects.count() == 0


# --- on a real worker ---------------------------------------------------------------------------


def assert_once_each():
    keys = Counter((m.to[0], m.subject) for m in mail.outbox)
    assert all(n == 1 for n in keys.values()), f"duplicates: {keys}"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_worker_sends_unanswered_notices_and_follow_ups_once_even_when_run_twice(
    worker,
    users,
    community,
):
    old = timezone.now() - timedelta(days=10)
    HelpRequestFactory(
        community=community, asker=users["member"], title="Unanswered", created_at=old
    )
    HelpRequestFactory(
        community=community,
        asker=users["member"],
        title="Helped",
        status="answered",
        helpful_at=old - timedelta(days=10),
    )
    worker(check_learning_loops)
    worker(check_learning_loops)
    assert wait_for(lambda: len(mail.outbox) >= 2), f"the worker sent {len(mail.outbox)}"
    worker(check_learning_loops)
    assert worker.idle()  # every delivery has run: a duplicate would be there
    assert_once_each()
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        (
            "coordinator@example.org",
            "Unanswered help request: Unanswered (Data protection in practice)",
        ),
        ("member@example.org", "How did it turn out? Helped"),
    ]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_worker_sends_each_digest_once_even_when_run_twice(worker, users, community):
    for i in range(3):
        MembershipFactory(community=community, user=UserFactory(email=f"extra{i}@example.org"))
    HelpRequestFactory(
        community=community, asker=users["member"], created_at=timezone.now() - timedelta(days=1)
    )
    worker(send_help_digests)
    worker(send_help_digests)
    expected = {"coordinator@example.org", "core@example.org"} | {
        f"extra{i}@example.org" for i in range(3)
    }  # not the asker, not outsiders
    assert wait_for(lambda: len(mail.outbox) >= len(expected))
    assert worker.idle()
    assert_once_each()
    assert set(to()) == expected
    assert SentEmail.objects.filter(kind="help_digest").count() == len(expected)
