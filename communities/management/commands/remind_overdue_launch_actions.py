"""Remind owners of overdue launch action items (what the daily beat task runs)."""

from django.core.management.base import BaseCommand

from communities.stewardship.jobs import remind_overdue_actions


class Command(BaseCommand):
    help = (
        "Email owners of overdue launch action items. Safe to run at any time: each goes out once."
    )

    def handle(self, *args, **options):
        sent = remind_overdue_actions()
        self.stdout.write(f"Sent {sent} overdue action reminder(s).")
