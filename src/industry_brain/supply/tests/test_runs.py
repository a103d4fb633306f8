"""Stored runs: the snapshot gives the run's numbers again, suppliers outside the disruption's reach share
their stock among customers by usual volume, and a flagged firm's missing material becomes a matchmaking need."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from industry_brain.matchmaking.models import Listing
from industry_brain.supply import services

from .helpers import small_network

pytestmark = pytest.mark.django_db


def _run(world, **kwargs):
    sc = services.scenario_create(actor=world.user("city"), name="上海管控 30 天", regions=["310000"], periods=30,
                                  **kwargs)
    return services.scenario_run(actor=world.user("city"), scenario=sc, background=False)


def test_snapshot_reproduces_the_stored_run(world):
    small_network(world)
    run = _run(world)
    again = {r["enterprise"]: r for r in services.compute_cone(services.stored_snapshot(run))["rows"]}
    stored = list(run.results.all())
    assert len(stored) == len(again) == 2
    for r in stored:
        assert again[r.enterprise_id]["tts"] == pytest.approx(r.tts_days, abs=1e-4)
        assert again[r.enterprise_id]["lost_value"] == pytest.approx(r.lost_value, abs=1e-4)


def test_a_stopped_supplier_shares_its_stock_among_customers_by_volume(world):
    net = small_network(world)
    net["sh"].inventory = Decimal(900)
    net["sh"].save(update_fields=["inventory"])
    sc = services.scenario_create(actor=world.user("city"), name="上海", regions=["310000"], periods=30)
    cone = services.build_scenario_network(sc)
    nodes = {n["id"]: n for n in cone["nodes"]}
    l1, l2 = net["links"][0], net["links"][1]  # 3,000 and 1,500 a month from 上海
    assert nodes[f"x{net['sh'].pk}@{l1.pk}"]["inventory"] == pytest.approx(600)
    assert nodes[f"x{net['sh'].pk}@{l2.pk}"]["inventory"] == pytest.approx(300)
    assert set(cone["down_sites"]) == {f"x{net['sh'].pk}"}
    assert all(cone["down"][k] == 1.0 for k in (f"x{net['sh'].pk}@{l1.pk}", f"x{net['sh'].pk}@{l2.pk}"))


def test_flagged_firm_posts_its_missing_material_as_a_matchmaking_need(api, world):
    small_network(world)
    run = _run(world)
    row = run.results.get(enterprise=world.ent_xihu)
    assert row.flagged and row.missing_material.name == "晶圆"
    city = api.as_user(world.user("city"))
    url = f"/api/v1/scenarios/{run.scenario_id}/results/{row.pk}/post-need/"
    bad = city.post(url, {"alternatives": [7]}, format="json")
    assert bad.status_code == 400 and "alternatives" in bad.json()
    r = city.post(url, {}, format="json")
    assert r.status_code == 201, r.json()
    listing = Listing.objects.get(pk=r.json()["id"])
    assert listing.kind == "need" and listing.enterprise == world.ent_xihu and listing.material == "晶圆"
    assert listing.volume == Decimal("3000.00")  # the month's volume lost with 上海
    assert run.scenario.name in listing.description and "晶圆" in listing.title
    assert listing.needed_by == timezone.localdate() + dt.timedelta(days=row.stops_on_day - 1)
    other = api.as_user(world.user("district_other")).post(url, {}, format="json")
    assert other.status_code == 404


def test_stored_page_figures_equal_the_live_aggregates(world):
    from industry_brain.supply import selectors

    small_network(world)
    run = _run(world)
    city = world.user("city")
    stored = selectors.scenario_losses(user=city, run=run)
    live = selectors.scenario_losses(user=city, run=run, live=True)
    assert stored is run.page_data["losses"]  # the city's page reads the stored figures

    def norm(rows, key):
        return sorted((r[f"{key}_id"], r[f"{key}__name"], round(r["lost"], 3), r["firms"], r["flagged"]) for r in rows)

    for key in ("chain", "district"):
        assert norm(stored[f"by_{key}"], key) == norm(live[f"by_{key}"], key)
    assert stored["total"]["firms"] == live["total"]["firms"] == 2
    assert stored["total"]["flagged"] == live["total"]["flagged"]
    assert stored["total"]["lost"] == pytest.approx(live["total"]["lost"])
    assert selectors.scenario_map_points(user=city, run=run) == selectors.scenario_map_points(
        user=city, run=run, live=True)
    # A district officer aggregates only its own rows.
    district = selectors.scenario_losses(user=world.user("district"), run=run)
    assert district["total"]["firms"] == 1


def test_a_result_names_the_firms_first_confirmed_node_and_chain(world):
    """西湖's first memberships are a rejected one (its old place, now rejected) and a proposal in the other chain;
    its confirmed place comes after: the stored result names the confirmed node and chain. 萧山 keeps its confirmed
    place beside a proposal; a firm with proposals only would be on no node."""
    from industry_brain.chains.models import ChainMembership

    ChainMembership.objects.filter(enterprise=world.ent_xihu).update(status="rejected")
    ChainMembership.objects.create(enterprise=world.ent_xihu, node=world.other_chain.nodes.get(segment="upstream"),
                                   status="proposed")
    confirmed = ChainMembership.objects.create(enterprise=world.ent_xihu,
                                               node=world.chain.nodes.get(segment="downstream"))
    ChainMembership.objects.create(enterprise=world.ent_xiaoshan, node=world.chain.nodes.get(segment="upstream"),
                                   status="proposed")
    small_network(world)
    run = _run(world)
    for r in run.results.all():
        first = ChainMembership.objects.filter(enterprise=r.enterprise_id, status="confirmed").order_by("id").first()
        assert (r.node_id, r.chain_id) == ((first.node_id, first.node.chain_id) if first else (None, None))
    row = run.results.get(enterprise=world.ent_xihu)
    assert (row.node, row.chain) == (confirmed.node, world.chain)
