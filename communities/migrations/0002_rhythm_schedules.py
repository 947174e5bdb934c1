"""Beat schedules for the community rhythm (django-celery-beat; editable in the admin).

Idempotent: tasks are found by name, so running this again (or after someone edited
a schedule in the admin) changes nothing. Reversing deletes the three tasks, and their
crontabs when nothing else uses them.
"""

from django.conf import settings
from django.db import migrations
from django.utils import timezone

SCHEDULES = [
    # name, task, (minute, hour), description
    (
        "Rhythm: session reminders",
        "communities.tasks.send_rhythm_reminders",
        ("5", "*"),
        "Hourly: email members about sessions due within their community's reminder days.",
    ),
    (
        "Rhythm: missed heartbeats",
        "communities.tasks.check_heartbeats",
        ("0", "7"),
        "Daily: warn coordinators about past sessions with no activity logged.",
    ),
    (
        "Rhythm: sessions and participation levels",
        "communities.tasks.recompute_participation",
        ("30", "2"),
        "Nightly: extend the rhythms' sessions and recompute participation levels.",
    ),
]


def _crontab(CrontabSchedule, minute, hour):
    crontab = CrontabSchedule.objects.filter(
        minute=minute,
        hour=hour,
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone=settings.TIME_ZONE,
    ).first()
    return crontab or CrontabSchedule.objects.create(
        minute=minute,
        hour=hour,
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone=settings.TIME_ZONE,
    )


def _touch(apps):
    """Tell a running beat that the schedule changed."""
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def create_schedules(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, (minute, hour), description in SCHEDULES:
        if PeriodicTask.objects.filter(name=name).exists():
            continue
        PeriodicTask.objects.get_or_create(
            name=name,
            defaults={
                "task": task,
                "crontab": _crontab(CrontabSchedule, minute, hour),
                "description": description,
                "enabled": True,
            },
        )
    _touch(apps)


def delete_schedules(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    names = [name for name, *_ in SCHEDULES]
    crontab_ids = set(
        PeriodicTask.objects.filter(name__in=names).values_list("crontab_id", flat=True)
    )
    PeriodicTask.objects.filter(name__in=names).delete()
    CrontabSchedule.objects.filter(pk__in=crontab_ids - {None}, periodictask__isnull=True).delete()
    _touch(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("communities", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, delete_schedules)]
