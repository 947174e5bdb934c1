"""`manage.py backup [--output FILE]`: the whole program in one archive (childcop.backup)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from childcop.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump custom format, or SQLite's online backup) and the "
        "uploaded files into one .tar.gz archive; safe while the product runs."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help="Archive to write (default: var/backups/childcop-<date>-<time>.tar.gz).",
        )

    def handle(self, *args, output=None, **options):
        if output is None:
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
            output = Path(settings.VAR_DIR) / "backups" / f"childcop-{stamp}.tar.gz"
        try:
            manifest = backup(output)
        except BackupError as error:
            raise CommandError(str(error)) from error
        counts = ", ".join(f"{n} {what}" for what, n in manifest["figures"].items())
        self.stdout.write(self.style.SUCCESS(f"Backed up {counts} to {output}"))
