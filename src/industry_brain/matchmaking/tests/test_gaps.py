"""Chain gaps on a crafted chain: local share, outside-province share, ranking, completeness, the suggested
targets, and who may read them."""

from decimal import Decimal

import pytest

from industry_brain.matchmaking.gaps import chain_gaps, suggested_targets
from industry_brain.supply.models import ExternalFirm, Material, SupplyLink
from industry_brain.testing import make_enterprise

pytestmark = pytest.mark.django_db


@pytest.fixture
def network(world):
    up, mid, down = (world.chain.nodes.get(segment=s) for s in ("upstream", "midstream", "downstream"))
    wafer = Material.objects.create(name="晶圆（测试）", unit="片", node=up)
    die = Material.objects.create(name="芯片（测试）", unit="颗", node=mid)
    local_up = make_enterprise("杭州晶圆本地有限公司", "330106", node=up, figures=False)
    customer = make_enterprise("杭州封测客户有限公司", "330106", node=mid, figures=False)
    suzhou = ExternalFirm.objects.create(name="苏州晶圆有限公司", region="320500")
    ningbo = ExternalFirm.objects.create(name="宁波晶圆有限公司", region="330200")
    # Upstream wafer: 60 local, 300 from Suzhou (outside Zhejiang), 40 from Ningbo (in the province) → local 15%.
    SupplyLink.objects.create(supplier_enterprise=local_up, customer=customer, material=wafer, share=Decimal("0.15"),
                              monthly_volume=60)
    SupplyLink.objects.create(supplier_external=suzhou, customer=customer, material=wafer, share=Decimal("0.75"),
                              monthly_volume=300)
    SupplyLink.objects.create(supplier_external=ningbo, customer=customer, material=wafer, share=Decimal("0.10"),
                              monthly_volume=40)
    # Midstream dies: all 100 bought locally (from the customer's neighbour) → local 100%.
    SupplyLink.objects.create(supplier_enterprise=customer, customer=world.ent_xihu, material=die, share=1,
                              monthly_volume=100)
    return {"up": up, "mid": mid, "down": down, "suzhou": suzhou}


def test_local_and_outside_shares_rank_and_completeness(world, network):
    gaps = chain_gaps(world.chain)
    by_node = {r["node"]: r for r in gaps["nodes"]}
    up, mid, down = by_node[network["up"].pk], by_node[network["mid"].pk], by_node[network["down"].pk]
    assert up["local_share"] == pytest.approx(60 / 400) and up["outside_share"] == pytest.approx(300 / 400)
    assert up["gap_rank"] == 1 and up["external_suppliers"] == 2
    assert mid["local_share"] == pytest.approx(1.0) and mid["gap_rank"] == 2
    assert down["local_share"] is None and down["gap_rank"] is None  # no purchase recorded: no gap figure
    # Firms at 2 of 3 nodes (upstream: the local wafer maker; midstream: ent_xihu and the customer), and 160 of 500
    # units bought locally: 50 × 2/3 + 50 × 160/500 = 33.33 + 16 = 49.3
    assert up["local_firms"] == 1 and mid["local_firms"] == 2 and down["local_firms"] == 0
    assert gaps["completeness"] == pytest.approx(49.3, abs=0.05)


def test_suggested_targets_are_the_outside_suppliers_by_volume(network):
    rows = suggested_targets(network["up"])
    assert [r["name"] for r in rows] == ["苏州晶圆有限公司", "宁波晶圆有限公司"]
    assert rows[0]["volume"] == Decimal("300.00") and rows[0]["customers"] == 1


@pytest.mark.parametrize("role,status", [("city", 200), ("chain_team", 200), ("district", 404), ("department", 404),
                                         ("enterprise", 404), ("cadre", 404)])
def test_who_reads_the_gaps(api, world, network, role, status):
    r = api.as_user(world.user(role)).get(f"/api/v1/chains/{world.chain.pk}/gaps/")
    assert r.status_code == status
    if status == 200:
        assert r.json()["nodes"][0]["gap_rank"] == 1 and "completeness" in r.json()
    other = api.as_user(world.user(role)).get(f"/api/v1/chains/{world.other_chain.pk}/gaps/")
    assert other.status_code == (200 if role == "city" else 404)


def _revenue(enterprise, amount):
    from industry_brain.chains.selectors import latest_figures_year
    from industry_brain.enterprises.models import YearlyFigures

    YearlyFigures.objects.update_or_create(enterprise=enterprise, year=latest_figures_year() or 2025,
                                           defaults={"revenue": amount})


