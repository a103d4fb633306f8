"""Each node's stored leaders (ChainNodeLeader): every role's node cards equal the live ranking, after membership
and registry changes made through the services; the page falls back to the live ranking where the table cannot
answer; the migration's fill, the statistics refresh and the demo seeder write the same rows."""

import importlib

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from industry_brain.chains import selectors, services
from industry_brain.chains.models import LEADERS_PER_NODE, ChainMembership, ChainNode, ChainNodeLeader
from industry_brain.core.permissions import scope_filter
from industry_brain.enterprises import services as enterprise_services
from industry_brain.enterprises.models import enterprise_scope
from industry_brain.testing import ALL_ROLES, make_enterprise

pytestmark = pytest.mark.django_db

LEADER_TABLE = ChainNodeLeader._meta.db_table


def _crowd(world):
    """Nodes of more than eight members in both chains: above-scale and not, names out of id order, two firms of
    one name (the id breaks the tie), firms in two nodes, a proposal and a rejected one (neither counts)."""
    mid = world.chain.nodes.get(segment="midstream")
    up = world.chain.nodes.get(segment="upstream")
    other_mid = world.other_chain.nodes.get(segment="midstream")
    firms = []
    for i in range(14):
        name = "杭州同名测电子有限公司" if i in (3, 9) else f"杭州{'甲乙丙丁戊己庚辛壬癸子丑寅卯'[13 - i]}测电子公司"
        firms.append(make_enterprise(name, "330106" if i % 2 else "330109", above=i % 3 == 0, node=mid,
                                     figures=False))
    for e in firms[:10]:
        ChainMembership.objects.create(enterprise=e, node=up)
    for e in firms[4:]:
        ChainMembership.objects.create(enterprise=e, node=other_mid)
    ChainMembership.objects.create(enterprise=firms[0], node=world.chain.nodes.get(segment="downstream"),
                                   status="proposed")
    ChainMembership.objects.create(enterprise=firms[1], node=world.chain.nodes.get(segment="downstream"),
                                   status="rejected")
    return firms


def _nodes():
    return list(ChainNode.objects.order_by("pk"))


def _ids(result: dict) -> dict[int, list[int]]:
    return {node: [e.pk for e in members] for node, members in result.items()}


def _live(user, nodes) -> dict[int, list[int]]:
    """Today's live query: the window over every member the user may see."""
    visible = scope_filter(user, enterprise_scope, "view", prefix="enterprise__")
    if visible is None:
        return {n.pk: [] for n in nodes}
    return _ids(selectors.ranked_members([n.pk for n in nodes], visible, LEADERS_PER_NODE))


def _stored_equals_live():
    nodes = _nodes()
    stored = _ids(selectors.stored_leaders([n.pk for n in nodes]))
    assert stored == _ids(selectors.ranked_members([n.pk for n in nodes], Q(), LEADERS_PER_NODE))
    return stored


@pytest.mark.parametrize("role", ALL_ROLES)
def test_every_roles_node_cards_equal_the_live_ranking(world, role):
    _crowd(world)
    services.chain_leaders_refresh()
    user, nodes = world.user(role), _nodes()
    assert _ids(selectors.nodes_enterprises(nodes, user)) == _live(user, nodes)


def test_the_city_and_a_district_officer_read_the_table_not_the_window(world):
    _crowd(world)
    services.chain_leaders_refresh()
    for role in ("city", "district"):
        with CaptureQueriesContext(connection) as ctx:
            selectors.nodes_enterprises(_nodes(), world.user(role))
        sql = " ".join(q["sql"] for q in ctx.captured_queries)
        assert LEADER_TABLE in sql and "ROW_NUMBER" not in sql.upper()


def _reads(user, nodes) -> tuple[bool, bool]:
    """(the stored table read, the live window run) when listing these nodes' cards for `user`."""
    with CaptureQueriesContext(connection) as ctx:
        selectors.nodes_enterprises(nodes, user)
    sql = " ".join(q["sql"] for q in ctx.captured_queries)
    return LEADER_TABLE in sql, "ROW_NUMBER" in sql.upper()


