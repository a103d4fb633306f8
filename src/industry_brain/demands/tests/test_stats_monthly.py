"""The monthly statistics tables: the page and the API read them whenever the period is whole months and the
filters and the reader's scope keep to their columns, and answer exactly what the daily table answers; any other
request falls back to the daily table; every refresh keeps them equal to a full rebuild."""

import datetime as dt
import importlib
import types

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from industry_brain.demands import selectors, services
from industry_brain.demands.models import DemandCadreMonthlyStat, DemandDailyStat, DemandMonthlyStat

from .helpers import at, raise_demand
from .test_stats import _life

pytestmark = pytest.mark.django_db
D = dt.date
DIMENSIONS = ["month", "category", "department", "district", "chain", "cadre"]
READERS = ["city", "district", "district_other", "chain_team", "department", "department_other", "cadre"]


@pytest.fixture
def spread(world):
    """Demands over four months, two districts, two departments, three category groups, with and without a
    chain and a cadre, one not yet accepted."""
    lives = [
        _life(world, day=D(2025, 8, 29), resolve_on=[D(2025, 9, 3)], ratings=["satisfied"]),
        _life(world, day=D(2025, 9, 1), resolve_on=[D(2025, 9, 2), D(2025, 9, 4)],
              ratings=["dissatisfied", "basically_satisfied"]),
        _life(world, day=D(2025, 9, 1), resolve_on=[D(2025, 9, 5)], urgency="urgent", code="finance.loan"),
        _life(world, day=D(2025, 9, 2), code="labour.recruitment"),
        _life(world, day=D(2025, 9, 16), start=False),
        _life(world, day=D(2025, 9, 30), resolve_on=[D(2025, 10, 9)], ratings=["satisfied"],
              user_key="enterprise_other"),
        _life(world, day=D(2025, 10, 3), resolve_on=[D(2025, 10, 3)], ratings=["satisfied"],
              user_key="enterprise_other", code="finance.loan"),
        _life(world, day=D(2025, 11, 3), resolve_on=[D(2025, 11, 4)], code="logistics.road"),
    ]
    lives.append(raise_demand(world, user_key="enterprise_other", when=at(D(2025, 11, 4), 9)))
    return lives


def _filters(world) -> list[dict]:
    return [
        {}, {"district": "330106"}, {"district": "330109"}, {"category": "logistics"}, {"category": "finance"},
        {"department": world.department.pk}, {"chain": world.chain.pk},
        {"date_from": D(2025, 9, 1), "date_to": D(2025, 9, 30)}, {"date_from": D(2025, 9, 1)},
        {"date_to": D(2025, 10, 31)}, {"district": "330106", "date_from": D(2025, 9, 1), "category": "logistics"},
        {"department": world.other_department.pk, "date_from": D(2025, 10, 1)},
        # the daily table only
        {"category": "logistics.road"}, {"cadre": world.cadre.pk}, {"date_from": D(2025, 9, 2)},
        {"date_to": D(2025, 9, 15)}, {"category": "no-such-category"},
    ]


def _everything(source) -> dict:
    return {"summary": selectors.stats_summary(source),
            **{dim: selectors.stats_breakdown(source, dim) for dim in DIMENSIONS},
            "top cadre": selectors.stats_breakdown(source, "cadre", limit=1),
            "overview": selectors.stats_overview(source, limits={"cadre": 15}),
            "overview, one cadre": selectors.stats_overview(source, limits={"cadre": 1, "category": 2})}


@pytest.mark.parametrize("reader", READERS)
def test_the_monthly_tables_answer_what_the_daily_table_answers(world, spread, reader):
    user = world.user(reader)
    monthly_reads = 0
    for filters in _filters(world):
        rows = selectors.stats_rows(user=user, **filters)
        daily = selectors.stats_queryset(user=user, **filters)
        assert _everything(rows) == _everything(daily), filters
        monthly_reads += rows.monthly
    assert monthly_reads >= (0 if reader == "cadre" else 12)  # every whole-month request but the cadre's


def test_which_table_answers(world, spread):
    def source(reader, **filters):
        rows = selectors.stats_rows(user=world.user(reader), **filters)
        return rows.rows.model.__name__, rows.cadres.model.__name__

    monthly, cadres, daily = "DemandMonthlyStat", "DemandCadreMonthlyStat", "DemandDailyStat"
    assert source("city") == (monthly, cadres)
    assert source("city", date_from=D(2025, 9, 1), date_to=D(2025, 10, 31), district="330106") == (monthly, cadres)
    assert source("district") == (monthly, cadres)  # its scope is a district: both tables keep it
    assert source("city", category="logistics") == (monthly, daily)  # cadres by category: the daily rows
    assert source("city", chain=world.chain.pk) == (monthly, daily)
    assert source("department") == (monthly, daily)
    assert source("chain_team") == (monthly, daily)
    # the fallbacks: a day inside a month, a leaf category, a cadre filter, a scope by cadre
    assert source("city", date_from=D(2025, 9, 2)) == (daily, daily)
    assert source("city", date_to=D(2025, 9, 29)) == (daily, daily)
    assert source("city", category="logistics.road") == (daily, daily)
    assert source("city", cadre=world.cadre.pk) == (daily, daily)
    assert source("cadre") == (daily, daily)


