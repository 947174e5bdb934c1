"""Launch jobs: overdue action items to their owner (once per item and due date), and the
weekly list of stalled launches to the program admins (once per ISO week). Unit tests run
the services, the tasks (eagerly) and the commands; the `worker` tests run a real worker."""

from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from django.apps import apps as django_apps
from django.core import mail
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from childcop.accounts.factories import ProgramAdminFactory, UserFactory
from childcop.accounts.models import SentEmail
from childcop.celery import app
from communities.factories import CommunityFactory
from communities.models import ActionItem, LaunchPlan
from communities.stewardship import jobs
from communities.tasks import remind_overdue_launch_actions, send_stalled_launches
from tests.commands import command_output, schedules_created_twice
from tests.waits import wait_for

NOW = datetime(2031, 3, 3, 9, 0, tzinfo=UTC)  # a Monday
TODAY = date(2031, 3, 3)


@pytest.fixture
def plan(db):
    community = CommunityFactory(name="Customer voice", slug="customer-voice", stage="potential")
    return LaunchPlan.objects.create(community=community, lead=UserFactory(email="lea@example.org"))


def action(plan, *, due_on, owner=None, **fields):
    owner = owner or UserFactory(email=f"owner{ActionItem.objects.count()}@example.org")
    return ActionItem.objects.create(
        plan=plan, title="Book the room", owner=owner, due_on=due_on, **fields
    )


@pytest.mark.django_db
class TestOverdueActions:
    def test_the_owner_is_reminded_once_per_item_and_due_date(self, plan):
        item = action(plan, due_on=TODAY - timedelta(days=1))
        assert jobs.remind_overdue_actions(today=TODAY) == 1
        (message,) = mail.outbox
        assert message.to == [item.owner.email]
        assert "Book the room" in message.subject and "Customer voice" in message.subject
        assert plan.get_absolute_url() in message.body
        assert plan.get_absolute_url() in message.alternatives[0][0]
        assert jobs.remind_overdue_actions(today=TODAY) == 0
        assert jobs.remind_overdue_actions(today=TODAY + timedelta(days=1)) == 0
        # A new due date, missed again: a new reminder.
        item.due_on = TODAY + timedelta(days=2)
        item.save()
        assert jobs.remind_overdue_actions(today=TODAY + timedelta(days=3)) == 1
        assert len(mail.outbox) == 2

    def test_only_open_items_of_open_plans_past_their_due_date(self, plan):
        action(plan, due_on=TODAY)  # due today: not overdue yet
        action(plan, due_on=TODAY - timedelta(days=3), status="done")
        action(plan, due_on=TODAY - timedelta(days=3), status="dropped")
        action(plan, due_on=TODAY - timedelta(days=3), owner=UserFactory(is_active=False))
        completed = LaunchPlan.objects.create(
            community=CommunityFactory(slug="done-one"), status="completed"
        )
        action(completed, due_on=TODAY - timedelta(days=3))
        assert jobs.remind_overdue_actions(today=TODAY) == 0
        assert mail.outbox == []

    def test_the_task_and_the_command(self, plan):
        action(plan, due_on=timezone.localdate() - timedelta(days=2))
        remind_overdue_launch_actions.delay()
        assert len(mail.outbox) == 1
        assert "Sent 0 overdue action reminder(s)." in command_output(
            "remind_overdue_launch_actions"
        )


@pytest.mark.django_db
class TestStalledLaunches:
    def test_program_admins_get_the_list_once_a_week(self, plan):
        admins = {
            ProgramAdminFactory(email="a1@example.org"),
            ProgramAdminFactory(email="a2@example.org"),
        }
        UserFactory(email="not-admin@example.org")
        fresh = LaunchPlan.objects.create(community=CommunityFactory(slug="fresh"), updated_at=NOW)
        LaunchPlan.objects.filter(pk=plan.pk).update(updated_at=NOW - timedelta(days=20))
        assert jobs.send_stalled_launches(now=NOW) == 2
        assert {m.to[0] for m in mail.outbox} == {a.email for a in admins}
        message = mail.outbox[0]
        assert "Customer voice" in message.body and plan.get_absolute_url() in message.body
        assert fresh.community.name not in message.body
        assert message.subject == "1 stalled launch this week"
        assert "/program/launches/?stalled=1" in message.body
        assert jobs.send_stalled_launches(now=NOW + timedelta(days=3)) == 0  # same week
        assert jobs.send_stalled_launches(now=NOW + timedelta(days=7)) == 2  # next week
        assert len(mail.outbox) == 4

    def test_nothing_stalled_sends_nothing(self, plan):
        ProgramAdminFactory()
        LaunchPlan.objects.filter(pk=plan.pk).update(updated_at=NOW - timedelta(days=2))
        assert jobs.send_stalled_launches(now=NOW) == 0
        assert not SentEmail.objects.exists()

    def test_the_task_and_the_command(self, plan):
        ProgramAdminFactory(email="a1@example.org")
        LaunchPlan.objects.filter(pk=plan.pk).update(updated_at=timezone.now() - timedelta(days=30))
        send_stalled_launches.delay()
        assert len(mail.outbox) == 1
        assert "Sent 0 stalled-launches list(s)." in command_output("send_stalled_launches")


@pytest.mark.django_db
def test_the_beat_schedules_migration_is_idempotent_and_reversible():
    migration, tasks = schedules_created_twice("communities.migrations.0012_launch_schedules")
    names = [name for name, *_ in migration.SCHEDULES]
    assert {
        task: (t.crontab.minute, t.crontab.hour, t.crontab.day_of_week) for task, t in tasks.items()
    } == {
        "communities.tasks.remind_overdue_launch_actions": ("10", "8", "*"),
        "communities.tasks.send_stalled_launches": ("30", "7", "1"),
    }
    for task in tasks:
        assert app.tasks[task]
    migration.delete_schedules(django_apps, None)
    assert not PeriodicTask.objects.filter(name__in=names).exists()


# --- On a real worker -------------------------------------------------------------------


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_worker_reminds_each_owner_once_even_when_run_twice(worker):
    community = CommunityFactory(name="Customer voice", slug="customer-voice", stage="potential")
    plan = LaunchPlan.objects.create(community=community)
    owners = [UserFactory(email=f"owner{i}@example.org") for i in range(2)]
    for owner in owners:
        ActionItem.objects.create(
            plan=plan, title=f"Task of {owner.email}", owner=owner,
            due_on=timezone.localdate() - timedelta(days=1),
        )  # fmt: skip
    worker(remind_overdue_launch_actions)
    worker(remind_overdue_launch_actions)
    assert wait_for(lambda: len(mail.outbox) >= 2)
    assert worker.idle()  # both deliveries have run: a duplicate would be there
    assert Counter(m.to[0] for m in mail.outbox) == {o.email: 1 for o in owners}


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_worker_sends_the_stalled_list_once_per_admin_even_when_run_twice(worker):
    admins = [ProgramAdminFactory(email=f"admin{i}@example.org") for i in range(2)]
    community = CommunityFactory(name="Customer voice", slug="customer-voice", stage="potential")
    LaunchPlan.objects.create(community=community, updated_at=timezone.now() - timedelta(days=30))
    worker(send_stalled_launches)
    worker(send_stalled_launches)
    assert wait_for(lambda: len(mail.outbox) >= 2)
    assert worker.idle()  # both deliveries have run: a duplicate would be there
    assert Counter(m.to[0] for m in mail.outbox) == {a.email: 1 for a in admins}
