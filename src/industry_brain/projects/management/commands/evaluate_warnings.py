"""`manage.py evaluate_warnings [--date YYYY-MM-DD]`: run every warning rule now and print the counts."""

import datetime as dt
import json

from django.core.management.base import BaseCommand

from industry_brain.core.context import acting_as


class Command(BaseCommand):
    help = "Evaluate the project warning rules over all projects and sync supervision orders."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="evaluate as of this date (default: today)")

    def handle(self, *args, date=None, **options):
        from industry_brain.projects.services import warning_evaluate_all

        today = dt.date.fromisoformat(date) if date else None
        with acting_as(None, label="job:evaluate_warnings"):
            counts = warning_evaluate_all(today=today)
        self.stdout.write(json.dumps(counts, ensure_ascii=False))
