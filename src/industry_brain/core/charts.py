"""The platform's chart rules, applied to every ECharts option a page draws (`{{ option|chart }}`, see
`core/templatetags/charts.py`), so that a page states what it shows and the rules hold everywhere:

- Money is scaled from the data: 亿元 when the largest value reaches 1亿, else 万元 (or 元 below 1万), and the unit
  is the value axis's title; a single project's amounts stay in 万元 (`single`). Values are rounded to two
  decimals after scaling, rates (axis `%`) to one.
- Two measures of different units never share one axis: series that declare a `unit` other than their axis's
  get an axis of their own (on the opposite side), and on a money axis a series ten times smaller than the
  largest (R&D expense beside revenue) moves to a secondary axis, each axis scaled on its own.
- Value axes without a title get the page's count unit (个/家), given as the filter's argument.
- Pie and ring charts are for parts of a whole only (negative parts are refused): each slice is labelled with its
  name and share, the tooltip gives value, unit and share.
- A shaded map's series declares its `unit`: rates are rounded to one decimal and the colour scale (visualMap)
  carries the unit, which the browser writes at its ends and handles.

The browser side (`static/js/app.js`) adds what needs the screen: label rotation and the unit in each series'
tooltip. Every chart, including those a page's script builds (maps, graphs), is created by `IB.chart(element,
option)`, which applies these browser rules; no page script calls `echarts.init` itself.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

WAN = 10_000
YI = 100_000_000
RATIO_FOR_SECOND_AXIS = 10


def count_unit(key: str) -> str:
    """The count unit of a chart's untitled value axes and pie slices: `projects` 个, `firms` 家, `demands` 件."""
    units = {"projects": pgettext("chart unit", "projects"), "firms": pgettext("chart unit", "firms"),
             "demands": pgettext("chart unit", "demands")}
    return units.get(key, key)


def money_units() -> dict[str, int]:
    """Axis titles that mean money, with the number of yuan in one unit (in the current language)."""
    return {"元": 1, "万元": WAN, "亿元": YI, _("yuan"): 1, _("10k yuan"): WAN, _("100M yuan"): YI}


def money_scale(values: Iterable, unit: str = "万元", *, single: bool = False) -> tuple[float, str]:
    """(divisor, unit) for showing `values` (in `unit`): 亿元 from 1亿 up, else 万元 from 1万 up, else 元.
    `single`: one project's amounts, always 万元."""
    per_unit = money_units()[unit]
    biggest = max((abs(float(v)) for v in values if isinstance(v, int | float)), default=0.0) * per_unit
    if single:
        target = WAN
    elif biggest >= YI:
        target = YI
    elif biggest >= WAN:
        target = WAN
    else:
        target = 1
    label = {1: _("yuan"), WAN: _("10k yuan"), YI: _("100M yuan")}[target]
    return target / per_unit, label


def _value_of(point):
    if isinstance(point, dict):
        return point.get("value")
    if isinstance(point, list | tuple):
        return point[-1] if point else None
    return point


def _scaled(point, divisor: float, digits: int):
    def scale(v):
        return round(v / divisor, digits) if isinstance(v, int | float) and not isinstance(v, bool) else v

    if isinstance(point, dict):
        return point | {"value": scale(point.get("value"))}
    if isinstance(point, list):
        return [*point[:-1], scale(point[-1])] if point else point
    return scale(point)


def _values(series: dict) -> list[float]:
    return [float(v) for v in map(_value_of, series.get("data") or []) if isinstance(v, int | float)]


def _value_axes(option: dict) -> tuple[str, list[dict]] | tuple[None, list]:
    """The key (`yAxis`/`xAxis`) and list of the option's value axes' container (the one that is not categories)."""
    for key in ("yAxis", "xAxis"):
        axes = option.get(key)
        if axes is None:
            continue
        axes = axes if isinstance(axes, list) else [axes]
        if any(a.get("type", "value") == "value" for a in axes):
            option[key] = axes
            return key, axes
    return None, []


