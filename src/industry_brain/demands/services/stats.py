"""The pre-aggregated demand statistics."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from industry_brain.core.workdays import add_working_days

from ..choices import (
    RESOLVED_STATUSES,
    Satisfaction,
)
from ..models import (
    Demand,
    DemandCadreMonthlyStat,
    DemandDailyStat,
    DemandMonthlyStat,
    DemandStatDay,
)

# ------------------------------------------------------------------------------------ statistics refresh

STAT_KEYS = ["submitted_on", "category_id", "category_root_id", "district_id", "department_id", "chain_id",
             "cadre_id"]
STAT_COLUMNS = ["day", "category_id", "category_root_id", "district_id", "department_id", "chain_id", "cadre_id"]
# The keys (besides the month) of the coarser tables summed from the daily rows.
MONTHLY_KEYS = {DemandMonthlyStat: ["category_root_id", "district_id", "department_id", "chain_id"],
                DemandCadreMonthlyStat: ["district_id", "cadre_id"]}


def _stat_measures() -> dict:
    resolved = Q(status__in=list(RESOLVED_STATUSES))
    return {
        "collected": Count("id"),
        "resolved": Count("id", filter=resolved),
        "on_time": Count("id", filter=resolved & Q(on_time=True)),
        "handling_days": Coalesce(Sum("handling_days", filter=resolved), Value(0)),
        # Ratings are counted as given: every dissatisfied rating reopened the demand once (reopen_count), so
        # it stays counted after the demand is handled again and finally rated satisfied.
        "rated": Count("id", filter=Q(satisfaction__in=[Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED]))
        + Coalesce(Sum("reopen_count"), Value(0)),
        "satisfied": Count("id", filter=Q(satisfaction=Satisfaction.SATISFIED)),
        "basically_satisfied": Count("id", filter=Q(satisfaction=Satisfaction.BASICALLY_SATISFIED)),
        "dissatisfied": Coalesce(Sum("reopen_count"), Value(0)),
        "reopened": Count("id", filter=Q(reopen_count__gt=0)),
        "transferred": Count("id", filter=Q(transfer_count__gt=0)),
        "escalated": Count("id", filter=Q(escalation_level__gt=0)),
    }


def _insert_select(model, columns: list[str], grouped: QuerySet) -> int:
    sql, params = grouped.query.sql_with_params()
    qn = connection.ops.quote_name
    with connection.cursor() as cur:
        cur.execute(f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(c) for c in columns)}) {sql}", params)
        return cur.rowcount


def _delete(model, column: str | None = None, values: list | None = None) -> None:
    """Delete a statistics table's rows (those whose column is in values, or all) in one statement. Raw SQL:
    QuerySet.delete() reads every row first and deletes them by id in batches, because a post_delete receiver
    (the change log's) is connected; aggregate rows carry no log of their own."""
    qn = connection.ops.quote_name
    sql = f"DELETE FROM {qn(model._meta.db_table)}"
    if column is not None:
        sql += f" WHERE {qn(column)} IN ({', '.join(['%s'] * len(values))})"
    with connection.cursor() as cur:
        cur.execute(sql, values or [])


def _next_month(month: dt.date) -> dt.date:
    return (month + dt.timedelta(days=32)).replace(day=1)


def _rebuild_months() -> None:
    """Rebuild the monthly tables from all daily rows: one INSERT … SELECT … GROUP BY per table."""
    daily = DemandDailyStat.objects.order_by()
    measures = list(_stat_measures())
    for model, keys in MONTHLY_KEYS.items():
        _delete(model)
        grouped = daily.annotate(month=TruncMonth("day")).values("month", *keys).annotate(
            **{m: Sum(m) for m in measures})
        _insert_select(model, ["month", *keys, *measures], grouped)


def _group_key(model, key: str, alias: str) -> str:
    """SQL: one key of a group. An empty key (no department, chain or cadre) is its own group: COALESCE to 0 (no
    id is 0), the expression the tables' group index is built on, so that it compares by plain equality."""
    qn = connection.ops.quote_name
    column = f"{alias}.{qn(key)}" if alias else qn(key)
    return f"COALESCE({column}, 0)" if model._meta.get_field(key.removesuffix("_id")).null else column


def _forget_groups(by_month: dict[dt.date, list[dt.date]], *, joined: bool = False) -> dict:
    """Delete the monthly rows of the groups that these days' daily rows fall in (run before the days' daily rows
    are replaced, for the groups they leave, and after, `joined`, for those they join). Returns those groups, by
    table and month: the ones deleted, and with `joined` every group of the days' rows (some may be new)."""
    qn = connection.ops.quote_name
    daily = qn(DemandDailyStat._meta.db_table)
    forgotten: dict = {}
    with connection.cursor() as cur:
        for month, days in by_month.items():
            for model, keys in MONTHLY_KEYS.items():
                table = qn(model._meta.db_table)
                same = " AND ".join(f"{_group_key(model, k, 'd')} = {_group_key(model, k, table)}" for k in keys)
                cur.execute(
                    f"DELETE FROM {table} WHERE {table}.{qn('month')} = %s AND EXISTS (SELECT 1 FROM {daily} d "
                    f"WHERE d.{qn('day')} IN ({', '.join(['%s'] * len(days))}) AND {same}) "
                    f"RETURNING {', '.join(_group_key(model, k, table) for k in keys)}", [month, *days])
                forgotten.setdefault((model, month), set()).update(tuple(r) for r in cur.fetchall())
                if joined:
                    cur.execute(f"SELECT DISTINCT {', '.join(_group_key(model, k, 'd') for k in keys)} FROM {daily} d "
                                f"WHERE d.{qn('day')} IN ({', '.join(['%s'] * len(days))})", days)
                    forgotten[model, month].update(tuple(r) for r in cur.fetchall())
    return forgotten


def _restore_groups(forgotten: dict, chunk: int = 1000) -> None:
    """Sum the forgotten groups again from their month's daily rows (a group without daily rows any more stays
    away): a one-day refresh writes the few rows of its groups, not a month's."""
    qn = connection.ops.quote_name
    daily = qn(DemandDailyStat._meta.db_table)
    measures = list(_stat_measures())
    sums = ", ".join(f"SUM({qn(m)})" for m in measures)
    with connection.cursor() as cur:
        for (model, month), groups in forgotten.items():
            keys = MONTHLY_KEYS[model]
            groups = sorted(groups, key=repr)
            for start in range(0, len(groups), chunk):
                part = groups[start:start + chunk]
                row = f"({', '.join(['%s'] * len(keys))})"
                values = ", ".join([row] * len(part))
                cur.execute(
                    f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(c) for c in ['month', *keys, *measures])}) "
                    f"SELECT %s, {', '.join(qn(k) for k in keys)}, {sums} FROM {daily} "
                    f"WHERE {qn('day')} >= %s AND {qn('day')} < %s "
                    f"AND ({', '.join(_group_key(model, k, '') for k in keys)}) IN (VALUES {values}) "
                    f"GROUP BY {', '.join(qn(k) for k in keys)}",
                    [month, month, _next_month(month), *(v for g in part for v in g)])


