"""`manage.py refresh_demand_stats`: rebuild the pre-aggregated demand statistics (set-based)."""

import time

from django.core.management.base import BaseCommand

from industry_brain.core.context import acting_as


class Command(BaseCommand):
    help = "Rebuild the pre-aggregated demand statistics from the demands."

    def handle(self, *args, **options):
        from industry_brain.demands import services

        started = time.monotonic()
        with acting_as(None, label="command:refresh_demand_stats"):
            rows = services.demand_stats_refresh()
        self.stdout.write(f"{rows} aggregate rows in {time.monotonic() - started:.1f}s")
