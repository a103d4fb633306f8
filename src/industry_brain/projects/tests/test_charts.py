"""Chart data of the project pages (`projects/charts.py`) obey scope like rows: crafted projects in 西湖 and 萧山,
read by the two district bureaus (and the city), each seeing its own district's figures only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404, QueryDict

from industry_brain.core.models import District
from industry_brain.projects import charts

from .helpers import add_plan, add_reports, make_project, month

TODAY = dt.date(2025, 3, 15)


@pytest.fixture
def crafted(world):
    """西湖: two projects (7,000 and 5,000; one red), 萧山: one project (900, yellow)."""
    xihu_a = make_project(district="330106", total=7_000, enterprise=world.ent_xihu, ecosystem=world.ecosystem,
                          actual_signed=dt.date(2024, 11, 2), planned_start=dt.date(2025, 2, 1))
    xihu_b = make_project(district="330106", total=5_000)
    xiaoshan = make_project(district="330109", total=900, lat=30.18, lon=120.27)
    type(xihu_b).objects.filter(pk=xihu_b.pk).update(warning_level="red")
    type(xiaoshan).objects.filter(pk=xiaoshan.pk).update(warning_level="yellow")
    add_plan(xihu_a, 2025, 1200)
    add_reports(xihu_a, {month(2025, 1): 150, month(2025, 3): 250})
    return {"xihu_a": xihu_a, "xihu_b": xihu_b, "xiaoshan": xiaoshan}


def _bars(option: dict) -> dict[str, list]:
    return {s["name"]: s["data"] for s in option["series"]}


def test_dashboard_charts_show_each_district_only_its_own_projects(world, crafted):
    xihu, xiaoshan = (District.objects.get(code=c).name for c in ("330106", "330109"))
    mine = charts.dashboard(user=world.user("district"))
    assert mine["district"]["xAxis"]["data"] == [xihu]
    assert list(_bars(mine["district"]).values()) == [[1], [0], [1]]  # green, yellow, red
    assert sum(b["value"] for b in mine["stage"]["series"][0]["data"]) == 2
    assert mine["data"]["total_investment"] == 12_000

    other = charts.dashboard(user=world.user("district_other"))
    assert other["district"]["xAxis"]["data"] == [xiaoshan]
    assert list(_bars(other["district"]).values()) == [[0], [1], [0]]
    assert other["data"]["total_investment"] == 900

    city = charts.dashboard(user=world.user("city"))
    assert sorted(city["district"]["xAxis"]["data"]) == sorted([xihu, xiaoshan])
    assert city["data"]["total_investment"] == 12_900


def test_map_district_totals_follow_scope_and_filters(world, crafted):
    assert charts.map_districts(user=world.user("district"), params=QueryDict()) == [
        {"code": "330106", "name": District.objects.get(code="330106").name, "count": 2, "investment": 12_000.0}]
    assert [(r["code"], r["count"], r["investment"]) for r in
            charts.map_districts(user=world.user("district_other"), params=QueryDict())] == [("330109", 1, 900.0)]
    red = charts.map_districts(user=world.user("district"), params=QueryDict("warning_level=red"))
    assert [(r["code"], r["count"], r["investment"]) for r in red] == [("330106", 1, 5_000.0)]


def test_investment_curve_of_a_visible_project(world, crafted):
    data = charts.investment_curve_data(user=world.user("district"), project=crafted["xihu_a"], today=TODAY)
    assert data["months"] == ["2025-01", "2025-02", "2025-03"]
    assert data["planned"] == [100.0, 200.0, 300.0]  # 1,200 spread evenly over the year's months
    assert data["actual"] == [150.0, 150.0, 400.0]  # cumulative, carried over the month without a report
    option = charts.investment_curve(user=world.user("city"), project=crafted["xihu_a"], today=TODAY)
    assert [s["data"] for s in option["series"]] == [data["planned"], data["actual"]]


@pytest.mark.parametrize("build", [
    lambda user, p: charts.investment_curve_data(user=user, project=p, today=TODAY),
    lambda user, p: charts.milestone_rows(user=user, project=p, today=TODAY),
])
def test_project_charts_of_another_district_answer_404(world, crafted, build):
    with pytest.raises(Http404):
        build(world.user("district_other"), crafted["xihu_a"])
    assert build(world.user("district"), crafted["xihu_a"])  # the project's own district gets its chart


def test_milestone_timeline(world, crafted):
    rows = charts.milestone_rows(user=world.user("district"), project=crafted["xihu_a"], today=TODAY)
    signed = next(r for r in rows if r["code"] == "signed")
    start = next(r for r in rows if r["code"] == "start")
    assert signed["actual"] == dt.date(2024, 11, 2) and not signed["overdue"]
    assert start["overdue"] and start["actual"] is None  # planned 2025-02-01, not recorded by 03-15
    option = charts.timeline(milestones=rows, today=TODAY)
    planned, actual = (s["data"] for s in option["series"])
    assert [d[0] for d in planned] == ["2025-02-01"] and [d[0] for d in actual] == ["2024-11-02"]
