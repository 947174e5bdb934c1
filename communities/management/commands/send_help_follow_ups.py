"""Ask askers how the helpful advice turned out (hourly task, with the unanswered notices)."""

from django.core.management.base import BaseCommand

from communities.learning.jobs import send_follow_ups


class Command(BaseCommand):
    help = "Email the follow-ups that are due. Safe to run at any time: each goes out once."

    def handle(self, *args, **options):
        sent = send_follow_ups()
        self.stdout.write(f"Sent {sent} follow-up(s).")
