"""Recompute every community's health status row (what the hourly beat task runs)."""

from django.core.management.base import BaseCommand, CommandError

from communities.health.jobs import refresh
from communities.models import Community


class Command(BaseCommand):
    help = (
        "Recompute the indicators and flags of the program overview's status rows, in batches "
        "of CHILDCOP_HEALTH_BATCH_SIZE communities. Safe to run at any time."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--community",
            action="append",
            metavar="SLUG",
            help="Only this community (repeat for several). Default: every community.",
        )

    def handle(self, *args, community=None, **options):
        ids = None
        if community:
            found = dict(Community.objects.filter(slug__in=community).values_list("slug", "pk"))
            missing = sorted(set(community) - set(found))
            if missing:
                raise CommandError(f"No such community: {', '.join(missing)}")
            ids = list(found.values())
        written = refresh(ids)
        self.stdout.write(f"Refreshed {written} health status row(s).")
