"""Email members about their communities' sessions due soon (what the hourly beat task runs)."""

from django.core.management.base import BaseCommand

from communities.rhythm.jobs import send_due_reminders


class Command(BaseCommand):
    help = "Send the session reminders that are due. Safe to run at any time: each goes out once."

    def handle(self, *args, **options):
        sent = send_due_reminders()
        self.stdout.write(f"Sent {sent} session reminder(s).")
