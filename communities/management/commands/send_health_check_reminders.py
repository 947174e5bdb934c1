"""Remind core group members of open health checks they have not answered (the daily beat task)."""

from django.core.management.base import BaseCommand

from communities.health.jobs import send_reminders


class Command(BaseCommand):
    help = (
        "Remind core group members of open health checks they have not answered. Safe to run "
        "at any time: each member gets one reminder per health check."
    )

    def handle(self, *args, **options):
        sent = send_reminders()
        self.stdout.write(f"Sent {sent} health check reminder(s).")
