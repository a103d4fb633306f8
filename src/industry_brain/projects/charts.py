"""Chart options (ECharts) of the project pages, built from what the reader may see.

Every function takes the user and reads through `restrict()` (directly or through the restricted selectors): a
chart is data and obeys scope like a row. A project outside the reader's scope answers 404, like its page. The
views only pass the result to the template.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from . import selectors
from .filtersets import ProjectFilterSet
from .models import ProgressReport, Project, YearlyPlan

STAGE_COLORS = {"reserve": "#9aa7b8", "signed": "#7b61ff", "land": "#3b7dd8", "construction": "#e08a00",
                "completed": "#2e9d5b", "production": "#15803d", "full_production": "#0f5132", "cancelled": "#555555"}
LEVEL_COLORS = {"green": "#2e9d5b", "yellow": "#e6b400", "red": "#d64545"}


def _visible(user, project: Project) -> Project:
    """The project if `user` may see it (else 404); a project the detail page has just read through `restrict` for
    this very user (`mark_visible`) is not read again."""
    if project.__dict__.get("_visible_to", _NOBODY) == user.pk:
        return project
    return Project.objects.get_in_scope(user, project.pk)


_NOBODY = object()


def mark_visible(project: Project, user) -> Project:
    """Note on a project read through `restrict(user, "view")` that `user` may see it."""
    project._visible_to = user.pk
    return project


def milestone_rows(*, user, project: Project, today: dt.date | None = None) -> list[dict]:
    """The six milestones (planned, actual, days late, overdue) of a project the user may see."""
    today = today or timezone.localdate()
    rows = _visible(user, project).milestones()
    for m in rows:
        m["late"] = (m["actual"] - m["planned"]).days if m["actual"] and m["planned"] else None
        m["overdue"] = m["planned"] is not None and m["actual"] is None and m["planned"] < today
    return rows


NEAR_SHARE = 0.08  # a label "今天" is about this share of the timeline's width


def today_label_place(*, milestones: list[dict], today: dt.date) -> dict:
    """Where the timeline's "today" label goes so that it covers no milestone: beside the today line, at the height
    of the first milestone row (from the top) with no point at today or on the label's side within the label's
    width, on the right of the line unless today is near the right end (then the left); when every row is busy on
    that side, the other side; when both are, the top row. Returns `{"row": label of the row, "side": right|left}`."""
    dates = [d for m in milestones for d in (m.get("planned"), m.get("actual")) if d]
    if not milestones:
        return {"row": None, "side": "right"}
    first, last = min([*dates, today]), max([*dates, today])
    span = max((last - first).days, 1)
    near = max(span * NEAR_SHARE, 7)
    preferred = "left" if (today - first).days > span * (1 - 2 * NEAR_SHARE) else "right"

    def busy(m: dict, side: str) -> bool:
        for d in (m.get("planned"), m.get("actual")):
            if d is None:
                continue
            delta = (d - today).days
            if abs(delta) <= near / 4 or (0 <= delta <= near if side == "right" else -near <= delta <= 0):
                return True
        return False

    for side in (preferred, "left" if preferred == "right" else "right"):
        for m in milestones:
            if not busy(m, side):
                return {"row": str(m["label"]), "side": side}
    return {"row": str(milestones[0]["label"]), "side": preferred}


def timeline(*, milestones: list[dict], today: dt.date | None = None) -> dict:
    """Planned and actual milestone dates on a time axis, today marked by a line whose label is placed clear of
    the milestones (`today_label_place`), not at the line's end where it met the axis labels (from
    `milestone_rows`)."""
    today = today or timezone.localdate()
    labels = [str(m["label"]) for m in milestones]
    place = today_label_place(milestones=milestones, today=today)
    return {
        "tooltip": {"trigger": "item"},
        "legend": {"top": 0, "right": 10, "data": [_("Planned"), _("Actual")]},
        "grid": {"left": 90, "right": 30, "top": 40, "bottom": 30},
        "xAxis": {"type": "time"},
        "yAxis": {"type": "category", "data": labels, "inverse": True},
        "series": [
            {"name": _("Planned"), "type": "scatter", "symbol": "emptyCircle", "symbolSize": 14,
             "data": [[m["planned"].isoformat(), str(m["label"])] for m in milestones if m["planned"]],
             "markLine": {"symbol": "none", "silent": True, "label": {"show": False},
                          "lineStyle": {"color": "#d64545"}, "data": [{"xAxis": today.isoformat()}]}},
            {"name": _("Actual"), "type": "scatter", "symbolSize": 12, "itemStyle": {"color": "#2e9d5b"},
             "data": [[m["actual"].isoformat(), str(m["label"])] for m in milestones if m["actual"]]},
            # The line's label, beside it at the height of a row where it covers no milestone.
            {"id": "today", "name": _("today"), "type": "scatter", "symbolSize": 0, "silent": True, "z": 5,
             "data": [[today.isoformat(), place["row"]]] if place["row"] is not None else [],
             "label": {"show": True, "formatter": _("today"), "position": place["side"], "distance": 4,
                       "color": "#d64545", "fontWeight": "bold"}, "tooltip": {"show": False}},
        ],
    }


def investment_curve_data(*, user, project: Project, today: dt.date | None = None) -> dict:
    """Monthly cumulative investment of a project the user may see: planned (each year's plan spread evenly over
    its months) and actual (the reports' cumulative, carried over months without a report)."""
    project = _visible(user, project)
    reports = list(ProgressReport.objects.restrict(user, "view").filter(project=project).order_by("period")
                   .values_list("period", "cumulative"))
    plans = dict(YearlyPlan.objects.restrict(user, "view").filter(project=project).values_list("year", "amount"))
    today = today or timezone.localdate()
    years = sorted(set(plans) | {r[0].year for r in reports} | {today.year})
    first = min([dt.date(y, 1, 1) for y in years if y in plans] + [r[0] for r in reports] + [today.replace(day=1)])
    months, planned, actual = [], [], []
    by_month = {r[0]: float(r[1]) for r in reports}
    plan_before = 0.0
    current = first
    last_actual = None
    while current <= today.replace(day=1):
        yearly = float(plans.get(current.year, 0))
        if current.month == 1 and current != first:
            plan_before += float(plans.get(current.year - 1, 0))
        months.append(current.strftime("%Y-%m"))
        planned.append(round(plan_before + yearly * current.month / 12, 2))
        if current in by_month:
            last_actual = by_month[current]
        actual.append(last_actual)
        current = (current.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return {"months": months, "planned": planned, "actual": actual}


def investment_curve(*, user, project: Project, today: dt.date | None = None) -> dict:
    curve = investment_curve_data(user=user, project=project, today=today)
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0, "right": 10, "data": [_("Planned cumulative"), _("Actual cumulative")]},
        "grid": {"left": 70, "right": 20, "top": 40, "bottom": 30},
        "xAxis": {"type": "category", "data": curve["months"]},
        "yAxis": {"type": "value", "name": _("10k yuan")},
        "series": [{"name": _("Planned cumulative"), "type": "line", "data": curve["planned"],
                    "lineStyle": {"type": "dashed"}},
                   {"name": _("Actual cumulative"), "type": "line", "data": curve["actual"], "areaStyle": {}}],
    }


