"""Jobs kept while the broker is unreachable: beat sends them every minute (the Redis-down
fault itself is in tests/test_faults.py)."""

import importlib

import pytest
from django.apps import apps
from django_celery_beat.models import PeriodicTask

from childcop import outbox
from childcop.models import PendingTask

pytestmark = pytest.mark.django_db


def test_beat_sends_the_kept_jobs_every_minute_and_the_schedule_is_made_once():
    migration = importlib.import_module("communities.migrations.0025_pending_tasks_schedule")
    PeriodicTask.objects.filter(name=migration.NAME).delete()
    migration.create_schedule(apps, None)
    migration.create_schedule(apps, None)
    task = PeriodicTask.objects.get(name=migration.NAME)
    assert task.task == "communities.tasks.send_pending_tasks"
    assert (task.interval.every, task.interval.period) == (1, "minutes")


def test_a_job_is_kept_with_its_name_and_arguments():
    assert outbox.send_pending() == 0
    outbox.keep("communities.tasks.notify_added_to_community", (7,), None)
    kept = PendingTask.objects.get()
    assert (kept.name, kept.args, kept.kwargs) == (
        "communities.tasks.notify_added_to_community",
        [7],
        {},
    )
