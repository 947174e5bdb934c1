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
    one_line_rows(apps, "sponsorship", fields)


class Migration(migrations.Migration):
    dependencies = [
        ("sponsorship", "0002_review_reminder_schedule"),
    ]

    operations = [
        migrations.AlterField(
            model_name="appointment",
            name="expertise",
            field=models.CharField(
                blank=True,
                help_text="For SMEs: comma-separated areas, e.g. “privacy law, records management”.",
                max_length=300,
                validators=[childcop.validators.SingleLine()],
                verbose_name="expertise areas",
            ),
        ),
        migrations.AlterField(
            model_name="commitment",
            name="description",
            field=models.CharField(max_length=300, validators=[childcop.validators.SingleLine()]),
        ),
        migrations.AlterField(
            model_name="council",
            name="name",
            field=models.CharField(
                max_length=150, unique=True, validators=[childcop.validators.SingleLine()]
            ),
        ),
        migrations.RunPython(to_one_line, migrations.RunPython.noop),
    ]
