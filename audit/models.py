"""One row per audited action. Rows are written once and never changed: `save` refuses an
existing row, `delete` refuses a row, and a queryset's `update` may only let go of a person
or community that is deleted (Django's `SET_NULL`). Only the retention job
(`audit.services.purge_expired`) deletes rows, those older than the retention period.

People are referred to by their user row only, never by a copy of their name: erasing a
person anonymises that row, and with it every entry that names them, without touching the
log."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .choices import Action

# The references a deletion elsewhere may empty (on_delete=SET_NULL); nothing else changes.
RELEASABLE = {"actor", "subject", "community"}


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        if set(kwargs) <= RELEASABLE and all(value is None for value in kwargs.values()):
            return super().update(**kwargs)
        raise PermissionError("Audit entries are never changed.")


class AuditEntry(models.Model):
    at = models.DateTimeField("when", default=timezone.now, db_index=True, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        help_text="Who did it; empty for a failed sign-in with an unknown address or a job.",
    )
    action = models.CharField(max_length=30, choices=Action.choices, editable=False)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        help_text="The person the action concerns, when it is about someone.",
    )
    community = models.ForeignKey(
        "communities.Community",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    target = models.CharField(
        max_length=300, blank=True, editable=False, help_text="What it was done to."
    )
    detail = models.CharField(max_length=500, blank=True, editable=False)
    ip_address = models.GenericIPAddressField("address", null=True, editable=False)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "audit entry"
        verbose_name_plural = "audit log"
        indexes = [
            models.Index(fields=["action", "-at"]),
            models.Index(fields=["actor", "-at"]),
            models.Index(fields=["community", "-at"]),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("Audit entries are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit entries are deleted by the retention job only.")
