"""`manage.py backup --output FILE`: the database as a portable dump plus the uploaded files, with checksums."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from industry_brain.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Write a backup archive (database dump, uploaded files, checksums) to --output."

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="archive to write (e.g. industry-brain-2026-12-03.tar)")

    def handle(self, *args, output, **options):
        try:
            summary = backup(Path(output))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"backup written to {output}: {summary.models} models, {summary.rows} rows, "
                          f"{summary.files} files ({summary.bytes} bytes)")
