"""Remind about agreement reviews due in 14 days or overdue (what the daily beat task runs)."""

from django.core.management.base import BaseCommand

from sponsorship import jobs


class Command(BaseCommand):
    help = "Send the agreement review reminders that are due. Safe to run at any time: each goes out once."

    def handle(self, *args, **options):
        sent = jobs.send_review_reminders()
        self.stdout.write(f"Sent {sent} agreement review reminder(s).")
