"""Chart options (ECharts) of the demand statistics page, built from the selectors' scoped breakdowns: the view
passes rows the reader may see (`selectors.stats_breakdown`) and gets the chart, no query here."""

from __future__ import annotations

from django.utils.translation import gettext as _


def trend(months: list[dict]) -> dict:
    """Collected and resolved per month (bars) with the resolution and satisfaction rates (lines)."""
    trend = {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0, "data": [_("Collected"), _("Resolved"), _("Resolution rate %"),
                                      _("Satisfaction rate %")]},
        "grid": {"left": 50, "right": 50, "bottom": 30, "top": 50},
        "xAxis": {"type": "category", "data": [m["label"] for m in months]},
        "yAxis": [{"type": "value"}, {"type": "value", "min": 0, "max": 100, "name": "%"}],
        "series": [
            {"name": _("Collected"), "type": "bar", "data": [m["collected"] for m in months]},
            {"name": _("Resolved"), "type": "bar", "data": [m["resolved"] for m in months]},
            {"name": _("Resolution rate %"), "type": "line", "yAxisIndex": 1,
             "data": [m["resolution_rate"] for m in months]},
            {"name": _("Satisfaction rate %"), "type": "line", "yAxisIndex": 1,
             "data": [m["satisfaction_rate"] for m in months]},
        ],
    }
    return trend


def categories(by_category: list[dict]) -> dict:
    """Demands per category group (ring)."""
    categories = {
        "tooltip": {"trigger": "item"},
        "series": [{"type": "pie", "radius": ["35%", "65%"],
                    "data": [{"name": c["label"], "value": c["collected"]} for c in by_category]}],
    }
    return categories


def departments(by_department: list[dict]) -> dict:
    """On-time rate and average working days per coordinating department (departments not yet named left out)."""
    routed = [d for d in by_department if d["key"] is not None]  # not yet accepted: no department
    names = [d["label"] for d in routed][::-1]
    departments = {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0, "data": [_("On-time rate %"), _("Average working days")]},
        "grid": {"left": 200, "right": 60, "bottom": 30, "top": 60},
        "xAxis": [{"type": "value", "min": 0, "max": 100, "name": "%"},
                  {"type": "value", "position": "top", "name": _("working days")}],
        "yAxis": {"type": "category", "data": names},
        "series": [
            {"name": _("On-time rate %"), "type": "bar", "xAxisIndex": 0,
             "data": [d["on_time_rate"] for d in routed][::-1]},
            {"name": _("Average working days"), "type": "scatter", "xAxisIndex": 1, "symbolSize": 10,
             "data": [d["avg_handling_days"] for d in routed][::-1]},
        ],
    }
    return departments
