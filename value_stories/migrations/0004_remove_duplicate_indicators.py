"""Remove the copies of indicators that a story's autosave-then-submit stored twice.

Within one story, indicators equal in every field are copies: the first one stays.
"""

from django.db import migrations

FIELDS = ("name", "unit", "before", "after", "source")


def remove_copies(apps, schema_editor):
    StoryIndicator = apps.get_model("value_stories", "StoryIndicator")
    seen = set()
    copies = []
    rows = StoryIndicator.objects.order_by("story_id", "id").values_list("id", "story_id", *FIELDS)
    for pk, story_id, *values in rows.iterator(chunk_size=2000):
        key = (story_id, *values)
        if key in seen:
            copies.append(pk)
        else:
            seen.add(key)
    for start in range(0, len(copies), 500):
        StoryIndicator.objects.filter(pk__in=copies[start : start + 500]).delete()


class Migration(migrations.Migration):
    dependencies = [("value_stories", "0003_single_line_text")]
    operations = [migrations.RunPython(remove_copies, migrations.RunPython.noop)]
