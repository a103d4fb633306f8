"""Reads of the enterprise service: restricted lists, the statistics (from the pre-aggregated table only),
cadre coverage and the inbox counts of the home panels."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from industry_brain.chains.models import ChainMembership
from industry_brain.core.workdays import add_working_days
from industry_brain.enterprises.models import Enterprise

from .choices import DemandStatus
from .models import (
    Assignment,
    Cadre,
    CoHandlingTask,
    Demand,
    DemandCadreMonthlyStat,
    DemandCategory,
    DemandDailyStat,
    DemandFlag,
    DemandMonthlyStat,
    DemandStep,
    Notification,
    SystemicAlert,
    Visit,
)

OPEN = [DemandStatus.SUBMITTED, DemandStatus.ACCEPTED, DemandStatus.IN_PROGRESS]
HANDLING = [DemandStatus.ACCEPTED, DemandStatus.IN_PROGRESS]


# ------------------------------------------------------------------------------------------------- lists

def demand_list(*, user) -> QuerySet[Demand]:
    return Demand.objects.restrict(user, "view").select_related(
        "enterprise", "category", "category__parent", "category_root", "department", "district")


# The columns the list page's table shows (`tables.DemandTable`).
PAGE_LIST_FIELDS = [
    "id", "title", "enterprise_id", "district_id", "category_id", "urgency", "status", "department_id",
    "submitted_at", "due_date", "is_flagged", "escalation_level", "reopen_count",
    "enterprise__name", "district__name", "category__name", "category__parent__name", "department__name"]

# The columns the API's list shows (`api.serializers.DemandSerializer`) and the workflow's guards read: the rows
# without their segmented and search text and bookkeeping times.
API_LIST_FIELDS = [
    "id", "enterprise_id", "district_id", "category_id", "urgency", "title", "description", "channel", "status",
    "department_id", "handler_id", "due_date", "resolution", "satisfaction", "rating_comment", "submitted_at",
    "accepted_at", "resolved_at", "closed_at", "transfer_count", "reopen_count", "escalation_level", "is_flagged",
    "chain_id", "chain_node_id", "project_id", "visit_id", "cadre_id"]

# The related rows' columns the API's list shows, read as columns of the demand's row (`with_list_names`).
API_LIST_NAMES = {
    "list_enterprise_name": "enterprise__name", "list_category_code": "category__code",
    "list_category_name": "category__name", "list_category_parent_name": "category__parent__name",
    "list_department_name": "department__name"}


def demand_list_with_timeline(*, user) -> QuerySet[Demand]:
    """The API list: the columns it shows. The page's rows get the related names by `with_list_names` and their
    timelines by `attach_timelines` (one query per page, whatever its size); the count and a deep page's keys read
    the demand table alone."""
    return Demand.objects.restrict(user, "view").only(*API_LIST_FIELDS)


def api_list_page(keys: list[int]) -> list[Demand]:
    """The demands of an API list page by their keys, read from the reader's restricted, filtered and ordered list
    (`demand_list_with_timeline`), in the keys' order, with the related names as columns. The filters are not
    tested again: a search's `ib_name_bigrams` costs about 0.1 ms a row."""
    found = {d.pk: d for d in with_list_names(Demand.objects.filter(pk__in=keys).only(*API_LIST_FIELDS))}
    return [found[k] for k in keys if k in found]


def with_list_names(rows: QuerySet[Demand]) -> QuerySet[Demand]:
    """`rows` with the enterprise's name, the category's code and name, its group's name and the department's name
    as columns of each row (`API_LIST_NAMES`): the same joins as select_related, without four model instances per
    demand (a page of 200 built about 1,000 of them)."""
    return rows.annotate(**{name: F(path) for name, path in API_LIST_NAMES.items()})


TIMELINE_FIELDS = ["action", "actor_label", "at", "from_status", "to_status", "department_id", "note"]


