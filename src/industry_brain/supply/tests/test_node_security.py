"""The chain page's supply panel per node (`node_security`): the same figures as a plain count over the links of
each node's visible confirmed member firms, a firm placed in two nodes of one chain counted once in each, and a
query count that does not grow with the chain's members; the stored input summaries after every kind of write."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from industry_brain.chains.choices import segment_order
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
        firms = {m.enterprise_id for m in ChainMembership.objects.filter(node=node, status="confirmed")} & visible
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
    segments = [world.chain.nodes.get(pk=r["node"]).segment for r in rows]
    assert segments == sorted(segments, key=["upstream", "midstream", "downstream"].index)  # as on the chain map
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
    for node in chain.nodes.all().order_by(segment_order(), "order", "id"):
        firms = {m.enterprise_id for m in ChainMembership.objects.filter(node=node, status="confirmed")}
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
    assert sum(r["firms"] for r in rows) == ChainMembership.objects.filter(node__chain=chain_world.chain,
                                                                           status="confirmed").count()


def test_a_reader_without_supply_scope_sees_empty_nodes(chain_world):
    rows = node_security(chain_world.user("cadre"), chain_world.chain)
    assert rows and all(r["firms"] == 0 and r["inputs"] == 0 and r["worst_tts"] is None for r in rows)


def test_without_a_finished_run_the_losses_are_empty(world):
    small_network(world)
    rows = node_security(world.user("city"), world.chain)
    assert rows == _plain_rows(world.user("city"), world.chain)
    assert all(r["worst_tts"] is None and r["lost_value"] == 0 and r["scenario"] is None for r in rows)


# ---------------------------------------------------------------------------------------------- stored inputs

def _plain_inputs() -> set[tuple]:
    """Per customer, straight from the links: (firm, links, inputs, single-sourced, sourced only outside)."""
    per: dict[int, dict] = {}
    for link in SupplyLink.objects.select_related("supplier_external"):
        inside = link.supplier_enterprise_id is not None or link.supplier_external.region.startswith("33")
        n, local = per.setdefault(link.customer_id, {}).get(link.material_id, (0, 0))
        per[link.customer_id][link.material_id] = (n + 1, local + inside)
    return {(cid, sum(n for n, _l in m.values()), len(m), sum(1 for n, _l in m.values() if n == 1),
             sum(1 for _n, local in m.values() if local == 0)) for cid, m in per.items()}


def _stored_table() -> set[tuple]:
    from industry_brain.supply.models import FirmInputs

    return set(FirmInputs.objects.values_list("enterprise_id", "links", "inputs", "single_source", "outside_only"))


def _panels_equal_plain(world, monkeypatch, *, stored: bool) -> None:
    """Every role's panel of both chains equals the row-by-row count; with `stored`, from the stored summaries
    alone (grouping the links live fails the test)."""
    from industry_brain.supply import selectors

    with monkeypatch.context() as m:
        if stored:
            def live(*_args):
                raise AssertionError("the panel grouped the links live")
            m.setattr(selectors, "_node_security_counts", live)
        for role in ALL_ROLES:
            user = world.user(role)
            for chain in (world.chain, world.other_chain):
                assert node_security(user, chain) == _plain_rows(user, chain), (role, chain.code)


@pytest.fixture
def stored_world(chain_world):
    """The chain world with every firm's stored inputs rebuilt (the fixture wrote links around the services)."""
    from industry_brain.supply.inputs import firm_inputs_refresh

    firm_inputs_refresh()
    return chain_world


def test_the_stored_inputs_follow_every_link_write_and_the_panel_reads_them(stored_world, monkeypatch):
    from industry_brain.supply.models import Material

    world = stored_world
    city = world.user("city")
    chip, resin = Material.objects.get(name="晶圆"), Material.objects.get(name="树脂")
    sh, nb = ExternalFirm.objects.get(region="310000"), ExternalFirm.objects.get(region="330200")

    def check():
        assert _stored_table() == _plain_inputs()
        _panels_equal_plain(world, monkeypatch, stored=True)

    check()
    link = services.link_create(actor=city, customer=world.ent_xihu, material=resin, share=Decimal("0.5"),
                                monthly_volume=10, supplier_external=sh)  # a new input, single, outside only
    check()
    services.link_update(actor=city, link=link, supplier_external=nb)  # now from inside the province
    check()
    services.link_update(actor=city, link=link, supplier_external=None, supplier_enterprise=world.ent_xiaoshan)
    check()
    services.link_update(actor=city, link=link, material=chip)  # the chip input gets a second supplier
    check()
    services.links_upsert(actor=city, rows=[
        {"customer": world.ent_xiaoshan, "material": chip, "supplier_external": nb, "share": Decimal("1"),
         "monthly_volume": Decimal("5"), "per_unit": Decimal("2")},
        {"customer": world.ent_xihu, "material": chip, "supplier_external": sh, "share": Decimal("1"),
         "monthly_volume": Decimal("7")}])  # one link new, one corrected
    check()
    services.link_delete(actor=city, link=link)
    check()
    # A bill-of-materials line and a production profile are not part of the summary: the figures stay the plain.
    services.bom_set(actor=city, enterprise=world.ent_xihu, material=resin, per_unit=Decimal("3"))
    services.profile_set(actor=city, enterprise=world.ent_xihu, product=Material.objects.get(name="电路板"),
                         monthly_capacity=Decimal("10"), monthly_output=Decimal("5"))
    check()


