"""Email yesterday's new help requests to members who want digests (the daily task)."""

from django.core.management.base import BaseCommand

from communities.learning.jobs import send_digests


class Command(BaseCommand):
    help = "Email the daily digest of new help requests. Safe to run at any time: one per day each."

    def handle(self, *args, **options):
        sent = send_digests()
        self.stdout.write(f"Sent {sent} help-request digest(s).")
