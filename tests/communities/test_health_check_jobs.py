"""The health-check reminder job: one email to each core group member (coordinators included)
who has not answered an open health check, once its answer date is near
(CHILDCOP_HEALTH_CHECK_REMIND_DAYS_BEFORE), claimed once; batched queries; a real worker."""

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from childcop.accounts.factories import UserFactory
from childcop.accounts.models import SentEmail
from communities.choices import Level, Stage
from communities.factories import CommunityFactory, CoordinatorFactory, MembershipFactory
from communities.health import jobs
from communities.health.forms import period_containing
from communities.health.models import Dimension, HealthCheck
from communities.health.services import checks
from communities.tasks import send_health_check_reminders
from tests.commands import command_output
from tests.waits import wait_for

CORE = {"coordinator@example.org", "core@example.org"}


def open_check(community, **fields):
    start, end = period_containing(timezone.localdate())
    values = {
        "period_start": start,
        "period_end": end,
        "answer_by": timezone.localdate() + timedelta(days=7),
    }
    values.update(fields)
    return HealthCheck.objects.create(community=community, **values)


def answer(check, user):
    ratings = {d.pk: (3, "") for d in Dimension.objects.filter(is_active=True)}
    return checks.save_answer(check, user, ratings=ratings)


def recipients():
    return sorted(message.to[0] for message in mail.outbox)


@pytest.fixture
def check(users, community):
    """An open check whose answer date is a week away: within the reminder window."""
    return open_check(community, opened_by=users["coordinator"])


@pytest.mark.django_db
class TestReminders:
    def test_each_core_member_who_has_not_answered_gets_one_email(self, users, community, check):
        assert jobs.send_reminders() == 2
        # not the member, the outsider, the admin (not in the core group) or the sponsor
        assert recipients() == sorted(CORE)
        message = next(m for m in mail.outbox if m.to == ["core@example.org"])
        assert message.subject == (
            f"Health check {check.period_label}: your answer for Data protection in practice"
        )
        link = f"/communities/{community.slug}/health/checks/{check.pk}/answer/"
        html = message.alternatives[0][0]
        for text in (message.body, html):
            assert link in text
            assert check.answer_by.strftime("%-d %B %Y") in text
            assert "core group of Data protection in practice" in text
        assert message.extra_headers["Auto-Submitted"] == "auto-generated"
        assert (
            set(
                SentEmail.objects.filter(
                    kind="health_check_reminder", key=str(check.pk)
                ).values_list("recipient__email", flat=True)
            )
            == CORE
        )

    def test_those_who_answered_get_nothing(self, users, check):
        answer(check, users["core"])
        assert jobs.send_reminders() == 1
        assert recipients() == ["coordinator@example.org"]

    def test_nobody_is_reminded_a_second_time(self, users, check):
        assert jobs.send_reminders() == 2
        assert jobs.send_reminders() == 0
        assert len(mail.outbox) == 2

    def test_nothing_after_the_check_is_closed(self, users, check):
        checks.close_check(check)
        assert jobs.send_reminders() == 0
        assert mail.outbox == []

    def test_nothing_while_the_answer_date_is_further_than_the_setting(
        self, users, community, settings
    ):
        """A check just opened with three weeks to answer: nobody is reminded minutes after
        it opens, but once, at the first run N days before the answer date."""
        assert settings.CHILDCOP_HEALTH_CHECK_REMIND_DAYS_BEFORE == 7  # the default
        today = timezone.localdate()
        check = open_check(community, answer_by=today + timedelta(days=21))
        for day in range(14):  # the daily runs of the first two weeks
            assert jobs.send_reminders(today=today + timedelta(days=day)) == 0
        assert mail.outbox == []
        assert jobs.send_reminders(today=check.answer_by - timedelta(days=7)) == 2
        assert recipients() == sorted(CORE)
        for day in range(6, -1, -1):  # still once each, up to the answer date
            assert jobs.send_reminders(today=check.answer_by - timedelta(day)) == 0
        assert len(mail.outbox) == 2

    def test_the_window_follows_the_setting(self, users, community, settings):
        settings.CHILDCOP_HEALTH_CHECK_REMIND_DAYS_BEFORE = 2
        today = timezone.localdate()
        check = open_check(community, answer_by=today + timedelta(days=3))
        assert jobs.send_reminders(today=today) == 0
        assert jobs.send_reminders(today=today + timedelta(days=1)) == 2
        assert {m.subject for m in mail.outbox} == {
            f"Health check {check.period_label}: your answer for Data protection in practice"
        }
        settings.CHILDCOP_HEALTH_CHECK_REMIND_DAYS_BEFORE = 0  # on the answer date only
        other = CommunityFactory(slug="field-safety")
        MembershipFactory(community=other, user=users["core"], level=Level.CORE)
        open_check(other, answer_by=today + timedelta(days=1))
        assert jobs.send_reminders(today=today) == 0
        assert jobs.send_reminders(today=today + timedelta(days=1)) == 1

    def test_a_check_with_a_short_answer_time_is_reminded_at_once(self, users, community):
        open_check(community, answer_by=timezone.localdate() + timedelta(days=3))
        assert jobs.send_reminders() == 2

    def test_nothing_once_the_answer_date_has_passed(self, users, check):
        tomorrow = check.answer_by + timedelta(days=1)
        assert jobs.send_reminders(today=check.answer_by) == 2  # the last day counts
        mail.outbox.clear()
        SentEmail.objects.all().delete()
        assert jobs.send_reminders(today=tomorrow) == 0

    def test_nothing_for_a_closed_community(self, users, community, check):
        community.stage = Stage.CLOSED
        community.save()
        assert jobs.send_reminders() == 0

    def test_inactive_people_and_former_core_members_are_left_out(self, users, community, check):
        users["core"].is_active = False
        users["core"].save()
        member = MembershipFactory(community=community, level=Level.ACTIVE)
        assert jobs.send_reminders() == 1
        assert member.user.email not in recipients()

    def test_each_open_check_is_reminded_separately(self, users, community, check):
        other = CommunityFactory(slug="field-safety")
        MembershipFactory(community=other, user=users["core"], level=Level.CORE)
        second = open_check(other)
        assert jobs.send_reminders() == 3
        keys = set(SentEmail.objects.filter(recipient=users["core"]).values_list("key", flat=True))
        assert keys == {str(check.pk), str(second.pk)}

    def test_a_refused_address_is_skipped_and_tried_again_next_time(self, users, check, settings):
        settings.EMAIL_BACKEND = "tests.communities.test_health_check_jobs.RefusingBackend"
        assert jobs.send_reminders() == 1
        assert recipients() == ["coordinator@example.org"]
        assert not SentEmail.objects.filter(recipient=users["core"]).exists()  # not claimed
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        assert jobs.send_reminders() == 1
        assert recipients() == sorted(CORE)

    def test_the_task_and_the_command_run_the_same_service(self, users, check):
        assert send_health_check_reminders.delay().get() == 2
        assert (
            command_output("send_health_check_reminders").strip()
            == "Sent 0 health check reminder(s)."
        )
        answer(check, users["core"])
        SentEmail.objects.all().delete()
        assert "Sent 1 health check reminder(s)." in command_output("send_health_check_reminders")


