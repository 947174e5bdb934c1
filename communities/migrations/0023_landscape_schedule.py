"""The nightly landscape of practice: its beat schedule."""

import importlib

from django.conf import settings
from django.db import migrations

rhythm = importlib.import_module("communities.migrations.0002_rhythm_schedules")

NAME = "Landscape: the landscape of practice and program retention"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name=NAME).exists():
        return
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="10", hour="3", day_of_month="*", day_of_week="*", month_of_year="*",
        timezone=settings.TIME_ZONE,
    )  # fmt: skip
    PeriodicTask.objects.create(
        name=NAME,
        task="communities.tasks.refresh_landscape",
        crontab=crontab,
        description="Nightly at 03:10: compute the landscape of practice (communities, shared "
        "members, brokers, departments, the map's layout) and the program's retention.",
        enabled=True,
    )
    rhythm._touch(apps)


def delete_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=NAME).delete()
    rhythm._touch(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("communities", "0022_landscape"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
