"""Each node's stored output per year (ChainNodeOutput): every role's chain map shows the figures the plain sum of
the confirmed members' revenue gives, after membership, figures and registry changes made through the services;
the map sums live where the table cannot answer; the migration's fill, the statistics refresh and the demo seeder
write the same rows."""

import importlib
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from industry_brain.chains import memberships, selectors, services
from industry_brain.chains.models import MIN_GROUP, ChainMembership, ChainNode, ChainNodeOutput
from industry_brain.enterprises import services as enterprise_services
from industry_brain.enterprises.models import YearlyFigures
from industry_brain.testing import ALL_ROLES, make_enterprise

pytestmark = pytest.mark.django_db

OUTPUT_TABLE = ChainNodeOutput._meta.db_table
FIGURES_TABLE = YearlyFigures._meta.db_table


def _crowd(world):
    """Members with different revenues in both chains: firms in two nodes, members without figures, a firm with
    figures of an older year only, a proposal and a rejected one (neither counts)."""
    mid = world.chain.nodes.get(segment="midstream")
    up = world.chain.nodes.get(segment="upstream")
    down = world.chain.nodes.get(segment="downstream")
    other_mid = world.other_chain.nodes.get(segment="midstream")
    firms = []
    for i in range(9):
        e = make_enterprise(f"杭州产值{i}测材料公司", "330106" if i % 2 else "330109", node=mid, figures=False)
        if i % 4 != 3:  # every fourth has no figures at all
            e.figures.create(year=2025, revenue=Decimal("1000.25") * (i + 1), verified=True)
        e.figures.create(year=2024, revenue=Decimal("700.50") * (i + 1), verified=True)
        firms.append(e)
    for e in firms[:5]:
        ChainMembership.objects.create(enterprise=e, node=up)
    for e in firms[3:]:
        ChainMembership.objects.create(enterprise=e, node=other_mid)
    ChainMembership.objects.create(enterprise=firms[0], node=down, status="proposed")
    ChainMembership.objects.create(enterprise=firms[1], node=down, status="rejected")
    return firms


def _plain(year=None) -> dict[int, Decimal]:
    """Per node with confirmed members whose figures exist that year: the sum of their revenue, row by row."""
    year = year or max(YearlyFigures.objects.values_list("year", flat=True))
    out: dict[int, Decimal] = {}
    for m in ChainMembership.objects.filter(status="confirmed"):
        f = YearlyFigures.objects.filter(enterprise_id=m.enterprise_id, year=year).first()
        if f is not None:
            out[m.node_id] = out.get(m.node_id, Decimal(0)) + f.revenue
    return out


def _stored(year=None) -> dict[int, Decimal]:
    year = year or max(YearlyFigures.objects.values_list("year", flat=True))
    return dict(ChainNodeOutput.objects.filter(year=year).values_list("node_id", "output"))


def _stored_equals_plain():
    """The table's rows of every year equal the plain sums, each with its node's confirmed member count."""
    for year in set(YearlyFigures.objects.values_list("year", flat=True)):
        assert _stored(year) == _plain(year)
    counts = {n.pk: ChainMembership.objects.counted().filter(node=n).count() for n in ChainNode.objects.all()}
    assert all(r.members == counts[r.node_id] for r in ChainNodeOutput.objects.all())
    return _stored()


def _live_graph(chain, user):
    """The map as the plain computation gives it: every output summed live (the table emptied in a savepoint)."""
    from django.db import transaction

    class _Undo(Exception):
        pass

    try:
        with transaction.atomic():
            ChainNodeOutput.objects.all().delete()
            graph = selectors.chain_graph(chain, user)
            raise _Undo
    except _Undo:
        return graph


