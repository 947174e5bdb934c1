from django.contrib import admin

from .models import StoryIndicator, StoryTransition, ValueStory


class IndicatorInline(admin.TabularInline):
    model = StoryIndicator
    extra = 0


class TransitionInline(admin.TabularInline):
    """The review history is a record: read-only here too."""

    model = StoryTransition
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "by", "at", "comment"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ValueStory)
class ValueStoryAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "community",
        "author",
        "status",
        "narrative",
        "visibility",
        "happened_on",
    ]
    list_filter = ["status", "narrative", "visibility", "community"]
    search_fields = ["title", "author__display_name", "author__email"]
    raw_id_fields = ["author", "activity"]
    readonly_fields = ["status", "submitted_at", "approved_at", "created_at", "updated_at"]
    inlines = [IndicatorInline, TransitionInline]
    list_select_related = ["community", "author"]
