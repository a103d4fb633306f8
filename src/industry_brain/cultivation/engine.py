"""The criteria engine: columnar, over whole arrays of firms at once (numpy), never a loop over firms.

`registry_frame(as_of)` reads every firm's figures in a few set queries (the registry's yearly figures for the
three years before the application year, the tier figures of this app, the valid recognitions) into one array
per figure, NaN where a figure is missing. `evaluate(rules, frame)` decides every rule for every firm at once with
three-valued logic (true, false, unknown = a figure is missing), so a missing figure never reads as a fail:

- a gate holds when its comparison holds; a gate with `applies_if` counts only for firms meeting the condition;
- a direct route satisfies every gate of its group (Kleene: group = AND(gates) OR OR(routes));
- scored indicators give points by bands; the pseudo-figure `score` is their sum, and a gate on it is decided
  only when the missing indicators could not change the answer (known points ≥ bound, or known points plus the
  missing indicators' maximum < bound);
- an exclusion that holds makes the firm ineligible whatever else holds;
- a direct route or an exclusion is a claim: when its figure is missing it is simply not taken (an unreported
  award is no award), whereas a missing figure of a gate leaves the answer open.

The result per firm: eligible (1, 0, -1 unknown), score, failing gates, missing figures, the routes taken (bit
masks over the rule order) and the nearness (sum of relative gaps of the failing gates, each at most 1).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Iterable

import numpy as np
from django.utils.translation import gettext_lazy as _

# figure → (label, unit, where it comes from)
FIGURES: dict[str, tuple] = {
    "revenue": (_("revenue"), "万元", "enterprises.YearlyFigures.revenue"),
    "main_share": (_("main-business revenue share"), "%", "YearlyFigures.main_revenue / revenue"),
    "main_growth_avg_2y": (_("average main-business growth, two years"), "%", "YearlyFigures.main_revenue"),
    "revenue_cagr_2y": (_("revenue compound growth, two years"), "%", "YearlyFigures.revenue"),
    "revenue_growing_2y": (_("revenue growing two years running"), "", "YearlyFigures.revenue"),
    "net_profit_growth_avg_2y": (_("average net-profit growth, two years"), "%", "YearlyFigures.net_profit"),
    "debt_ratio": (_("debt ratio"), "%", "YearlyFigures.liabilities / total_assets"),
    "net_margin": (_("net profit margin"), "%", "YearlyFigures.net_profit / revenue"),
    "rd_expense": (_("R&D expense"), "万元", "YearlyFigures.rd_expense"),
    "rd_intensity": (_("R&D intensity"), "%", "YearlyFigures.rd_expense / revenue"),
    "rd_intensity_min_2y": (_("R&D intensity, lower of two years"), "%", "YearlyFigures.rd_expense / revenue"),
    "rd_expense_min_2y": (_("R&D expense, lower of two years"), "万元", "YearlyFigures.rd_expense"),
    "rd_expense_sum_2y": (_("R&D expense, two years together"), "万元", "YearlyFigures.rd_expense"),
    "rd_expense_avg_2y": (_("R&D expense, two-year average"), "万元", "YearlyFigures.rd_expense"),
    "rd_staff_share": (_("R&D staff share"), "%", "YearlyFigures.rd_staff / employees"),
    "main_revenue_avg_3y": (_("main-business revenue, three-year average"), "万元", "YearlyFigures.main_revenue"),
    "invention_patents": (_("invention patents"), "", "YearlyFigures.invention_patents"),
    "operating_years": (_("years in operation"), "", "Enterprise.founded_on"),
    "manufacturing_or_digital": (_("manufacturing or digital economy"), "", "Enterprise.industry"),
    "holds_specialised": (_("holds the specialised SME title"), "", "enterprises.Recognition"),
    "holds_little_giant": (_("holds the little giant title"), "", "enterprises.Recognition"),
    "holds_single_champion": (_("holds the single champion title"), "", "enterprises.Recognition"),
    "ip_grade": (_("intellectual property grade"), "",
                 "EnterpriseTierFigures.ip_class1/ip_class1_high_value/ip_class2"),
    "score": (_("evaluation score"), "", "scored indicators"),
}
# Figures kept in this app's EnterpriseTierFigures (their labels come from the model's verbose names).
TIER_FIGURE_FIELDS = [
    "niche_years", "equity_financing_2y", "ip_class1", "ip_class1_high_value", "ip_class2", "market_share",
    "market_rank_national", "market_rank_global", "main_products", "info_system", "certification",
    "intl_certification", "own_brand", "standards", "rd_institution", "quality_items", "digital_level", "key_field",
    "field_effect", "national_award_top3", "provincial_award_top3", "chuangke_top50", "chuangke_top500", "credit_a",
    "innovative_sme", "sme_score", "hz_group_revenue", "provincial_soe", "new_product",
]
REGISTRY_YEAR_FIELDS = ["revenue", "main_revenue", "rd_expense", "rd_staff", "employees", "total_assets",
                        "liabilities", "net_profit", "invention_patents"]
DIGITAL_DIVISIONS = ("63", "64", "65")  # GB/T 4754 I: telecoms, internet, software and IT services


def figure_label(figure: str) -> str:
    if figure in FIGURES:
        return str(FIGURES[figure][0])
    from .models import EnterpriseTierFigures

    try:
        return str(EnterpriseTierFigures._meta.get_field(figure).verbose_name)
    except Exception:  # noqa: BLE001  - a figure a city-made rule names that the platform does not know
        return figure


def figure_source(figure: str) -> str:
    if figure in FIGURES:
        return FIGURES[figure][2]
    return f"cultivation.EnterpriseTierFigures.{figure}"


@dataclasses.dataclass(frozen=True)
class Rule:
    """A rule as the engine needs it (built from a TierRule row or from the shipped data)."""

    code: str
    indicator: str
    kind: str
    figure: str
    operator: str = ""
    threshold: float | None = None
    bands: tuple = ()
    direction: str = "higher"
    inclusive: bool = True
    max_points: float | None = None
    group: str = ""
    applies_if: tuple = ()
    application_type: str = "any"

    @classmethod
    def from_row(cls, r) -> Rule:
        return cls(code=r.code, indicator=r.indicator, kind=r.kind, figure=r.figure, operator=r.operator or "",
                   threshold=None if r.threshold is None else float(r.threshold),
                   bands=tuple((float(b), float(p)) for b, p in (r.bands or [])), direction=r.direction,
                   inclusive=r.inclusive, max_points=None if r.max_points is None else float(r.max_points),
                   group=r.group or "", applies_if=tuple(tuple(c) for c in (r.applies_if or [])),
                   application_type=r.application_type)


@dataclasses.dataclass
class Result:
    n: int
    rules: list[Rule]
    eligible: np.ndarray  # int8: 1, 0, -1 (unknown)
    score: np.ndarray  # float, NaN when the rule set scores nothing
    score_max: np.ndarray
    failed: np.ndarray
    missing: np.ndarray
    nearness: np.ndarray
    failed_mask: np.ndarray
    missing_mask: np.ndarray
    route_mask: np.ndarray
    excluded: np.ndarray
    values: list[np.ndarray]  # per rule: the figure used
    status: list[np.ndarray]  # per rule: 1 holds, 0 fails, -1 figure missing, 2 not applicable / not used
    points: list[np.ndarray | None]
    gaps: list[np.ndarray]  # per rule: relative gap where it fails (0 otherwise)


def _compare(v: np.ndarray, op: str, t: float | None, inclusive: bool = True) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        if op == ">=":
            return v >= t if inclusive else v > t
        if op == ">":
            return v > t
        if op == "<=":
            return v <= t if inclusive else v < t
        if op == "<":
            return v < t
        if op == "true":
            return v == 1
        if op == "false":
            return v == 0
    raise ValueError(f"unknown operator {op!r}")


def _relative_gap(v: np.ndarray, op: str, t: float | None) -> np.ndarray:
    if op in ("true", "false") or t is None:
        return np.ones_like(v)
    scale = abs(t) if t else 1.0
    with np.errstate(invalid="ignore"):
        gap = (t - v) / scale if op in (">=", ">") else (v - t) / scale
    return np.clip(np.nan_to_num(gap, nan=1.0), 0.0, 1.0)


def _applies(rule: Rule, frame: dict, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(surely applies, surely does not apply) for each firm."""
    yes = np.ones(n, dtype=bool)
    no = np.zeros(n, dtype=bool)
    for figure, op, t in rule.applies_if:
        v = frame.get(figure, np.full(n, np.nan))
        known = ~np.isnan(v)
        hit = _compare(v, op, None if t is None else float(t))
        yes &= known & hit
        no |= known & ~hit
    return yes, no


