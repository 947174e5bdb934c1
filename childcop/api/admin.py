from django.contrib import admin, messages
from django.utils import timezone

from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Who holds tokens and when each was last used; a program admin may revoke one (a person
    leaving). Tokens are created by their owners on their profile, never here, and the
    token itself is never stored: nothing here can show it."""

    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "user__email", "user__display_name", "prefix"]
    readonly_fields = [
        "user", "name", "prefix", "areas", "read_only", "created_at", "last_used_at", "revoked_at",
    ]  # fmt: skip
    exclude = ["digest"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        messages.success(request, f"{count} token(s) revoked.")
