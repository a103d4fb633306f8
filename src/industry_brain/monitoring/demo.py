"""Demo data of the monitoring module: 36 months of monthly reports of the above-scale enterprises, consistent
with their yearly figures (the months of a year add up to the year's revenue, with a seasonal pattern), price
indices, value-added rates and classification bridges marked as approximate; realistic gaps (a few missing
months, the month in progress partly reported), corrections with their revisions; then the indicator table and
the briefings (the month before last issued, the last complete month as a draft).

Set-based and deterministic from `seed` (numpy arrays, bulk_create)."""

from __future__ import annotations

import datetime as dt
import zlib
from decimal import Decimal

import numpy as np
from django.db import transaction
from django.utils import timezone

from industry_brain.core.models import IndustryDivision
from industry_brain.enterprises.models import Enterprise, YearlyFigures

from .models import (
    Briefing,
    BriefingStatus,
    ClassificationBridge,
    MonthlyReport,
    PriceIndex,
    ReportRevision,
    Scheme,
    ValueAddedRate,
)
from .services import report_deadline, send_reminders

# Share of a year's output in each month (Spring Festival dip, year-end peak); sums to 1.
SEASON = np.array([0.070, 0.066, 0.083, 0.083, 0.085, 0.086, 0.083, 0.082, 0.085, 0.087, 0.089, 0.101])
SEASON = SEASON / SEASON.sum()
# Divisions counted in the classifications by the demo. Digital: division 39 holds almost all of 数字产品制造业;
# strategic: the official list maps 4-digit classes (NOT loaded); the demo's division set is a stand-in.
DIGITAL = ["39"]
STRATEGIC_DEMO = ["27", "35", "37", "38", "39", "40"]
CORRECTION_REASONS = ["企业财务报表调整，更正利润总额", "统计人员录入错误，更正工业总产值", "补录出口交货值"]


def _months(end: dt.date, n: int) -> list[dt.date]:
    out = [end]
    while len(out) < n:
        out.append((out[-1] - dt.timedelta(days=1)).replace(day=1))
    return out[::-1]


def _h(text: str) -> int:
    return zlib.crc32(text.encode())


