# The support request now belongs to the communities app (communities/health/; its
# migration 0016 took it into that app's state, with the same table). Here it leaves this
# app's state only: the table stays as it is. Its content type follows it, so the admin's
# history and any permissions on it are kept.

from django.db import migrations


def move_content_type(apps, schema_editor, *, source="practice_groups", target="communities"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    types = ContentType.objects.db_manager(db)
    if not types.filter(app_label=target, model="supportrequest").exists():
        types.filter(app_label=source, model="supportrequest").update(app_label=target)


def move_content_type_back(apps, schema_editor):
    move_content_type(apps, schema_editor, source="communities", target="practice_groups")


class Migration(migrations.Migration):
    dependencies = [
        ("communities", "0016_supportrequest_from_practice_groups"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("practice_groups", "0002_support_from_communities"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="SupportRequest")],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