@pytest.fixture
def leaders(world):
    """Four firms on the downstream node (two in 西湖, two in 萧山) and one 萧山 firm alone on the upstream node."""
    up, down = (world.chain.nodes.get(segment=s) for s in ("upstream", "downstream"))
    firms = {}
    for name, district, revenue in (("杭州大号整机有限公司", "330106", 90000),
                                    ("萧山二号整机有限公司", "330109", 70000),
                                    ("杭州三号整机有限公司", "330106", 50000),
                                    ("萧山四号整机有限公司", "330109", 30000)):
        firms[name] = make_enterprise(name, district, node=down)
        _revenue(firms[name], revenue)
    alone = make_enterprise("萧山独家晶圆有限公司", "330109", node=up)
    _revenue(alone, 80000)
    return {"up": up, "down": down, "firms": firms, "alone": alone}


def test_leading_firms_by_output_for_readers_of_the_figures(api, world, leaders):
    for role in ("city", "chain_team"):
        rows = api.as_user(world.user(role)).get(f"/api/v1/chains/{world.chain.pk}/gaps/").json()["nodes"]
        down = next(r for r in rows if r["node"] == leaders["down"].pk)["leading_firms"]
        assert [(f["name"], f["output"]) for f in down] == [("杭州大号整机有限公司", 90000.0),
                                                            ("萧山二号整机有限公司", 70000.0),
                                                            ("杭州三号整机有限公司", 50000.0)], role
        up = next(r for r in rows if r["node"] == leaders["up"].pk)["leading_firms"]
        assert [(f["name"], f["output"]) for f in up] == [("萧山独家晶圆有限公司", 80000.0)], role


def test_leading_firms_are_names_only_where_the_figures_are_not_the_readers(world, leaders):
    from industry_brain.matchmaking.gaps import leading_firms

    # The 西湖 district may see every firm's name but only its own firms' figures.
    rows = leading_firms(user=world.user("district"), node_ids=[leaders["up"].pk, leaders["down"].pk])
    assert [(f["name"], f["output"]) for f in rows[leaders["down"].pk]] == [
        ("杭州大号整机有限公司", 90000.0), ("萧山二号整机有限公司", None), ("杭州三号整机有限公司", 50000.0)]
    # A node of fewer than three firms does not rank a firm whose figures the reader may not see.
    assert leaders["up"].pk not in rows
    # A role that may see none of these firms gets none.
    assert leading_firms(user=world.user("department"), node_ids=[leaders["down"].pk]) == {}


def test_the_gap_page_lists_the_leading_firms(world, leaders):
    from django.test import Client

    c = Client()
    c.force_login(world.user("chain_team"))
    page = c.get(f"/matchmaking/gaps/{world.chain.pk}/").content.decode()
    assert "杭州大号整机有限公司" in page and "萧山独家晶圆有限公司" in page
    assert "萧山四号整机有限公司" not in page  # the fourth of the node is not a leading firm


def test_the_revenue_index_walk_equals_the_window_ranking(world, leaders, monkeypatch):
    """On PostgreSQL a city reader's leading firms are read down the revenue index; they must equal the ranking
    of every member (ties by id, proposed members left out, a node short of figures ranked by the window)."""
    from django.db import connection

    from industry_brain.chains.models import ChainMembership
    from industry_brain.chains.selectors import latest_figures_year
    from industry_brain.matchmaking import gaps

    if connection.vendor != "postgresql":
        pytest.skip("the index walk runs on PostgreSQL only")
    tie = make_enterprise("杭州并列整机有限公司", "330106", node=leaders["down"])
    _revenue(tie, 70000)  # ties 萧山二号 on revenue: the lower id comes first
    proposed = make_enterprise("杭州待确认整机有限公司", "330106")
    ChainMembership.objects.create(enterprise=proposed, node=leaders["down"], status="proposed")
    _revenue(proposed, 99000)
    make_enterprise("萧山无报表晶圆有限公司", "330109", node=leaders["up"])  # no figures: ranked after the firm alone
    nodes = [leaders["up"].pk, leaders["down"].pk]
    city = world.user("city")
    monkeypatch.setattr(gaps, "WALK_FROM", 10**9)
    window = gaps.leading_firms(user=city, node_ids=nodes)
    monkeypatch.setattr(gaps, "WALK_FROM", 1)
    walked = gaps._walk_leading(nodes, latest_figures_year(), gaps.LEADING)
    assert list(walked) == [leaders["down"].pk]  # the upstream node has one firm with figures: left to the window
    assert gaps.leading_firms(user=city, node_ids=nodes) == window
    assert [f["name"] for f in window[leaders["down"].pk]][:1] == ["杭州大号整机有限公司"]
    assert "杭州待确认整机有限公司" not in [f["name"] for f in window[leaders["down"].pk]]
    assert len(window[leaders["up"].pk]) == 2
