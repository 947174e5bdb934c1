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
    one_line_rows(apps, "practice_groups", fields)


class Migration(migrations.Migration):
    dependencies = [
        ("practice_groups", "0003_supportrequest_to_communities"),
    ]

    operations = [
        migrations.AlterField(
            model_name="practicegroup",
            name="deliverable",
            field=models.CharField(
                blank=True,
                max_length=300,
                validators=[childcop.validators.SingleLine()],
                verbose_name="intended deliverable",
            ),
        ),
        migrations.AlterField(
            model_name="practicegroup",
            name="name",
            field=models.CharField(max_length=150, validators=[childcop.validators.SingleLine()]),
        ),
        migrations.AlterField(
            model_name="progressreport",
            name="title",
            field=models.CharField(max_length=200, validators=[childcop.validators.SingleLine()]),
        ),
        migrations.RunPython(to_one_line, migrations.RunPython.noop),
    ]
