"""The cockpit reads what the indicator run stored: top movers and investment growth of its own group (city, district,
ecosystem), supply risk through the supply module's selectors, all within the reader's scope, with a number of
queries that does not grow with the data."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from industry_brain.monitoring import selectors, services
from industry_brain.monitoring.models import Indicator, TopMover

from .conftest import add_report

pytestmark = pytest.mark.django_db

JAN = dt.date(2026, 1, 1)


def names(movers):
    return {d: [(m["enterprise"].name, m["change"]) for m in movers[d]] for d in ("up", "down")}


def test_movers_are_stored_per_cockpit_group_and_read_within_scope(crafted):
    services.compute_indicators()
    a, b = crafted.ent_xihu.name, crafted.ent_xiaoshan.name
    city = selectors.top_movers(user=crafted.user("city"), dimension="city", key="all", period=JAN)
    # A +10 (110 against 100), B −10 (40 against 50); C entered this year: no mover
    assert names(city) == {"up": [(a, 10.0), (b, -10.0)], "down": [(b, -10.0), (a, 10.0)]}
    xihu = selectors.top_movers(user=crafted.user("city"), dimension="district", key="330106", period=JAN)
    assert names(xihu) == {"up": [(a, 10.0)], "down": [(a, 10.0)]}
    eco = selectors.top_movers(user=crafted.user("city"), dimension="ecosystem", key=str(crafted.ecosystem.pk),
                               period=JAN)
    assert names(eco)["up"] == [(a, 10.0)]
    # firm rows leave only to readers of the firm's reports
    assert names(selectors.top_movers(user=crafted.user("district"), dimension="city", key="all", period=JAN)) == {
        "up": [(a, 10.0)], "down": [(a, 10.0)]}
    for role in ("department", "cadre"):
        assert selectors.top_movers(user=crafted.user(role), dimension="city", key="all", period=JAN) == {
            "up": [], "down": []}
    own = selectors.top_movers(user=crafted.user("enterprise_other"), dimension="city", key="all", period=JAN)
    assert names(own) == {"up": [(b, -10.0)], "down": [(b, -10.0)]}  # an enterprise: its own figures only
    # no group other than the cockpit's is stored
    assert set(TopMover.objects.values_list("dimension", flat=True)) == {"city", "district", "ecosystem"}


def test_a_recomputation_replaces_the_movers(crafted):
    services.compute_indicators()
    from industry_brain.monitoring.models import MonthlyReport

    MonthlyReport.objects.filter(enterprise=crafted.ent_xiaoshan, period=JAN).update(output_value=Decimal("80"))
    services.compute_indicators()
    city = selectors.top_movers(user=crafted.user("city"), dimension="city", key="all", period=JAN)
    assert names(city)["up"] == [(crafted.ent_xiaoshan.name, 30.0), (crafted.ent_xihu.name, 10.0)]
    assert TopMover.objects.filter(period=JAN, dimension="city", direction="up").count() == 2


@pytest.fixture
def projects(crafted):
    from industry_brain.projects.tests.helpers import add_reports, make_project

    xihu = make_project(district="330106", chain=crafted.chain, industry_id="39", stage="construction")
    power = make_project(district="330109", chain=crafted.other_chain, industry_id="44", stage="construction")
    outside = make_project(district="330106", chain=crafted.chain, stage="construction")  # no industry: not counted
    add_reports(xihu, {dt.date(2025, 1, 1): 100, dt.date(2025, 2, 1): 60, dt.date(2026, 1, 1): 150})
    add_reports(power, {dt.date(2025, 1, 1): 50, dt.date(2026, 1, 1): 40, dt.date(2026, 2, 1): 10})
    add_reports(outside, {dt.date(2025, 1, 1): 1000, dt.date(2026, 1, 1): 9})
    return crafted


def test_investment_growth_is_stored_per_group_and_month(projects):
    services.compute_indicators()

    def row(period, dimension="city", key="all"):
        return Indicator.objects.get(period=period, dimension=dimension, key=key)

    city = row(JAN)
    assert city.inv_industrial_cum == pytest.approx(190)
    assert city.inv_industrial_growth_cum == pytest.approx(190 / 150 * 100 - 100)  # mining, manufacturing, utilities
    assert city.inv_manufacturing_growth_cum == pytest.approx(50.0)  # manufacturing only: 150 against 100
    feb = row(dt.date(2026, 2, 1))  # 1—2月: 200 against 210
    assert feb.inv_industrial_cum == pytest.approx(200)
    assert feb.inv_industrial_growth_cum == pytest.approx(200 / 210 * 100 - 100)
    assert row(JAN, "district", "330106").inv_industrial_growth_cum == pytest.approx(50.0)
    assert row(JAN, "district", "330109").inv_industrial_growth_cum == pytest.approx(-20.0)
    assert row(JAN, "district", "330109").inv_manufacturing_cum is None  # no manufacturing project there
    assert row(JAN, "ecosystem", str(projects.ecosystem.pk)).inv_manufacturing_growth_cum == pytest.approx(50.0)
    assert row(dt.date(2025, 1, 1)).inv_industrial_growth_cum is None  # no base year


def test_indicators_api_gives_the_groups_investment(projects, api):
    services.compute_indicators()
    res = api.as_user(projects.user("district_other")).get("/api/v1/indicators/?period=2026-01&by=district")
    assert [(r["key"], r["inv_industrial_growth_cum"]) for r in res.json()] == [("330109", pytest.approx(-20.0))]


def test_cockpit_shows_its_own_groups_investment(projects, client):
    services.compute_indicators()
    client.force_login(projects.user("city"))
    html = client.get("/monitoring/district/330109/?period=2026-01").content.decode()
    assert "-20.0%" in html
    client.force_login(projects.user("district"))
    html = client.get("/monitoring/?period=2026-01").content.decode()
    assert "50.0%" in html and "-20.0%" not in html


@pytest.fixture
def supply(crafted):
    from industry_brain.supply.models import Emergency, Material, Scenario, ScenarioResult, ScenarioRun

    node = crafted.chain.nodes.get(segment="midstream")
    other = crafted.other_chain.nodes.get(segment="midstream")
    chip = Material.objects.create(name="测试晶圆", node=node)
    api = Material.objects.create(name="测试原料药", node=other)
    scenario = Scenario.objects.create(name="上海停产30天（测试）", regions=["310000"], periods=30)
    run = ScenarioRun.objects.create(scenario=scenario, status="done", finished_at=timezone.now())
    Scenario.objects.filter(pk=scenario.pk).update(last_run=run, status="done")
    for rank, (ent, district, chain, nd, material, flagged) in enumerate((
            (crafted.ent_xihu, "330106", crafted.chain, node, chip, True),
            (crafted.ent_new, "330106", None, None, chip, False),
            (crafted.ent_xiaoshan, "330109", crafted.other_chain, other, api, True)), start=1):
        ScenarioResult.objects.create(run=run, enterprise=ent, district_id=district, chain=chain, node=nd, rank=rank,
                                      tts_days=5, ttr_days=30 if flagged else 3, flagged=flagged,
                                      missing_material=material, lost_value=100 * rank)
    Emergency.objects.create(name="上海疫情保供（测试）", started_on=dt.date(2026, 1, 5), reason="测试",
                             coordinator=crafted.department)
    Emergency.objects.create(name="已结束（测试）", started_on=dt.date(2025, 1, 5), ended_on=dt.date(2025, 2, 1),
                             reason="测试", status="ended", coordinator=crafted.department)
    return crafted


def test_supply_risk_of_the_cockpit_group_within_scope(supply):
    city = selectors.supply_risk(user=supply.user("city"), dimension="city", key="all")
    assert city["flagged"] == 2 and city["emergency_count"] == 1
    # one firm each: by name
    assert [m["missing_material__name"] for m in city["materials"]] == ["测试原料药", "测试晶圆"]
    xihu = selectors.supply_risk(user=supply.user("city"), dimension="district", key="330106")
    assert xihu["flagged"] == 1 and [n["node__name"] for n in xihu["nodes"]] == [
        supply.chain.nodes.get(segment="midstream").name]
    # a district officer asking for the whole city still sees its own district's firms only
    own = selectors.supply_risk(user=supply.user("district_other"), dimension="city", key="all")
    assert own["flagged"] == 1 and [m["missing_material__name"] for m in own["materials"]] == ["测试原料药"]
    eco = selectors.supply_risk(user=supply.user("chain_team"), dimension="ecosystem", key=str(supply.ecosystem.pk))
    assert eco["flagged"] == 1 and eco["materials"][0]["missing_material__name"] == "测试晶圆"


def test_cockpit_page_shows_supply_risk(supply, client):
    services.compute_indicators()
    client.force_login(supply.user("district"))
    html = client.get("/monitoring/?period=2026-01").content.decode()
    assert 'id="flagged-firms">1<' in html and 'id="active-emergencies">1<' in html
    assert "测试晶圆" in html and "测试原料药" not in html


def test_cockpit_queries_do_not_grow_with_firms_and_reports(supply, client):
    from industry_brain.testing import make_enterprise

    services.compute_indicators()
    client.force_login(supply.user("city"))

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    urls = ["/monitoring/?period=2026-01", "/monitoring/district/330106/?period=2026-01",
            f"/monitoring/ecosystem/{supply.ecosystem.pk}/?period=2026-01"]
    before = [count(u) for u in urls]
    node = supply.chain.nodes.get(segment="midstream")
    for i in range(12):
        firm = make_enterprise(f"杭州增测{i}电子有限公司", "330106", node=node)
        for period in ("2025-01", "2026-01"):
            add_report(firm, period, 100 + i * (3 if period == "2026-01" else 1))
    services.compute_indicators()
    assert [count(u) for u in urls] == before
    movers = selectors.top_movers(user=supply.user("city"), dimension="district", key="330106", period=JAN)
    assert [m["change"] for m in movers["up"]] == [22.0, 20.0, 18.0, 16.0, 14.0]  # firm i: +2i; five stored


def test_no_investment_growth_when_the_reports_begin_after_january_of_last_year(projects):
    from industry_brain.projects.models import ProgressReport

    ProgressReport.objects.filter(period=dt.date(2025, 1, 1)).delete()  # the platform's reports begin 2025-02
    services.compute_indicators()
    feb = Indicator.objects.get(period=dt.date(2026, 2, 1), dimension="city", key="all")
    assert feb.inv_industrial_cum == pytest.approx(200)  # the level stands
    assert feb.inv_industrial_growth_cum is None and feb.inv_manufacturing_growth_cum is None  # 1—2月 vs 2月 only


def test_warnings_are_narrowed_to_the_cockpit_group(crafted):
    from industry_brain.projects.tests.helpers import make_project

    places = (("330106", crafted.chain), ("330109", crafted.other_chain), ("330109", crafted.other_chain))
    for district, chain in places:
        p = make_project(district=district, chain=chain, stage="construction")
        type(p).objects.filter(pk=p.pk).update(warning_level="red")
    city = crafted.user("city")
    assert selectors.cockpit_warnings(user=city)["red_projects"] == 3
    assert selectors.cockpit_warnings(user=city, dimension="district", key="330109")["red_projects"] == 2
    assert selectors.cockpit_warnings(user=city, dimension="ecosystem", key=str(crafted.ecosystem.pk))[
        "red_projects"] == 1
    # a district reader's own scope still applies on top of the page's group
    assert selectors.cockpit_warnings(user=crafted.user("district"), dimension="city", key="all")["red_projects"] == 1


@pytest.mark.parametrize("role", ["city", "district", "district_other", "chain_team", "department", "enterprise"])
def test_firms_and_overdue_demands_of_a_chain_or_ecosystem_are_its_confirmed_members(crafted, role):
    """Proposed and rejected memberships beside the confirmed ones: the firms behind a chain's or an ecosystem's
    figure and its overdue demands are those of the confirmed members, as the plain reads give them."""
    from industry_brain.chains.models import ChainMembership
    from industry_brain.demands.models import Demand
    from industry_brain.demands.selectors import demand_list, overdue
    from industry_brain.demands.tests.helpers import accepted, raise_demand

    from .test_indicators import add_proposals

    add_proposals(crafted)
    for firm in (crafted.ent_xihu, crafted.ent_xiaoshan, crafted.ent_new):
        accepted(crafted, raise_demand(crafted, user_key="city", enterprise=firm))
    Demand.objects.update(due_date=dt.date(2020, 1, 1))
    user = crafted.user(role)

    def members(**where):
        return set(ChainMembership.objects.filter(status="confirmed", **where).values_list("enterprise_id", flat=True))

    reports = selectors.report_list(user=user).filter(period=JAN)
    for dimension, key, where in (("chain", crafted.chain.pk, {"node__chain": crafted.chain}),
                                  ("chain", crafted.other_chain.pk, {"node__chain": crafted.other_chain}),
                                  ("ecosystem", crafted.ecosystem.pk, {"node__chain__ecosystem": crafted.ecosystem})):
        got = selectors.group_reports(user=user, dimension=dimension, key=str(key), period=JAN)
        want = reports.filter(enterprise_id__in=members(**where))
        assert sorted(r.pk for r in got) == sorted(r.pk for r in want), (role, dimension, key)
    late = overdue(demand_list(user=user)).filter(enterprise_id__in=members(node__chain__ecosystem=crafted.ecosystem))
    warnings = selectors.cockpit_warnings(user=user, dimension="ecosystem", key=str(crafted.ecosystem.pk))
    assert warnings["overdue_demands"] == late.count()
    assert {d.pk for d in warnings["overdue_list"]} == set(late.values_list("pk", flat=True))
    if role == "city":  # any status would add C's (proposed) and B's (rejected) reports and demands
        assert [r.enterprise_id for r in selectors.group_reports(user=user, dimension="ecosystem",
                                                                 key=str(crafted.ecosystem.pk), period=JAN)] == [
            crafted.ent_xihu.pk]
        assert warnings["overdue_demands"] == 1