def test_a_work_team_reads_the_table_on_its_own_ecosystems_chains(world):
    """The team sees every confirmed member of its ecosystem's chains; on another ecosystem's chain only the
    firms it shares with its own, so that chain's crowded node is ranked live."""
    _crowd(world)
    services.chain_leaders_refresh()
    team = world.user("chain_team")
    own = list(world.chain.nodes.all())
    assert _reads(team, own) == (True, False)
    assert _reads(team, [world.other_chain.nodes.get(segment="midstream")]) == (False, True)


def test_narrower_scopes_rank_live_where_they_see_some_members(world):
    _crowd(world)
    services.chain_leaders_refresh()
    mid = world.chain.nodes.get(segment="midstream")
    for role in ("cadre", "enterprise", "department"):
        assert not _reads(world.user(role), [mid])[0], role
        assert _ids(selectors.nodes_enterprises([mid], world.user(role))) == _live(world.user(role), [mid])


def test_a_node_the_reader_sees_whole_reads_the_table_whatever_the_role(world):
    """An enterprise's own account sees the node it alone makes up: its card is the stored one."""
    _crowd(world)
    node = ChainNode.objects.create(chain=world.chain, name="独家环节", segment="downstream", order=20)
    ChainMembership.objects.create(enterprise=world.ent_xihu, node=node)
    services.chain_leaders_refresh()
    user = world.user("enterprise")
    assert user.enterprise_id == world.ent_xihu.pk
    assert _reads(user, [node]) == (True, False)
    assert _ids(selectors.nodes_enterprises([node], user)) == {node.pk: [world.ent_xihu.pk]} == _live(user, [node])


def test_stored_leaders_are_the_eight_largest_with_the_page_sort_keys(world):
    firms = _crowd(world)
    services.chain_leaders_refresh()
    mid = world.chain.nodes.get(segment="midstream")
    stored = _stored_equals_live()[mid.pk]
    members = sorted(firms + [world.ent_xihu], key=lambda e: (not e.is_above_scale, e.name, e.pk))
    assert stored == [e.pk for e in members[:LEADERS_PER_NODE]]
    assert not ChainNodeLeader.objects.filter(node__segment="downstream", node__chain=world.chain).exists()


def test_membership_services_keep_the_node_current(world):
    from industry_brain.chains import memberships

    firms = _crowd(world)
    services.chain_leaders_refresh()
    city, team = world.user("city"), world.user("chain_team")
    mid = world.chain.nodes.get(segment="midstream")
    top = make_enterprise("杭州阿测电子有限公司", figures=False)  # the seventh above-scale member: among the eight
    memberships.membership_add(actor=city, node=mid, enterprise=top)
    assert top.pk in _stored_equals_live()[mid.pk]
    down = world.chain.nodes.get(segment="downstream")
    proposal = memberships.membership_add(actor=team, node=down, enterprise=firms[5])
    assert _stored_equals_live()[down.pk] == []  # a proposal counts for nothing yet
    memberships.membership_confirm(actor=city, membership=proposal)
    assert _stored_equals_live()[down.pk] == [firms[5].pk]
    leader = ChainMembership.objects.get(node=mid, enterprise=top)
    memberships.membership_remove(actor=city, membership=leader)
    assert top.pk not in _stored_equals_live()[mid.pk]
    assert len(_stored_equals_live()[mid.pk]) == LEADERS_PER_NODE


def test_registry_changes_that_move_the_sort_keys_re_rank_the_nodes(world):
    firms = _crowd(world)
    services.chain_leaders_refresh()
    city = world.user("city")
    small = next(e for e in firms if not e.is_above_scale)
    enterprise_services.enterprise_update(actor=city, enterprise=small, data={"is_above_scale": True})
    _stored_equals_live()
    enterprise_services.enterprise_update(actor=city, enterprise=firms[0], data={"name": "杭州龢测电子有限公司"})
    _stored_equals_live()
    later = next(e for e in firms if not e.is_above_scale)
    later.figures.create(year=2025, revenue=9000, main_revenue=8500, verified=True)
    enterprise_services.enterprise_refresh_scale(enterprise=later)  # verified figures past the threshold
    later.refresh_from_db()
    assert later.is_above_scale
    stored = _stored_equals_live()
    assert later.pk in stored[world.chain.nodes.get(segment="midstream").pk]
    doomed = ChainNodeLeader.objects.filter(node__chain=world.chain, rank=1).first().enterprise
    enterprise_services.enterprise_delete(actor=city, enterprise=doomed)
    assert all(len(v) == min(LEADERS_PER_NODE, ChainMembership.objects.counted().filter(node_id=k).count())
               for k, v in _stored_equals_live().items())


