"""Beat schedule for deleting the notifications read more than 90 days ago (django-celery-beat; editable in the admin).

Idempotent: the task is found by name, so running this again (or after someone edited
the schedule in the admin) changes nothing. Reversing deletes the task, and its crontab
when nothing else uses it.
"""

from django.conf import settings
from django.db import migrations
from django.utils import timezone

SCHEDULES = [
    # name, task, (minute, hour), description
    (
        "Notifications: delete the read ones after 90 days",
        "communities.tasks.purge_read_notifications",
        ("40", "3"),
        "Daily: delete the notifications read more than 90 days ago (unread ones stay).",
    ),
]


def _crontab(CrontabSchedule, minute, hour):
    fields = {
        "minute": minute,
        "hour": hour,
        "day_of_week": "*",
        "day_of_month": "*",
        "month_of_year": "*",
        "timezone": settings.TIME_ZONE,
    }
    return CrontabSchedule.objects.filter(**fields).first() or CrontabSchedule.objects.create(
        **fields
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
        PeriodicTask.objects.create(
            name=name,
            task=task,
            crontab=_crontab(CrontabSchedule, minute, hour),
            description=description,
            enabled=True,
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
        ("communities", "0020_attendance_import_guests"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, delete_schedules)]
