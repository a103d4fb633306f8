"""`manage.py refresh_chain_stats`: rebuild the pre-aggregated ecosystem member counts (set-based)."""

import time

from django.core.management.base import BaseCommand

from industry_brain.core.context import acting_as


class Command(BaseCommand):
    help = "Rebuild the pre-aggregated member counts of the ecosystem overview from the chain memberships."

    def handle(self, *args, **options):
        from industry_brain.chains import services

        started = time.monotonic()
        with acting_as(None, label="command:refresh_chain_stats"):
            rows = services.ecosystem_stats_refresh()
        self.stdout.write(f"{len(rows)} ecosystems in {time.monotonic() - started:.1f}s")