def test_memberships_written_around_the_services_are_ranked_live(world):
    _crowd(world)
    services.chain_leaders_refresh()
    down = world.chain.nodes.get(segment="downstream")
    make_enterprise("杭州绕行测电子有限公司", node=down)  # ORM write: the table has not heard of it
    city, nodes = world.user("city"), _nodes()
    assert _ids(selectors.nodes_enterprises(nodes, city)) == _live(city, nodes)
    assert selectors.stored_leaders([down.pk])[down.pk] == []
    services.ecosystem_stats_refresh()  # the statistics refresh repairs the table
    assert len(selectors.stored_leaders([down.pk])[down.pk]) == 1


def test_a_longer_list_than_the_table_keeps_is_ranked_live(world):
    _crowd(world)
    services.chain_leaders_refresh()
    city, nodes = world.user("city"), _nodes()
    longer = _ids(selectors.nodes_enterprises(nodes, city, limit=12))
    visible = scope_filter(city, enterprise_scope, "view", prefix="enterprise__")
    assert longer == _ids(selectors.ranked_members([n.pk for n in nodes], visible, 12))
    assert max(len(v) for v in longer.values()) == 12


def test_reading_the_table_takes_the_same_queries_for_one_node_or_many(world):
    services.chain_leaders_refresh()
    city, mid = world.user("city"), world.chain.nodes.get(segment="midstream")
    with CaptureQueriesContext(connection) as one:
        selectors.nodes_enterprises([mid], city)
    _crowd(world)
    for i in range(3):
        node = ChainNode.objects.create(chain=world.chain, name=f"新增环节{i}", segment="downstream", order=10 + i)
        for k in range(10):
            make_enterprise(f"杭州新增{i}{k}测电子有限公司", node=node, figures=False)
    services.chain_leaders_refresh()
    nodes = _nodes()
    with CaptureQueriesContext(connection) as many:
        result = selectors.nodes_enterprises(nodes, city)
    assert len(many.captured_queries) == len(one.captured_queries) == 2
    assert sum(len(v) for v in result.values()) > LEADERS_PER_NODE * 3


def test_the_migration_fill_writes_what_the_refresh_writes(world):
    _crowd(world)
    services.chain_leaders_refresh()
    refreshed = list(ChainNodeLeader.objects.order_by("node_id", "rank").values_list("node", "rank", "enterprise"))
    fill = importlib.import_module("industry_brain.chains.migrations.0005_node_leaders").FILL
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {LEADER_TABLE}")
        cursor.execute(fill)
    leaders = list(ChainNodeLeader.objects.order_by("node_id", "rank"))
    assert [(r.node_id, r.rank, r.enterprise_id) for r in leaders] == refreshed
    assert leaders[0].created is not None


def test_the_demo_seeder_fills_the_table(db):
    from industry_brain.accounts.models import User
    from industry_brain.core.context import acting_as
    from industry_brain.demo.foundation import seed_foundation

    with acting_as(None, label="command:seed_demo"):
        seed_foundation(scale="tiny", seed=2022)
    assert ChainNodeLeader.objects.exists()
    _stored_equals_live()
    for username in ("city_admin", "xihu_officer", "chain_iot", "cadre_demo"):
        user, nodes = User.objects.get(username=username), _nodes()
        assert _ids(selectors.nodes_enterprises(nodes, user)) == _live(user, nodes)


def _plain_page(chain, user):
    """The chain page's reads as they were: the graph, the nodes and each node's card, each asked on its own."""
    nodes = list(chain.nodes.order_by("segment", "order", "id"))
    visible = scope_filter(user, enterprise_scope, "view", prefix="enterprise__")
    cards = {n.pk: [] for n in nodes} if visible is None else _ids(
        selectors.ranked_members([n.pk for n in nodes], visible, LEADERS_PER_NODE))
    return selectors.chain_graph(chain, user), cards


