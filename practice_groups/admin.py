from django.contrib import admin

from .models import GroupMembership, PracticeGroup, ProgressReport, ReportResponse


class MembershipInline(admin.TabularInline):
    model = GroupMembership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(PracticeGroup)
class PracticeGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "community", "reason", "status", "expected_end", "created_at"]
    list_filter = ["status", "reason", "community"]
    search_fields = ["name", "purpose"]
    raw_id_fields = ["proposed_by", "chartered_by"]
    filter_horizontal = ["agenda_items"]
    list_select_related = ["community"]
    inlines = [MembershipInline]


class ResponseInline(admin.TabularInline):
    model = ReportResponse
    extra = 0
    raw_id_fields = ["responder"]


@admin.register(ProgressReport)
class ProgressReportAdmin(admin.ModelAdmin):
    list_display = ["title", "group", "author", "created_at"]
    search_fields = ["title", "body", "group__name"]
    raw_id_fields = ["group", "author"]
    list_select_related = ["group", "author"]
    inlines = [ResponseInline]
