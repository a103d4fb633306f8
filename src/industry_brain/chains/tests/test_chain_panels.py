"""The chain page shows itself without waiting for other modules' panels and loads them from its fragment, which
answers like the page: the chain's panels for every signed-in role, 404 for an unknown chain."""

import pytest

from industry_brain.core import registry
from industry_brain.testing import ALL_ROLES

pytestmark = pytest.mark.django_db


@pytest.fixture
def slow_panel():
    calls = []

    def panel(request, chain):
        calls.append(request.user.username)
        return {"title": "测试面板", "template": "chains/_test_panel.html", "data": chain.name}

    registry.detail_panels["chains.chain"].append(panel)
    yield calls
    registry.detail_panels["chains.chain"].remove(panel)


@pytest.fixture
def panel_template(settings, tmp_path):
    (tmp_path / "chains").mkdir()
    (tmp_path / "chains" / "_test_panel.html").write_text('<p id="test-panel">{{ data }}</p>')
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]


@pytest.mark.parametrize("role", ALL_ROLES)
def test_page_defers_the_panels_and_the_fragment_renders_them(client, world, slow_panel, panel_template, role):
    client.force_login(world.user(role))
    page = client.get(f"/chains/{world.chain.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'hx-get="/chains/{world.chain.pk}/panels/"' in html and 'id="test-panel"' not in html
    assert slow_panel == []  # the page did not compute them
    fragment = client.get(f"/chains/{world.chain.pk}/panels/")
    assert fragment.status_code == 200
    assert f'<p id="test-panel">{world.chain.name}</p>' in fragment.content.decode()
    assert slow_panel == [world.user(role).username]


def test_fragment_of_an_unknown_chain_is_404_and_anonymous_is_sent_to_login(client, world):
    assert client.get(f"/chains/{world.chain.pk}/panels/").status_code == 302
    client.force_login(world.user("city"))
    assert client.get("/chains/999999/panels/").status_code == 404


@pytest.mark.parametrize("proposed", [2, 7])
@pytest.mark.parametrize("role", ALL_ROLES)
def test_proposals_panel_lists_the_oldest_five_and_counts_every_visible_one(rf, world, role, proposed):
    from industry_brain.chains.models import ChainMembership
    from industry_brain.chains.panels import membership_proposals_panel
    from industry_brain.testing import make_enterprise

    nodes = list(world.chain.nodes.all()) + list(world.other_chain.nodes.all())
    for i in range(proposed):
        firm = make_enterprise(f"杭州提议{i}测电子有限公司", "330106" if i % 2 else "330109", figures=False)
        ChainMembership.objects.create(enterprise=firm, node=nodes[i % len(nodes)], status="proposed",
                                       proposed_by=world.user("chain_team"))
    request = rf.get("/")
    request.user = world.user(role)
    panel = membership_proposals_panel(request)
    plain = ChainMembership.objects.restrict(request.user, "view").filter(status="proposed").order_by("created", "pk")
    if not plain.exists():
        assert panel is None
        return
    assert panel["stats"][0]["value"] == plain.count()
    assert [item["text"] for item in panel["items"]] == [m.enterprise.name for m in plain[:5]]
    assert panel["stats"][0]["url"] == plain[0].node.chain.get_absolute_url()
