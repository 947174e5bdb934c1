"""Compute and store the landscape of practice and the program's retention (what the
nightly beat task runs)."""

from django.core.management.base import BaseCommand

from communities.landscape.jobs import refresh


class Command(BaseCommand):
    help = (
        "Compute the landscape of practice (communities, shared members, brokers, departments, "
        "the map's layout) and the program's retention, replacing the stored one. Safe to run "
        "at any time."
    )

    def handle(self, *args, **options):
        result = refresh()
        self.stdout.write(
            f"Landscape: {result['communities']} communities, {result['links']} links, "
            f"{result['brokers']} brokers in {result['seconds']} s."
        )
