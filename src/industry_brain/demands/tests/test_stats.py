"""Statistics on crafted data: exact figures, filters, the summary line, and the aggregate table kept in step."""

import datetime as dt

import pytest

from industry_brain.demands import selectors, services
from industry_brain.demands.models import DemandDailyStat

from .helpers import at, raise_demand

pytestmark = pytest.mark.django_db
D = dt.date


def _life(world, *, day, resolve_on=None, ratings=(), user_key="enterprise", urgency="normal",
          code="logistics.road", start=True):
    d = raise_demand(world, user_key=user_key, urgency=urgency, code=code, when=at(day, 9))
    dept_user = "department" if user_key == "enterprise" else "department_other"
    dept = world.department if user_key == "enterprise" else world.other_department
    d = services.demand_accept(actor=world.user("city"), demand=d, department=dept, at=at(day, 10))
    if not start:
        return d
    d = services.demand_start(actor=world.user(dept_user), demand=d, at=at(day, 11))
    for i, day_resolved in enumerate(resolve_on or []):
        d = services.demand_resolve(actor=world.user(dept_user), demand=d, resolution="ok", at=at(day_resolved, 15))
        if i < len(ratings):
            d = services.demand_rate(actor=world.user(user_key), demand=d, satisfaction=ratings[i],
                                     comment="仍有问题" if ratings[i] == "dissatisfied" else "",
                                     at=at(day_resolved, 17))
    return d


@pytest.fixture
def crafted(world):
    # d1 closed satisfied on time (2 working days); d2 reopened once, then closed basically satisfied (3 wd);
    # d3 urgent, resolved late (4 wd), not rated; d4 in progress; d5 only accepted; d6 萧山 closed satisfied (0).
    return [
        _life(world, day=D(2025, 9, 1), resolve_on=[D(2025, 9, 3)], ratings=["satisfied"]),
        _life(world, day=D(2025, 9, 1), resolve_on=[D(2025, 9, 2), D(2025, 9, 4)],
              ratings=["dissatisfied", "basically_satisfied"]),
        _life(world, day=D(2025, 9, 1), resolve_on=[D(2025, 9, 5)], urgency="urgent", code="finance.loan"),
        _life(world, day=D(2025, 9, 2)),
        _life(world, day=D(2025, 9, 2), start=False),
        _life(world, day=D(2025, 9, 3), resolve_on=[D(2025, 9, 3)], ratings=["satisfied"],
              user_key="enterprise_other"),
    ]


def test_exact_figures_for_the_city(api, world, crafted):
    s = api.as_user(world.user("city")).get("/api/v1/demands/stats/").json()
    assert {k: s[k] for k in ("collected", "resolved", "resolution_rate", "on_time_rate", "satisfaction_rate",
                              "reopened", "avg_handling_days", "rated", "reopen_rate")} == {
        "collected": 6, "resolved": 4, "resolution_rate": 66.67, "on_time_rate": 75.0,
        "satisfaction_rate": 75.0, "reopened": 1, "avg_handling_days": 2.25, "rated": 4, "reopen_rate": 16.67}
    assert s["summary"] == "收集问题6个，办结4个，办结率66.67%"


@pytest.mark.parametrize("query,collected,resolved", [
    ("district=330106", 5, 3), ("district=330109", 1, 1), ("from=2025-09-02", 3, 1),
    ("from=2025-09-01&to=2025-09-01", 3, 3), ("category=finance", 1, 1), ("category=logistics", 5, 3),
    ("category=logistics.road", 5, 3), ("category=nonexistent", 0, 0), ("to=2025-08-31", 0, 0),
])
def test_filters(api, world, crafted, query, collected, resolved):
    s = api.as_user(world.user("city")).get(f"/api/v1/demands/stats/?{query}").json()
    assert (s["collected"], s["resolved"]) == (collected, resolved)


def test_empty_selection_has_no_rates_rather_than_zero(api, world, crafted):
    s = api.as_user(world.user("city")).get("/api/v1/demands/stats/?to=2025-01-01").json()
    assert s["resolution_rate"] is None and s["satisfaction_rate"] is None


def test_bad_date_is_a_400_on_the_field(api, world):
    r = api.as_user(world.user("city")).get("/api/v1/demands/stats/?from=2025-13-01")
    assert r.status_code == 400 and "from" in r.json()


def test_breakdown_by_department_and_month(api, world, crafted):
    rows = api.as_user(world.user("city")).get("/api/v1/demands/stats/?by=department").json()["breakdown"]
    by = {r["key"]: (r["collected"], r["resolved"]) for r in rows}
    assert by == {world.department.pk: (5, 3), world.other_department.pk: (1, 1)}
    months = selectors.stats_breakdown(selectors.stats_queryset(user=world.user("city")), "month")
    assert [(m["key"], m["collected"]) for m in months] == [("2025-09", 6)]


