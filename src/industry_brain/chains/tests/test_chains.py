"""Ecosystems and chains: API contract, scope of changes, pages and the live chain map data."""

import json

import pytest

from industry_brain.chains import selectors
from industry_brain.chains.models import ChainMaster, ChainMembership

pytestmark = pytest.mark.django_db


def test_ecosystems_list_with_chains(api, world):
    data = api.as_user(world.user("enterprise")).get("/api/v1/ecosystems/").json()
    names = {e["name"] for e in data}
    assert {"智能物联", "生物医药"} <= names
    iot = next(e for e in data if e["name"] == "智能物联")
    assert [c["id"] for c in iot["chains"]] == [world.chain.pk]


def test_chain_contract_fields(api, world):
    import datetime as dt

    ChainMaster.objects.create(chain=world.chain, enterprise=world.ent_xihu, status="designated",
                               nominated_on=dt.date(2022, 6, 1), designated_on=dt.date(2022, 9, 1), reason="龙头")
    chain = api.as_user(world.user("city")).get(f"/api/v1/chains/{world.chain.pk}/").json()
    assert chain["name"] == "集成电路" and chain["ecosystem"] == world.ecosystem.pk
    assert [n["segment"] for n in chain["nodes"]] == ["upstream", "midstream", "downstream"]
    assert chain["chain_masters"] == [world.ent_xihu.pk]
    assert len(chain["links"]) == 2
    assert "leader" in chain


def test_chain_api_is_read_only(api, world):
    response = api.as_user(world.user("chain_team")).patch(f"/api/v1/chains/{world.chain.pk}/", {"name": "x"},
                                                           format="json")
    assert response.status_code == 405


def test_chain_team_may_change_only_its_own_ecosystem(world):
    from industry_brain.chains.models import Chain

    team = world.user("chain_team")
    assert Chain.objects.permits(team, world.chain, "change")
    assert not Chain.objects.permits(team, world.other_chain, "change")
    assert not Chain.objects.permits(world.user("district"), world.chain, "change")


def test_chain_graph_is_computed_from_the_registry(world):
    from industry_brain.testing import make_enterprise

    mid = world.chain.nodes.get(segment="midstream")
    graph = selectors.chain_graph(world.chain, world.user("city"))
    node = next(n for n in graph["nodes"] if n["id"] == mid.pk)
    assert node["enterprises"] == 1 and node["output"] == 10000.0
    make_enterprise("杭州新加入电子有限公司", node=mid)
    node = next(n for n in selectors.chain_graph(world.chain, world.user("city"))["nodes"] if n["id"] == mid.pk)
    assert node["enterprises"] == 2 and node["output"] == 20000.0
    up, down = world.chain.nodes.get(segment="upstream"), world.chain.nodes.get(segment="downstream")
    assert {(link["source"], link["target"]) for link in graph["links"]} == {(up.pk, mid.pk), (mid.pk, down.pk)}


def test_ecosystem_overview_counts(world):
    rows = {r["ecosystem"].code: r for r in selectors.ecosystem_overview(world.user("city"))}
    assert rows["iot"]["enterprises"] == 1 and rows["iot"]["chains"] == 1 and rows["iot"]["nodes"] == 3
    ChainMembership.objects.create(enterprise=world.ent_xiaoshan, node=world.chain.nodes.get(segment="upstream"))
    rows = {r["ecosystem"].code: r for r in selectors.ecosystem_overview(world.user("city"))}
    assert rows["iot"]["enterprises"] == 2


def test_chain_page_embeds_the_graph(client, world):
    client.force_login(world.user("district"))
    response = client.get(f"/chains/{world.chain.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    start = body.index('id="chain-data">') + len('id="chain-data">')
    data = json.loads(body[start:body.index("</script>", start)])
    assert [n["segment"] for n in data["nodes"]] == ["upstream", "midstream", "downstream"]
    assert "杭州西测电子有限公司" in body


def test_ecosystem_pages(client, world):
    client.force_login(world.user("enterprise"))
    assert "智能物联" in client.get("/chains/").content.decode()
    assert client.get(f"/chains/ecosystems/{world.ecosystem.pk}/").status_code == 200
    assert client.get("/chains/999999/").status_code == 404
