"""Beat schedules for the learning loops (django-celery-beat; editable in the admin).

Idempotent like `0002_rhythm_schedules` (whose helpers it reuses): tasks are found by
name; reversing deletes the two tasks, and their crontabs when nothing else uses them.
"""

import importlib

from django.db import migrations

rhythm = importlib.import_module("communities.migrations.0002_rhythm_schedules")

SCHEDULES = [
    # name, task, (minute, hour), description
    (
        "Learning loops: unanswered requests and follow-ups",
        "communities.tasks.check_learning_loops",
        ("20", "*"),
        "Hourly: tell coordinators about help requests unanswered past the response "
        "commitment; ask askers how helpful advice turned out.",
    ),
    (
        "Learning loops: daily digest of help requests",
        "communities.tasks.send_help_digests",
        ("45", "6"),
        "Daily: email yesterday's new help requests to members who want digests.",
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
        ("communities", "0007_sharedmemoryentry_practice_group_vote_item_and_more"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, delete_schedules)]
