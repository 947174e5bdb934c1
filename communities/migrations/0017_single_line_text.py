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
    one_line_rows(apps, "communities", fields)


class Migration(migrations.Migration):
    dependencies = [
        ("communities", "0016_supportrequest_from_practice_groups"),
    ]

    operations = [
        migrations.AlterField(
            model_name="actionitem",
            name="title",
            field=models.CharField(max_length=200, validators=[childcop.validators.SingleLine()]),
        ),
        migrations.AlterField(
            model_name="activity",
            name="title",
            field=models.CharField(max_length=200, validators=[childcop.validators.SingleLine()]),
        ),
        migrations.AlterField(
            model_name="activityoutput",
            name="title",
            field=models.CharField(max_length=200, validators=[childcop.validators.SingleLine()]),
        ),
        migrations.AlterField(
            model_name="agendaitem",
            name="faced_by",
            field=models.CharField(
                blank=True,
                help_text="e.g. “project managers in the regions”.",
                max_length=200,
                validators=[childcop.validators.SingleLine()],
                verbose_name="who faces it",
            ),
        ),
        migrations.AlterField(
            model_name="agendaitem",
            name="title",
            field=models.CharField(max_length=200, validators=[childcop.validators.SingleLine()]),
        ),
        migrations.AlterField(
            model_name="attendanceimport",
            name="filename",
            field=models.CharField(
                blank=True, max_length=255, validators=[childcop.validators.SingleLine()]
            ),
        ),
        migrations.AlterField(
            model_name="community",
            name="domain",
            field=models.CharField(
                db_index=True,
                help_text="The shared challenge, passion or interest, e.g. “Data protection in practice”.",
                max_length=200,
                validators=[childcop.validators.SingleLine()],
            ),
        ),
        migrations.AlterField(
            model_name="community",
            name="name",
            field=models.CharField(
                max_length=150, unique=True, validators=[childcop.validators.SingleLine()]
            ),
        ),
        migrations.AlterField(
            model_name="conversation",
            name="name",
            field=models.CharField(
                blank=True, max_length=150, validators=[childcop.validators.SingleLine()]
            ),
        ),
        migrations.AlterField(
            model_name="cultivationcheck",
            name="quarter",
            field=models.CharField(
                help_text="For example 2026-Q4.",
                max_length=7,
                validators=[childcop.validators.SingleLine()],
            ),
        ),
        migrations.AlterField(
            model_name="dimension",
            name="meaning",
            field=models.CharField(
                help_text="One line shown beside the slider: what turning it up looks like.",
                max_length=250,
                validators=[childcop.validators.SingleLine()],
            ),
        ),
        migrations.AlterField(
            model_name="dimension",
            name="name",
            field=models.CharField(
                max_length=100, unique=True, validators=[childcop.validators.SingleLine()]
            ),
        ),
        migrations.AlterField(
            model_name="healthrating",
            name="note",
            field=models.CharField(
                blank=True, max_length=300, validators=[childcop.validators.SingleLine()]
            ),
        ),
        migrations.AlterField(
            model_name="helprequest",
            name="title",
            field=models.CharField(max_length=200, validators=[childcop.validators.SingleLine()]),
        ),
        migrations.AlterField(
            model_name="objective",
            name="title",
            field=models.CharField(max_length=250, validators=[childcop.validators.SingleLine()]),
        ),
        migrations.AlterField(
            model_name="rhythm",
            name="location",
            field=models.CharField(
                blank=True,
                help_text="Room or site, if any.",
                max_length=200,
                validators=[childcop.validators.SingleLine()],
            ),
        ),
        migrations.AlterField(
            model_name="rhythm",
            name="rrule",
            field=models.CharField(
                blank=True,
                help_text="Only for a custom recurrence, e.g. FREQ=MONTHLY;BYDAY=-1FR (last Friday).",
                max_length=300,
                validators=[childcop.validators.SingleLine()],
                verbose_name="custom rule",
            ),
        ),
        migrations.AlterField(
            model_name="rhythm",
            name="title",
            field=models.CharField(
                help_text="e.g. “Monthly case clinic”.",
                max_length=200,
                validators=[childcop.validators.SingleLine()],
            ),
        ),
        migrations.AlterField(
            model_name="session",
            name="location",
            field=models.CharField(
                blank=True, max_length=200, validators=[childcop.validators.SingleLine()]
            ),
        ),
        migrations.AlterField(
            model_name="session",
            name="title",
            field=models.CharField(max_length=200, validators=[childcop.validators.SingleLine()]),
        ),
        migrations.AlterField(
            model_name="sharedmemoryentry",
            name="title",
            field=models.CharField(max_length=200, validators=[childcop.validators.SingleLine()]),
        ),
        migrations.AlterField(
            model_name="votinground",
            name="title",
            field=models.CharField(
                default="Which challenges are the most pressing?",
                max_length=200,
                validators=[childcop.validators.SingleLine()],
            ),
        ),
        migrations.RunPython(to_one_line, migrations.RunPython.noop),
    ]
