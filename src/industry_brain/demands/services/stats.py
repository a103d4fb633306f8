"""The pre-aggregated demand statistics."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Count, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from industry_brain.core.workdays import add_working_days

from ..choices import (
    RESOLVED_STATUSES,
    Satisfaction,
)
from ..models import (
    Demand,
    DemandDailyStat,
    DemandStatDay,
)

# ------------------------------------------------------------------------------------ statistics refresh

STAT_KEYS = ["submitted_on", "category_id", "category_root_id", "district_id", "department_id", "chain_id",
             "cadre_id"]
STAT_COLUMNS = ["day", "category_id", "category_root_id", "district_id", "department_id", "chain_id", "cadre_id"]


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


@transaction.atomic
def demand_stats_refresh(*, days: Iterable[dt.date] | None = None) -> int:
    """Rebuild the pre-aggregated statistics for the given submission days (all days when None) with one
    INSERT … SELECT … GROUP BY: no Python loop over demands. The days' bookkeeping rows are locked first
    so that concurrent refreshes of one day serialise. Returns the number of aggregate rows written."""
    demands = Demand.objects.all()
    if days is not None:
        days = sorted(set(days))
        if not days:
            return 0
        DemandStatDay.objects.bulk_create([DemandStatDay(day=d) for d in days], ignore_conflicts=True)
        list(DemandStatDay.objects.select_for_update().filter(day__in=days).values_list("day", flat=True))
        DemandDailyStat.objects.filter(day__in=days).delete()
        demands = demands.filter(submitted_on__in=days)
    else:
        present = Demand.objects.order_by().values_list("submitted_on", flat=True).distinct()
        DemandStatDay.objects.bulk_create([DemandStatDay(day=d) for d in present], ignore_conflicts=True)
        list(DemandStatDay.objects.select_for_update().values_list("day", flat=True))
        DemandDailyStat.objects.all().delete()
    measures = _stat_measures()
    grouped = demands.order_by().values(*STAT_KEYS).annotate(**measures)
    sql, params = grouped.query.sql_with_params()
    table = DemandDailyStat._meta.db_table
    qn = connection.ops.quote_name
    columns = ", ".join(qn(c) for c in [*STAT_COLUMNS, *measures])
    with connection.cursor() as cur:
        cur.execute(f"INSERT INTO {qn(table)} ({columns}) {sql}", params)
        written = cur.rowcount
    stamp = timezone.now()
    if days is not None:
        DemandStatDay.objects.filter(day__in=days).update(refreshed_at=stamp)
    else:
        DemandStatDay.objects.update(refreshed_at=stamp)
    return written


def is_due_soon(demand: Demand, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return demand.is_open and demand.due_date is not None and today <= demand.due_date <= add_working_days(today, 1)
