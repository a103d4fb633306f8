"""The demo seeder at tiny scale: reports consistent with the yearly figures, gaps, corrections, indicators and
briefings."""

import datetime as dt

import pytest

from industry_brain.monitoring.models import Briefing, Indicator, MonthlyReport, ReportRevision

pytestmark = pytest.mark.django_db


def test_tiny_demo_seeds_reports_indicators_and_briefings():
    from industry_brain.demo.foundation import seed_foundation
    from industry_brain.monitoring.demo import seed_monitoring

    result = seed_foundation(scale="tiny", seed=7)
    out = seed_monitoring(scale="tiny", seed=7, users=result["users"], today=dt.date(2026, 11, 20))
    periods = sorted(set(MonthlyReport.objects.values_list("period", flat=True)))
    assert periods[0] == dt.date(2023, 11, 1) and periods[-1] == dt.date(2026, 10, 1)
    assert len(periods) == 36
    assert out["reports"] == MonthlyReport.objects.count()
    assert ReportRevision.objects.count() > 0
    city = Indicator.objects.get(dimension="city", period=dt.date(2026, 10, 1))
    assert city.va_growth_cum is not None and -10 < city.va_growth_cum < 10
    assert Briefing.objects.filter(status="issued").count() == 1
