"""Seed the synthetic demo data set: `manage.py seed_demo [--scale city|province|tiny] [--if-empty]`."""

import importlib
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from industry_brain.core.context import acting_as
from industry_brain.enterprises.models import Enterprise

# Each later module adds a seeder here: (module, function); it receives scale, seed and the demo users. The order
# is the order of dependence (tiers before policies; the supply network before matchmaking and brains).
SEEDERS = [
    ("industry_brain.demo.projects", "seed_projects"),
    ("industry_brain.demo.demands", "seed_demands"),
    ("industry_brain.cultivation.demo", "seed_cultivation"),
    ("industry_brain.factories.demo", "seed_factories"),
    ("industry_brain.supply.demo", "seed_supply"),
    ("industry_brain.matchmaking.demo", "seed_matchmaking"),
    ("industry_brain.brains.demo", "seed_brains"),
    ("industry_brain.monitoring.demo", "seed_monitoring"),
    ("industry_brain.policies.demo", "seed_policies"),
]


class Command(BaseCommand):
    help = "Seed the synthetic demo data set (deterministic) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["tiny", "city", "province"], default="city")
        parser.add_argument("--seed", type=int, default=2022)
        parser.add_argument("--if-empty", action="store_true", help="do nothing when enterprises already exist")
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, scale, seed, if_empty, quiet, **options):
        from industry_brain.demo.foundation import seed_foundation

        if if_empty and Enterprise.objects.exists():
            if not quiet:
                self.stdout.write("demo data already present; reusing the database")
                self.print_logins()
            return
        started = time.monotonic()
        with acting_as(None, label="command:seed_demo"):
            result = seed_foundation(scale=scale, seed=seed)
            if not quiet:
                self.stdout.write(f"foundation seeded ({scale}) in {time.monotonic() - started:.1f}s")
            for module_name, func in SEEDERS:
                try:
                    module = importlib.import_module(module_name)
                except ModuleNotFoundError as exc:
                    if exc.name != module_name:  # a missing module inside the seeder is an error, not "no seeder"
                        raise
                    continue
                t = time.monotonic()
                getattr(module, func)(scale=scale, seed=seed, users=result["users"])
                if not quiet:
                    self.stdout.write(f"{func.removeprefix('seed_')} seeded in {time.monotonic() - t:.1f}s")
        if not quiet:
            self.print_logins()

    def print_logins(self):
        self.stdout.write("")
        self.stdout.write("Demo logins (synthetic data), password: " + settings.DEMO_PASSWORD)
        for name, what in [("city_admin", "市经信局"), ("xihu_officer", "西湖区经信局"), ("xiaoshan_officer", "萧山区经信局"),
                           ("chain_iot", "智能物联专班"), ("dept_transport", "市交通运输局"), ("cadre_demo", "助企干部"),
                           ("enterprise_demo", "企业用户"), ("enterprise_demo2", "企业用户")]:
            self.stdout.write(f"  {name:<18} {what}")
