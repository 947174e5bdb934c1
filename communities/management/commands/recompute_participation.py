"""Extend the rhythms' sessions and recompute participation levels (what the nightly task runs)."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Extend every rhythm's upcoming sessions, then recompute members' participation levels."

    def handle(self, *args, **options):
        from communities.participation import recompute_levels
        from communities.rhythm.services import extend_all_sessions

        created = extend_all_sessions()
        changed = recompute_levels()
        self.stdout.write(
            f"{created} session(s) created; {changed} participation level(s) changed."
        )
