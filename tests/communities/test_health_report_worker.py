"""Monthly health reports on a real Celery worker, on the configured broker (the filesystem
broker and a WAL SQLite file by default; Redis and PostgreSQL in CI's second run).

Acceptance: one report per community per period, also when the job runs twice or two
workers race; each email once; editing data afterwards does not change a stored report; a
mail server that is down delays the emails (the task retries), never the reports.
"""

from collections import Counter

import pytest
from celery.signals import task_postrun
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection

from childcop.accounts.factories import ProgramAdminFactory, UserFactory
from childcop.accounts.models import SentEmail
from communities.choices import Stage
from communities.factories import (
    ActivityFactory,
    AttendanceFactory,
    CommunityFactory,
    CoordinatorFactory,
)
from communities.health import jobs
from communities.health.indicators import CommunityHealth
from communities.health.models import HealthReport, ProgramReport
from communities.health.services.reports import default_period
from communities.tasks import generate_health_reports
from sponsorship.factories import SponsorAppointmentFactory
from tests.waits import started_together
from tests.waits import wait_for as _wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

PERIOD = default_period()
COMMUNITIES = 4


class DownBackend(EmailBackend):
    """The in-memory backend behind a mail server that is down until `down` is cleared."""

    down = True

    def send_messages(self, messages):
        if DownBackend.down:
            raise ConnectionRefusedError(111, "Connection refused")
        return super().send_messages(messages)


@pytest.fixture
def outcomes():
    """The report task runs the worker finished (its threads run in this process), with
    their states: SUCCESS, RETRY, FAILURE."""
    done = []

    def record(sender=None, task_id=None, state=None, retval=None, **kwargs):
        if sender is not None and sender.name == generate_health_reports.name:
            done.append((task_id, state, retval))

    task_postrun.connect(record, weak=False)
    yield done
    task_postrun.disconnect(record)


@pytest.fixture
def finished(outcomes):
    """The finished runs; each must have succeeded — a run that failed (a lock timeout, a
    unique violation) is a failure even when the other run did all the work."""
    yield outcomes
    assert all(state == "SUCCESS" for _, state, _ in outcomes), outcomes


def wait_for(predicate):
    """The job renders and sends many emails: allow it longer than other worker tests."""
    return _wait_for(predicate, timeout=90.0)


def attend(community, people):
    activity = ActivityFactory(community=community, date=PERIOD.replace(day=12))
    for _ in range(people):
        AttendanceFactory(activity=activity, user=UserFactory())


@pytest.fixture
def program():
    """Communities with a coordinator, a named sponsor and last month's attendance each,
    and one program admin: 2 emails per community, 1 program report email."""
    ProgramAdminFactory(email="team@example.org")
    communities = []
    for i in range(COMMUNITIES):
        community = CommunityFactory(name=f"Worker community {i}")
        CoordinatorFactory(community=community, user=UserFactory(email=f"coord{i}@example.org"))
        SponsorAppointmentFactory(
            person=UserFactory(email=f"sponsor{i}@example.org"), communities=[community]
        )
        attend(community, 2 + i)
        communities.append(community)
    return communities


EXPECTED_EMAILS = 2 * COMMUNITIES + 1


def assert_once_each(communities):
    counts = Counter(HealthReport.objects.filter(period=PERIOD).values_list("community", flat=True))
    assert counts == Counter(c.pk for c in communities), counts
    assert ProgramReport.objects.filter(period=PERIOD).count() == 1
    sent = Counter((m.to[0], m.subject) for m in mail.outbox)
    assert all(n == 1 for n in sent.values()), f"duplicates: {sent}"
    assert len(mail.outbox) == EXPECTED_EMAILS
    assert {m.to[0] for m in mail.outbox} == (
        {f"coord{i}@example.org" for i in range(COMMUNITIES)}
        | {f"sponsor{i}@example.org" for i in range(COMMUNITIES)}
        | {"team@example.org"}
    )
    claims = SentEmail.objects.filter(kind__in=["health_report", "program_report"])
    assert claims.count() == len(mail.outbox)


