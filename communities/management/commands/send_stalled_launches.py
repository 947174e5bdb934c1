"""Email the program admins this week's list of stalled launches (the weekly beat task)."""

from django.core.management.base import BaseCommand

from communities.stewardship.jobs import send_stalled_launches


class Command(BaseCommand):
    help = "Email program admins the stalled launches. Safe to run at any time: once a week each."

    def handle(self, *args, **options):
        sent = send_stalled_launches()
        self.stdout.write(f"Sent {sent} stalled-launches list(s).")
