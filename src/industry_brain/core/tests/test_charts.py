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
