"""Delete audit entries older than the retention period (what the daily beat task runs)."""

from django.core.management.base import BaseCommand

from audit.jobs import purge_expired
from audit.services import retention_days


class Command(BaseCommand):
    help = (
        "Delete audit entries older than CHILDCOP_AUDIT_RETENTION_DAYS. Safe to run at any "
        "time: a second run deletes nothing more."
    )

    def handle(self, *args, **options):
        deleted = purge_expired()
        self.stdout.write(f"Deleted {deleted} audit entries older than {retention_days()} days.")
