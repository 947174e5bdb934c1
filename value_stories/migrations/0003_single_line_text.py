"""Single-line text fields: one-line texts (titles, names, subjects) refuse control
characters (`childcop.validators.single_line`), and the rows saved before hold none:
each run of them becomes a space."""

from django.db import migrations, models

import childcop.validators
from childcop.validators import one_line_rows


def to_one_line(apps, schema_editor):
    fields = [
        (op.model_name, op.name)
        for op in Migration.operations
        if isinstance(op, migrations.AlterField)
    ]
    one_line_rows(apps, "value_stories", fields)


class Migration(migrations.Migration):
    dependencies = [
        ("value_stories", "0002_latest_approved_story_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="storyindicator",
            name="name",
            field=models.CharField(
                help_text="e.g. “Incidents per quarter”.",
                max_length=150,
                validators=[childcop.validators.SingleLine()],
            ),
        ),
        migrations.AlterField(
            model_name="storyindicator",
            name="source",
            field=models.CharField(
                blank=True,
                help_text="Where the numbers come from.",
                max_length=200,
                validators=[childcop.validators.SingleLine()],
            ),
        ),
        migrations.AlterField(
            model_name="storyindicator",
            name="unit",
            field=models.CharField(
                blank=True,
                help_text="e.g. “%”, “hours”, “€”.",
                max_length=50,
                validators=[childcop.validators.SingleLine()],
            ),
        ),
        migrations.AlterField(
            model_name="valuestory",
            name="author_role",
            field=models.CharField(
                blank=True,
                help_text="e.g. “Field engineer, core group”.",
                max_length=150,
                validators=[childcop.validators.SingleLine()],
                verbose_name="your role",
            ),
        ),
        migrations.AlterField(
            model_name="valuestory",
            name="title",
            field=models.CharField(
                help_text="A short headline for your story.",
                max_length=200,
                validators=[childcop.validators.SingleLine()],
            ),
        ),
        migrations.RunPython(to_one_line, migrations.RunPython.noop),
    ]
