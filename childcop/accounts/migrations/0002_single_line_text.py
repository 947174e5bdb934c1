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
    one_line_rows(apps, "accounts", fields)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="user",
            name="department",
            field=models.CharField(
                blank=True,
                db_index=True,
                max_length=150,
                validators=[childcop.validators.SingleLine()],
            ),
        ),
        migrations.AlterField(
            model_name="user",
            name="display_name",
            field=models.CharField(
                help_text="How your name is shown to others, e.g. “Amira Haddad”.",
                max_length=150,
                validators=[childcop.validators.SingleLine()],
            ),
        ),
        migrations.AlterField(
            model_name="user",
            name="job_title",
            field=models.CharField(
                blank=True, max_length=150, validators=[childcop.validators.SingleLine()]
            ),
        ),
        migrations.RunPython(to_one_line, migrations.RunPython.noop),
    ]