def test_department_sees_only_its_own_figures(api, world, crafted):
    s = api.as_user(world.user("department_other")).get("/api/v1/demands/stats/").json()
    assert (s["collected"], s["resolved"], s["satisfaction_rate"]) == (1, 1, 100.0)


def test_full_rebuild_equals_the_incremental_refreshes_and_is_idempotent(world, crafted):
    def snapshot():
        return sorted(DemandDailyStat.objects.values_list("day", "category_id", "district_id", "department_id",
                                                          "collected", "resolved", "on_time", "handling_days",
                                                          "rated", "satisfied", "dissatisfied", "reopened"))

    incremental = snapshot()
    assert incremental and sum(r[4] for r in incremental) == 6
    services.demand_stats_refresh()
    assert snapshot() == incremental
    services.demand_stats_refresh()
    services.demand_stats_refresh(days=[D(2025, 9, 1)])
    assert snapshot() == incremental


def test_statistics_are_read_from_the_aggregate_table(api, world, crafted):
    from industry_brain.demands.models import Demand

    Demand.objects.filter(submitted_on=D(2025, 9, 3)).update(status="submitted")  # behind the services' back
    s = api.as_user(world.user("city")).get("/api/v1/demands/stats/").json()
    assert s["resolved"] == 4  # unchanged until the next refresh
    services.demand_stats_refresh()
    assert api.as_user(world.user("city")).get("/api/v1/demands/stats/").json()["resolved"] == 3


def test_stats_page_and_export(client, world, crafted):
    client.force_login(world.user("city"))
    r = client.get("/demands/stats/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "收集问题6个，办结4个，办结率66.67%" in html and 'data-chart="trend-data"' in html
    assert "<script>" not in html  # no inline code (CSP): data only in application/json blocks
    x = client.get("/demands/stats/export/?district=330106")
    assert x.status_code == 200 and x["Content-Type"].startswith("application/vnd.openxmlformats")
    from io import BytesIO

    from openpyxl import load_workbook

    ws = load_workbook(BytesIO(x.content)).worksheets[0]
    total = [row for row in ws.iter_rows(values_only=True) if row[0] == "合计"][0]
    assert total[2:4] == (5, 3)


def test_stats_page_is_404_for_enterprises(client, world):
    client.force_login(world.user("enterprise"))
    assert client.get("/demands/stats/").status_code == 404


@pytest.mark.parametrize("role", ["city", "district", "district_other", "chain_team", "department", "cadre",
                                  "enterprise"])
def test_coverage_by_chain_counts_the_confirmed_members(world, role):
    """Proposed and rejected memberships beside the confirmed ones: a chain's coverage counts the firms (in the
    reader's scope) confirmed on it, served or not, as the plain read gives them."""
    from industry_brain.chains.models import ChainMembership
    from industry_brain.demands.models import Assignment
    from industry_brain.enterprises.models import Enterprise
    from industry_brain.testing import make_enterprise

    up, other_up = world.chain.nodes.get(segment="upstream"), world.other_chain.nodes.get(segment="upstream")
    proposed = make_enterprise("杭州覆盖提议有限公司", "330106")  # served, only proposed on the chain
    ChainMembership.objects.create(enterprise=proposed, node=up, status="proposed")
    Assignment.objects.create(cadre=world.cadre, enterprise=proposed, started_on=D(2025, 1, 1))
    rejected = make_enterprise("杭州覆盖驳回有限公司", "330109")  # rejected on the chain, confirmed on the other
    ChainMembership.objects.create(enterprise=rejected, node=up, status="rejected")
    ChainMembership.objects.create(enterprise=rejected, node=other_up)
    both = make_enterprise("杭州覆盖双链有限公司", "330106", node=up)  # confirmed here, proposed on the other
    ChainMembership.objects.create(enterprise=both, node=other_up, status="proposed")
    user = world.user(role)
    firms = set(Enterprise.objects.restrict(user, "change").values_list("pk", flat=True))
    served = set(Assignment.objects.filter(ended_on__isnull=True).values_list("enterprise_id", flat=True))
    want: dict[int, set[int]] = {}
    for firm, chain in ChainMembership.objects.filter(status="confirmed").values_list("enterprise_id",
                                                                                    "node__chain_id"):
        if firm in firms:
            want.setdefault(chain, set()).add(firm)
    got = {r["node__chain_id"]: (r["total"], r["covered"]) for r in selectors.coverage(user=user)["by_chain"]}
    assert got == {c: (len(f), len(f & served)) for c, f in want.items()}, role
    if role == "city":  # any status would count the proposal (served) and the rejection on the chain
        assert got[world.chain.pk] == (2, 1) and got[world.other_chain.pk] == (2, 0)