def attach_timelines(demands: list[Demand]) -> list[Demand]:
    """Give each demand of a page (already restricted) its timeline as `timeline_rows`, tuples of TIMELINE_FIELDS
    in order of time: one query for the page, rows read as tuples (a page of 200 demands has about 1,000 steps,
    whose model instances cost more than the rest of the response)."""
    by_demand: dict[int, list[tuple]] = {d.pk: [] for d in demands}
    if by_demand:
        rows = DemandStep.objects.filter(demand_id__in=list(by_demand)).order_by("at", "id").values_list(
            "demand_id", *TIMELINE_FIELDS)
        for demand_id, *row in rows:
            by_demand[demand_id].append(tuple(row))
    for d in demands:
        d.timeline_rows = by_demand[d.pk]
    return demands


def demand_detail(*, user) -> QuerySet[Demand]:
    return demand_list(user=user).select_related("handler", "cadre", "visit", "chain", "chain_node", "raised_by") \
        .prefetch_related(
            Prefetch("steps", queryset=DemandStep.objects.select_related("department").order_by("at", "id")),
            Prefetch("flags", queryset=DemandFlag.objects.select_related("similar_to", "similar_to__enterprise")),
            Prefetch("cohandling_tasks", queryset=CoHandlingTask.objects.select_related("department")),
            "attachments")


def visible_flags(*, user, demand: Demand) -> list[DemandFlag]:
    """Flags whose similar demand the user may also see (others are counted but not linked)."""
    flags = list(demand.flags.select_related("similar_to__enterprise"))
    visible = set(Demand.objects.restrict(user, "view").filter(
        pk__in=[f.similar_to_id for f in flags]).values_list("pk", flat=True))
    for f in flags:
        f.visible = f.similar_to_id in visible
    return flags


def cadre_list(*, user) -> QuerySet[Cadre]:
    current = Assignment.objects.filter(cadre=OuterRef("pk"), ended_on__isnull=True).order_by().values(
        "cadre").annotate(n=Count("id")).values("n")
    from django.db.models import IntegerField, Subquery
    from django.db.models.functions import Coalesce

    return Cadre.objects.restrict(user, "view").select_related("organisation").annotate(
        enterprise_count=Coalesce(Subquery(current, output_field=IntegerField()), 0))


def assignment_list(*, user) -> QuerySet[Assignment]:
    return Assignment.objects.restrict(user, "view").select_related("cadre", "enterprise", "enterprise__district")


def visit_list(*, user) -> QuerySet[Visit]:
    return Visit.objects.restrict(user, "view").select_related("cadre", "enterprise")


def categories() -> QuerySet[DemandCategory]:
    return DemandCategory.objects.filter(is_active=True).select_related("parent").order_by("order", "code")


def category_ids(code: str) -> list[int]:
    """The category with this code and, for a top-level code, its children."""
    return list(DemandCategory.objects.filter(Q(code=code) | Q(parent__code=code)).values_list("pk", flat=True))


def alert_list(*, user) -> QuerySet[SystemicAlert]:
    return SystemicAlert.objects.restrict(user, "view").select_related(*SystemicAlert.LABEL_RELATED)


def inbox(*, user) -> QuerySet[Notification]:
    """The user's own notifications. Explicitly by recipient: restrict() lets the city bureau see every row
    of every model, but an inbox is personal even for the city."""
    return Notification.objects.restrict(user, "view").filter(recipient=user)


# -------------------------------------------------------------------------------------------- statistics

MEASURES = ["collected", "resolved", "on_time", "handling_days", "rated", "satisfied", "basically_satisfied",
            "dissatisfied", "reopened", "transferred", "escalated"]

_UNSET = {"department": _("not yet accepted"), "chain": _("no chain"), "cadre": _("no cadre")}

DIMENSIONS = {
    "category": ("category_root_id", "category_root__name"),
    "department": ("department_id", "department__name"),
    "district": ("district_id", "district__name"),
    "chain": ("chain_id", "chain__name"),
    "cadre": ("cadre_id", "cadre__name"),
    "month": None,
}


