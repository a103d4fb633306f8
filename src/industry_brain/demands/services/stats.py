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


MEASURE_NAMES = list(_stat_measures())  # collected first: a group's row exists while it counts a demand
_CHUNK = 500


def _table_rows(model, keys: list[str], month: dt.date, groups: list[tuple]) -> dict[tuple, tuple[int, list[int]]]:
    """The rows of a monthly table for these groups of one month: {(month, *keys): (id, measures)}. Read by the
    group index (month, keys with empty ones as 0)."""
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    found: dict[tuple, tuple[int, list[int]]] = {}
    with connection.cursor() as cur:
        for start in range(0, len(groups), _CHUNK):
            part = groups[start:start + _CHUNK]
            row = f"({', '.join(['%s'] * len(keys))})"
            cur.execute(
                f"SELECT id, {', '.join(qn(k) for k in keys)}, {', '.join(qn(m) for m in MEASURE_NAMES)} FROM {table} "
                f"WHERE {qn('month')} = %s AND ({', '.join(_group_key(model, k, '') for k in keys)}) "
                f"IN (VALUES {', '.join([row] * len(part))})",
                [month, *(0 if v is None else v for g in part for v in g)])
            for r in cur.fetchall():
                found[(month, *r[1:1 + len(keys)])] = (r[0], list(r[1 + len(keys):]))
    return found


def _apply(model, columns: list[str], deltas: dict[tuple, list[int]], existing: dict[tuple, tuple[int, list[int]]]
           ) -> None:
    """Add each group's delta to its row of `model` in place: a row whose group has nothing left (collected 0:
    every row of a group counts at least one demand) is deleted, a group without a row gets one, the others are
    updated to their new sums, one statement per kind of change (per chunk). Unchanged groups are not written."""
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    gone, changed, born = [], [], []
    for group, delta in deltas.items():
        if not any(delta):
            continue
        if group in existing:
            pk, old = existing[group]
            values = [a + b for a, b in zip(old, delta, strict=True)]
            (gone if values[0] == 0 else changed).append((pk, values))
        else:
            born.append((group, delta))
    for group, values in born + changed:
        if min(values) < 0 or values[1] > values[0]:  # cannot happen while the lock holds: say so loudly
            raise AssertionError(f"{model.__name__} {group}: negative sums {values}")
    with connection.cursor() as cur:
        for start in range(0, len(gone), _CHUNK):
            part = [pk for pk, _values in gone[start:start + _CHUNK]]
            cur.execute(f"DELETE FROM {table} WHERE id IN ({', '.join(['%s'] * len(part))})", part)
        width = 1 + len(MEASURE_NAMES)
        for start in range(0, len(changed), _CHUNK):
            part = changed[start:start + _CHUNK]
            row = f"({', '.join(['%s'] * width)})"
            sets = ", ".join(f"{qn(m)} = v.column{k + 2}" for k, m in enumerate(MEASURE_NAMES))
            cur.execute(f"UPDATE {table} SET {sets} FROM (VALUES {', '.join([row] * len(part))}) AS v "
                        f"WHERE {table}.id = v.column1", [x for pk, values in part for x in (pk, *values)])
        width = len(columns) + len(MEASURE_NAMES)
        for start in range(0, len(born), _CHUNK):
            part = born[start:start + _CHUNK]
            row = f"({', '.join(['%s'] * width)})"
            cur.execute(f"INSERT INTO {table} ({', '.join(qn(c) for c in [*columns, *MEASURE_NAMES])}) "
                        f"VALUES {', '.join([row] * len(part))}", [x for g, d in part for x in (*g, *d)])


