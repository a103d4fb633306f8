"""Factories for project tests."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from industry_brain.projects.models import ProgressReport, Project, YearlyPlan
from industry_brain.projects.services import default_responsible_org, refresh_report_totals

_serial = itertools.count(1)


def make_project(*, district: str = "330106", enterprise=None, ecosystem=None, chain=None, stage: str | None = None,
                 total: int = 10_000, lat: float | None = 30.25, lon: float | None = 120.10, **dates) -> Project:
    """A project saved directly (no service), with the given planned/actual dates; the stage is derived from the
    actual dates unless given."""
    from industry_brain.projects.choices import MILESTONE_ORDER, MILESTONE_STAGE

    if stage is None:
        reached = [m for m in MILESTONE_ORDER if dates.get(f"actual_{m}")]
        stage = MILESTONE_STAGE[reached[-1]] if reached else "reserve"
    n = next(_serial)
    return Project.objects.create(
        code=f"T-{n:05d}", name=f"测试项目{n}", district_id=district, enterprise=enterprise,
        investor_name="" if enterprise else "外地投资方", ecosystem=ecosystem or (chain.ecosystem if chain else None),
        chain=chain, total_investment=Decimal(total), fixed_investment=Decimal(total) * Decimal("0.8"), stage=stage,
        lat=lat, lon=lon, responsible_org=default_responsible_org(district),
        cancelled_on=dt.date(2025, 1, 1) if stage == "cancelled" else None, **dates)


def add_reports(project: Project, amounts: dict[dt.date, int | float]) -> None:
    ProgressReport.objects.bulk_create([ProgressReport(project=project, period=p, investment=Decimal(str(a)))
                                        for p, a in amounts.items()])
    refresh_report_totals(project_ids=[project.pk])
    project.refresh_from_db()


def add_plan(project: Project, year: int, amount) -> YearlyPlan:
    return YearlyPlan.objects.create(project=project, year=year, amount=Decimal(str(amount)))


def month(year: int, m: int) -> dt.date:
    return dt.date(year, m, 1)
