"""Running what a deploy and cron run: management commands, and the data migrations that
create the beat schedules."""

import importlib
from io import StringIO

from django.apps import apps
from django.core.management import call_command


def command_output(name, *args, **options):
    """What the management command `name` prints."""
    out = StringIO()
    call_command(name, *args, stdout=out, **options)
    return out.getvalue()


def schedules_created_twice(module):
    """Empty the beat tables and run the migration `module`'s create_schedules twice, as
    running it again must change nothing; the migration module and the periodic tasks
    (by task name, with their crontab)."""
    migration = importlib.import_module(module)
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.all().delete()
    apps.get_model("django_celery_beat", "CrontabSchedule").objects.all().delete()
    migration.create_schedules(apps, None)
    migration.create_schedules(apps, None)
    return migration, {t.task: t for t in PeriodicTask.objects.select_related("crontab")}