def _points(rule: Rule, v: np.ndarray) -> np.ndarray:
    pts = np.zeros(len(v))
    done = np.zeros(len(v), dtype=bool)
    for bound, p in rule.bands:
        with np.errstate(invalid="ignore"):
            if rule.direction == "lower":
                hit = v <= bound if rule.inclusive else v < bound
            else:
                hit = v >= bound if rule.inclusive else v > bound
        take = hit & ~done
        pts[take] = p
        done |= take
    return pts


def evaluate(rules: list[Rule], frame: dict[str, np.ndarray], n: int, application_type: str = "new") -> Result:
    nan = np.full(n, np.nan)
    applicable = [r.application_type in ("any", application_type) for r in rules]
    values, status, points, gaps = [], [], [], []
    # 1. scored indicators → score interval [known points, known points + what the missing could add]
    score_min = np.zeros(n)
    missing_pts = np.zeros(n)
    best: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {}  # "better of" groups: the best band counts
    any_score = False
    for r, use in zip(rules, applicable, strict=True):
        if r.kind != "score" or not use:
            continue
        any_score = True
        v = frame.get(r.figure, nan)
        pts = _points(r, v)
        room = np.where(np.isnan(v), r.max_points or 0.0, 0.0)  # what a missing figure could still add
        if r.group.startswith("best:"):
            best.setdefault(r.group, []).append((pts, room))
        else:
            score_min += pts
            missing_pts += room
    for members in best.values():
        p = np.max([m[0] for m in members], axis=0)
        score_min += p
        missing_pts += np.clip(np.max([m[1] for m in members], axis=0) - p, 0, None)
    frame = {**frame, "score": score_min if any_score else nan}

    # 2. gates, routes, exclusions, rule by rule (columnar)
    groups: dict[str, dict[str, np.ndarray]] = {}
    excluded = np.zeros(n, dtype=bool)
    failed_mask = np.zeros(n, dtype=np.int64)
    missing_mask = np.zeros(n, dtype=np.int64)
    route_mask = np.zeros(n, dtype=np.int64)
    nearness = np.zeros(n)
    for i, r in enumerate(rules):
        v = frame.get(r.figure, nan)
        values.append(v)
        if not applicable[i]:  # a rule of the other application type: bit kept, never counted
            points.append(None)
            status.append(np.full(n, 2, dtype=np.int8))
            gaps.append(np.zeros(n))
            continue
        if r.kind == "score":
            known = ~np.isnan(v)
            points.append(_points(r, v))
            status.append(np.where(known, 2, -1).astype(np.int8))
            gaps.append(np.zeros(n))
            continue
        points.append(None)
        applies, not_applies = _applies(r, frame, n)
        if r.figure == "score":
            holds = score_min >= r.threshold
            fails_sure = (score_min + missing_pts) < r.threshold
            known = holds | fails_sure
            ok = holds
            gap = np.where(fails_sure, np.clip((r.threshold - score_min - missing_pts) / (r.threshold or 1), 0, 1), 0)
        else:
            known = ~np.isnan(v)
            ok = known & _compare(v, r.operator, r.threshold, r.inclusive)
            gap = _relative_gap(v, r.operator, r.threshold)
        true_ = (ok & ~not_applies) | not_applies
        false_ = known & ~ok & applies
        unknown = ~true_ & ~false_
        st = np.where(not_applies, 2, np.where(true_, 1, np.where(false_, 0, -1))).astype(np.int8)
        status.append(st)
        gaps.append(np.where(false_, gap, 0.0))
        bit = np.int64(1) << np.int64(i)
        if r.kind == "exclusion":
            excluded |= ok & applies
            continue
        g = groups.setdefault(r.group or f"_{i}", {
            "and_false": np.zeros(n, dtype=bool), "and_unknown": np.zeros(n, dtype=bool),
            "route_true": np.zeros(n, dtype=bool), "route_unknown": np.zeros(n, dtype=bool),
            "gates": [], "routes": []})
        if r.kind == "gate":
            g["and_false"] |= false_
            g["and_unknown"] |= unknown
            g["gates"].append((bit, false_, unknown, gaps[-1]))
        elif r.kind == "route":
            # a direct route or an exclusion is a claim: a figure nobody reported is a claim not made
            route_true = ok & ~not_applies
            g["route_true"] |= route_true
            g["routes"].append((bit, route_true, unknown))
    any_false = np.zeros(n, dtype=bool)
    any_unknown = np.zeros(n, dtype=bool)
    for g in groups.values():
        rt = g["route_true"]
        gates_true = ~g["and_false"] & ~g["and_unknown"]
        g_true = rt | gates_true
        g_false = ~rt & ~g["route_unknown"] & g["and_false"]
        any_false |= g_false
        any_unknown |= ~g_true & ~g_false
        for bit, false_, unknown, gap in g["gates"]:
            failed_mask |= np.where(false_ & ~rt, bit, 0)
            missing_mask |= np.where(unknown & ~rt, bit, 0)
            nearness += np.where(false_ & ~rt, gap, 0.0)
        for bit, route_true, _unknown in g["routes"]:
            route_mask |= np.where(route_true & ~gates_true, bit, 0)
    has_criteria = any(r.kind in ("gate", "route") for r, use in zip(rules, applicable, strict=True) if use)
    eligible = np.where(any_false | excluded, 0, np.where(any_unknown, -1, 1)).astype(np.int8)
    if not has_criteria:
        eligible[:] = -1
    return Result(n=n, rules=rules, eligible=eligible, score=score_min if any_score else nan.copy(),
                  score_max=score_min + missing_pts, failed=_popcount(failed_mask), missing=_popcount(missing_mask),
                  nearness=nearness, failed_mask=failed_mask, missing_mask=missing_mask, route_mask=route_mask,
                  excluded=excluded, values=values, status=status, points=points, gaps=gaps)