def _summed_live(queries) -> bool:
    return any(FIGURES_TABLE in q["sql"] and "SUM" in q["sql"] for q in queries)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_every_roles_map_equals_the_live_sums(world, role):
    _crowd(world)
    services.chain_outputs_refresh()
    user = world.user(role)
    for chain in (world.chain, world.other_chain):
        with CaptureQueriesContext(connection) as read:
            page = selectors.chain_page(chain, user)
        assert not _summed_live(read.captured_queries)  # every node with members read the table
        assert page["graph"] == _live_graph(chain, user)
        plain = _plain()
        for node in page["graph"]["nodes"]:
            if not node["suppressed"]:
                assert node["output"] == float(plain.get(node["id"], 0))


def test_the_city_sees_every_nodes_sum(world):
    firms = _crowd(world)
    services.chain_outputs_refresh()
    mid = world.chain.nodes.get(segment="midstream")
    graph = selectors.chain_graph(world.chain, world.user("city"))
    node = next(n for n in graph["nodes"] if n["id"] == mid.pk)
    with_2025 = [i for i in range(9) if i % 4 != 3]
    expected = sum(Decimal("1000.25") * (i + 1) for i in with_2025) + 10000 * (
        ChainMembership.objects.counted().filter(node=mid).count() - len(firms))  # the world's own members
    assert node["output"] == float(expected) and not node["suppressed"]
    assert graph["year"] == 2025


def test_the_map_shows_under_min_group_as_before(world):
    """Suppression is the map's rule, not the table's: a node of fewer than MIN_GROUP firms shows its output only
    to readers who see every member's figures."""
    services.chain_outputs_refresh()
    mid = world.chain.nodes.get(segment="midstream")
    assert 0 < ChainMembership.objects.counted().filter(node=mid).count() < MIN_GROUP
    assert _stored()[mid.pk] == _plain()[mid.pk] > 0
    shown = set()
    for role in ALL_ROLES:
        graph = selectors.chain_graph(world.chain, world.user(role))
        assert graph == _live_graph(world.chain, world.user(role))
        node = next(n for n in graph["nodes"] if n["id"] == mid.pk)
        shown.add(node["output"] is not None)
    assert shown == {True, False}  # some readers see it, others do not


def test_membership_services_keep_the_node_current(world):
    firms = _crowd(world)
    services.chain_outputs_refresh()
    city, team = world.user("city"), world.user("chain_team")
    mid = world.chain.nodes.get(segment="midstream")
    down = world.chain.nodes.get(segment="downstream")
    new = make_enterprise("杭州新增产值测材料公司")  # 10000 in 2025
    memberships.membership_add(actor=city, node=mid, enterprise=new)
    before = _stored_equals_plain()[mid.pk]
    proposal = memberships.membership_add(actor=team, node=down, enterprise=firms[4])
    assert down.pk not in _stored_equals_plain()  # a proposal adds nothing yet (the node had no member)
    memberships.membership_confirm(actor=city, membership=proposal)
    assert _stored_equals_plain()[down.pk] == Decimal("1000.25") * 5
    memberships.membership_remove(actor=city, membership=ChainMembership.objects.get(node=mid, enterprise=new))
    assert _stored_equals_plain()[mid.pk] == before - 10000


def test_figures_recorded_through_the_service_update_every_node_of_the_firm(world):
    firms = _crowd(world)
    services.chain_outputs_refresh()
    city = world.user("city")
    enterprise_services.figures_record(actor=city, enterprise=firms[1], year=2025, values={"revenue": 123456})
    stored = _stored_equals_plain()
    up = world.chain.nodes.get(segment="upstream")
    assert stored[up.pk] == _plain()[up.pk]
    enterprise_services.figures_record(actor=city, enterprise=firms[3], year=2025, values={"revenue": 77})  # a first
    _stored_equals_plain()
    assert ChainNodeOutput.objects.filter(node=world.other_chain.nodes.get(segment="midstream"), year=2025).exists()