def _refresh_days(days: list[dt.date]) -> int:
    """Bring the given days' daily rows and their months' monthly rows up to date by adding each group's change in
    place: the days' daily rows as they are and as the demands now group, their difference per daily group, that
    difference summed per monthly group; only the groups that changed are written (a workflow step changes one or
    two). Equal to a full rebuild (tests/test_stats_monthly.py). Returns the number of the days' daily rows."""
    rows = DemandDailyStat.objects.filter(day__in=days).order_by().values_list("id", *STAT_COLUMNS, *MEASURE_NAMES)
    old = {tuple(r[1:1 + len(STAT_COLUMNS)]): (r[0], list(r[1 + len(STAT_COLUMNS):])) for r in rows}
    measures = _stat_measures()
    grouped = Demand.objects.filter(submitted_on__in=days).order_by().values(*STAT_KEYS).annotate(**measures)
    new = {tuple(r[k] for k in STAT_KEYS): [int(r[m]) for m in MEASURE_NAMES] for r in grouped}
    zero = [0] * len(MEASURE_NAMES)
    deltas = {}
    for group in old.keys() | new.keys():
        before = old[group][1] if group in old else zero
        deltas[group] = [a - b for a, b in zip(new.get(group, zero), before, strict=True)]
    _apply(DemandDailyStat, STAT_COLUMNS, deltas, old)
    for model, keys in MONTHLY_KEYS.items():
        picks = [STAT_COLUMNS.index(k) for k in keys]
        summed: dict[tuple, list[int]] = {}
        for group, delta in deltas.items():
            if any(delta):
                key = (group[0].replace(day=1), *(group[i] for i in picks))
                summed[key] = [a + b for a, b in zip(summed.get(key, zero), delta, strict=True)]
        existing: dict = {}
        for month in sorted({key[0] for key in summed}):
            existing |= _table_rows(model, keys, month, [key[1:] for key in summed if key[0] == month])
        _apply(model, ["month", *keys], summed, existing)
    return len(new)


@transaction.atomic
def demand_stats_refresh(*, days: Iterable[dt.date] | None = None) -> int:
    """Bring the pre-aggregated statistics up to date for the given submission days, or rebuild them whole (all
    days when None). The whole rebuild is one INSERT … SELECT … GROUP BY per table: no Python loop over demands.
    Given days are brought up to date in place (`_refresh_days`): each group's change (the days' demands as they
    now group, less the daily rows they had) is added to its daily and monthly rows, so that a workflow step
    writes the one or two rows it changed (docs/decisions.md). The days' bookkeeping rows, and the first day of
    each of their months (which guards the month's monthly rows), are locked first so that concurrent refreshes
    of one day or month serialise. Returns the number of daily aggregate rows of the days (all rows: written)."""
    if days is not None:
        days = sorted(set(days))
        if not days:
            return 0
        months = sorted({d.replace(day=1) for d in days})
        guarded = sorted(set(days) | set(months))  # a month's first day guards the month's monthly rows
        DemandStatDay.objects.bulk_create([DemandStatDay(day=d) for d in guarded], ignore_conflicts=True)
        list(DemandStatDay.objects.select_for_update().filter(day__in=guarded).order_by("day")
             .values_list("day", flat=True))
        written = _refresh_days(days)
        DemandStatDay.objects.filter(day__in=days).update(refreshed_at=timezone.now())
        return written
    present = set(Demand.objects.order_by().values_list("submitted_on", flat=True).distinct())
    present |= {d.replace(day=1) for d in present}
    DemandStatDay.objects.bulk_create([DemandStatDay(day=d) for d in present], ignore_conflicts=True)
    list(DemandStatDay.objects.select_for_update().order_by("day").values_list("day", flat=True))
    _delete(DemandDailyStat)
    measures = _stat_measures()
    grouped = Demand.objects.order_by().values(*STAT_KEYS).annotate(**measures)
    written = _insert_select(DemandDailyStat, [*STAT_COLUMNS, *measures], grouped)
    _rebuild_months()
    DemandStatDay.objects.update(refreshed_at=timezone.now())
    return written


def is_due_soon(demand: Demand, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return demand.is_open and demand.due_date is not None and today <= demand.due_date <= add_working_days(today, 1)