def test_the_monthly_rows_are_coarser_and_sum_to_the_daily_ones(world, spread):
    assert DemandMonthlyStat.objects.count() < DemandDailyStat.objects.count()
    total = sum(DemandDailyStat.objects.values_list("collected", flat=True))
    assert total == len(spread)
    assert sum(DemandMonthlyStat.objects.values_list("collected", flat=True)) == total
    assert sum(DemandCadreMonthlyStat.objects.values_list("collected", flat=True)) == total
    assert set(DemandMonthlyStat.objects.values_list("month", flat=True)) == {
        D(2025, 8, 1), D(2025, 9, 1), D(2025, 10, 1), D(2025, 11, 1)}


def _snapshot() -> dict:
    keys = {DemandMonthlyStat: ["month", "category_root_id", "district_id", "department_id", "chain_id"],
            DemandCadreMonthlyStat: ["month", "district_id", "cadre_id"]}
    return {model.__name__: sorted(model.objects.values_list(*fields, *selectors.MEASURES), key=repr)
            for model, fields in keys.items()}


def test_incremental_refreshes_keep_the_monthly_tables_equal_to_a_full_rebuild(world, spread):
    # more workflow steps after the fixture's: each refreshes the days of its demand only
    late = spread[3]  # submitted 2 September, in progress
    late = services.demand_resolve(actor=world.user("department"), demand=late, resolution="ok",
                                   at=at(D(2025, 11, 10), 15))
    services.demand_rate(actor=world.user("enterprise"), demand=late, satisfaction="dissatisfied",
                         comment="仍有问题", at=at(D(2025, 11, 11), 9))
    services.demand_accept(actor=world.user("city"), demand=spread[-1], department=world.other_department,
                           at=at(D(2025, 11, 5), 10))
    _life(world, day=D(2025, 12, 1), resolve_on=[D(2025, 12, 2)], ratings=["satisfied"])
    incremental = _snapshot()
    assert incremental["DemandMonthlyStat"] and incremental["DemandCadreMonthlyStat"]
    services.demand_stats_refresh()
    assert _snapshot() == incremental
    services.demand_stats_refresh(days=[D(2025, 9, 2), D(2025, 11, 4)])
    assert _snapshot() == incremental
    city = world.user("city")
    assert selectors.stats_summary(selectors.stats_rows(user=city))["collected"] == len(spread) + 1


def _all_stats() -> dict:
    """Every statistics table as a sorted list of (keys, measures), without ids."""
    daily = sorted(DemandDailyStat.objects.values_list(*[c for c in services.STAT_COLUMNS], *selectors.MEASURES),
                   key=repr)
    return {"DemandDailyStat": daily, **_snapshot()}


def test_refreshing_days_in_place_equals_a_full_rebuild_whatever_changed(world, spread):
    """Changes behind the services' back of every kind a group can see: measures, a group left empty (its rows
    go), a new group (rows appear), keys moved (district, department, category, chain, cadre), a demand moved
    to another month and one deleted. Refreshing the days touched, in place, gives what a full rebuild gives."""
    from industry_brain.demands.models import Demand, DemandCategory

    by_day = {d.submitted_on: d for d in spread}
    Demand.objects.filter(pk=by_day[D(2025, 8, 29)].pk).update(district_id="330109")  # alone in its group
    Demand.objects.filter(pk=spread[2].pk).update(escalation_level=2, transfer_count=1)
    Demand.objects.filter(pk=spread[3].pk).update(
        category_id=DemandCategory.objects.get(code="finance.loan").pk,
        category_root_id=DemandCategory.objects.get(code="finance").pk, cadre=None, chain=None)
    Demand.objects.filter(pk=spread[4].pk).update(department=world.other_department)
    Demand.objects.filter(pk=spread[5].pk).update(submitted_on=D(2025, 12, 2))  # another month, a new day
    Demand.objects.filter(pk=spread[6].pk).delete()
    services.demand_stats_refresh(days=[D(2025, 8, 29), D(2025, 9, 1), D(2025, 9, 2), D(2025, 9, 16),
                                        D(2025, 9, 30), D(2025, 12, 2), D(2025, 10, 3)])
    incremental = _all_stats()
    assert not DemandMonthlyStat.objects.filter(month=D(2025, 10, 1)).exists()  # its one demand went
    services.demand_stats_refresh()
    assert _all_stats() == incremental


