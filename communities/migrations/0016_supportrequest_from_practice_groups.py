# The support request moves from practice_groups to the communities app (communities/health/):
# in the migration state only. Its table keeps its name (db_table), so no data moves and no
# SQL runs; practice_groups' 0003 then removes the model from that app's state.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("communities", "0015_bench_indexes"),
        ("practice_groups", "0002_support_from_communities"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SupportRequest",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("coaching", "Coaching"),
                                    ("launch_help", "Launch help"),
                                    ("facilitation", "Facilitation"),
                                    ("technology", "Technology"),
                                    ("logistics", "Logistics"),
                                ],
                                max_length=20,
                            ),
                        ),
                        ("description", models.TextField()),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("open", "Open"),
                                    ("in_progress", "In progress"),
                                    ("done", "Done"),
                                    ("declined", "Declined"),
                                ],
                                default="open",
                                max_length=20,
                            ),
                        ),
                        (
                            "note",
                            models.TextField(
                                blank=True,
                                help_text="What the social learning team did or will do.",
                            ),
                        ),
                        (
                            "community",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="support_requests",
                                to="communities.community",
                            ),
                        ),
                        (
                            "group",
                            models.ForeignKey(
                                blank=True,
                                help_text="The practice group that asked, if it came from one.",
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="support_requests",
                                to="practice_groups.practicegroup",
                            ),
                        ),
                        (
                            "handled_by",
                            models.ForeignKey(
                                blank=True,
                                help_text="The member of the social learning team who takes it on.",
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="assignee",
                            ),
                        ),
                        (
                            "requested_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "practice_groups_supportrequest",
                        "ordering": ["-created_at", "-id"],
                        "indexes": [
                            models.Index(
                                fields=["status", "-created_at"], name="support_status_created_idx"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
