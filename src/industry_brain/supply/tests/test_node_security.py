"""The chain page's supply panel per node (`node_security`): the same figures as a plain count over the links of
each node's visible firms, a firm placed in two nodes of one chain counted once in each, and a query count that
does not grow with the chain's members."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from industry_brain.chains.models import ChainMembership
from industry_brain.supply import services
from industry_brain.supply.models import ExternalFirm, SupplyLink
from industry_brain.supply.selectors import node_security
from industry_brain.testing import ALL_ROLES, make_enterprise

from .helpers import small_network

pytestmark = pytest.mark.django_db


def _plain(chain, visible):
    """Per node, straight from the links: inputs, single-sourced ones, ones sourced only outside the province."""
    out = {}
    for node in chain.nodes.all():
        firms = {m.enterprise_id for m in ChainMembership.objects.filter(node=node)} & visible
        inputs = {}
        for link in SupplyLink.objects.filter(customer_id__in=firms).select_related("supplier_external"):
            inside = link.supplier_enterprise_id is not None or link.supplier_external.region.startswith("33")
            n, local = inputs.get((link.customer_id, link.material_id), (0, 0))
            inputs[(link.customer_id, link.material_id)] = (n + 1, local + inside)
        out[node.pk] = (len(firms), len(inputs), sum(1 for n, _l in inputs.values() if n == 1),
                        sum(1 for _n, local in inputs.values() if local == 0))
    return out


@pytest.fixture
def chain_world(world):
    net = small_network(world)
    up = world.chain.nodes.get(segment="upstream")
    # A second member of the chain with two suppliers of one input, one of them in the province, placed in two
    # nodes of the chain: its input must count once per node, with two suppliers (not four).
    twice = make_enterprise("杭州双节点测试有限公司", "330106", node=up)
    ChainMembership.objects.create(enterprise=twice, node=world.chain.nodes.get(segment="downstream"))
    SupplyLink.objects.create(supplier_external=net["sh"], customer=twice, material=net["resin"],
                              share=Decimal("0.5"), monthly_volume=100)
    SupplyLink.objects.create(supplier_enterprise=world.ent_xiaoshan, customer=twice, material=net["resin"],
                              share=Decimal("0.5"), monthly_volume=100)
    sc = services.scenario_create(actor=world.user("city"), name="上海管控 30 天", regions=["310000"], periods=30)
    services.scenario_run(actor=world.user("city"), scenario=sc)
    return world


@pytest.mark.parametrize("role", ["city", "district", "chain_team"])
def test_figures_equal_a_plain_count_over_the_links(chain_world, role):
    from industry_brain.enterprises.models import Enterprise

    world = chain_world
    user = world.user(role)
    visible = set(Enterprise.objects.restrict(user, "view").values_list("pk", flat=True))
    rows = node_security(user, world.chain)
    plain = _plain(world.chain, visible)
    assert {r["node"]: (r["firms"], r["inputs"], round(r["single_source_share"] * r["inputs"]) if r["inputs"] else 0,
                        round(r["outside_share"] * r["inputs"]) if r["inputs"] else 0) for r in rows} == plain
    by_segment = {world.chain.nodes.get(pk=r["node"]).segment: r for r in rows}
    assert by_segment["upstream"]["inputs"] == by_segment["downstream"]["inputs"] == 1
    assert by_segment["upstream"]["single_source_share"] == 0.0  # two suppliers, counted once each
    assert by_segment["midstream"]["single_source_share"] == 1.0 and by_segment["midstream"]["outside_share"] == 1.0
    assert by_segment["midstream"]["worst_tts"] is not None


def test_queries_do_not_grow_with_the_members(chain_world):
    world = chain_world
    sh = ExternalFirm.objects.get(region="310000")
    resin = SupplyLink.objects.filter(customer=world.ent_xiaoshan).first().material
    with CaptureQueriesContext(connection) as few:
        node_security(world.user("chain_team"), world.chain)
    mid = world.chain.nodes.get(segment="midstream")
    for k in range(20):
        firm = make_enterprise(f"杭州节点计数{k}有限公司", "330106", node=mid, figures=False)
        SupplyLink.objects.create(supplier_external=sh, customer=firm, material=resin, share=1, monthly_volume=10)
    with CaptureQueriesContext(connection) as many:
        rows = node_security(world.user("chain_team"), world.chain)
    assert len(many.captured_queries) == len(few.captured_queries)
    assert next(r for r in rows if r["node"] == mid.pk)["firms"] == 21


def _plain_rows(user, chain):
    """Every figure of the panel counted row by row in Python: the firms the user may see supply facts of, their
    in-scope links grouped per input, and the last run's in-scope results."""
    from industry_brain.core.permissions import can
    from industry_brain.enterprises.models import Enterprise
    from industry_brain.supply.models import ScenarioRun
    from industry_brain.supply.selectors import _enterprise_q, result_list

    last = ScenarioRun.objects.filter(status="done").order_by("-id").first()
    results = {r.enterprise_id: r for r in result_list(user=user, run=last)} if last else {}
    links = list(SupplyLink.objects.restrict(user, "view").select_related("supplier_external"))
    rows = []
    for node in chain.nodes.all().order_by("segment", "order", "id"):
        firms = {m.enterprise_id for m in ChainMembership.objects.filter(node=node)}
        if not can(user, "view_network", SupplyLink):
            firms &= set(Enterprise.objects.filter(_enterprise_q(user)).values_list("pk", flat=True))
        inputs = {}
        for link in links:
            if link.customer_id in firms:
                inside = link.supplier_enterprise_id is not None or link.supplier_external.region.startswith("33")
                n, local = inputs.get((link.customer_id, link.material_id), (0, 0))
                inputs[(link.customer_id, link.material_id)] = (n + 1, local + inside)
        n = len(inputs)
        tts = [results[e].tts_days for e in firms if e in results and not results[e].tts_capped]
        single = sum(1 for k, _l in inputs.values() if k == 1)
        outside = sum(1 for _k, local in inputs.values() if local == 0)
        rows.append({"node": node.pk, "name": node.name, "firms": len(firms), "inputs": n,
                     "single_source_share": round(single / n, 3) if n else None,
                     "outside_share": round(outside / n, 3) if n else None,
                     "worst_tts": round(min(tts), 1) if tts else None,
                     "lost_value": round(sum(results[e].lost_value for e in firms if e in results), 1),
                     "scenario": last.scenario.name if last else None})
    return rows


@pytest.mark.parametrize("role", ALL_ROLES)
def test_every_roles_panel_equals_the_row_by_row_count(chain_world, role):
    user = chain_world.user(role)
    for chain in (chain_world.chain, chain_world.other_chain):
        assert node_security(user, chain) == _plain_rows(user, chain)


def test_every_figure_is_counted_on_the_city_panel(chain_world):
    rows = node_security(chain_world.user("city"), chain_world.chain)
    assert any(r["worst_tts"] is not None for r in rows) and any(r["lost_value"] for r in rows)
    assert sum(r["firms"] for r in rows) == ChainMembership.objects.filter(node__chain=chain_world.chain).count()


def test_a_reader_without_supply_scope_sees_empty_nodes(chain_world):
    rows = node_security(chain_world.user("cadre"), chain_world.chain)
    assert rows and all(r["firms"] == 0 and r["inputs"] == 0 and r["worst_tts"] is None for r in rows)


def test_without_a_finished_run_the_losses_are_empty(world):
    small_network(world)
    rows = node_security(world.user("city"), world.chain)
    assert rows == _plain_rows(world.user("city"), world.chain)
    assert all(r["worst_tts"] is None and r["lost_value"] == 0 and r["scenario"] is None for r in rows)