def dashboard(*, user) -> dict:
    """The dashboard's figures (`selectors.dashboard`, restricted and cached per scope) and its three charts:
    projects by stage, by district with their warning levels, by ecosystem."""
    data = selectors.dashboard(user=user)
    stage = {
        "tooltip": {"trigger": "axis"}, "grid": {"left": 50, "right": 20, "top": 20, "bottom": 60},
        "xAxis": {"type": "category", "data": [s["label"] for s in data["by_stage"]], "axisLabel": {"rotate": 30}},
        "yAxis": {"type": "value"},
        "series": [{"type": "bar", "data": [{"value": s["n"], "itemStyle": {"color": STAGE_COLORS[s["stage"]]}}
                                            for s in data["by_stage"]]}],
    }
    district = {
        "tooltip": {"trigger": "axis"}, "legend": {"top": 0, "data": [_("Green"), _("Yellow"), _("Red")]},
        "grid": {"left": 50, "right": 20, "top": 40, "bottom": 60},
        "xAxis": {"type": "category", "data": [d["name"] for d in data["by_district"]], "axisLabel": {"rotate": 30}},
        "yAxis": {"type": "value"},
        "series": [
            {"name": _("Green"), "type": "bar", "stack": "n", "itemStyle": {"color": LEVEL_COLORS["green"]},
             "data": [d["n"] - d["red"] - d["yellow"] for d in data["by_district"]]},
            {"name": _("Yellow"), "type": "bar", "stack": "n", "itemStyle": {"color": LEVEL_COLORS["yellow"]},
             "data": [d["yellow"] for d in data["by_district"]]},
            {"name": _("Red"), "type": "bar", "stack": "n", "itemStyle": {"color": LEVEL_COLORS["red"]},
             "data": [d["red"] for d in data["by_district"]]},
        ],
    }
    ecosystem = {
        "tooltip": {"trigger": "item"},
        "series": [{"type": "pie", "radius": ["35%", "65%"],
                    "data": [{"name": e["name"], "value": e["n"]} for e in data["by_ecosystem"]]}],
    }
    return {"data": data, "stage": stage, "district": district, "ecosystem": ecosystem}


def map_districts(*, user, params, request=None) -> list[dict]:
    """Count and investment per district of the projects the user may see that match the map's filters (the
    map's district shading); invalid filters match nothing."""
    qs = Project.objects.restrict(user, "view")
    filterset = ProjectFilterSet(params or None, queryset=qs, request=request)
    if filterset.is_bound:
        qs = filterset.qs if filterset.is_valid() else qs.none()
    rows = qs.order_by().values("district_id", "district__name").annotate(n=Count("id"), s=Sum("total_investment"))
    return [{"code": r["district_id"], "name": r["district__name"], "count": r["n"],
             "investment": float(r["s"] or 0)} for r in rows]
