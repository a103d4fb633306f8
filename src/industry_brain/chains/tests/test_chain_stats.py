"""Pre-aggregated ecosystem member counts (refresh service, command, task, overview) and the live chain map's
bounded queries."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from industry_brain.chains import selectors, services
from industry_brain.chains.models import ChainMembership, EcosystemStats
from industry_brain.core.models import Event
from industry_brain.testing import make_enterprise

pytestmark = pytest.mark.django_db


def _overview():
    from industry_brain.accounts.models import User

    return {r["ecosystem"].code: r for r in selectors.ecosystem_overview(User.objects.get(username="t_city"))}


def test_refresh_counts_each_enterprise_once_per_ecosystem(world):
    up, mid = world.chain.nodes.get(segment="upstream"), world.chain.nodes.get(segment="midstream")
    ChainMembership.objects.create(enterprise=world.ent_xihu, node=up)  # second node of the same ecosystem
    make_enterprise("杭州小微测电子有限公司", above=False, node=mid)
    rows = {s.ecosystem.code: s for s in services.ecosystem_stats_refresh()}
    assert (rows["iot"].enterprises, rows["iot"].above_scale) == (2, 1)
    assert (rows["biomed"].enterprises, rows["biomed"].above_scale) == (1, 1)
    assert Event.objects.filter(kind="chains.stats_refreshed").count() == 1


def test_refresh_writes_every_ecosystem_even_without_members(world):
    from industry_brain.testing import make_ecosystem

    make_ecosystem("energy", "绿色能源")
    rows = {s.ecosystem.code: s for s in services.ecosystem_stats_refresh()}
    assert (rows["energy"].enterprises, rows["energy"].above_scale) == (0, 0)


def test_overview_reads_the_refreshed_counts_until_the_next_refresh(world):
    services.ecosystem_stats_refresh()
    row = _overview()["iot"]
    assert row["enterprises"] == 1 and row["computed_at"] is not None
    ChainMembership.objects.create(enterprise=world.ent_xiaoshan, node=world.chain.nodes.get(segment="upstream"))
    assert _overview()["iot"]["enterprises"] == 1  # pre-aggregated: as of the last refresh
    services.ecosystem_stats_refresh()
    assert _overview()["iot"]["enterprises"] == 2


def test_overview_counts_live_before_the_first_refresh(world):
    assert not EcosystemStats.objects.exists()
    row = _overview()["iot"]
    assert row["enterprises"] == 1 and row["above_scale"] == 1 and row["computed_at"] is None


def test_refresh_is_repeatable_and_keeps_one_row_per_ecosystem(world):
    services.ecosystem_stats_refresh()
    services.ecosystem_stats_refresh()
    assert EcosystemStats.objects.filter(ecosystem=world.ecosystem).count() == 1


def test_command_and_task_refresh_the_counts(world):
    from industry_brain.chains.tasks import refresh_stats

    call_command("refresh_chain_stats", stdout=io.StringIO())
    assert EcosystemStats.objects.get(ecosystem=world.ecosystem).enterprises == 1
    make_enterprise("杭州任务测电子有限公司", node=world.chain.nodes.get(segment="downstream"))
    assert refresh_stats.delay().get() >= 2
    assert EcosystemStats.objects.get(ecosystem=world.ecosystem).enterprises == 2
    event = Event.objects.filter(kind="chains.stats_refreshed").order_by("-id").first()
    assert event.actor_label == "job:chains.refresh_stats"


def test_chain_graph_output_counts_only_the_latest_year(world):
    mid = world.chain.nodes.get(segment="midstream")
    make_enterprise("杭州无报表电子有限公司", node=mid, figures=False)
    node = next(n for n in selectors.chain_graph(world.chain, world.user("city"))["nodes"] if n["id"] == mid.pk)
    assert node["enterprises"] == 2 and node["output"] == 10000.0  # 2025 revenue of the one with figures


def test_nodes_enterprises_matches_node_enterprises(world):
    mid = world.chain.nodes.get(segment="midstream")
    for i in range(12):
        make_enterprise(f"杭州排序{i:02d}测电子有限公司", above=i % 4 == 0, node=mid, figures=False)
    nodes = list(world.chain.nodes.all())
    city = world.user("city")
    together = selectors.nodes_enterprises(nodes, city, limit=8)
    for node in nodes:
        assert [e.pk for e in together[node.pk]] == [e.pk for e in selectors.node_enterprises(node, city, limit=8)]
    assert len(together[mid.pk]) == 8 and together[mid.pk][0].is_above_scale


def test_chain_page_queries_do_not_grow_with_nodes_or_members(client, world):
    from industry_brain.chains.models import ChainNode

    client.force_login(world.user("city"))
    url = f"/chains/{world.chain.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for i in range(4):
        node = ChainNode.objects.create(chain=world.chain, name=f"新增环节{i}", segment="downstream", order=10 + i)
        for k in range(3):
            make_enterprise(f"杭州环节{i}{k}测电子有限公司", node=node)
    with CaptureQueriesContext(connection) as after:
        response = client.get(url)
    assert response.status_code == 200 and "杭州环节32测电子有限公司" in response.content.decode()
    assert len(after.captured_queries) <= len(before.captured_queries)