def _popcount(mask: np.ndarray) -> np.ndarray:
    m = mask.astype(np.uint64)
    count = np.zeros(len(m), dtype=np.int16)
    for _bit in range(64):
        if not m.any():
            break
        count += (m & np.uint64(1)).astype(np.int16)
        m = m >> np.uint64(1)
    return count


# --- the registry as arrays ------------------------------------------------------------------------------------

@dataclasses.dataclass
class Frame:
    ids: np.ndarray
    figures: dict[str, np.ndarray]
    figures_year: int  # 上年度: the year the financial figures are of
    tier_year: np.ndarray  # year of each firm's tier figures (0 when none)

    @property
    def n(self) -> int:
        return len(self.ids)


def _matrix(sql: str, ncols: int, ids: list[int] | None, col: str = "enterprise_id") -> np.ndarray:
    """Rows of numbers as one float array (NULL → NaN). The whole registry on PostgreSQL streams through COPY … TO
    STDOUT (CSV parsed in C); a few firms, or SQLite, through the cursor. `sql` has one `{ids}` slot for a firm
    restriction and casts every column to a number."""
    import io

    from django.db import connection

    where = "" if ids is None else f" AND {col} IN ({', '.join(str(int(i)) for i in ids) or 'NULL'})"
    with connection.cursor() as cur:
        if connection.vendor == "postgresql" and ids is None:
            import pandas as pd

            buf = io.BytesIO()
            with cur.cursor.copy(f"COPY ({sql.format(ids='')}) TO STDOUT WITH (FORMAT csv)") as copy:
                for block in copy:
                    buf.write(block)
            if not buf.tell():
                return np.zeros((0, ncols))
            buf.seek(0)
            return pd.read_csv(buf, header=None, dtype=float).to_numpy()
        cur.execute(sql.format(ids=where))
        rows = cur.fetchall()
    return np.array(rows, dtype=float).reshape(-1, ncols) if rows else np.zeros((0, ncols))


