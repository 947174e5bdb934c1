from django.db import migrations


class Migration(migrations.Migration):
    """The three email switches are now `NotificationPreference` rows (migration 0005)."""

    dependencies = [
        ("accounts", "0006_notification_preferences_from_switches"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="user",
            name="notify_community_news",
        ),
        migrations.RemoveField(
            model_name="user",
            name="notify_digests",
        ),
        migrations.RemoveField(
            model_name="user",
            name="notify_rhythm_reminders",
        ),
    ]
