"""Warn coordinators about past sessions with no activity logged (what the daily beat task runs)."""

from django.core.management.base import BaseCommand

from communities.rhythm.jobs import warn_missed_heartbeats


class Command(BaseCommand):
    help = "Warn coordinators about missed heartbeats. Safe to run at any time: each goes out once."

    def handle(self, *args, **options):
        sent = warn_missed_heartbeats()
        self.stdout.write(f"Sent {sent} missed-heartbeat warning(s).")