def test_a_refresh_of_unchanged_days_writes_nothing(world, spread):
    before = _all_stats()
    ids = sorted(DemandMonthlyStat.objects.values_list("id", flat=True))
    with CaptureQueriesContext(connection) as ctx:
        services.demand_stats_refresh(days=[D(2025, 9, 1), D(2025, 9, 2)])
    writes = [q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith(("UPDATE", "DELETE",
                                                                                                 "INSERT"))]
    stats_writes = [sql for sql in writes if "demandstatday" not in sql.lower()]
    assert stats_writes == []
    assert _all_stats() == before
    assert sorted(DemandMonthlyStat.objects.values_list("id", flat=True)) == ids


def test_a_workflow_step_writes_only_the_groups_it_changes(world, spread):
    """Starting a demand changes no measure: no statistics row is written; resolving it changes its groups' rows,
    as a full rebuild would."""
    d = spread[4]  # accepted on 16 September, not started
    with CaptureQueriesContext(connection) as ctx:
        services.demand_start(actor=world.user("department"), demand=d, at=at(D(2025, 9, 17), 9))
    stats = [q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith(("UPDATE", "DELETE",
                                                                                               "INSERT"))
             and any(t in q["sql"] for t in ("demanddailystat", "demandmonthlystat", "demandcadremonthlystat"))]
    assert stats == []  # a start changes no measure: nothing to write
    with CaptureQueriesContext(connection) as ctx:
        services.demand_resolve(actor=world.user("department"), demand=d, resolution="ok", at=at(D(2025, 9, 18), 9))
    stats = [q["sql"].split()[0].upper() for q in ctx.captured_queries
             if q["sql"].lstrip().upper().startswith(("UPDATE", "DELETE", "INSERT"))
             and any(t in q["sql"] for t in ("demanddailystat", "demandmonthlystat", "demandcadremonthlystat"))]
    assert stats == ["UPDATE"] * 3  # its daily row, its monthly row, its cadre-monthly row
    incremental = _all_stats()
    services.demand_stats_refresh()
    assert _all_stats() == incremental


def test_a_refresh_of_a_day_rebuilds_only_its_month(world, spread):
    from industry_brain.demands.models import Demand

    # behind the services' back, in two months; refreshing 1 September rebuilds September alone
    Demand.objects.filter(submitted_on__in=[D(2025, 9, 1), D(2025, 10, 3)]).update(escalation_level=1)
    services.demand_stats_refresh(days=[D(2025, 9, 1)])
    escalated = DemandMonthlyStat.objects.filter(escalated__gt=0)
    assert sorted(escalated.values_list("month", "escalated")) == [(D(2025, 9, 1), 1), (D(2025, 9, 1), 1)]
    assert sum(DemandCadreMonthlyStat.objects.values_list("escalated", flat=True)) == 2


def test_the_migration_fills_the_monthly_tables_from_the_daily_rows(world, spread):
    expected = _snapshot()
    DemandMonthlyStat.objects.all().delete()
    DemandCadreMonthlyStat.objects.all().delete()
    migration = importlib.import_module("industry_brain.demands.migrations.0009_monthly_stats")
    with connection.cursor() as cursor:
        editor = types.SimpleNamespace(connection=connection, execute=cursor.execute)
        migration.fill_from_daily(None, editor)
    assert _snapshot() == expected


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/demands/stats/", "/demands/stats/?category=logistics",
                                 "/demands/stats/?from=2025-09-02", "/api/v1/demands/stats/?by=cadre"])
def test_query_count_does_not_grow_with_the_rows(client, api, world, url):
    _life(world, day=D(2025, 9, 3), resolve_on=[D(2025, 9, 3)], ratings=["satisfied"])
    reader = client if url.startswith("/demands/") else api.as_user(world.user("city"))
    if reader is client:
        client.force_login(world.user("city"))
    few = _queries(reader, url)
    for day in (D(2025, 9, 2), D(2025, 10, 8), D(2025, 11, 3)):
        _life(world, day=day, resolve_on=[day], code="finance.loan", user_key="enterprise_other")
        _life(world, day=day, code="labour.recruitment")
    assert _queries(reader, url) == few


def test_the_page_and_the_api_read_the_monthly_tables(client, api, world, spread):
    """The page's figures for a whole-months period equal those for the same period named by days the daily
    table needs (a day before the first demand)."""
    client.force_login(world.user("city"))
    whole = client.get("/demands/stats/?from=2025-08-01").context
    by_days = client.get("/demands/stats/?from=2025-07-31").context
    for key in ("summary", "by_category", "by_department", "by_district", "by_chain", "by_cadre", "months"):
        assert whole[key] == by_days[key], key
    caller = api.as_user(world.user("district"))
    for by in DIMENSIONS:
        assert (caller.get(f"/api/v1/demands/stats/?by={by}&from=2025-09-01").json()
                == caller.get(f"/api/v1/demands/stats/?by={by}&from=2025-08-30").json()), by
