from django.db import models


class Action(models.TextChoices):
    SIGNED_IN = "signed_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Failed sign-in"
    MFA_ADDED = "mfa_added", "Two-factor method added"
    MFA_REMOVED = "mfa_removed", "Two-factor method removed"
    MFA_RESET = "mfa_reset", "Recovery codes regenerated"
    ROLE_CHANGED = "role_changed", "Role or level changed by hand"
    STAGE_CHANGED = "stage_changed", "Lifecycle stage changed"
    APPOINTMENT = "appointment", "Appointment"
    CASE_ENDORSED = "case_endorsed", "Business case endorsed"
    IMPORTED = "imported", "Attendance imported"
    EXPORTED = "exported", "Exported"
    DATA_DOWNLOADED = "data_downloaded", "Personal data downloaded"
    ERASED = "erased", "Person erased"
    TOKEN_CREATED = "token_created", "Access token created"