def stats_queryset(*, user, date_from: dt.date | None = None, date_to: dt.date | None = None,
                   district: str | None = None, category: str | None = None, department: int | None = None,
                   chain: int | None = None, cadre: int | None = None) -> QuerySet[DemandDailyStat]:
    """Aggregate rows in the user's statistics scope, narrowed by the filters (days are submission days)."""
    return _daily_rows(user=user, date_from=date_from, date_to=date_to, district=district,
                       category_ids=category_ids(category) if category else None, department=department, chain=chain,
                       cadre=cadre)


def _daily_rows(*, user, date_from, date_to, district, category_ids, department, chain, cadre):
    qs = DemandDailyStat.objects.restrict(user, "view")
    if date_from:
        qs = qs.filter(day__gte=date_from)
    if date_to:
        qs = qs.filter(day__lte=date_to)
    if district:
        qs = qs.filter(district_id=district)
    if category_ids is not None:
        qs = qs.filter(category_id__in=category_ids) if category_ids else qs.none()
    if department:
        qs = qs.filter(department_id=department)
    if chain:
        qs = qs.filter(chain_id=chain)
    if cadre:
        qs = qs.filter(cadre_id=cadre)
    return qs


@dataclass(frozen=True)
class StatsRows:
    """Where the statistics are read: `rows` (summary and every breakdown but the cadres') and `cadres` (the cadre
    breakdown), each a filtered, restricted queryset of `DemandMonthlyStat`, `DemandCadreMonthlyStat` or
    `DemandDailyStat`; `stats_summary`, `stats_breakdown` and `stats_overview` take either this or a daily queryset."""

    rows: QuerySet
    cadres: QuerySet

    @property
    def monthly(self) -> bool:
        return self.rows.model is DemandMonthlyStat


def _month_start(day: dt.date | None) -> bool:
    return day is None or day.day == 1


def _month_end(day: dt.date | None) -> bool:
    return day is None or (day + dt.timedelta(days=1)).day == 1


def stats_rows(*, user, date_from: dt.date | None = None, date_to: dt.date | None = None,
               district: str | None = None, category: str | None = None, department: int | None = None,
               chain: int | None = None, cadre: int | None = None) -> StatsRows:
    """The rows answering the statistics with these filters, the coarsest that can (docs/decisions.md): the
    monthly table when the period is whole months (or open), the category a group and no cadre is named, and
    the reader's scope keeps to its columns; the cadre breakdown from the monthly cadre table when, besides,
    neither category, department nor chain is filtered and the scope keeps to month, district and cadre.
    Otherwise the daily table, which answers everything; both give the same figures."""
    ids, root = None, None
    if category:
        found = list(DemandCategory.objects.filter(Q(code=category) | Q(parent__code=category))
                     .values_list("pk", "code", "parent_id"))
        ids = [pk for pk, _code, _parent in found]
        root = next((pk for pk, code, parent in found if code == category and parent is None), None)
    daily = _daily_rows(user=user, date_from=date_from, date_to=date_to, district=district, category_ids=ids,
                        department=department, chain=chain, cadre=cadre)
    whole_months = _month_start(date_from) and _month_end(date_to)
    if daily.query.is_empty() or not whole_months or cadre or (category and root is None):
        return StatsRows(rows=daily, cadres=daily)
    monthly = _monthly_rows(DemandMonthlyStat, user, date_from, date_to, district)
    if monthly is None:
        return StatsRows(rows=daily, cadres=daily)
    if root is not None:
        monthly = monthly.filter(category_root_id=root)
    if department:
        monthly = monthly.filter(department_id=department)
    if chain:
        monthly = monthly.filter(chain_id=chain)
    cadres = None
    if not (category or department or chain):
        cadres = _monthly_rows(DemandCadreMonthlyStat, user, date_from, date_to, district)
    return StatsRows(rows=monthly, cadres=daily if cadres is None else cadres)


def _monthly_rows(model, user, date_from, date_to, district) -> QuerySet | None:
    """The model's rows in the user's scope for the period and district; None when the model cannot tell the
    user's rows apart (its scope is nothing where the daily table's is something)."""
    qs = model.objects.restrict(user, "view")
    if qs.query.is_empty():
        return None
    if date_from:
        qs = qs.filter(month__gte=date_from)
    if date_to:
        qs = qs.filter(month__lte=date_to.replace(day=1))
    if district:
        qs = qs.filter(district_id=district)
    return qs


