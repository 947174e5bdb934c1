from django.contrib import admin

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
    list_display = ["user", "community", "from_level", "to_level", "is_manual", "changed_at"]
    list_filter = ["to_level", "is_manual"]
    search_fields = ["user__display_name", "user__email", "community__name"]
    list_select_related = ["user", "community"]
    raw_id_fields = ["user", "changed_by"]


# --- Health checks and support requests (communities/health/) ------------------------------
from .health.models import (  # noqa: E402 — appended section, kept together
    Dimension,
    HealthCheck,
    HealthCheckResponse,
    HealthRating,
    SupportRequest,
)


@admin.register(Dimension)
class DimensionAdmin(admin.ModelAdmin):
    list_display = ["name", "meaning", "order", "is_active"]
    list_editable = ["order", "is_active"]
    list_display_links = ["name"]
    search_fields = ["name", "meaning", "efforts"]
    fieldsets = [
        (
            None,
            {
                "description": (
                    "A dimension of intentional development. Health checks ask the core group "
                    "to rate every dimension in use (0–5), in this order, with the one-line "
                    "meaning beside the slider. Take a dimension out of use rather than "
                    "deleting it: past ratings keep it (and a rated dimension cannot be "
                    "deleted)."
                ),
                "fields": ["name", "meaning", "efforts", "order", "is_active"],
            },
        )
    ]


class HealthCheckResponseInline(admin.TabularInline):
    model = HealthCheckResponse
    extra = 0
    fields = ["respondent", "success_factors", "failure_factors", "notes", "submitted_at"]
    readonly_fields = ["submitted_at"]
    raw_id_fields = ["respondent"]
    show_change_link = True


@admin.register(HealthCheck)
class HealthCheckAdmin(admin.ModelAdmin):
    list_display = ["community", "period_start", "period_end", "answer_by", "closed_at"]
    list_filter = [("closed_at", admin.EmptyFieldListFilter)]
    search_fields = ["community__name"]
    list_select_related = ["community"]
    raw_id_fields = ["community", "opened_by"]
    date_hierarchy = "period_start"
    inlines = [HealthCheckResponseInline]


class HealthRatingInline(admin.TabularInline):
    model = HealthRating
    extra = 0


@admin.register(HealthCheckResponse)
class HealthCheckResponseAdmin(admin.ModelAdmin):
    list_display = ["respondent", "health_check", "submitted_at", "updated_at"]
    search_fields = [
        "respondent__email",
        "respondent__display_name",
        "health_check__community__name",
    ]
    list_select_related = ["respondent", "health_check__community"]
    raw_id_fields = ["health_check", "respondent"]
    inlines = [HealthRatingInline]


@admin.register(SupportRequest)
class SupportRequestAdmin(admin.ModelAdmin):
    list_display = [
        "community",
        "group",
        "kind",
        "status",
        "handled_by",
        "requested_by",
        "created_at",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["community__name", "group__name", "description"]
    raw_id_fields = ["community", "group", "requested_by", "handled_by"]
    list_select_related = ["community", "group", "requested_by", "handled_by"]
