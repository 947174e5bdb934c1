"""Generate the monthly health reports and the program report (what the monthly beat task runs)."""

from django.core.management.base import BaseCommand, CommandError

from communities.health.jobs import generate_reports
from communities.health.services.reports import parse_period


class Command(BaseCommand):
    help = (
        "Generate each community's health report and the program report for a month "
        "(default: the previous one) and email them. Safe to run again: a stored report is "
        "never replaced, and each email goes out once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--period", help="The month reported on, YYYY-MM (default: last month)."
        )
        parser.add_argument(
            "--no-email", action="store_true", help="Store the reports without emailing anyone."
        )

    def handle(self, *args, period=None, no_email=False, **options):
        try:
            result = generate_reports(
                parse_period(period) if period else None, send_emails=not no_email
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Health reports for {result['period']}: {result['communities']} communities, "
            f"{result['created']} report(s) created, {result['emails']} email(s) sent; "
            f"program report {'created' if result['program_report_created'] else 'kept'}, "
            f"{result['program_emails']} email(s) sent."
        )