def _split_axes(option: dict, key: str, axes: list[dict]) -> None:
    """Series of another unit, or (on a money axis) ten times smaller, get a secondary axis."""
    index_key = f"{key[0]}AxisIndex"
    series = [s for s in option.get("series", []) if s.get("type") in ("bar", "line", "scatter")]
    money = money_units()
    for axis_index, axis in list(enumerate(axes)):
        mine = [s for s in series if s.get(index_key, 0) == axis_index]
        unit = axis.get("name", "")
        others: dict[str, list[dict]] = {}
        for s in mine:
            if s.get("unit") and s["unit"] != unit:
                others.setdefault(s["unit"], []).append(s)
        if not others and unit in money and len(mine) > 1:
            peaks = {id(s): max(map(abs, _values(s)), default=0) for s in mine}
            top = max(peaks.values(), default=0)
            small = [s for s in mine if 0 < peaks[id(s)] * RATIO_FOR_SECOND_AXIS <= top]
            if small and len(small) < len(mine):
                others[unit] = small
        for other_unit, moved in others.items():
            if len(axes) >= 2:
                break  # at most two value axes, one per side
            axes.append({"type": "value", "name": other_unit, "position": "right" if key == "yAxis" else "top",
                         "splitLine": {"show": False}})
            for s in moved:
                s[index_key] = len(axes) - 1
    if len(axes) > 1 and key == "yAxis":
        grid = option.setdefault("grid", {})
        grid["right"] = max(grid.get("right", 0) if isinstance(grid.get("right"), int) else 0, 60)


def _scale_axes(option: dict, key: str, axes: list[dict], *, single: bool) -> None:
    index_key = f"{key[0]}AxisIndex"
    series = [s for s in option.get("series", []) if s.get("type") in ("bar", "line", "scatter")]
    money = money_units()
    for axis_index, axis in enumerate(axes):
        mine = [s for s in series if s.get(index_key, 0) == axis_index]
        unit = axis.get("name", "")
        if unit in money:
            divisor, label = money_scale([v for s in mine for v in _values(s)], unit, single=single)
            axis["name"] = label
            for s in mine:
                s["data"] = [_scaled(p, divisor, 2) for p in s.get("data") or []]
                s["unit"] = label
        elif unit in ("%", "％"):
            for s in mine:
                s["data"] = [_scaled(p, 1, 1) for p in s.get("data") or []]
                s["unit"] = "%"
        elif unit:
            for s in mine:
                s.setdefault("unit", unit)


def _pies(option: dict, unit: str) -> None:
    for s in option.get("series", []):
        if s.get("type") != "pie":
            continue
        if any((v or 0) < 0 for v in map(_value_of, s.get("data") or [])):
            raise ValueError("a pie shows the parts of a whole: no part may be negative")
        s.setdefault("label", {}).setdefault("formatter", "{b}\n{d}%")
        s.setdefault("labelLine", {"show": True})
        s.setdefault("avoidLabelOverlap", True)
        s.setdefault("percentPrecision", 1)  # shares with one decimal, like every rate
        s.setdefault("minShowLabelAngle", 3)  # slivers keep their share in the tooltip and legend
        suffix = f" {unit}" if unit else ""
        s.setdefault("tooltip", {"formatter": "{b}<br/>{c}" + suffix + "（{d}%）"})


def _maps(option: dict) -> None:
    """A shaded map's values follow its series' `unit` (rates with one decimal) and its colour scale names the unit."""
    scales = option.get("visualMap")
    scales = scales if isinstance(scales, list) else [scales] if scales else []
    for index, s in enumerate(option.get("series", [])):
        if s.get("type") != "map" or not s.get("unit"):
            continue
        if s["unit"] in ("%", "％"):
            s["unit"] = "%"
            s["data"] = [_scaled(p, 1, 1) for p in s.get("data") or []]
        for scale in scales:
            if scale.get("seriesIndex", index) == index:
                scale.setdefault("unit", s["unit"])
                for end in ("min", "max"):
                    if isinstance(scale.get(end), float):
                        scale[end] = round(scale[end], 1)


def polish(option: dict, *, unit: str = "", single: bool = False) -> dict:
    """A copy of `option` following the chart rules (module docstring). `unit`: the count unit of value axes that
    have no title and of pie slices (个, 家, 件); `single`: the amounts are one project's (万元)."""
    option = copy.deepcopy(option)
    key, axes = _value_axes(option)
    if key is not None:
        for axis in axes:
            if axis.get("type", "value") == "value" and not axis.get("name") and unit:
                axis["name"] = unit
        _split_axes(option, key, axes)
        _scale_axes(option, key, axes, single=single)
        if len(axes) == 1:
            option[key] = axes[0]
    _pies(option, unit)
    _maps(option)
    return option


def to_json(option: dict | str, *, unit: str = "", single: bool = False) -> str:
    """The polished option as JSON safe inside `<script type="application/json">` (as `json_script` escapes)."""
    if isinstance(option, str):
        option = json.loads(option)
    text = json.dumps(polish(option, unit=unit, single=single), ensure_ascii=False)
    return text.replace("<", "\\u003C").replace(">", "\\u003E").replace("&", "\\u0026")
