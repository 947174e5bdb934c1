"""The core's models in the admin; each room registers its own (imported below)."""

from django.contrib import admin

from .health import admin as health_admin  # noqa: F401 — registers the health room's models
from .learning import admin as learning_admin  # noqa: F401 — registers the learning room's models
from .models import (
    Community,
    LeadershipAssignment,
    LevelChange,
    Membership,
    Objective,
    StageChange,
)
from .rhythm import admin as rhythm_admin  # noqa: F401 — registers the rhythm room's models


class ObjectiveInline(admin.TabularInline):
    model = Objective
    extra = 0


class StageChangeInline(admin.TabularInline):
    model = StageChange
    extra = 0
    readonly_fields = ["from_stage", "to_stage", "changed_by", "changed_at", "note"]
    can_delete = False


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ["name", "domain", "stage", "is_open", "created_at"]
    list_filter = ["stage", "is_open"]
    search_fields = ["name", "domain", "purpose"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ObjectiveInline, StageChangeInline]


class LeadershipInline(admin.TabularInline):
    model = LeadershipAssignment
    extra = 0


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "community", "level", "is_coordinator", "joined_on"]
    list_filter = ["level", "is_coordinator", "community"]
    search_fields = ["user__email", "user__display_name", "community__name"]
    raw_id_fields = ["user", "added_by"]
    list_select_related = ["user", "community"]
    inlines = [LeadershipInline]

    def save_model(self, request, obj, form, change):
        from audit.services import record_admin_change

        super().save_model(request, obj, form, change)
        fields = ["level", "is_coordinator", "level_is_manual"]
        record_admin_change(request, obj, form, fields, subject=obj.user, community=obj.community)


@admin.register(StageChange)
class StageChangeAdmin(admin.ModelAdmin):
    list_display = ["community", "from_stage", "to_stage", "changed_by", "changed_at"]
    list_filter = ["to_stage"]
    search_fields = ["community__name", "note"]
    list_select_related = ["community", "changed_by"]


@admin.register(Objective)
class ObjectiveAdmin(admin.ModelAdmin):
    list_display = ["title", "community", "status"]
    list_filter = ["status"]
    search_fields = ["title", "community__name"]


@admin.register(LeadershipAssignment)
class LeadershipAssignmentAdmin(admin.ModelAdmin):
    list_display = ["membership", "role", "assigned_at"]
    list_filter = ["role"]
    search_fields = ["membership__user__display_name", "membership__community__name"]


@admin.register(LevelChange)
class LevelChangeAdmin(admin.ModelAdmin):
    """Level changes deleted here send no signal (a person's deletion takes theirs in one
    statement): their communities' summaries and retention start new generations."""

    list_display = ["user", "community", "from_level", "to_level", "is_manual", "changed_at"]
    list_filter = ["to_level", "is_manual"]
    search_fields = ["user__display_name", "user__email", "community__name"]
    list_select_related = ["user", "community"]
    raw_id_fields = ["user", "changed_by"]

    def delete_model(self, request, obj):
        from communities.landscape import retention_parts

        super().delete_model(request, obj)
        retention_parts.invalidate([obj.community_id], past=False)

    def delete_queryset(self, request, queryset):
        from communities.landscape import retention_parts

        ids = set(queryset.values_list("community_id", flat=True))
        super().delete_queryset(request, queryset)
        retention_parts.invalidate(ids, past=False)
