"""The seven default dimensions of intentional development (GUIDE.md), and the beat
schedules of the health jobs. Both are data: admins edit them in the admin.

Idempotent: a dimension or schedule already there (by name) is left as it is.
"""

import importlib

from django.conf import settings
from django.db import migrations

rhythm = importlib.import_module("communities.migrations.0002_rhythm_schedules")

PRACTICE_EFFORTS = (
    "Helping each other — members bring problems and ask for advice; peers commit to "
    "respond within a set timeframe and to discuss advice they disagree with.\n"
    "Ensuring learning loops — after advice is given, someone follows up later: what "
    "worked, what did not. Communities don't jump from issue to issue.\n"
    "Capturing emergent learning — FAQs, summaries and highlights, case stories, "
    "reflections on failures, key insights: a communal memory for absentees, for members "
    "who want to remember, and for newcomers."
)

DIMENSIONS = [
    (
        "Practice",
        "Members help each other, close learning loops and capture emergent learning.",
        PRACTICE_EFFORTS,
    ),
    (
        "Domain and learning agenda",
        "The community owns and prioritises its learning agenda.",
        "",
    ),
    (
        "Community",
        "Trust, rhythm, participation moving from periphery toward core.",
        "",
    ),
    (
        "Strategic voice",
        "Sponsors engaged, business case agreed, the community heard by leaders.",
        "",
    ),
    (
        "Boundaries",
        "Links with other communities, practice groups, the wider organisation.",
        "",
    ),
    (
        "Value",
        "Value-creation stories and indicators make value visible.",
        "",
    ),
    (
        "Meta-learning",
        "Health checks, PDCA reviews, the community learns how it learns.",
        "",
    ),
]

SCHEDULES = [
    # name, task, crontab fields, description
    (
        "Health: refresh the program overview",
        "communities.tasks.refresh_health_status",
        {"minute": "5", "hour": "*", "day_of_month": "*"},
        "Hourly: recompute every community's indicators and flags for the program overview.",
    ),
    (
        "Health: monthly reports",
        "communities.tasks.generate_health_reports",
        {"minute": "30", "hour": "6", "day_of_month": "*"},
        "Daily at 06:30. The first run of each month freezes last month's health report for "
        "every community and the program report; then it emails the highlights to each "
        "community's coordinators and named sponsors, and the program report to the program "
        "admins and program-wide sponsors. Later runs find the reports made and send only "
        "what a mail failure left unsent (each email goes out once).",
    ),
    (
        "Health: health check reminders",
        "communities.tasks.send_health_check_reminders",
        {"minute": "20", "hour": "8", "day_of_month": "*"},
        "Daily: remind core group members, once each, of an open health check they have "
        "not answered.",
    ),
]


def create_defaults(apps, schema_editor):
    Dimension = apps.get_model("communities", "Dimension")
    for order, (name, meaning, efforts) in enumerate(DIMENSIONS, start=1):
        Dimension.objects.get_or_create(
            name=name, defaults={"meaning": meaning, "efforts": efforts, "order": order}
        )
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, fields, description in SCHEDULES:
        if PeriodicTask.objects.filter(name=name).exists():
            continue
        crontab, _ = CrontabSchedule.objects.get_or_create(
            day_of_week="*", month_of_year="*", timezone=settings.TIME_ZONE, **fields
        )
        PeriodicTask.objects.create(
            name=name, task=task, crontab=crontab, description=description, enabled=True
        )
    rhythm._touch(apps)


def delete_defaults(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    names = [name for name, *_ in SCHEDULES]
    crontab_ids = set(
        PeriodicTask.objects.filter(name__in=names).values_list("crontab_id", flat=True)
    )
    PeriodicTask.objects.filter(name__in=names).delete()
    CrontabSchedule.objects.filter(pk__in=crontab_ids - {None}, periodictask__isnull=True).delete()
    rhythm._touch(apps)
    # Dimensions stay: ratings protect them, and admins may have edited them.


class Migration(migrations.Migration):
    dependencies = [
        ("communities", "0013_health"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_defaults, delete_defaults)]
