"""The chart rules (core.charts): money scaled from the data with the unit in the axis title, secondary axes for
measures of another unit or magnitude, shares on pies, and every chart of every page drawn through them."""

import json
import pathlib
import re

import pytest
from django.utils import translation

from industry_brain.core.charts import money_scale, polish, to_json

SRC = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


@pytest.mark.parametrize("values,unit,expected", [
    ([12_000, 3_500], "万元", (10_000, "亿元")),     # 1.2亿: 亿元
    ([10_000], "万元", (10_000, "亿元")),            # exactly 1亿
    ([9_999.9, 20], "万元", (1, "万元")),            # below 1亿: 万元
    ([-25_000, 100], "万元", (10_000, "亿元")),      # the magnitude counts, not the sign
    ([0.5], "万元", (1e-4, "元")),                   # 5,000 元
    ([350_000_000], "元", (100_000_000, "亿元")),
    ([35_000], "元", (10_000, "万元")),
    ([0.3], "亿元", (1e-4, "万元")),                 # 0.3亿 = 3,000万
    ([], "万元", (1e-4, "元")),
])
def test_money_scale_is_chosen_from_the_data(values, unit, expected):
    divisor, label = money_scale(values, unit)
    assert (pytest.approx(divisor), label) == (pytest.approx(expected[0]), expected[1])


def test_a_single_projects_amounts_stay_in_wan_yuan():
    assert money_scale([250_000], "万元", single=True) == (1, "万元")


def bars(*series, axis="万元"):
    return {"xAxis": {"type": "category", "data": ["2024", "2025"]}, "yAxis": {"type": "value", "name": axis},
            "series": [{"name": n, "type": t, "data": d} for n, t, d in series]}


def test_money_axis_is_rescaled_with_its_unit_in_the_title_and_two_decimals():
    out = polish(bars(("营收", "bar", [123_456.78, 98_000])))
    assert out["yAxis"]["name"] == "亿元"
    assert out["series"][0]["data"] == [12.35, 9.8]
    assert out["series"][0]["unit"] == "亿元"
    small = polish(bars(("营收", "bar", [5_300, 7_100])))
    assert small["yAxis"]["name"] == "万元" and small["series"][0]["data"] == [5300, 7100]


def test_a_measure_ten_times_smaller_gets_a_secondary_axis_scaled_on_its_own():
    out = polish(bars(("营收", "bar", [200_000, 260_000]), ("研发费用", "line", [6_000, 8_000])))
    left, right = out["yAxis"]
    assert (left["name"], right["name"], right["position"]) == ("亿元", "万元", "right")
    assert out["series"][1]["yAxisIndex"] == 1 and out["series"][1]["data"] == [6000, 8000]
    assert out["series"][0]["data"] == [20, 26]
    # Of the same magnitude: one axis.
    same = polish(bars(("营收", "bar", [200_000, 260_000]), ("主营", "bar", [190_000, 250_000])))
    assert isinstance(same["yAxis"], dict)


def test_a_series_of_another_unit_gets_its_own_axis():
    option = bars(("项目数", "bar", [12, 30]), axis="个")
    option["series"].append({"name": "完成率", "type": "line", "unit": "%", "data": [33.333, 50]})
    out = polish(option)
    assert [a["name"] for a in out["yAxis"]] == ["个", "%"]
    assert out["series"][1]["yAxisIndex"] == 1 and out["series"][1]["data"] == [33.3, 50]  # rates: one decimal


def test_untitled_value_axes_get_the_count_unit_and_horizontal_bars_work():
    option = {"xAxis": {"type": "value"}, "yAxis": {"type": "category", "data": ["a"]},
              "series": [{"type": "bar", "data": [3]}]}
    assert polish(option, unit="家")["xAxis"]["name"] == "家"


