"""Agreement review reminders: 14 days before the review and when it is overdue, once each.

Unit tests run the service (and the task, eagerly); the `worker` tests run a real Celery
worker on the configured broker and show that running the job twice, or two runs at
once, sends every reminder once.
"""

from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from django.apps import apps as django_apps
from django.core import mail
from django.db import connection
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from childcop.accounts.factories import UserFactory
from childcop.accounts.models import SentEmail
from childcop.celery import app
from communities.factories import CommunityFactory, CoordinatorFactory
from sponsorship import jobs
from sponsorship.choices import Scope
from sponsorship.factories import AgreementFactory, CommitmentFactory, SponsorAppointmentFactory
from sponsorship.tasks import send_review_reminders
from tests.commands import command_output, schedules_created_twice
from tests.waits import at_once, started_together, wait_for

REVIEW = date(2031, 6, 30)
# The sponsor, the coordinator and the program admin of the `community` fixture.
RECIPIENTS = {"sponsor@example.org", "coordinator@example.org", "admin@example.org"}


def at(day):
    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)


def recipients():
    return {message.to[0] for message in mail.outbox}


@pytest.fixture
def agreement(users, community):
    agreement = AgreementFactory(community=community, review_date=REVIEW)
    CommitmentFactory(agreement=agreement, description="Run a monthly case clinic")
    return agreement


@pytest.mark.django_db
class TestReviewReminders:
    def test_14_days_before_sponsors_coordinators_and_admins_are_reminded_once(self, agreement):
        assert jobs.send_review_reminders(now=at(REVIEW - timedelta(days=15))) == 0
        assert jobs.send_review_reminders(now=at(REVIEW - timedelta(days=14))) == 3
        assert recipients() == RECIPIENTS  # not the members, not the outsider
        message = mail.outbox[0]
        assert message.subject == (
            "Review of Data protection in practice's sponsorship agreement due on "
            "Monday 30 June 2031"
        )
        assert "in 14 days" in message.body
        assert "Run a monthly case clinic" in message.body
        assert "/sponsorship/communities/data-protection/agreement/" in message.body
        assert "Run a monthly case clinic" in message.alternatives[0][0]
        # The next days' runs find the claims: nothing new.
        for days in (13, 5, 0):
            assert jobs.send_review_reminders(now=at(REVIEW - timedelta(days=days))) == 0
        assert len(mail.outbox) == 3
        key = f"{agreement.pk}:2031-06-30:due-soon"
        assert SentEmail.objects.filter(kind="agreement_review", key=key).count() == 3

    def test_an_overdue_review_is_reminded_once_more(self, agreement):
        jobs.send_review_reminders(now=at(REVIEW - timedelta(days=10)))
        assert jobs.send_review_reminders(now=at(REVIEW + timedelta(days=1))) == 3
        assert jobs.send_review_reminders(now=at(REVIEW + timedelta(days=2))) == 0
        overdue = mail.outbox[3:]
        assert {m.to[0] for m in overdue} == RECIPIENTS
        assert all(m.subject.startswith("Overdue:") for m in overdue)
        assert "1 day ago" in overdue[0].body
        assert Counter(m.to[0] for m in mail.outbox) == dict.fromkeys(RECIPIENTS, 2)

    def test_a_new_review_date_brings_new_reminders(self, agreement):
        jobs.send_review_reminders(now=at(REVIEW + timedelta(days=1)))  # overdue
        agreement.review_date = REVIEW + timedelta(days=90)
        agreement.save()
        now = at(agreement.review_date - timedelta(days=7))
        assert jobs.send_review_reminders(now=now) == 3
        assert jobs.send_review_reminders(now=now) == 0

    def test_one_email_for_someone_with_two_roles_and_none_for_the_inactive(
        self, agreement, users, community
    ):
        CoordinatorFactory(community=community, user=users["sponsor"])  # sponsor + coordinator
        UserFactory(email="gone@example.org", is_program_admin=True, is_active=False)
        SponsorAppointmentFactory(
            person=UserFactory(email="portfolio@example.org"), scope=Scope.PROGRAM
        )
        SponsorAppointmentFactory(  # sponsors another community only
            person=UserFactory(email="elsewhere@example.org"),
            communities=[CommunityFactory(name="Elsewhere")],
        )
        jobs.send_review_reminders(now=at(REVIEW))
        assert sorted(m.to[0] for m in mail.outbox) == sorted(
            RECIPIENTS | {"portfolio@example.org"}
        )

    def test_closed_communities_get_no_reminders(self, agreement, community):
        community.stage = "closed"
        community.save()
        assert jobs.send_review_reminders(now=at(REVIEW)) == 0

    def test_the_task_and_the_command_run_the_same_service(self, users, community):
        AgreementFactory(community=community, review_date=timezone.localdate() + timedelta(days=3))
        assert send_review_reminders.delay().get() == 3
        assert "Sent 0 agreement review reminder(s)." in command_output("send_review_reminders")
        assert len(mail.outbox) == 3