def test_registry_changes_keep_the_table_current(world):
    firms = _crowd(world)
    services.chain_outputs_refresh()
    city = world.user("city")
    # A move to another district changes no node's output (every member counts whoever reads) …
    enterprise_services.enterprise_update(actor=city, enterprise=firms[0], data={"district": "330109"})
    _stored_equals_plain()
    for role in ("city", "district", "district_other", "chain_team"):
        assert selectors.chain_graph(world.chain, world.user(role)) == _live_graph(world.chain, world.user(role))
    # … a deleted firm leaves every node it was in.
    enterprise_services.enterprise_delete(actor=city, enterprise=firms[2])
    _stored_equals_plain()


def test_memberships_written_around_the_services_are_summed_live(world):
    _crowd(world)
    services.chain_outputs_refresh()
    mid = world.chain.nodes.get(segment="midstream")
    make_enterprise("杭州绕行产值测材料公司", node=mid)  # ORM write: the table has not heard of it
    city = world.user("city")
    with CaptureQueriesContext(connection) as read:
        graph = selectors.chain_graph(world.chain, city)
    assert _summed_live(read.captured_queries)
    assert graph == _live_graph(world.chain, city)
    assert next(n for n in graph["nodes"] if n["id"] == mid.pk)["output"] == float(_plain()[mid.pk])
    assert _stored()[mid.pk] != _plain()[mid.pk]
    services.ecosystem_stats_refresh()  # the statistics refresh repairs the table
    _stored_equals_plain()


def test_a_node_without_figures_that_year_shows_nothing(world):
    down = world.chain.nodes.get(segment="downstream")
    ChainMembership.objects.filter(node=down).delete()
    make_enterprise("杭州无产值测材料公司", node=down, figures=False)
    services.chain_outputs_refresh()
    assert not ChainNodeOutput.objects.filter(node=down).exists()
    node = next(n for n in selectors.chain_graph(world.chain, world.user("city"))["nodes"] if n["id"] == down.pk)
    assert node["enterprises"] == 1 and node["output"] == 0.0


def test_reading_the_table_takes_the_same_queries_for_few_or_many_members(client, world):
    services.chain_outputs_refresh()
    services.chain_leaders_refresh()
    client.force_login(world.user("city"))
    url = world.chain.get_absolute_url()
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    mid = world.chain.nodes.get(segment="midstream")
    for k in range(12):
        make_enterprise(f"杭州多成员{k}测材料公司", node=mid)
    services.chain_outputs_refresh()
    services.chain_leaders_refresh()
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)
    assert not _summed_live(few.captured_queries) and not _summed_live(many.captured_queries)


def test_the_migration_fill_writes_what_the_refresh_writes(world):
    _crowd(world)
    services.chain_outputs_refresh()
    refreshed = list(ChainNodeOutput.objects.order_by("node_id", "year").values_list("node_id", "year", "members",
                                                                                     "output"))
    assert refreshed
    fill = importlib.import_module("industry_brain.chains.migrations.0006_node_outputs").FILL
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {OUTPUT_TABLE}")
        cursor.execute(fill)
    rows = list(ChainNodeOutput.objects.order_by("node_id", "year"))
    assert [(r.node_id, r.year, r.members, r.output) for r in rows] == refreshed
    assert rows[0].created is not None


def test_the_demo_seeder_fills_the_table(db):
    from industry_brain.accounts.models import User
    from industry_brain.chains.models import Chain
    from industry_brain.core.context import acting_as
    from industry_brain.demo.foundation import seed_foundation

    with acting_as(None, label="command:seed_demo"):
        seed_foundation(scale="tiny", seed=2022)
    assert ChainNodeOutput.objects.exists()
    _stored_equals_plain()
    for username in ("city_admin", "xihu_officer", "chain_iot", "cadre_demo"):
        user = User.objects.get(username=username)
        for chain in Chain.objects.all():
            with CaptureQueriesContext(connection) as read:
                graph = selectors.chain_graph(chain, user)
            assert not _summed_live(read.captured_queries)
            assert graph == _live_graph(chain, user)
