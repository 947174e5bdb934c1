"""Writing the audit log, and keeping it only as long as the retention period."""

from __future__ import annotations

import contextvars
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from .models import AuditEntry

# The address of the request being served (set by `audit.middleware`), so that services
# recording an action deep inside a workflow need not be handed the request.
current_address: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "audit_address", default=None
)


def client_address(request) -> str | None:
    """The address the request came from (REMOTE_ADDR: the proxy in front of the web
    server sets it from the connection; nothing the client sends is trusted)."""
    return (request.META.get("REMOTE_ADDR") or None) if request is not None else None


def _label(target) -> str:
    if target is None:
        return ""
    if isinstance(target, models.Model):
        return f"{target._meta.verbose_name} #{target.pk}: {target}"
    return str(target)


def record(
    actor,
    action,
    target=None,
    *,
    subject=None,
    community=None,
    detail: str = "",
    request=None,
) -> AuditEntry:
    """Write one entry: `actor` did `action` to `target` (a model instance or a text; never a
    person's name: a person concerned is the `subject`), in `community`, with `detail`."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    address = client_address(request) if request is not None else current_address.get()
    return AuditEntry.objects.create(
        actor=actor,
        action=action,
        subject=subject,
        community=community,
        target=_label(target)[:300],
        detail=str(detail)[:500],
        ip_address=address,
    )


def _said(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, models.QuerySet | list | tuple):
        return ", ".join(str(item) for item in value) or "none"
    return str(value)


def record_admin_change(request, obj, form, fields, *, subject, community=None) -> None:
    """A role or level changed by hand in the Django admin: which of `fields` changed."""
    from .choices import Action

    changed = [name for name in fields if name in form.changed_data]
    if not changed:
        return
    labels = [
        f"{form.fields[name].label}: {_said(form.cleaned_data.get(name))}" for name in changed
    ]
    record(
        request.user,
        Action.ROLE_CHANGED,
        obj,
        subject=subject,
        community=community,
        detail="in the admin: " + "; ".join(labels),
        request=request,
    )


def retention_days() -> int:
    return settings.CHILDCOP_AUDIT_RETENTION_DAYS


def purge_expired(now=None) -> int:
    """Delete the entries older than the retention period; the number deleted. Running it
    again deletes nothing more."""
    cutoff = (now or timezone.now()) - timedelta(days=retention_days())
    deleted, _ = AuditEntry.objects.filter(at__lt=cutoff).delete()
    return deleted
