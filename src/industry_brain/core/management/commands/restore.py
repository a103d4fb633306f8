"""`manage.py restore FILE`: restore a backup archive into an empty database and compare it with the manifest."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from industry_brain.core.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup archive into an empty database; every model's row count and checksum are compared."

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--force", action="store_true",
                            help="replace a database that already has users (everything in it is deleted)")

    def handle(self, *args, archive, force, **options):
        if not Path(archive).is_file():
            raise CommandError(f"no such archive: {archive}")
        try:
            summary = restore(Path(archive), force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"restored {summary.models} models, {summary.rows} rows, {summary.files} files; "
                          "row counts and checksums match the backup")
