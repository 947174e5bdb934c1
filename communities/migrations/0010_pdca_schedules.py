"""Beat schedule for the plan–do–check–act review reminders (django-celery-beat).

Idempotent like `0002_rhythm_schedules` (whose helpers it reuses): the task is found by
name; reversing deletes it, and its crontab when nothing else uses it.
"""

import importlib

from django.db import migrations

rhythm = importlib.import_module("communities.migrations.0002_rhythm_schedules")

SCHEDULES = [
    # name, task, (minute, hour), description
    (
        "PDCA: reviews falling due",
        "communities.tasks.remind_pdca_reviews",
        ("10", "7"),
        "Daily: remind coordinators once when their community's plan–do–check–act review "
        "falls due.",
    ),
]


def create_schedules(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, (minute, hour), description in SCHEDULES:
        if PeriodicTask.objects.filter(name=name).exists():
            continue
        PeriodicTask.objects.create(
            name=name,
            task=task,
            crontab=rhythm._crontab(CrontabSchedule, minute, hour),
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
        ("communities", "0009_pdca_closure_cultivation"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, delete_schedules)]
