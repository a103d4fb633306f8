"""Recommendations and the supply network: in-province outside suppliers after the local firms, and the
supply-risk signal (an alternative for a material at risk, or a supplier on a node whose local supply is at
risk), on crafted firms; nothing of another firm's figures in the answer."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.translation import gettext

from industry_brain.matchmaking import selectors, services
from industry_brain.matchmaking.models import Listing
from industry_brain.supply.models import (
    ExternalFirm,
    Material,
    Scenario,
    ScenarioResult,
    ScenarioRun,
    SupplyLink,
)
from industry_brain.testing import make_enterprise

pytestmark = pytest.mark.django_db

LATER = timezone.localdate() + dt.timedelta(days=90)


def publish(enterprise, kind, title, *, material, node=None, quantity=500, unit="吨"):
    from industry_brain.accounts.models import User

    city = User.objects.filter(role="city").first()
    return services.listing_publish(actor=city, enterprise=enterprise, data={
        "kind": kind, "title": title, "material": material, "node": node, "unit": unit, "expires_on": LATER,
        "capacity" if kind == "offer" else "volume": Decimal(quantity)})


@pytest.fixture
def network(world):
    node = world.chain.nodes.get(segment="upstream")
    other_node = world.chain.nodes.get(segment="downstream")
    foil = Material.objects.create(name="电解铜箔", unit="吨", node=node)
    resin = Material.objects.create(name="环氧树脂（测试）", unit="吨", node=node)
    # Two local makers alike in every way but one: the supply module lists B as an alternative for the foil.
    a = make_enterprise("杭州甲铜箔有限公司", "330106", node=node, figures=False)
    b = make_enterprise("杭州乙铜箔有限公司", "330106", node=node, figures=False)
    c = make_enterprise("杭州丙铜箔有限公司", "330106", node=other_node, figures=False)
    offers = {k: publish(f, "offer", "电解铜箔供应", material="电解铜箔", node=n)
              for k, f, n in (("a", a, node), ("b", b, node), ("c", c, other_node))}
    customer = make_enterprise("杭州某覆铜板客户有限公司", "330106", figures=False)
    at_risk = make_enterprise("杭州断供风险企业有限公司", "330109", figures=False)
    ningbo = ExternalFirm.objects.create(name="宁波铜箔有限公司", region="330200", lat=29.87, lon=121.54,
                                         monthly_capacity=Decimal("98765"))
    jiaxing = ExternalFirm.objects.create(name="嘉兴树脂有限公司", region="330400", lat=30.75, lon=120.76,
                                          monthly_capacity=Decimal("400"))
    full = ExternalFirm.objects.create(name="绍兴满产铜箔有限公司", region="330600", monthly_capacity=Decimal("50"))
    suzhou = ExternalFirm.objects.create(name="苏州铜箔有限公司", region="320500", monthly_capacity=Decimal("5000"))
    for ext, material, volume in ((ningbo, foil, "12345"), (jiaxing, resin, "40"), (full, foil, "50"),
                                  (suzhou, foil, "300")):
        SupplyLink.objects.create(supplier_external=ext, customer=customer, material=material, share=Decimal("0.2"),
                                  monthly_volume=Decimal(volume))
    scenario = Scenario.objects.create(name="上海苏州停产情景（测试）", regions=["310000"], periods=30)
    run = ScenarioRun.objects.create(scenario=scenario, status="done", finished_at=timezone.now())
    ScenarioResult.objects.create(
        run=run, enterprise=at_risk, district_id="330109", rank=1, tts_days=3, ttr_days=30, flagged=True,
        missing_material=foil, alternatives=[
            {"supplier_enterprise": b.pk, "supplier_external": None, "name": b.name, "scope": "city"},
            {"supplier_enterprise": None, "supplier_external": ningbo.pk, "name": ningbo.name, "scope": "province"}])
    return {"node": node, "firms": {"a": a, "b": b, "c": c}, "offers": offers, "ningbo": ningbo,
            "jiaxing": jiaxing, "full": full, "suzhou": suzhou, "at_risk": at_risk, "scenario": scenario}


def test_an_alternative_for_a_material_at_risk_ranks_higher_with_its_reason(world, network):
    need = publish(world.ent_xihu, "need", "采购电解铜箔", material="电解铜箔", node=network["node"], quantity=100)
    rows = selectors.recommendations(user=world.user("city"), listing=need)
    local = {r.enterprise_id: r for r in rows if r.scope == "local"}
    a, b = local[network["firms"]["a"].pk], local[network["firms"]["b"].pk]
    assert b.score - a.score == pytest.approx(selectors.W_RISK_ALTERNATIVE - selectors.W_RISK_NODE)
    assert [r.enterprise_id for r in rows[:2]] == [network["firms"]["b"].pk, network["firms"]["a"].pk]
    alternative = gettext("Supply risk: the supply network lists it as an alternative source of %(m)s, whose "
                          "supply is at risk") % {"m": "电解铜箔"}
    on_node = gettext("Supply risk: the local supply of this chain node is at risk; it could fill in")
    assert alternative in b.reasons and on_node in a.reasons
    # The firm on another node gets neither (same material, but not on the node at risk nor listed).
    c = local[network["firms"]["c"].pk]
    assert not {alternative, on_node} & set(c.reasons)


def test_without_a_scenario_run_there_is_no_risk_part(world, network):
    ScenarioRun.objects.all().delete()
    need = publish(world.ent_xihu, "need", "采购电解铜箔", material="电解铜箔", node=network["node"], quantity=100)
    local = {r.enterprise_id: r for r in selectors.recommendations(user=world.user("city"), listing=need)
             if r.scope == "local"}
    assert local[network["firms"]["a"].pk].score == local[network["firms"]["b"].pk].score


def test_in_province_outside_suppliers_follow_the_local_ones(world, network):
    need = publish(world.ent_xihu, "need", "采购电解铜箔", material="电解铜箔", node=network["node"], quantity=100)
    rows = selectors.recommendations(user=world.user("enterprise"), listing=need)
    scopes = [r.scope for r in rows]
    assert scopes == ["local"] * 3 + ["province"] * 2
    outside = [r.external_firm_id for r in rows if r.scope == "province"]
    # Ningbo supplies the same material and is listed as an alternative; Jiaxing only a material of the node.
    # Not Suzhou (outside the province), nor the Shaoxing firm whose capacity is all used.
    assert outside == [network["ningbo"].pk, network["jiaxing"].pk]
    ningbo = rows[3]
    assert ningbo.listing is None and ningbo.name == "宁波铜箔有限公司"
    assert gettext("Supply risk: the supply network lists it as an alternative source of %(m)s, whose supply is "
                   "at risk") % {"m": "电解铜箔"} in ningbo.reasons


def test_the_answer_shows_no_figures_of_other_firms(api, world, network):
    need = publish(world.ent_xihu, "need", "采购电解铜箔", material="电解铜箔", node=network["node"], quantity=100)
    r = api.as_user(world.user("enterprise")).get(f"/api/v1/listings/{need.pk}/recommendations/")
    assert r.status_code == 200
    body = r.content.decode()
    rows = r.json()
    assert [row["scope"] for row in rows][-2:] == ["province", "province"]
    assert rows[-2]["external_firm"] == network["ningbo"].pk and rows[-2]["enterprise"] is None
    assert rows[-2]["spare_capacity"] is None and rows[-2]["region"] == "330200"
    # The outside firm's capacity (98765), volume supplied (12345) and spare (86420) are not in the answer, nor the
    # firm at risk, nor the scenario (an analysts' object), nor its customer.
    for secret in ("98765", "12345", "86420", network["at_risk"].name, network["scenario"].name, "覆铜板客户"):
        assert secret not in body, secret


def test_an_offer_gets_no_outside_rows(world, network):
    need_firm = make_enterprise("杭州买方有限公司", "330106", figures=False)
    publish(need_firm, "need", "采购电解铜箔", material="电解铜箔", quantity=100)
    offer = Listing.objects.get(pk=network["offers"]["a"].pk)
    rows = selectors.recommendations(user=world.user("city"), listing=offer)
    assert rows and {r.scope for r in rows} == {"local"} and rows[0].enterprise_id == need_firm.pk


def test_a_need_posted_from_a_risk_result_ranks_its_alternatives_first(world, network):
    """The supply module turns a flagged firm's missing material into a need (`result_post_need`); its
    recommendations put the alternatives the risk analysis listed first, local and in-province alike."""
    from industry_brain.supply.services import result_post_need

    result = ScenarioResult.objects.get(enterprise=network["at_risk"])
    SupplyLink.objects.create(supplier_external=network["suzhou"], customer=network["at_risk"],
                              material=Material.objects.get(name="电解铜箔"), share=1, monthly_volume=80)
    need = result_post_need(actor=world.user("city"), result=result)
    rows = selectors.recommendations(user=world.user("city"), listing=need)
    local = [r for r in rows if r.scope == "local"]
    outside = [r for r in rows if r.scope == "province"]
    assert local[0].enterprise_id == network["firms"]["b"].pk
    assert outside[0].external_firm_id == network["ningbo"].pk
    listed = gettext("Supply risk: the supply network lists it as an alternative source of %(m)s, whose supply is "
                     "at risk") % {"m": "电解铜箔"}
    assert listed in local[0].reasons and listed in outside[0].reasons
    assert network["at_risk"].pk not in {r.enterprise_id for r in rows}  # never the firm itself


def test_the_risk_of_a_run_is_read_once_per_process_and_a_newer_run_replaces_it(world, network, monkeypatch):
    from django.core.cache import cache

    from industry_brain.matchmaking import supply_signals

    cache.clear()
    supply_signals._memo.clear()
    first = supply_signals.supply_risk()
    assert network["firms"]["b"].pk in first.by_material["电解铜箔"][0]
    reads = []

    class Counting:  # the shared cache, counting reads
        def get(self, *args, **kwargs):
            reads.append(args)
            return cache.get(*args, **kwargs)

        def set(self, *args, **kwargs):
            return cache.set(*args, **kwargs)

    monkeypatch.setattr(supply_signals, "cache", Counting())
    assert supply_signals.supply_risk() is first and reads == []  # no cache read, no unpickling
    # A newer completed run names other alternatives: it is read, not the process's copy of the old one.
    run = ScenarioRun.objects.create(scenario=network["scenario"], status="done", finished_at=timezone.now())
    ScenarioResult.objects.create(
        run=run, enterprise=network["at_risk"], district_id="330109", rank=1, tts_days=3, ttr_days=30, flagged=True,
        missing_material=Material.objects.get(name="电解铜箔"), alternatives=[
            {"supplier_enterprise": network["firms"]["a"].pk, "supplier_external": None, "name": "甲",
             "scope": "city"}])
    second = supply_signals.supply_risk()
    assert second.run == run.pk and len(reads) == 1
    assert second.by_material["电解铜箔"][0] == frozenset({network["firms"]["a"].pk})