def _as_rows(source: StatsRows | QuerySet) -> StatsRows:
    return source if isinstance(source, StatsRows) else StatsRows(rows=source, cadres=source)


def _pct(n: int, d: int) -> float | None:
    return round(100.0 * n / d, 2) if d else None


def stats_figures(totals: dict) -> dict:
    """The KPIs from summed measures. Rates are percentages with two decimals (None without a denominator).

    - resolution_rate = resolved ÷ collected (resolved = resolved or closed)
    - on_time_rate = resolved by the due date ÷ resolved
    - satisfaction_rate = (satisfied + basically satisfied) ÷ rated
    - reopen_rate = reopened at least once ÷ collected
    - avg_handling_days = Σ working days from submission to resolution ÷ resolved
    """
    t = {m: int(totals.get(m) or 0) for m in MEASURES}
    return {
        "collected": t["collected"],
        "resolved": t["resolved"],
        "open": t["collected"] - t["resolved"],
        "resolution_rate": _pct(t["resolved"], t["collected"]),
        "on_time": t["on_time"],
        "on_time_rate": _pct(t["on_time"], t["resolved"]),
        "avg_handling_days": round(t["handling_days"] / t["resolved"], 2) if t["resolved"] else None,
        "rated": t["rated"],
        "satisfied": t["satisfied"],
        "basically_satisfied": t["basically_satisfied"],
        "dissatisfied": t["dissatisfied"],
        "satisfaction_rate": _pct(t["satisfied"] + t["basically_satisfied"], t["rated"]),
        "reopened": t["reopened"],
        "reopen_rate": _pct(t["reopened"], t["collected"]),
        "transferred": t["transferred"],
        "escalated": t["escalated"],
    }


def stats_summary(source: StatsRows | QuerySet[DemandDailyStat]) -> dict:
    totals = _as_rows(source).rows.aggregate(**{m: Sum(m) for m in MEASURES})
    figures = stats_figures(totals)
    figures["summary"] = summary_line(figures)
    return figures


def summary_line(figures: dict) -> str:
    """The source's style: 收集问题13119个，办结12970个，办结率98.86%."""
    rate = figures["resolution_rate"] or 0
    return f"收集问题{figures['collected']}个，办结{figures['resolved']}个，办结率{rate:.2f}%"


def stats_breakdown(source: StatsRows | QuerySet[DemandDailyStat], dimension: str,
                    limit: int | None = None) -> list[dict]:
    """KPIs per value of one dimension (category group, department, district, chain, cadre or month)."""
    source = _as_rows(source)
    qs = source.cadres if dimension == "cadre" else source.rows
    if dimension == "month":
        from django.db.models.functions import TruncMonth

        if qs.model is DemandDailyStat:
            qs = qs.annotate(month=TruncMonth("day"))
        rows = qs.order_by().values("month").annotate(
            **{m: Sum(m) for m in MEASURES}).order_by("month")
        return [{"key": r["month"].strftime("%Y-%m") if r["month"] else "", "label": r["month"].strftime("%Y-%m")
                 if r["month"] else "", **stats_figures(r)} for r in rows]
    key, label = DIMENSIONS[dimension]
    rows = qs.order_by().values(key, label).annotate(**{m: Sum(m) for m in MEASURES}).order_by("-collected", key)
    if limit:
        rows = rows[:limit]
    return [{"key": r[key], "label": r[label] or str(_UNSET.get(dimension, "—")), **stats_figures(r)} for r in rows]


# The breakdowns of the statistics page in the order of their GROUPING SETS (month first); each dimension's key
# column of DemandDailyStat and the model naming its values.
_OVERVIEW = [("month", None), ("category", "category_root_id"), ("department", "department_id"),
             ("district", "district_id"), ("chain", "chain_id"), ("cadre", "cadre_id")]


