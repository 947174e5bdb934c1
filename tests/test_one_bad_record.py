"""One bad record never stops a job: an email that cannot be built (a line break in a
session's title, inserted before titles refused them) is logged and skipped, the others go
out, and the next run tries it again. The infrastructure failing still stops the run (see
tests/test_mail.py and the jobs' own tests)."""

import logging
from collections import Counter
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from childcop import mail as childcop_mail
from childcop.accounts.models import SentEmail
from communities.models import Session
from communities.rhythm import jobs
from communities.tasks import check_heartbeats, send_rhythm_reminders
from practice_groups.factories import (
    GroupMembershipFactory,
    PracticeGroupFactory,
    ProgressReportFactory,
)
from practice_groups.jobs import send_report_emails
from practice_groups.models import PracticeGroup
from tests.communities.test_reminders import MEMBERS, make_session
from tests.waits import wait_for

BROKEN = "Case clinic\r\nBcc: everyone@example.org"


def break_title(session):
    """A title with a line break, as saved before titles refused them (no validation)."""
    Session.objects.filter(pk=session.pk).update(title=BROKEN)


def reminders_by_session():
    return Counter(m.subject.split(",")[0] for m in mail.outbox)


def three_sessions(community, start):
    return [
        make_session(community, start + timedelta(hours=i), title=f"Session {i}") for i in range(3)
    ]


@pytest.mark.django_db
def test_a_session_whose_reminder_cannot_be_built_does_not_stop_the_others(
    users, community, caplog
):
    now = timezone.now()
    bad, *good = three_sessions(community, now + timedelta(hours=2))  # the bad one first
    break_title(bad)
    with caplog.at_level(logging.ERROR, logger="childcop.mail"):
        assert jobs.send_due_reminders(now=now) == 2 * len(MEMBERS)
    assert reminders_by_session() == {"Reminder: Session 1": 3, "Reminder: Session 2": 3}
    assert "session_reminder" in caplog.text and "could not be built" in caplog.text
    assert not SentEmail.objects.filter(key__startswith=f"{bad.pk}@").exists()  # rolled back
    Session.objects.filter(pk=bad.pk).update(title="Session 0")
    assert jobs.send_due_reminders(now=now) == len(MEMBERS)  # the next run: once each
    assert jobs.send_due_reminders(now=now) == 0
    assert reminders_by_session()["Reminder: Session 0"] == len(MEMBERS)


@pytest.mark.django_db
def test_an_error_for_one_object_outside_the_send_is_logged_and_skipped(
    users, community, caplog, monkeypatch
):
    now = timezone.now()
    bad, *good = three_sessions(community, now + timedelta(hours=2))
    real = jobs.reminder_email

    def reminder_email(session):
        if session.pk == bad.pk:
            raise ValueError("a calendar that cannot be made")
        return real(session)

    monkeypatch.setattr(jobs, "reminder_email", reminder_email)
    with caplog.at_level(logging.ERROR, logger="childcop.mail"):
        assert jobs.send_due_reminders(now=now) == 2 * len(MEMBERS)
    assert "session reminders" in caplog.text and "a calendar that cannot be made" in caplog.text


def test_an_infrastructure_failure_for_one_object_still_stops_the_run():
    with pytest.raises(ConnectionError), childcop_mail.isolated("session reminders", "one"):
        raise ConnectionError("the mail server went away")


@pytest.mark.django_db
def test_a_missed_heartbeat_with_a_broken_title_does_not_stop_the_others(users, community, caplog):
    now = timezone.now()
    sessions = [
        make_session(community, now - timedelta(days=3, hours=i), title=f"Session {i}")
        for i in range(2)
    ]
    break_title(sessions[0])
    with caplog.at_level(logging.ERROR, logger="childcop.mail"):
        assert check_heartbeats.delay().get() == 1
    assert [m.subject for m in mail.outbox] == [
        "No activity logged for “Session 1” (Data protection in practice)"
    ]
    assert "missed_heartbeat" in caplog.text


@pytest.mark.django_db
def test_an_event_email_that_cannot_be_built_is_logged_not_raised(users, community, caplog):
    """A practice group's name with a line break: the report's email cannot be built for
    anyone; the job ends (the task has nothing to retry that would work) and says so."""
    group = PracticeGroupFactory(community=community)
    PracticeGroup.objects.filter(pk=group.pk).update(name="Group\nBcc: x@example.org")
    GroupMembershipFactory(group=group, user=users["member"])
    report = ProgressReportFactory(group=group, author=users["core"])
    with caplog.at_level(logging.ERROR, logger="childcop.mail"):
        assert send_report_emails(report.pk) == 0
    assert "group_report" in caplog.text and mail.outbox == []


# --- On a real worker -------------------------------------------------------------------


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_on_a_real_worker_one_broken_session_neither_stops_nor_repeats_the_others(
    worker, users, community, caplog
):
    """Acceptance: a batch of reminders where one session's email cannot be built still
    sends all the others once; the failing one is logged, and sent on the next run once
    its title is fixed."""
    bad, *good = three_sessions(community, timezone.now() + timedelta(hours=2))
    break_title(bad)
    with caplog.at_level(logging.ERROR, logger="childcop.mail"):
        worker(send_rhythm_reminders)
        assert wait_for(lambda: len(mail.outbox) == 2 * len(MEMBERS)), len(mail.outbox)
        worker(send_rhythm_reminders)  # the next beat tick: the others are claimed already
        assert worker.idle()
    assert reminders_by_session() == {"Reminder: Session 1": 3, "Reminder: Session 2": 3}
    failures = [r for r in caplog.records if "could not be built" in r.getMessage()]
    assert len(failures) == 2 * len(MEMBERS)  # each member's, on each of the two runs
    assert all(f"{bad.pk}@" in r.getMessage() for r in failures)

    Session.objects.filter(pk=bad.pk).update(title="Session 0")
    worker(send_rhythm_reminders)
    assert worker.idle()
    assert wait_for(lambda: len(mail.outbox) == 3 * len(MEMBERS)), len(mail.outbox)
    assert reminders_by_session() == {f"Reminder: Session {i}": 3 for i in range(3)}
    assert Counter(m.to[0] for m in mail.outbox) == dict.fromkeys(MEMBERS, 3)
