"""Remind coordinators of plan–do–check–act reviews falling due (what the daily beat task runs)."""

from django.core.management.base import BaseCommand

from communities.stewardship.jobs import send_review_reminders


class Command(BaseCommand):
    help = "Remind coordinators of PDCA reviews due. Safe to run at any time: each goes out once."

    def handle(self, *args, **options):
        sent = send_review_reminders()
        self.stdout.write(f"Sent {sent} PDCA review reminder(s).")
