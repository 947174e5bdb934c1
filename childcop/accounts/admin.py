from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import InvitationDomain, SentEmail, User

# Changing one of these by hand is recorded in the audit log.
ROLE_FIELDS = ["is_program_admin", "is_active", "is_staff", "is_superuser", "groups"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["display_name"]
    list_display = [
        "email",
        "display_name",
        "department",
        "job_title",
        "is_program_admin",
        "is_active",
    ]
    list_filter = ["is_program_admin", "is_staff", "is_active", "break_glass", "department"]
    search_fields = ["email", "display_name", "department", "job_title"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("display_name", "job_title", "department")}),
        (
            "Roles",
            {
                "fields": (
                    "is_program_admin",
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "break_glass",
                    "groups",
                )
            },
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            from audit.services import record_admin_change

            record_admin_change(request, obj, form, ROLE_FIELDS, subject=obj)

    add_fieldsets = (
        (
            None,
            {"classes": ("wide",), "fields": ("email", "display_name", "password1", "password2")},
        ),
    )


@admin.register(SentEmail)
class SentEmailAdmin(admin.ModelAdmin):
    list_display = ["kind", "key", "recipient", "created_at"]
    list_filter = ["kind"]
    search_fields = ["recipient__email", "key"]
    raw_id_fields = ["recipient"]


@admin.register(InvitationDomain)
class InvitationDomainAdmin(admin.ModelAdmin):
    """Domains, beyond sign-up's, whose people an attendance import may invite."""

    list_display = ["domain", "note", "created_at"]
    search_fields = ["domain", "note"]