@transaction.atomic
def seed_monitoring(*, scale: str = "city", seed: int = 2022, users: dict | None = None,
                    today: dt.date | None = None, compute: bool = True) -> dict:
    rng = np.random.default_rng(seed + 12)
    today = today or timezone.localdate()
    last_ended = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    in_progress = today <= report_deadline(last_ended)
    complete = (last_ended - dt.timedelta(days=1)).replace(day=1) if in_progress else last_ended
    months = _months(complete, 36) + ([last_ended] if in_progress else [])

    divisions = list(IndustryDivision.objects.filter(section_id__in=["B", "C", "D"]).values_list("code", flat=True))
    years = sorted({m.year for m in months})

    def drift(m: dt.date) -> float:
        return -0.4 if m.year == 2024 else 0.2

    ValueAddedRate.objects.bulk_create([
        ValueAddedRate(industry_id=d, year=y, rate=Decimal(f"{0.20 + (_h(d) % 140) / 1000:.4f}"))
        for d in divisions for y in years], ignore_conflicts=True)
    PriceIndex.objects.bulk_create([
        PriceIndex(industry_id=d, period=m, index=Decimal(f"{100 + rng.normal(drift(m), 1.2):.2f}"))
        for d in divisions for m in months], ignore_conflicts=True)
    ClassificationBridge.objects.bulk_create(
        [ClassificationBridge(scheme=Scheme.DIGITAL, industry_id=d, approximate=True,
                              note="39大类近似数字产品制造业；其他大类中的数字产品小类未计入") for d in DIGITAL]
        + [ClassificationBridge(scheme=Scheme.STRATEGIC, industry_id=d, approximate=True,
                                note="演示用近似对照，待载入官方分类目录") for d in STRATEGIC_DEMO],
        ignore_conflicts=True)

    firms = list(Enterprise.objects.filter(is_above_scale=True).order_by("pk").values_list("pk", "industry_id"))
    if not firms:
        return {"reports": 0}
    ids = np.array([pk for pk, _ in firms])
    index = {pk: i for i, pk in enumerate(ids)}
    fig_years = sorted(set(YearlyFigures.objects.values_list("year", flat=True)))
    revenue = np.zeros((len(ids), len(fig_years)))
    main = np.zeros_like(revenue)
    export_share = np.zeros(len(ids))
    margin = np.zeros(len(ids))
    employees = np.zeros(len(ids))
    for pk, year, rev, mr, exp, profit, emp in YearlyFigures.objects.filter(enterprise__is_above_scale=True) \
            .values_list("enterprise_id", "year", "revenue", "main_revenue", "export_revenue", "net_profit",
                         "employees"):
        i, k = index[pk], fig_years.index(year)
        revenue[i, k], main[i, k] = float(rev), float(mr)
        if year == fig_years[-1]:
            export_share[i] = float(exp) / float(rev) if rev else 0
            margin[i] = float(profit) / float(rev) if rev else 0
            employees[i] = emp
    last = revenue[:, -1]
    trend = np.clip(np.divide(last, revenue[:, -2], out=np.ones_like(last), where=revenue[:, -2] > 0) - 1, -0.25, 0.35)
    # A firm's own pace for the years after the figures: its trend pulled towards the city's single-digit growth.
    pace = 0.5 * trend + 0.5 * 0.07 + rng.normal(0, 0.04, len(ids))

    def year_revenue(year: int) -> np.ndarray:
        if year in fig_years:
            return revenue[:, fig_years.index(year)]
        return last * (1 + pace) ** (year - fig_years[-1])

    def in_scope(year: int) -> np.ndarray:
        prior = year - 1
        if prior in fig_years:
            return main[:, fig_years.index(prior)] >= 2000
        return np.ones(len(ids), dtype=bool)

    elec_intensity = np.array([0.02 + (_h(d) % 90) / 1000 for _pk, d in firms])
    total = 0
    revisions: list[ReportRevision] = []
    for m in months:  # one month at a time: memory stays flat at province scale
        rev_m = year_revenue(m.year) * SEASON[m.month - 1] * rng.normal(1, 0.04, len(ids))
        rev_m = np.maximum(rev_m, 1.0)
        output = rev_m * rng.uniform(0.97, 1.05, len(ids))
        sales = output * rng.uniform(0.93, 1.0, len(ids))
        export = sales * np.clip(export_share, 0, 0.9)
        profit = rev_m * (margin + rng.normal(0, 0.03, len(ids)))
        elec = output * elec_intensity * rng.uniform(0.9, 1.1, len(ids))
        present = in_scope(m.year) & (rng.random(len(ids)) > (0.35 if m == last_ended and in_progress else 0.012))
        corrected = rng.random(len(ids)) < 0.005
        rows = [MonthlyReport(
            enterprise_id=int(ids[i]), period=m, output_value=Decimal(f"{output[i]:.2f}"),
            sales_value=Decimal(f"{sales[i]:.2f}"), export_value=Decimal(f"{export[i]:.2f}"),
            revenue=Decimal(f"{rev_m[i]:.2f}"), profit=Decimal(f"{profit[i]:.2f}"), employees=int(employees[i]),
            electricity=Decimal(f"{elec[i]:.2f}"), revision=1 if corrected[i] else 0)
            for i in np.nonzero(present)[0]]
        MonthlyReport.objects.bulk_create(rows, batch_size=5000)
        total += len(rows)
        fixed = {int(ids[i]) for i in np.nonzero(present & corrected)[0]}
        for pk, ent, profit_v, out in MonthlyReport.objects.filter(period=m, enterprise_id__in=fixed).values_list(
                "pk", "enterprise_id", "profit", "output_value"):
            before = {"profit": str(round(profit_v * Decimal("0.9"), 2)),
                      "output_value": str(round(out * Decimal("0.98"), 2))}
            revisions.append(ReportRevision(report_id=pk, revision=0, reason=CORRECTION_REASONS[ent % 3],
                                            values=before))
    ReportRevision.objects.bulk_create(revisions, batch_size=5000)
    reminders = send_reminders(period=complete, today=today)
    result = {"reports": total, "months": len(months), "reminders": reminders}
    if compute:
        from . import briefing, services

        services.compute_indicators(engine="duckdb")
        previous = (complete - dt.timedelta(days=1)).replace(day=1)
        issued = briefing.generate_for(actor=None, period=previous)
        Briefing.objects.filter(pk=issued.pk).update(status=BriefingStatus.ISSUED)
        briefing.generate_for(actor=None, period=complete)
    return result
