"""`manage.py escalate_overdue_demands [--today YYYY-MM-DD]`: escalate overdue demands, send due-soon notices."""

import datetime as dt

from django.core.management.base import BaseCommand

from industry_brain.core.context import acting_as


class Command(BaseCommand):
    help = "Escalate overdue demands (district, then city) and notify departments of demands due soon."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None)

    def handle(self, *args, today=None, **options):
        from industry_brain.demands import services

        with acting_as(None, label="command:escalate_overdue_demands"):
            counts = services.demand_escalate_overdue(today=today)
            counts["due_soon"] = services.demand_notify_due_soon(today=today)
        self.stdout.write(" ".join(f"{k}={v}" for k, v in counts.items()))
