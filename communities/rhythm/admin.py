"""The rhythm room's models in the admin (registered when communities/admin.py imports this)."""

from django.contrib import admin

from .models import Activity, ActivityOutput, Attendance, AttendanceImport, Rhythm, Session


@admin.register(AttendanceImport)
class AttendanceImportAdmin(admin.ModelAdmin):
    """Uploaded attendance files; created by the upload page, applied by its confirm page."""

    list_display = ["filename", "activity", "status", "unknown_action", "created_by", "created_at"]
    list_filter = ["status", "unknown_action"]
    search_fields = ["filename", "activity__title", "activity__community__name"]
    list_select_related = ["activity", "created_by"]
    exclude = ["rows"]  # up to 10,000 rows: shown as counts instead
    readonly_fields = [
        "activity", "created_by", "created_at", "filename", "unknown_action", "status",
        "applied_at", "counts",
    ]  # fmt: skip

    @admin.display(description="report")
    def counts(self, obj):
        lists = ["members", "non_members", "already", "unknown", "deactivated", "duplicates",
                 "malformed"]  # fmt: skip
        return ", ".join(
            f"{name.replace('_', ' ')}: {len(obj.rows.get(name, []))}" for name in lists
        )

    def has_add_permission(self, request):
        return False


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0
    fields = ["starts_at", "title", "status", "occurrence"]
    show_change_link = True


@admin.register(Rhythm)
class RhythmAdmin(admin.ModelAdmin):
    list_display = ["title", "community", "recurrence", "starts_at", "until"]
    list_filter = ["recurrence", "activity_type", "channel"]
    search_fields = ["title", "community__name"]
    list_select_related = ["community"]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["title", "community", "starts_at", "status", "rhythm"]
    list_filter = ["status", "channel", "activity_type"]
    search_fields = ["title", "community__name"]
    list_select_related = ["community", "rhythm"]
    date_hierarchy = "starts_at"


class OutputInline(admin.TabularInline):
    model = ActivityOutput
    extra = 0


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["title", "community", "date", "activity_type", "format", "guest_count"]
    list_filter = ["activity_type", "format"]
    search_fields = ["title", "summary", "community__name"]
    list_select_related = ["community"]
    raw_id_fields = ["session", "logged_by"]
    date_hierarchy = "date"
    inlines = [OutputInline, AttendanceInline]


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    """Attendance records deleted here send no signal the cached figures hear (a receiver
    would make every activity's deletion delete its records one by one): their
    communities' summaries and retention start new generations."""

    list_display = ["user", "activity", "imported"]
    list_filter = ["imported"]
    search_fields = ["user__email", "activity__title"]
    raw_id_fields = ["user", "activity"]
    list_select_related = ["user", "activity"]

    def delete_model(self, request, obj):
        from communities.landscape import retention_parts

        community_id = Activity.objects.filter(pk=obj.activity_id).values_list(
            "community_id", flat=True
        )
        super().delete_model(request, obj)
        retention_parts.invalidate(list(community_id))

    def delete_queryset(self, request, queryset):
        from communities.landscape import retention_parts

        ids = set(queryset.values_list("activity__community_id", flat=True))
        super().delete_queryset(request, queryset)
        retention_parts.invalidate(ids)
