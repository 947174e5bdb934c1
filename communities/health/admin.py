"""The health room's models in the admin (registered when communities/admin.py imports this)."""

from django.contrib import admin

from .models import (
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
