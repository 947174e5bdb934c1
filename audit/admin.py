from django.contrib import admin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit log is never written, changed or deleted from the admin."""

    list_display = ["at", "action", "actor", "subject", "community", "target", "ip_address"]
    list_filter = ["action"]
    list_select_related = ["actor", "subject", "community"]
    date_hierarchy = "at"
    readonly_fields = [
        "at", "actor", "action", "subject", "community", "target", "detail", "ip_address",
    ]  # fmt: skip

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