@pytest.mark.django_db
def test_the_beat_schedule_migration_is_idempotent_and_reversible():
    migration, tasks = schedules_created_twice(
        "sponsorship.migrations.0002_review_reminder_schedule"
    )
    (task,) = tasks.values()
    assert task.task == "sponsorship.tasks.send_review_reminders"
    assert (task.crontab.minute, task.crontab.hour, task.crontab.day_of_week) == ("15", "7", "*")
    assert task.enabled and app.tasks[task.task]
    migration.delete_schedules(django_apps, None)
    assert PeriodicTask.objects.count() == CrontabSchedule.objects.count() == 0


# --- On a real worker -------------------------------------------------------------------


def due_agreements(n):
    """n communities, each with its sponsor and coordinator, whose review is due soon or overdue."""
    sponsor = UserFactory(email="sponsor@example.org")
    communities = []
    for i in range(n):
        community = CommunityFactory(name=f"Community {i}")
        CoordinatorFactory(community=community, user=UserFactory(email=f"coord{i}@example.org"))
        days = 10 if i % 2 == 0 else -3
        AgreementFactory(community=community, review_date=timezone.localdate() + timedelta(days))
        communities.append(community)
    SponsorAppointmentFactory(person=sponsor, communities=communities)
    UserFactory(email="team@example.org", is_program_admin=True)
    # per agreement: the sponsor, its coordinator, the social learning team
    return {
        (email, f"{c.name}")
        for i, c in enumerate(communities)
        for email in ("sponsor@example.org", f"coord{i}@example.org", "team@example.org")
    }


def assert_each_reminder_once(expected):
    sent = Counter((m.to[0], m.subject) for m in mail.outbox)
    assert all(n == 1 for n in sent.values()), f"duplicates: {sent}"
    got = {
        (to, name) for to, subject in sent for name in [n for _, n in expected] if name in subject
    }
    assert got == expected
    assert len(mail.outbox) == len(expected)
    assert SentEmail.objects.filter(kind="agreement_review").count() == len(expected)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_worker_sends_each_reminder_once_also_when_the_job_runs_twice(worker):
    expected = due_agreements(2)  # one due soon, one overdue
    worker(send_review_reminders)
    assert wait_for(lambda: len(mail.outbox) == len(expected)), len(mail.outbox)
    worker(send_review_reminders)  # the next day's tick, a retry, a duplicate delivery
    assert worker.idle()  # it has run: a duplicate email would be there
    assert_each_reminder_once(expected)
    subjects = {m.subject.split(":")[0] for m in mail.outbox}
    assert "Overdue" in subjects and len(subjects) == 2


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_deliveries_on_two_worker_threads_send_once(worker, settings, monkeypatch):
    settings.EMAIL_BACKEND = "tests.mail_backends.SlowBackend"
    barrier = started_together(monkeypatch, jobs, "send_review_reminders")
    expected = due_agreements(4)
    worker(send_review_reminders)
    worker(send_review_reminders)
    assert wait_for(lambda: len(mail.outbox) >= len(expected))
    assert worker.idle()  # the slower of the two runs has finished too
    assert not barrier.broken and barrier.n_waiting == 0  # both runs did start together
    assert_each_reminder_once(expected)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_in_threads_send_once(settings):
    assert not (connection.vendor == "sqlite" and connection.is_in_memory_db())
    settings.EMAIL_BACKEND = "tests.mail_backends.SlowBackend"
    expected = due_agreements(4)
    results, errors = at_once(jobs.send_review_reminders)
    assert not errors, errors
    assert sum(results) == len(expected)
    assert_each_reminder_once(expected)