def test_a_proposed_or_rejected_membership_is_not_a_nodes_firm_until_confirmed(stored_world, monkeypatch):
    from industry_brain.chains.memberships import membership_add, membership_confirm, membership_reject
    from industry_brain.supply.models import Material

    world = stored_world
    city, team = world.user("city"), world.user("chain_team")
    firm = make_enterprise("杭州提议节点测试有限公司", "330106", figures=False)
    services.link_create(actor=city, customer=firm, material=Material.objects.get(name="晶圆"), share=Decimal("1"),
                         monthly_volume=10, supplier_external=ExternalFirm.objects.get(region="310000"))
    before = {role: node_security(world.user(role), world.chain) for role in ALL_ROLES}
    up, down = world.chain.nodes.get(segment="upstream"), world.chain.nodes.get(segment="downstream")
    proposal = membership_add(actor=team, node=up, enterprise=firm)
    rejected = membership_add(actor=team, node=down, enterprise=firm)
    membership_reject(actor=city, membership=rejected, note="不属于该环节")
    assert proposal.status == "proposed" and ChainMembership.objects.get(pk=rejected.pk).status == "rejected"
    assert {role: node_security(world.user(role), world.chain) for role in ALL_ROLES} == before
    _panels_equal_plain(world, monkeypatch, stored=True)
    membership_confirm(actor=city, membership=proposal)
    after = {r["node"]: r for r in node_security(city, world.chain)}
    was = {r["node"]: r for r in before["city"]}
    assert after[up.pk]["firms"] == was[up.pk]["firms"] + 1 and after[up.pk]["inputs"] == was[up.pk]["inputs"] + 1
    assert after[down.pk] == was[down.pk]
    _panels_equal_plain(world, monkeypatch, stored=True)


def test_links_written_around_the_services_are_counted_live_until_the_rebuild(stored_world, monkeypatch):
    from industry_brain.supply.inputs import firm_inputs_refresh
    from industry_brain.supply.models import Material

    world = stored_world
    city = world.user("city")
    chip = Material.objects.get(name="晶圆")
    supplier = make_enterprise("杭州供货测试有限公司", "330109", figures=False)
    services.link_create(actor=city, customer=world.ent_xihu, material=chip, share=Decimal("0.5"),
                         monthly_volume=10, supplier_enterprise=supplier)
    _panels_equal_plain(world, monkeypatch, stored=True)
    # The supplier is deleted, its links with it, around the link services: the stored counts no longer match.
    from industry_brain.enterprises.services import enterprise_delete

    enterprise_delete(actor=city, enterprise=supplier)
    _panels_equal_plain(world, monkeypatch, stored=False)
    SupplyLink.objects.create(supplier_external=ExternalFirm.objects.get(region="330200"), customer=world.ent_xihu,
                              material=Material.objects.get(name="树脂"), share=1, monthly_volume=3)
    _panels_equal_plain(world, monkeypatch, stored=False)
    firm_inputs_refresh()  # the hourly rebuild repairs them
    assert _stored_table() == _plain_inputs()
    _panels_equal_plain(world, monkeypatch, stored=True)


def test_queries_do_not_grow_with_the_members_on_stored_inputs(stored_world, monkeypatch):
    from industry_brain.supply import selectors

    world = stored_world
    city = world.user("city")
    sh = ExternalFirm.objects.get(region="310000")
    resin = SupplyLink.objects.filter(customer=world.ent_xiaoshan).first().material
    monkeypatch.setattr(selectors, "_node_security_counts", None)  # the stored path only
    counts = {}
    for size in ("few", "many"):
        if size == "many":
            mid = world.chain.nodes.get(segment="midstream")
            for k in range(20):
                firm = make_enterprise(f"杭州存量计数{k}有限公司", "330106", node=mid, figures=False)
                services.link_create(actor=city, customer=firm, material=resin, share=Decimal("1"),
                                     monthly_volume=10, supplier_external=sh)
        for role in ("city", "district", "chain_team"):
            with CaptureQueriesContext(connection) as q:
                node_security(world.user(role), world.chain)
            counts[(size, role)] = len(q.captured_queries)
    assert all(counts[("many", r)] == counts[("few", r)] for r in ("city", "district", "chain_team"))


def test_the_migration_fills_the_table_as_the_refresh_does(chain_world):
    import importlib

    from industry_brain.supply.inputs import firm_inputs_refresh
    from industry_brain.supply.models import FirmInputs

    migration = importlib.import_module("industry_brain.supply.migrations.0003_firm_inputs")
    FirmInputs.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(migration.FILL, ["33%"])
    filled = _stored_table()
    firm_inputs_refresh()
    assert filled == _stored_table() == _plain_inputs() and filled


def test_the_hourly_task_is_scheduled_and_rebuilds_the_stored_inputs(chain_world):
    from django.conf import settings

    from industry_brain.celery import app
    from industry_brain.supply.tasks import refresh_inputs

    app.loader.import_default_modules()
    assert "supply.refresh_inputs" in {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "supply.refresh_inputs" in app.tasks
    assert _stored_table() != _plain_inputs()  # the fixture wrote its links around the services
    refresh_inputs()
    assert _stored_table() == _plain_inputs()