def _fractional_year(column: str) -> str:
    from django.db import connection

    if connection.vendor == "postgresql":
        return f"EXTRACT(EPOCH FROM {column}) / 31557600.0 + 1970"
    return f"(julianday({column}) - 2440587.5) / 365.25 + 1970"


def _num(column: str) -> str:
    return f"CAST({column} AS DOUBLE PRECISION)"


def registry_frame(as_of: dt.date, enterprise_ids: Iterable[int] | None = None) -> Frame:
    """Every firm's figures for an application in `as_of.year` (financial year = the year before), as arrays:
    three set queries (firms; three years of figures; this app's figures) and the valid recognitions."""
    from django.db.models import Q

    from industry_brain.enterprises.models import Recognition

    y = as_of.year - 1
    id_list = None if enterprise_ids is None else sorted({int(i) for i in enterprise_ids})
    digital = ", ".join(f"'{d}'" for d in DIGITAL_DIVISIONS)
    ents = _matrix(
        f"SELECT e.id, {_fractional_year('e.founded_on')}, CASE WHEN d.section_id = 'C' OR e.industry_id IN "
        f"({digital}) THEN 1 ELSE 0 END FROM enterprises_enterprise e JOIN core_industrydivision d "
        f"ON d.code = e.industry_id WHERE 1 = 1{{ids}} ORDER BY e.id", 3, id_list, col="e.id")
    ids = ents[:, 0].astype(np.int64)
    n = len(ids)
    f: dict[str, np.ndarray] = {}
    now = as_of.year + (as_of.timetuple().tm_yday - 1) / 365.25
    f["operating_years"] = np.floor(now - ents[:, 1] + 1e-9)
    f["manufacturing_or_digital"] = ents[:, 2].copy()

    cols = ", ".join(_num(c) for c in REGISTRY_YEAR_FIELDS)
    figs = _matrix(f"SELECT enterprise_id, year, {cols} FROM enterprises_yearlyfigures "
                   f"WHERE year IN ({y}, {y - 1}, {y - 2}){{ids}}", 2 + len(REGISTRY_YEAR_FIELDS), id_list)
    years = {}
    for k, year in enumerate((y, y - 1, y - 2)):
        rows = figs[figs[:, 1] == year]
        idx = np.searchsorted(ids, rows[:, 0].astype(np.int64))
        ok = (idx < n) & (ids[np.minimum(idx, n - 1)] == rows[:, 0].astype(np.int64)) if n else idx < 0
        years[k] = {}
        for j, name in enumerate(REGISTRY_YEAR_FIELDS, start=2):
            col = np.full(n, np.nan)
            col[idx[ok]] = rows[ok, j]
            years[k][name] = col
    c, p1, p2 = years[0], years[1], years[2]
    with np.errstate(divide="ignore", invalid="ignore"):
        def pct(a, b):
            # rounded to 1e-6 so that a firm exactly on a bound (70 % = 7,700 of 11,000) is not 69.9999999999
            out = np.round(a / b * 100, 6)
            out[~np.isfinite(out)] = np.nan
            return out

        f["revenue"] = c["revenue"]
        f["main_share"] = pct(c["main_revenue"], c["revenue"])
        g1 = pct(c["main_revenue"] - p1["main_revenue"], p1["main_revenue"])
        g2 = pct(p1["main_revenue"] - p2["main_revenue"], p2["main_revenue"])
        f["main_growth_avg_2y"] = np.round((g1 + g2) / 2, 6)
        ratio = c["revenue"] / p2["revenue"]
        cagr = (np.sqrt(np.where(ratio > 0, ratio, np.nan)) - 1) * 100
        f["revenue_cagr_2y"] = np.round(np.where(np.isfinite(cagr), cagr, np.nan), 6)
        growing = (c["revenue"] > p1["revenue"]) & (p1["revenue"] > p2["revenue"])
        f["revenue_growing_2y"] = np.where(np.isnan(c["revenue"]) | np.isnan(p1["revenue"]) | np.isnan(p2["revenue"]),
                                           np.nan, growing.astype(float))
        # net profit growth over a negative base is not meaningful: missing rather than a flattering figure
        n1 = np.where(p1["net_profit"] > 0, pct(c["net_profit"] - p1["net_profit"], p1["net_profit"]), np.nan)
        n2 = np.where(p2["net_profit"] > 0, pct(p1["net_profit"] - p2["net_profit"], p2["net_profit"]), np.nan)
        f["net_profit_growth_avg_2y"] = np.round((n1 + n2) / 2, 6)
        f["debt_ratio"] = pct(c["liabilities"], c["total_assets"])
        f["net_margin"] = pct(c["net_profit"], c["revenue"])
        f["total_assets"] = c["total_assets"]  # not a criterion: the gap texts put a debt ratio in money
        f["rd_expense"] = c["rd_expense"]
        f["rd_intensity"] = pct(c["rd_expense"], c["revenue"])
        f["rd_intensity_min_2y"] = np.fmin(f["rd_intensity"], pct(p1["rd_expense"], p1["revenue"]))
        f["rd_intensity_min_2y"][np.isnan(f["rd_intensity"]) | np.isnan(p1["revenue"])] = np.nan
        f["rd_expense_min_2y"] = np.minimum(c["rd_expense"], p1["rd_expense"])
        f["rd_expense_sum_2y"] = c["rd_expense"] + p1["rd_expense"]
        f["rd_expense_avg_2y"] = f["rd_expense_sum_2y"] / 2
        f["rd_staff_share"] = pct(c["rd_staff"], c["employees"])
        f["main_revenue_avg_3y"] = (c["main_revenue"] + p1["main_revenue"] + p2["main_revenue"]) / 3
        f["invention_patents"] = c["invention_patents"]
    # valid recognitions held on the day
    held = Recognition.objects.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=as_of), year__lte=as_of.year,
                                      tier__in=["specialised", "little_giant", "single_champion"])
    if id_list is not None:
        held = held.filter(enterprise_id__in=id_list)
    for tier in ("specialised", "little_giant", "single_champion"):
        f[f"holds_{tier}"] = np.zeros(n)
    for pk, tier in held.values_list("enterprise_id", "tier"):
        pos = np.searchsorted(ids, pk)
        if pos < n and ids[pos] == pk:
            f[f"holds_{tier}"][pos] = 1.0
    # this app's figures: the latest year up to the financial year
    from django.db import models as dj

    from .models import EnterpriseTierFigures

    def tier_col(name: str) -> str:
        if isinstance(EnterpriseTierFigures._meta.get_field(name), dj.BooleanField):
            return f"CASE WHEN {name} THEN 1.0 WHEN NOT {name} THEN 0.0 END"
        return _num(name)

    tcols = ", ".join(tier_col(c) for c in TIER_FIGURE_FIELDS)
    tf = _matrix(f"SELECT enterprise_id, year, {tcols} FROM cultivation_enterprisetierfigures "
                 f"WHERE year <= {y}{{ids}}", 2 + len(TIER_FIGURE_FIELDS), id_list)
    if len(tf):
        tf = tf[np.lexsort((-tf[:, 1], tf[:, 0]))]  # by firm, latest year first
        _, first = np.unique(tf[:, 0], return_index=True)
        tf = tf[first]
    tidx = np.searchsorted(ids, tf[:, 0].astype(np.int64)) if len(tf) else np.zeros(0, dtype=np.int64)
    tier_year = np.zeros(n, dtype=np.int32)
    if len(tf):
        tier_year[tidx] = tf[:, 1].astype(np.int32)
    for j, name in enumerate(TIER_FIGURE_FIELDS, start=2):
        col = np.full(n, np.nan)
        if len(tf):
            col[tidx] = tf[:, j]
        f[name] = col
    hv, c1, c2 = f["ip_class1_high_value"], f["ip_class1"], f["ip_class2"]
    grade = np.where(hv >= 1, 4, np.where(c1 >= 1, 2, np.where(c2 >= 1, 1, 0))).astype(float)
    grade[np.isnan(hv) & np.isnan(c1) & np.isnan(c2)] = np.nan
    f["ip_grade"] = grade
    return Frame(ids=ids, figures=f, figures_year=y, tier_year=tier_year)


def fmt(value: float, figure: str) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if figure in ("revenue_growing_2y", "manufacturing_or_digital") or figure.startswith("holds_"):
        return str(_("yes")) if value == 1 else str(_("no"))
    return f"{value:,.2f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value):,}"
