"""Beat schedules for the launch playbook (django-celery-beat; editable in the admin).

Idempotent like `0002_rhythm_schedules` (whose helpers it reuses): tasks are found by
name; reversing deletes the two tasks, and their crontabs when nothing else uses them.
"""

import importlib

from django.conf import settings
from django.db import migrations

rhythm = importlib.import_module("communities.migrations.0002_rhythm_schedules")

SCHEDULES = [
    # name, task, (minute, hour, day_of_week), description
    (
        "Launch: overdue action items",
        "communities.tasks.remind_overdue_launch_actions",
        ("10", "8", "*"),
        "Daily: remind owners of launch action items past their due date (once per item "
        "and due date).",
    ),
    (
        "Launch: stalled launches",
        "communities.tasks.send_stalled_launches",
        ("30", "7", "1"),
        "Weekly (Monday): email the program admins the launches with no recent progress.",
    ),
]


def _crontab(CrontabSchedule, minute, hour, day_of_week):
    fields = {
        "minute": minute,
        "hour": hour,
        "day_of_week": day_of_week,
        "day_of_month": "*",
        "month_of_year": "*",
        "timezone": settings.TIME_ZONE,
    }
    return CrontabSchedule.objects.filter(**fields).first() or CrontabSchedule.objects.create(
        **fields
    )


def create_schedules(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, (minute, hour, day_of_week), description in SCHEDULES:
        if PeriodicTask.objects.filter(name=name).exists():
            continue
        PeriodicTask.objects.create(
            name=name,
            task=task,
            crontab=_crontab(CrontabSchedule, minute, hour, day_of_week),
            description=description,
            enabled=True,
        )
    rhythm._touch(apps)


def delete_schedules(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    names = [name for name, *_ in SCHEDULES]
    crontab_ids = set(
        PeriodicTask.objects.filter(name__in=names).values_list("crontab_id", flat=True)
    )
    PeriodicTask.objects.filter(name__in=names).delete()
    CrontabSchedule.objects.filter(pk__in=crontab_ids - {None}, periodictask__isnull=True).delete()
    rhythm._touch(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("communities", "0011_launch_playbook"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, delete_schedules)]
