"""Tell coordinators about help requests unanswered past the response commitment (hourly task)."""

from django.core.management.base import BaseCommand

from communities.learning.jobs import send_unanswered_notices


class Command(BaseCommand):
    help = "Email coordinators about unanswered help requests. Safe to run at any time: each goes out once."

    def handle(self, *args, **options):
        sent = send_unanswered_notices()
        self.stdout.write(f"Sent {sent} unanswered-request notice(s).")
