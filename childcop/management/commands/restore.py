"""`manage.py restore FILE [--replace]`: a backup archive back into the database."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from childcop.backup import BackupError, figures, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into the configured database (empty, "
        "or with --replace) and the uploaded files. Stop the web, worker and beat first."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Replace a database that already has people in it.",
        )

    def handle(self, *args, archive, replace, **options):
        if not archive.is_file():
            raise CommandError(f"No backup at {archive}.")
        try:
            manifest = restore(archive, replace=replace)
        except BackupError as error:
            raise CommandError(str(error)) from error
        now = figures()
        counts = ", ".join(f"{n} {what}" for what, n in now.items())
        self.stdout.write(
            self.style.SUCCESS(f"Restored the backup of {manifest['created']}: {counts}.")
        )
        if now != manifest["figures"]:
            raise CommandError(
                f"The restored figures differ from the backup's: {manifest['figures']}"
            )
