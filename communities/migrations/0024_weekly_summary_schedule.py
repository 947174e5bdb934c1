"""Beat schedule of the weekly "Needs you" summary (django-celery-beat; editable in the admin).

Idempotent like `0012_launch_schedules` (whose helpers it reuses): the task is found by
name; reversing deletes it, and its crontab when nothing else uses it.
"""

import importlib

from django.db import migrations

launch = importlib.import_module("communities.migrations.0012_launch_schedules")

SCHEDULES = [
    # name, task, (minute, hour, day_of_week), description
    (
        "Needs you: weekly summary",
        "communities.tasks.send_weekly_summaries",
        ("0", "7", "1"),
        "Weekly (Monday morning): email each person who asked for it their “Needs you” "
        "list (once per person and ISO week).",
    ),
]


def create_schedules(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, (minute, hour, day_of_week), description in SCHEDULES:
        if PeriodicTask.objects.filter(name=name).exists():
            continue
        PeriodicTask.objects.create(
            name=name,
            task=task,
            crontab=launch._crontab(CrontabSchedule, minute, hour, day_of_week),
            description=description,
            enabled=True,
        )
    launch.rhythm._touch(apps)


def delete_schedules(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    names = [name for name, *_ in SCHEDULES]
    crontab_ids = set(
        PeriodicTask.objects.filter(name__in=names).values_list("crontab_id", flat=True)
    )
    PeriodicTask.objects.filter(name__in=names).delete()
    CrontabSchedule.objects.filter(pk__in=crontab_ids - {None}, periodictask__isnull=True).delete()
    launch.rhythm._touch(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("communities", "0023_landscape_schedule"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, delete_schedules)]
