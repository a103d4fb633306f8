"""Demo data of future factories: 14 provincial future factories and 106 municipal ones (48 + 58), each an
application with figures meeting the 2025 gates, evaluated by the engine, then recognised."""

from __future__ import annotations

import random
from decimal import Decimal

from django.db import transaction

from industry_brain.enterprises.models import Enterprise

from . import services
from .models import FactoryApplication, FactoryStatus

MOUNTAIN_ISLAND = {"330127"}  # 淳安县 (one of Zhejiang's 26 mountain counties)


@transaction.atomic
def seed_factories(*, scale: str, seed: int, users: dict) -> None:
    rng = random.Random(seed + 23)
    factor = {"tiny": 0.1, "city": 1, "province": 10}[scale]
    plan = [("future_factory", "provincial", 2022, int(14 * factor)), ("smart_factory", "municipal", 2022,
                                                                         int(48 * factor)),
            ("smart_factory", "municipal", 2023, int(58 * factor)), ("digital_workshop", "municipal", 2025,
                                                                      int(20 * factor))]
    firms = list(Enterprise.objects.filter(is_above_scale=True, industry__section_id="C").order_by("pk")
                 .values_list("pk", "district_id")[: 2000])
    rng.shuffle(firms)
    apps = []
    for level, list_level, year, n in plan:
        for _ in range(n):
            if not firms:
                break
            pk, district = firms.pop()
            mountain = district in MOUNTAIN_ISLAND
            base = {"future_factory": 6000, "smart_factory": 3000 if mountain else 4000,
                    "digital_workshop": 1500 if mountain else 2000}[level]
            apps.append(FactoryApplication(
                enterprise_id=pk, level=level, list_level=list_level, year=year, mountain_island=mountain,
                investment=Decimal(base + rng.randint(0, 8000)), credit_good=True,
                digital_level=Decimal(str(round(rng.uniform(3.0 if level == "future_factory" else 2.0, 4.5), 1))),
                completion_year=year, gbt39116_level=rng.choice([None, 2, 3, 3, 4]) if level != "digital_workshop"
                else rng.choice([None, 1, 2])))
    FactoryApplication.objects.bulk_create(apps, batch_size=2000)
    # the engine decides each application; the city's list holds those meeting every gate
    FactoryApplication.objects.bulk_update(list(_evaluated()), ["evaluation", "eligible", "rule_set", "status"],
                                           batch_size=2000)


def _evaluated():
    for app in FactoryApplication.objects.filter(status=FactoryStatus.SUBMITTED):
        result = services.gates(app)
        app.evaluation, app.eligible, app.rule_set_id = result, result["eligible"], result["rule_set"]
        app.status = FactoryStatus.RECOGNISED if app.eligible and app.level != "digital_workshop" else (
            FactoryStatus.EVALUATED if app.eligible else FactoryStatus.REJECTED)
        yield app