@transaction.atomic
def demand_stats_refresh(*, days: Iterable[dt.date] | None = None) -> int:
    """Rebuild the pre-aggregated statistics for the given submission days (all days when None) with one
    INSERT … SELECT … GROUP BY: no Python loop over demands. The days' bookkeeping rows are locked first
    so that concurrent refreshes of one day serialise. The monthly tables follow from the daily rows: rebuilt
    whole with everything; for given days, the groups (month × keys) the days' rows leave or join are deleted
    and summed again from their month's daily rows, so that a one-day refresh writes a few rows, not a month's.
    Returns the number of daily aggregate rows written."""
    demands = Demand.objects.all()
    if days is not None:
        days = sorted(set(days))
        if not days:
            return 0
        months = sorted({d.replace(day=1) for d in days})
        guarded = sorted(set(days) | set(months))  # a month's first day guards the month's monthly rows
        DemandStatDay.objects.bulk_create([DemandStatDay(day=d) for d in guarded], ignore_conflicts=True)
        list(DemandStatDay.objects.select_for_update().filter(day__in=guarded).order_by("day")
             .values_list("day", flat=True))
        by_month = {m: [d for d in days if d.replace(day=1) == m] for m in months}
        forgotten = _forget_groups(by_month)
        _delete(DemandDailyStat, "day", days)
        demands = demands.filter(submitted_on__in=days)
    else:
        present = set(Demand.objects.order_by().values_list("submitted_on", flat=True).distinct())
        present |= {d.replace(day=1) for d in present}
        DemandStatDay.objects.bulk_create([DemandStatDay(day=d) for d in present], ignore_conflicts=True)
        list(DemandStatDay.objects.select_for_update().order_by("day").values_list("day", flat=True))
        _delete(DemandDailyStat)
    measures = _stat_measures()
    grouped = demands.order_by().values(*STAT_KEYS).annotate(**measures)
    written = _insert_select(DemandDailyStat, [*STAT_COLUMNS, *measures], grouped)
    if days is None:
        _rebuild_months()
    else:
        for group, keys in _forget_groups(by_month, joined=True).items():
            forgotten[group] |= keys
        _restore_groups(forgotten)
    stamp = timezone.now()
    if days is not None:
        DemandStatDay.objects.filter(day__in=days).update(refreshed_at=stamp)
    else:
        DemandStatDay.objects.update(refreshed_at=stamp)
    return written


def is_due_soon(demand: Demand, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return demand.is_open and demand.due_date is not None and today <= demand.due_date <= add_working_days(today, 1)