def test_pies_show_name_and_share_and_refuse_negative_parts():
    out = polish({"series": [{"type": "pie", "data": [{"name": "甲", "value": 3}, {"name": "乙", "value": 1}]}]},
                 unit="件")
    s = out["series"][0]
    assert "{d}%" in s["label"]["formatter"] and "{b}" in s["label"]["formatter"]
    assert "件" in s["tooltip"]["formatter"] and "{d}%" in s["tooltip"]["formatter"]
    assert s["percentPrecision"] == 1
    with pytest.raises(ValueError):
        polish({"series": [{"type": "pie", "data": [{"name": "甲", "value": -3}]}]})


def test_json_is_safe_inside_a_script_block():
    text = to_json({"title": {"text": "</script><b>"}, "series": []})
    assert "</script>" not in text and json.loads(text)["title"]["text"] == "</script><b>"


def test_every_chart_of_every_page_goes_through_the_chart_rules():
    """A `data-chart` block reads its option from a JSON script written with `|chart` (never raw JSON)."""
    missing = []
    for path in SRC.glob("**/templates/**/*.html"):
        text = path.read_text(encoding="utf-8")
        for source in re.findall(r'data-chart="([^"]+)"', text):
            block = re.search(r'<script type="application/json" id="' + re.escape(source) + r'">([^<]*)</script>',
                              text)
            if block is None or "|chart" not in block.group(1):
                missing.append(f"{path.relative_to(SRC)}: {source}")
    assert not missing, missing


# Drawers whose JSON block is data rather than an ECharts option: their script builds the option in the browser and
# draws it through IB.chart (the browser's chart rules), which the next test enforces.
DATA_DRAWERS = {
    "project-map": "projects clustered in the browser at each zoom",
    "chain-graph": "a graph laid out from the chain's nodes and links",
    "supply-map": "thousands of firms as compact rows, expanded in the browser",
    "factory-map": "points grouped by level in the browser",
}


def test_every_drawer_reads_an_option_written_through_the_chart_rules():
    """A `data-drawer` (maps, clickable bars) whose block is an ECharts option writes it with `|chart` too."""
    missing = []
    for path in SRC.glob("**/templates/**/*.html"):
        text = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<[^>]*data-drawer=[^>]*>", text):
            drawer = re.search(r'data-drawer="([^"]+)"', tag).group(1)
            source = re.search(r'data-(?:config|source)="([^"]+)"', tag)
            if drawer in DATA_DRAWERS:
                continue
            block = source and re.search(r'<script type="application/json" id="' + re.escape(source.group(1))
                                         + r'">([^<]*)</script>', text)
            if not block or "|chart" not in block.group(1):
                missing.append(f"{path.relative_to(SRC)}: {drawer}")
    assert not missing, missing


def test_every_chart_a_script_draws_is_created_by_the_shared_helper():
    """No page script calls echarts.init: every chart comes from IB.chart (static/js/app.js), which draws its option
    through the chart rules (units on axes, tooltips and colour scales, rates with one decimal, labelled slices)."""
    scripts = [p for p in SRC.glob("**/static/**/*.js") if "vendor" not in p.parts and p.name != "app.js"]
    assert any("IB.drawers" in p.read_text(encoding="utf-8") for p in scripts)  # the drawers are looked at
    offenders = [str(p.relative_to(SRC)) for p in scripts if "echarts.init(" in p.read_text(encoding="utf-8")]
    assert not offenders, offenders
    drawers = {name for p in scripts for name in re.findall(r'IB\.drawers\["([^"]+)"\]',
                                                             p.read_text(encoding="utf-8"))}
    unknown = set(DATA_DRAWERS) - drawers
    assert not unknown, f"listed data drawers that no script registers: {unknown}"


def test_a_shaded_map_rounds_rates_to_one_decimal_and_names_its_unit_on_the_colour_scale():
    option = {"visualMap": {"min": -4.1234, "max": 12.987},
              "series": [{"type": "map", "unit": "%", "data": [{"name": "西湖区", "value": 12.987},
                                                               {"name": "萧山区", "value": None}]}]}
    out = polish(option)
    assert [d["value"] for d in out["series"][0]["data"]] == [13.0, None]
    assert out["visualMap"]["unit"] == "%" and (out["visualMap"]["min"], out["visualMap"]["max"]) == (-4.1, 13.0)
