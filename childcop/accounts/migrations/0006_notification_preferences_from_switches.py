"""The profile's three email switches become notification preferences, per kind.

A switch that was off (the person had asked for no such email, in their profile or by
one-click unsubscribe) becomes *off* for the kinds it covered, so nobody gets back what they
turned off; a switch that was on is the default (no row). Reversing turns a switch off when
one of its kinds is off again.
"""

from django.db import migrations

SWITCHES = {
    "notify_rhythm_reminders": ("session_reminder",),
    "notify_community_news": ("added_to_community",),
    "notify_digests": ("help_digest", "group_report"),
}


def forwards(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    NotificationPreference = apps.get_model("accounts", "NotificationPreference")
    rows = []
    for field, kinds in SWITCHES.items():
        for user_id in User.objects.filter(**{field: False}).values_list("pk", flat=True):
            rows.extend(
                NotificationPreference(user_id=user_id, kind=kind, channel="off") for kind in kinds
            )
    NotificationPreference.objects.bulk_create(rows, ignore_conflicts=True)


def backwards(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    NotificationPreference = apps.get_model("accounts", "NotificationPreference")
    for field, kinds in SWITCHES.items():
        off = NotificationPreference.objects.filter(kind__in=kinds, channel="off")
        User.objects.filter(pk__in=off.values("user_id")).update(**{field: False})


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_notifications"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
