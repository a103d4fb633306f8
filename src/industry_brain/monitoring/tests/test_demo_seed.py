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


def test_city_demo_lands_near_the_sources_figures(client):
    """The city demo (foundation, projects, monitoring) against the source's 1—10月 2026: 规上工业增加值 3,489亿元 with
    single-digit growth; 工业投资 +28.7%, 制造业投资 +35.1% in the month whose project reports are last due. Bands
    of ±10% (value added, investment growth)."""
    from industry_brain.demo.foundation import seed_foundation
    from industry_brain.demo.projects import DUE_DAY, seed_projects
    from industry_brain.monitoring.demo import seed_monitoring
    from industry_brain.projects.rules import expected_month

    result = seed_foundation(scale="city", seed=2022)
    seed_projects(scale="city", seed=2022, users=result["users"])
    seed_monitoring(scale="city", seed=2022, users=result["users"])
    october = Indicator.objects.get(dimension="city", key="all", period=dt.date(2026, 10, 1))
    assert 0.9 * 3_489 < october.va_cum / 10_000 < 1.1 * 3_489  # 万元 → 亿元
    assert 0 < october.va_growth_cum < 10
    due = expected_month(dt.date.today(), DUE_DAY)
    city = Indicator.objects.get(dimension="city", key="all", period=due)
    assert 0.9 * 28.7 < city.inv_industrial_growth_cum < 1.1 * 28.7
    assert 0.9 * 35.1 < city.inv_manufacturing_growth_cum < 1.1 * 35.1
    client.force_login(result["users"]["city_admin"])
    html = client.get(f"/monitoring/?period={due:%Y-%m}").content.decode()
    assert f"{city.inv_industrial_growth_cum:.1f}%" in html and "项目月报无可比基数" not in html