def stats_overview(source: StatsRows | QuerySet[DemandDailyStat], *, limits: dict[str, int] | None = None) -> dict:
    """The summary and every breakdown of the statistics page (`stats_summary` and `stats_breakdown` of each
    dimension, the largest `limits[dimension]` rows of a limited one) from one read of the aggregate rows (and,
    when the cadres come from a table of their own, one read of that).

    On PostgreSQL one query groups the filtered rows by GROUPING SETS and keeps the top rows of a limited
    dimension by a window, so that the province's table is read once instead of seven times and the 35,000
    cadre groups never leave the database (docs/decisions.md); elsewhere, one query per breakdown."""
    from django.core.exceptions import EmptyResultSet
    from django.db import connections

    limits = limits or {}
    source = _as_rows(source)
    qs = source.rows
    if connections[qs.db].vendor != "postgresql":
        overview = {"summary": stats_summary(source)}
        overview |= {dim: stats_breakdown(source, dim, limit=limits.get(dim)) for dim, _col in _OVERVIEW}
        return overview
    together = [(dim, col) for dim, col in _OVERVIEW if dim != "cadre" or source.cadres is qs]
    columns = [col for _dim, col in together if col]
    month = "day" if qs.model is DemandDailyStat else "month"
    inner = qs.order_by().values(month, *columns, *MEASURES)
    try:
        inner_sql, params = inner.query.sql_with_params()
    except EmptyResultSet:  # a filter that selects nothing (an unknown category)
        return {"summary": stats_summary(qs.none()), **{dim: [] for dim, _col in _OVERVIEW}}
    keys = ["date_trunc('month', s.day)::date" if month == "day" else "s.month"] + [f"s.{col}" for col in columns]
    everything = (1 << len(keys)) - 1  # GROUPING(all keys), with each dimension's bit cleared in its own set
    masks = {dim: everything - (1 << (len(keys) - 1 - k)) for k, (dim, _col) in enumerate(together)}
    # Months are never cut (as in `stats_breakdown`): the grand total is their sum.
    limit_case = " ".join(f"WHEN {masks[dim]} THEN {int(n)}" for dim, n in limits.items()
                          if dim in masks and dim != "month")
    sql = (f"SELECT * FROM (SELECT g.*, row_number() OVER (PARTITION BY g.gset ORDER BY g.collected DESC, "
           f"{', '.join(f'g.k{k}' for k in range(len(keys)))}) AS rn FROM ("
           f"SELECT {', '.join(f'{key} AS k{k}' for k, key in enumerate(keys))}, GROUPING({', '.join(keys)}) AS gset, "
           f"{', '.join(f'SUM(s.{m}) AS {m}' for m in MEASURES)} FROM ({inner_sql}) s "
           f"GROUP BY GROUPING SETS ({', '.join(f'({key})' for key in keys)})) g) r"
           + (f" WHERE r.rn <= CASE r.gset {limit_case} ELSE r.rn END" if limit_case else ""))
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        names = [c[0] for c in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    by_mask = {mask: dim for dim, mask in masks.items()}
    grouped: dict[str, list[dict]] = {dim: [] for dim, _col in together}
    for r in rows:
        if r["gset"] in by_mask:
            dim = by_mask[r["gset"]]
            r["key"] = r[f"k{[d for d, _c in together].index(dim)}"]
            grouped[dim].append(r)
    # The grand total is the sum of the months (every row has one): a grouping set () would make PostgreSQL sort
    # the rows for it rather than hash them with the other sets.
    totals = {m: sum(r[m] or 0 for r in grouped["month"]) for m in MEASURES}
    overview = {"summary": stats_figures(totals)}
    overview["summary"]["summary"] = summary_line(overview["summary"])
    months = sorted(grouped.pop("month"), key=lambda r: r["key"] or dt.date.min)
    overview["month"] = [{"key": r["key"].strftime("%Y-%m") if r["key"] else "",
                          "label": r["key"].strftime("%Y-%m") if r["key"] else "", **stats_figures(r)} for r in months]
    for dim, rows_of_dim in grouped.items():
        key, label = DIMENSIONS[dim]
        model = DemandDailyStat._meta.get_field(key.removesuffix("_id")).related_model
        ids = [r["key"] for r in rows_of_dim if r["key"] is not None]
        labels = dict(model._base_manager.filter(pk__in=ids).values_list("pk", "name")) if ids else {}
        rows_of_dim.sort(key=lambda r: (-(r["collected"] or 0), r["key"] is None, r["key"] or 0))
        overview[dim] = [{"key": r["key"], "label": labels.get(r["key"]) or str(_UNSET.get(dim, "—")),
                          **stats_figures(r)} for r in rows_of_dim]
    if "cadre" not in overview:
        overview["cadre"] = _ranked(source.cadres, "cadre", limits.get("cadre"))
    return overview


def _ranked(qs: QuerySet, dimension: str, limit: int | None) -> list[dict]:
    """`stats_breakdown` of one dimension, grouped by its key alone and named afterwards: the 35,000 cadre groups
    are summed and ranked before the few kept are joined to their names."""
    key, _label = DIMENSIONS[dimension]
    rows = qs.order_by().values(key).annotate(**{m: Sum(m) for m in MEASURES}).order_by("-collected", key)
    rows = list(rows[:limit] if limit else rows)
    model = qs.model._meta.get_field(key.removesuffix("_id")).related_model
    ids = [r[key] for r in rows if r[key] is not None]
    labels = dict(model._base_manager.filter(pk__in=ids).values_list("pk", "name")) if ids else {}
    return [{"key": r[key], "label": labels.get(r[key]) or str(_UNSET.get(dimension, "—")), **stats_figures(r)}
            for r in rows]


# ---------------------------------------------------------------------------------------------- coverage

def coverage(*, user, above_scale_only: bool = False) -> dict:
    """Enterprises with and without a current cadre, by district and by chain, in the user's scope."""
    # The firms whose service the user organises (coverage is asked by those who do: `organise_service`).
    enterprises = Enterprise.objects.restrict(user, "change")
    if above_scale_only:
        enterprises = enterprises.filter(is_above_scale=True)
    served = Assignment.objects.filter(enterprise=OuterRef("pk"), ended_on__isnull=True)
    annotated = enterprises.order_by().annotate(served=Exists(served))
    by_district = list(annotated.values("district_id", "district__name").annotate(
        total=Count("id"), covered=Count("id", filter=Q(served=True))).order_by("district_id"))
    member_served = Assignment.objects.filter(enterprise=OuterRef("enterprise_id"), ended_on__isnull=True)
    # a chain's firms are its confirmed members (a proposal, pending or rejected, places no firm on it)
    members = ChainMembership.objects.counted().filter(enterprise__in=enterprises.values("pk")).order_by().annotate(
        served=Exists(member_served))
    by_chain = list(members.values("node__chain_id", "node__chain__name").annotate(
        total=Count("enterprise_id", distinct=True),
        covered=Count("enterprise_id", distinct=True, filter=Q(served=True))).order_by("node__chain_id"))
    for rows in (by_district, by_chain):
        for r in rows:
            r["uncovered"] = r["total"] - r["covered"]
            r["rate"] = _pct(r["covered"], r["total"])
    total = sum(r["total"] for r in by_district)
    covered = sum(r["covered"] for r in by_district)
    return {"total": total, "covered": covered, "uncovered": total - covered, "rate": _pct(covered, total),
            "by_district": by_district, "by_chain": by_chain,
            "cadres": Cadre.objects.restrict(user, "view").count()}


# ------------------------------------------------------------------------------------------- home panels

def overdue(qs: QuerySet[Demand], today: dt.date | None = None) -> QuerySet[Demand]:
    today = today or timezone.localdate()
    return qs.filter(status__in=HANDLING, due_date__lt=today)


def due_soon(qs: QuerySet[Demand], today: dt.date | None = None) -> QuerySet[Demand]:
    today = today or timezone.localdate()
    return qs.filter(status__in=HANDLING, due_date__gte=today, due_date__lte=add_working_days(today, 1))
