"""The audit log: read by program admins, filtered, paginated and exported; never written
to from a page."""

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.views.decorators.http import require_GET

from childcop import permissions
from childcop.utils import csv_response, filtered_page

from .filters import AuditEntryFilter
from .models import AuditEntry
from .services import retention_days


def _entries(request):
    if not permissions.can_read_audit_log(request.user):
        raise PermissionDenied
    queryset = AuditEntry.objects.select_related("actor", "subject", "community")
    return AuditEntryFilter(request.GET, queryset=queryset)


@require_GET
def audit_log(request):
    return filtered_page(
        request,
        _entries(request),
        "audit/log.html",
        "audit/_log_table.html",
        retention_days=retention_days(),
    )


EXPORT_HEADER = [
    "When", "Who", "Who (email)", "Action", "Person concerned", "Community", "What",
    "Detail", "Address",
]  # fmt: skip


@require_GET
def audit_export(request):
    filterset = _entries(request)
    rows = (
        (
            timezone.localtime(entry.at).isoformat(timespec="seconds"),
            entry.actor.display_name if entry.actor else "",
            entry.actor.email if entry.actor else "",
            entry.get_action_display(),
            entry.subject.display_name if entry.subject else "",
            entry.community.name if entry.community else "",
            entry.target,
            entry.detail,
            entry.ip_address or "",
        )
        for entry in filterset.qs.iterator(chunk_size=2000)
    )
    today = timezone.localdate()
    return csv_response(f"audit-log-{today:%Y-%m-%d}.csv", EXPORT_HEADER, rows, request=request)