class RefusingBackend(EmailBackend):
    """Refuses mail to core@example.org, as an SMTP server would refuse a bad recipient."""

    def send_messages(self, messages):
        for message in messages:
            if "core@example.org" in message.to:
                raise smtplib.SMTPRecipientsRefused({"core@example.org": (550, b"No such user")})
        return super().send_messages(messages)


# --- batched: the queries of a run do not grow with the number of checks --------------------


def grow(n):
    """`n` communities with an open check and a core group of three: a coordinator and two."""
    made = []
    for i in range(n):
        community = CommunityFactory(name=f"Community {i:03d}", slug=f"community-{i:03d}")
        CoordinatorFactory(community=community)
        for _ in range(2):
            MembershipFactory(community=community, level=Level.CORE)
        MembershipFactory(community=community, level=Level.ACTIVE)
        made.append(open_check(community))
    return made


def run_queries():
    with CaptureQueriesContext(connection) as ctx:
        sent = jobs.send_reminders()
    return sent, len(ctx)


# (1) the open checks with their communities, (2) their core groups with the people,
# (3) the answers given, (4) the reminders claimed already
FIND = 4
# each email sent: the recipient's preference for the kind, its claim (in the test's
# transaction, between a savepoint and its release; in production the claim's transaction
# is the job's own), its notification and the recipient's unread count
PER_EMAIL = 6


@pytest.mark.django_db
@pytest.mark.parametrize("size", [2, 10])
def test_a_run_takes_a_constant_number_of_queries(size):
    made = grow(size)
    sent, count = run_queries()
    assert sent == 3 * size
    assert count == FIND + PER_EMAIL * sent
    # the next run finds every reminder claimed: only the four queries, whatever the size
    assert run_queries() == (0, FIND)
    # answers and closed checks are found in the same queries
    for check in made[: size // 2]:
        checks.close_check(check)
    assert run_queries() == (0, FIND)


@pytest.mark.django_db
def test_a_run_without_open_checks_takes_one_query():
    assert run_queries() == (0, 1)


# --- on a real worker --------------------------------------------------------------------


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_reminds_each_core_member_once(worker, users, community):
    check = open_check(community)
    late = MembershipFactory(community=community, level=Level.CORE, user=UserFactory()).user
    answer(check, users["core"])
    expected = {"coordinator@example.org", late.email}
    # two deliveries at once (a duplicate beat tick), then a retry
    worker(send_health_check_reminders)
    worker(send_health_check_reminders)
    assert wait_for(lambda: len(mail.outbox) >= 2), f"the worker sent {len(mail.outbox)}"
    worker(send_health_check_reminders)
    assert worker.idle()  # all three deliveries have run: a duplicate would be there
    assert sorted(m.to[0] for m in mail.outbox) == sorted(expected)
    assert SentEmail.objects.filter(kind="health_check_reminder").count() == 2
