"""Email this week's "Needs you" summary to everyone who asked for it (the Monday beat task)."""

from django.core.management.base import BaseCommand

from childcop.needs.jobs import send_weekly_summaries


class Command(BaseCommand):
    help = (
        "Email the weekly 'Needs you' summary to those who turned it on. Safe to run at any "
        "time: once a week each."
    )

    def handle(self, *args, **options):
        sent = send_weekly_summaries()
        self.stdout.write(f"Sent {sent} weekly summar{'ies' if sent != 1 else 'y'}.")