@pytest.mark.parametrize("role", ALL_ROLES)
def test_the_pages_one_read_equals_the_plain_reads_for_every_role(world, role):
    _crowd(world)
    services.chain_leaders_refresh()
    ChainMembership.objects.create(enterprise=make_enterprise("杭州未刷新测电子有限公司", figures=False),
                                   node=world.chain.nodes.get(segment="downstream"))  # around the services
    user = world.user(role)
    for chain in (world.chain, world.other_chain):
        page = selectors.chain_page(chain, user)
        graph, cards = _plain_page(chain, user)
        assert page["graph"] == graph
        assert _ids(page["members"]) == cards
        assert [n["id"] for n in graph["nodes"]] == [n.pk for n in page["nodes"]]


def test_nodes_the_reader_sees_nothing_of_are_not_ranked(world, monkeypatch):
    """A work team on another ecosystem's chain: nodes where it sees no member list nobody without a ranking query;
    nodes it sees in part are still ranked live."""
    _crowd(world)
    other_up = world.other_chain.nodes.get(segment="upstream")
    make_enterprise("杭州他链独有测医药公司", node=other_up, figures=False)
    services.chain_leaders_refresh()
    team, nodes = world.user("chain_team"), list(world.other_chain.nodes.order_by("pk"))
    ranked = []
    live_window = selectors.ranked_members

    def spy(node_ids, visible, limit=LEADERS_PER_NODE):
        ranked.extend(node_ids)
        return live_window(node_ids, visible, limit)

    monkeypatch.setattr(selectors, "ranked_members", spy)
    cards = _ids(selectors.nodes_enterprises(nodes, team))
    monkeypatch.setattr(selectors, "ranked_members", live_window)
    assert cards == _live(team, nodes)
    assert cards[other_up.pk] == [] and other_up.pk not in ranked
    assert ranked == [world.other_chain.nodes.get(segment="midstream").pk]  # seen in part: ranked live


@pytest.mark.parametrize("role", ALL_ROLES)
def test_the_masters_links_on_the_page_follow_the_readers_scope(client, world, role):
    """The page asks the reader's scope once and reuses it for the masters' links: each link is offered exactly
    when the enterprise's own page would open."""
    import datetime as dt

    from industry_brain.chains.models import ChainMaster
    from industry_brain.enterprises.models import Enterprise

    outsider = make_enterprise("杭州链主外区测电子公司", "330109", node=world.chain.nodes.get(segment="upstream"))
    for e in (world.ent_xihu, outsider):
        ChainMaster.objects.create(chain=world.chain, enterprise=e, status="nominated",
                                   nominated_on=dt.date(2026, 1, 5), reason="测试")
    user = world.user(role)
    client.force_login(user)
    response = client.get(world.chain.get_absolute_url())
    assert response.status_code == 200
    shown = {m.enterprise_id: m.may_open for m in response.context["masters"]}
    assert shown == {e.pk: Enterprise.objects.restrict(user, "view").filter(pk=e.pk).exists()
                     for e in (world.ent_xihu, outsider)}


def test_a_work_team_reads_its_own_chain_without_matching_it_against_its_ecosystem(world):
    _crowd(world)
    services.chain_leaders_refresh()
    team = world.user("chain_team")
    assert world.chain.ecosystem_id == team.ecosystem_id != world.other_chain.ecosystem_id
    with CaptureQueriesContext(connection) as own:
        page = selectors.chain_page(world.chain, team)
    assert not any("FILTER" in q["sql"].upper() or "ROW_NUMBER" in q["sql"].upper() for q in own.captured_queries)
    graph, cards = _plain_page(world.chain, team)
    assert page["graph"] == graph and _ids(page["members"]) == cards
    with CaptureQueriesContext(connection) as other:
        page = selectors.chain_page(world.other_chain, team)
    assert any("FILTER" in q["sql"].upper() for q in other.captured_queries)  # seen in part: matched
    graph, cards = _plain_page(world.other_chain, team)
    assert page["graph"] == graph and _ids(page["members"]) == cards
