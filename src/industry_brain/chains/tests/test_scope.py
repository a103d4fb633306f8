"""Every role against the chain resources (ecosystems, chains, chain masters, memberships)."""

import pytest

from industry_brain.testing import ALL_ROLES

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ALL_ROLES)
def test_ecosystems_and_chains_are_public_inside_the_platform(api, world, role):
    client = api.as_user(world.user(role))
    assert client.get("/api/v1/ecosystems/").status_code == 200
    assert client.get(f"/api/v1/chains/{world.chain.pk}/").status_code == 200
    assert client.get(f"/api/v1/chains/{world.other_chain.pk}/").status_code == 200
    assert client.get("/api/v1/chain-masters/").status_code == 200


@pytest.mark.parametrize("role", ALL_ROLES)
def test_chains_cannot_be_created_or_deleted_through_the_api(api, world, role):
    client = api.as_user(world.user(role))
    assert client.post("/api/v1/chains/", {"name": "x"}, format="json").status_code == 405
    assert client.delete(f"/api/v1/chains/{world.chain.pk}/").status_code == 405


MEMBERSHIPS_SEEN = {"city": 2, "district": 2, "district_other": 2, "chain_team": 1, "department": 0,
                    "department_other": 0, "cadre": 1, "enterprise": 1, "enterprise_other": 1}


@pytest.mark.parametrize("role", ALL_ROLES)
def test_memberships_follow_the_enterprise_scope(api, world, role):
    data = api.as_user(world.user(role)).get("/api/v1/chain-memberships/").json()
    assert data["count"] == MEMBERSHIPS_SEEN[role]


DELETE_MEMBERSHIP = {"city": 204, "district": 403, "district_other": 403, "chain_team": 204, "department": 404,
                     "department_other": 404, "cadre": 403, "enterprise": 403, "enterprise_other": 404}


@pytest.mark.parametrize("role", ALL_ROLES)
def test_only_city_and_the_team_remove_memberships(api, world, role):
    from industry_brain.chains.models import ChainMembership

    membership = ChainMembership.objects.get(enterprise=world.ent_xihu)
    response = api.as_user(world.user(role)).delete(f"/api/v1/chain-memberships/{membership.pk}/")
    assert response.status_code == DELETE_MEMBERSHIP[role]
    assert ChainMembership.objects.filter(pk=membership.pk).exists() == (DELETE_MEMBERSHIP[role] != 204)


def _node(graph, node):
    return next(n for n in graph["nodes"] if n["id"] == node.pk)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_chain_page_members_follow_the_enterprise_view_scope(world, role):
    from industry_brain.chains import selectors
    from industry_brain.enterprises.models import Enterprise

    user = world.user(role)
    nodes = list(world.chain.nodes.all()) + list(world.other_chain.nodes.all())
    listed = {e.pk for members in selectors.nodes_enterprises(nodes, user).values() for e in members}
    visible = set(Enterprise.objects.restrict(user, "view").values_list("pk", flat=True))
    assert listed == visible & {world.ent_xihu.pk, world.ent_xiaoshan.pk}


# Whose single-member node output a role may read: only the firms whose figures it may see.
OUTPUT_SHOWN = {"city": {"xihu", "xiaoshan"}, "district": {"xihu"}, "district_other": {"xiaoshan"},
                "chain_team": {"xihu"}, "department": set(), "department_other": set(), "cadre": {"xihu"},
                "enterprise": {"xihu"}, "enterprise_other": {"xiaoshan"}}


@pytest.mark.parametrize("role", ALL_ROLES)
def test_a_node_of_fewer_than_three_firms_shows_its_output_only_to_who_sees_their_figures(world, role):
    from industry_brain.chains import selectors

    user = world.user(role)
    mid = _node(selectors.chain_graph(world.chain, user), world.chain.nodes.get(segment="midstream"))
    other = _node(selectors.chain_graph(world.other_chain, user), world.other_chain.nodes.get(segment="midstream"))
    assert mid["enterprises"] == 1 and other["enterprises"] == 1  # counts of firms are published
    assert (mid["output"] == 10000.0) == ("xihu" in OUTPUT_SHOWN[role])
    assert (other["output"] == 10000.0) == ("xiaoshan" in OUTPUT_SHOWN[role])
    assert mid["suppressed"] == (mid["output"] is None)


def test_a_node_of_three_firms_publishes_its_output(world):
    from industry_brain.chains import selectors
    from industry_brain.testing import make_enterprise

    mid = world.other_chain.nodes.get(segment="midstream")
    make_enterprise("杭州萧测二号医药有限公司", "330109", "27", node=mid)
    department = world.user("department")
    assert _node(selectors.chain_graph(world.other_chain, department), mid)["output"] is None
    make_enterprise("杭州萧测三号医药有限公司", "330109", "27", node=mid)
    node = _node(selectors.chain_graph(world.other_chain, department), mid)
    assert node["output"] == 30000.0 and not node["suppressed"]
    assert selectors.nodes_enterprises([mid], department)[mid.pk] == []  # still no names


@pytest.mark.parametrize("role", ["department", "enterprise_other"])
def test_chain_page_shows_neither_names_nor_figures_outside_scope(client, world, role):
    client.force_login(world.user(role))
    text = client.get(f"/chains/{world.chain.pk}/").content.decode()
    assert world.ent_xihu.name not in text
    assert '"output": null' in text and '"output": 10000.0' not in text
