"""Beat schedule: every minute, send the jobs kept while the broker was unreachable
(childcop.outbox). Idempotent; reversing deletes the task and its interval when unused."""

from django.db import migrations
from django.utils import timezone

NAME = "Broker: send the jobs kept while it was unreachable"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    if not PeriodicTask.objects.filter(name=NAME).exists():
        interval, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
        PeriodicTask.objects.create(
            name=NAME,
            task="communities.tasks.send_pending_tasks",
            interval=interval,
            description="Every minute: send the jobs that waited in the database for the broker.",
            enabled=True,
        )
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def delete_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    interval_ids = set(PeriodicTask.objects.filter(name=NAME).values_list("interval_id", flat=True))
    PeriodicTask.objects.filter(name=NAME).delete()
    IntervalSchedule.objects.filter(
        pk__in=interval_ids - {None}, periodictask__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("communities", "0024_weekly_summary_schedule"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