def test_the_job_run_twice_through_the_worker_reports_and_emails_once(worker, finished, program):
    assert not (connection.vendor == "sqlite" and connection.is_in_memory_db())
    worker(generate_health_reports)  # as beat enqueues it: no argument, the previous month
    assert wait_for(lambda: len(finished) == 1), "the worker did not finish the job"
    assert_once_each(program)
    first = {r.pk: (r.data, r.generated_at) for r in HealthReport.objects.all()}

    # A duplicate beat tick, a retry, a run by hand for the same month: nothing new.
    worker(generate_health_reports, f"{PERIOD:%Y-%m}")
    worker(generate_health_reports)
    assert wait_for(lambda: len(finished) == 3)
    assert_once_each(program)
    assert {r.pk: (r.data, r.generated_at) for r in HealthReport.objects.all()} == first


def test_two_workers_racing_on_the_same_month_report_and_email_once(
    worker, finished, program, settings, monkeypatch
):
    settings.EMAIL_BACKEND = "tests.mail_backends.SlowBackend"
    settings.CHILDCOP_HEALTH_BATCH_SIZE = 2  # several batches, so the runs interleave
    # Both deliveries enter the job at the same moment, one on each worker thread.
    barrier = started_together(monkeypatch, jobs, "generate_reports", timeout=60)
    worker(generate_health_reports, f"{PERIOD:%Y-%m}")
    worker(generate_health_reports, f"{PERIOD:%Y-%m}")
    assert wait_for(lambda: len(finished) == 2), f"the worker finished {len(finished)} of 2"
    assert not barrier.broken and barrier.n_waiting == 0  # both runs did start together
    assert_once_each(program)
    # Between them, the two runs created each report once and sent each email once.
    results = [retval for _, _, retval in finished]
    assert sum(r["created"] for r in results) == COMMUNITIES
    assert sum(r["emails"] + r["program_emails"] for r in results) == EXPECTED_EMAILS
    assert sum(r["program_report_created"] for r in results) == 1


def test_editing_data_afterwards_does_not_change_a_stored_report(worker, finished, program):
    worker(generate_health_reports)
    assert wait_for(lambda: len(finished) == 1)
    community = program[0]
    report = HealthReport.objects.get(community=community, period=PERIOD)
    frozen = report.data
    assert CommunityHealth.from_json(frozen).indicator("attendees").current == 2

    # The month's data changes afterwards: more attendance, a new stage, a lost coordinator.
    attend(community, 7)
    community.stage = Stage.SUSTAINING
    community.save()
    community.memberships.filter(is_coordinator=True).delete()
    worker(generate_health_reports)
    assert wait_for(lambda: len(finished) == 2)

    report.refresh_from_db()
    assert report.data == frozen
    assert CommunityHealth.from_json(report.data).indicator("attendees").current == 2
    assert report.data["report"]["community"]["stage"] == Stage.MATURING
    assert HealthReport.objects.filter(period=PERIOD).count() == COMMUNITIES


def test_a_mail_server_that_is_down_delays_the_emails_and_the_retry_sends_them(
    worker, outcomes, program, settings
):
    """Every report and the program report are stored before any email is sent: the SMTP
    failure (an OSError) makes the task retry, with nothing claimed that was not sent, and
    the retry — once the server is back — sends each email once."""
    settings.EMAIL_BACKEND = "tests.communities.test_health_report_worker.DownBackend"
    settings.CHILDCOP_HEALTH_BATCH_SIZE = 2  # several batches: all are made before emails
    DownBackend.down = True
    worker(generate_health_reports)
    assert wait_for(lambda: any(state == "RETRY" for _, state, _ in outcomes)), outcomes
    counts = Counter(HealthReport.objects.filter(period=PERIOD).values_list("community", flat=True))
    assert counts == Counter(c.pk for c in program)
    assert ProgramReport.objects.filter(period=PERIOD).count() == 1
    assert mail.outbox == []
    assert not SentEmail.objects.filter(kind__in=["health_report", "program_report"]).exists()

    DownBackend.down = False  # the server is back: the next retry sends everything
    assert wait_for(lambda: any(state == "SUCCESS" for _, state, _ in outcomes)), outcomes
    assert [state for _, state, _ in outcomes if state != "RETRY"] == ["SUCCESS"], outcomes
    assert_once_each(program)
    result = next(retval for _, state, retval in outcomes if state == "SUCCESS")
    assert result["created"] == 0 and not result["program_report_created"]
    assert result["emails"] + result["program_emails"] == EXPECTED_EMAILS
