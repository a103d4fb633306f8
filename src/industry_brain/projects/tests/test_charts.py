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
    planned, actual, marker = (s["data"] for s in option["series"])
    assert [d[0] for d in planned] == ["2025-02-01"] and [d[0] for d in actual] == ["2024-11-02"]
    assert marker == [[TODAY.isoformat(), "签约"]]  # nothing near today on the top row: the label goes there


def _rows(**dates):
    """Milestone rows as `milestone_rows` gives them: six labels from the top, planned and actual dates."""
    names = ["签约", "供地", "开工", "竣工", "投产", "达产"]
    return [{"label": n, "planned": dates.get(f"p{i}"), "actual": dates.get(f"a{i}")} for i, n in enumerate(names)]


D = dt.timedelta


def test_today_label_goes_beside_the_line_on_the_top_row_when_nothing_is_near():
    rows = _rows(p0=TODAY - D(days=200), a0=TODAY - D(days=190), p2=TODAY + D(days=120), p5=TODAY + D(days=500))
    assert charts.today_label_place(milestones=rows, today=TODAY) == {"row": "签约", "side": "right"}


def test_today_label_moves_down_past_a_milestone_at_or_near_today():
    rows = _rows(p0=TODAY - D(days=200), p1=TODAY + D(days=10), p2=TODAY - D(days=2), p5=TODAY + D(days=500))
    # 签约 is far; make the top row busy too: a milestone on the line itself and one just right of it
    rows[0]["actual"] = TODAY
    place = charts.today_label_place(milestones=rows, today=TODAY)
    # 签约 on the line, 供地 10 days right of it, 开工 2 days left (on the line at this scale: 700 days wide)
    assert place == {"row": "竣工", "side": "right"}


def test_today_label_goes_left_of_the_line_near_the_right_end_and_switches_side_when_every_row_is_busy():
    late = _rows(p0=TODAY - D(days=400), p3=TODAY - D(days=100))
    assert charts.today_label_place(milestones=late, today=TODAY)["side"] == "left"
    # Today mid-axis (400 days each way), every row with a milestone 20–25 days to its right: the label goes left.
    crowded = _rows(**{f"p{i}": TODAY + D(days=20 + i) for i in range(6)}, a0=TODAY - D(days=400),
                    a5=TODAY + D(days=400))
    assert charts.today_label_place(milestones=crowded, today=TODAY) == {"row": "签约", "side": "left"}


def test_timeline_label_of_the_today_line_is_drawn_by_the_placed_marker_not_the_line():
    rows = _rows(p0=TODAY + D(days=3), p1=TODAY + D(days=60), p5=TODAY + D(days=500))
    option = charts.timeline(milestones=rows, today=TODAY)
    line = option["series"][0]["markLine"]
    assert line["label"] == {"show": False} and line["data"] == [{"xAxis": TODAY.isoformat()}]
    marker = option["series"][2]
    assert marker["data"] == [[TODAY.isoformat(), "供地"]] and marker["label"]["position"] == "right"
    assert marker["label"]["formatter"] and marker["symbolSize"] == 0
