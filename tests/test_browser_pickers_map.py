"""In Chromium: the shared picker (typed search, keyboard choice, a handler narrowed to the chosen department, a
department suggested from the demand's category, a list filter by a firm's name) and the one map clustering
25,000 projects. Screenshots at 1440 and 390 px go to docs/screenshots/ with SCREENSHOTS=1."""

import random
from decimal import Decimal

import pytest

from industry_brain.accounts.choices import Role
from industry_brain.demands import services as demand_services
from industry_brain.demands.models import DemandCategory
from industry_brain.testing import login_page, make_user, shoot, until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]



def choose(page, box: str, text: str, expected_label: str) -> None:
    """Type into a picker, move to the matching option with ↓ and choose it with Enter.

    Focusing the box first lists everything; the list is read only once it answers the typed text (the list's
    data-query), so the keys never land on a list that is about to be replaced."""
    page.fill(f"{box} .ac-input", text)
    answered = f"{box} .ac-list[data-query='{text}']"
    option = page.wait_for_selector(f"{answered} [role=option]:has-text('{expected_label}')")
    options = page.query_selector_all(f"{answered} [role=option]")
    for _ in range(options.index(option) + 1 if option in options else 1):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")


def test_pickers_search_narrow_and_suggest(browser_page, world):
    city, ent = world.user("city"), world.user("enterprise")
    colleague = make_user("t_dept_b", Role.DEPARTMENT, organisation=world.department)
    road = DemandCategory.objects.get(code="logistics.road")
    for i in range(2):  # history: the transport department coordinated this category's demands
        d = demand_services.demand_create(actor=ent, enterprise=world.ent_xihu, category=road, urgency="normal",
                                          title=f"道路通行{i}", description="园区道路临时管控")
        demand_services.demand_transition(actor=city, demand=d, action="accept", data={"department": world.department})
    demand = demand_services.demand_create(actor=ent, enterprise=world.ent_xihu, category=road, urgency="urgent",
                                           title="原材料运输车辆通行受阻", description="请求协调通行证")
    demand_services.demand_create(actor=world.user("enterprise_other"), enterprise=world.ent_xiaoshan,
                                  category=DemandCategory.objects.get(code="labour.recruitment"), urgency="normal",
                                  title="萧山企业用工诉求", description="一线工人短缺")
    page = browser_page
    page.set_viewport_size({"width": 1440, "height": 900})
    login_page(page, city.username)
    page.goto(f"{page.base_url}/demands/{demand.pk}/")
    form = "form[data-action=accept]"
    # The department suggested from the category, as a one-click choice.
    chip = page.wait_for_selector(f"{form} .ac-pick")
    assert chip.inner_text() == world.department.name
    # The handler picker waits for a department.
    page.click(f"{form} #id_accept-handler")
    hint = page.wait_for_selector(f"{form} .ac:has(#id_accept-handler) .ac-list li.ac-empty")
    assert hint.inner_text() == "请先选择牵头部门"
    choose(page, f"{form} .ac:has(#id_accept-department)", "交通", world.department.name)
    assert page.input_value(f"{form} input[name=accept-department]") == str(world.department.pk)
    # Only the chosen department's staff are offered.
    page.click(f"{form} #id_accept-handler")
    page.wait_for_selector(f"{form} .ac:has(#id_accept-handler) .ac-list [role=option]")
    offered = page.eval_on_selector_all(f"{form} .ac:has(#id_accept-handler) .ac-list [role=option] span",
                                        "els => els.map(e => e.textContent)")
    assert len(offered) == 2 and all(world.department.name in o for o in offered)
    assert not any(world.other_department.name in o for o in offered)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    shoot(page, "picker_accept_1440")
    page.click(f"{form} button[type=submit]")
    page.wait_for_load_state("networkidle")
    demand.refresh_from_db()
    assert demand.department_id == world.department.pk
    assert demand.handler_id in {world.user("department").pk, colleague.pk}

    # A list filter by a firm's name: the address keeps the id, the box shows the name again after a reload.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{page.base_url}/demands/")
    page.click("#filter-box summary")  # folded on a phone
    choose(page, ".filters .ac:has(#id_enterprise)", "西测", world.ent_xihu.name)
    until(page, f"location.search.includes('enterprise={world.ent_xihu.pk}')")
    page.reload()
    page.click("#filter-box summary") if not page.is_visible(".filters #id_enterprise") else None
    until(page, "document.querySelector('.filters #id_enterprise').value !== ''")
    assert page.input_value(".filters #id_enterprise") == world.ent_xihu.name
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 1
    shoot(page, "picker_filter_390")
    results = page.inner_text("#results")
    assert "原材料运输车辆通行受阻" in results and "萧山企业用工诉求" not in results
    assert page.console_errors == []


def test_one_map_clusters_25000_projects(browser_page, world):
    from industry_brain.core.geo import random_point_in_district
    from industry_brain.projects.models import Project
    from industry_brain.projects.services import default_responsible_org

    rng = random.Random(9)
    districts = ["330102", "330105", "330106", "330108", "330109", "330110", "330111", "330112", "330113",
                 "330114", "330122", "330127", "330182"]
    anchors = {d: [random_point_in_district(d, rng) for _ in range(40)] for d in districts}
    orgs = {d: default_responsible_org(d) for d in districts}
    rows = []
    for i in range(25_000):
        d = districts[i % len(districts)]
        lon, lat = rng.choice(anchors[d])
        rows.append(Project(code=f"M-{i:05d}", name=f"聚合测试项目{i}", district_id=d, investor_name="外地投资方",
                            total_investment=Decimal(1000 + i % 500), fixed_investment=Decimal(800),
                            stage="construction", lat=round(lat + rng.uniform(-0.004, 0.004), 6),
                            lon=round(lon + rng.uniform(-0.004, 0.004), 6), responsible_org=orgs[d],
                            warning_level="red" if i % 100 == 0 else "green"))
    Project.objects.bulk_create(rows, batch_size=2000)
    page = browser_page
    page.set_viewport_size({"width": 1440, "height": 900})
    login_page(page, world.user("city").username)
    page.goto(f"{page.base_url}/projects/map/")
    page.wait_for_selector("#project-map[data-point-count='25000']", state="attached", timeout=90_000)
    page.wait_for_selector("#project-map[data-cluster-count]", state="attached", timeout=30_000)
    clusters = int(page.get_attribute("#project-map", "data-cluster-count"))
    symbols = int(page.get_attribute("#project-map", "data-symbol-count"))
    assert 0 < clusters and symbols < 2_000  # 25,000 projects drawn as a few hundred bubbles at city zoom
    timing = page.evaluate("({...document.getElementById('project-map').dataset})")
    print(f"25,000 projects: index {timing['indexMs']} ms, one zoom's clusters {timing['clusterMs']} ms, "
          f"{symbols} symbols ({clusters} bubbles)")
    # Every project is in a bubble or drawn alone, none lost.
    counted = page.evaluate("""() => {
        const o = window.IB.charts['project-map'].getOption();
        const c = o.series.find(s => s.id === 'clusters');
        return c.data.reduce((n, d) => n + d.value[2], 0) + (Number(
            document.getElementById('project-map').dataset.symbolCount) - c.data.length);
    }""")
    assert counted == 25_000
    # A bubble holding a red project is red.
    red = page.evaluate("""() => window.IB.charts['project-map'].getOption().series.find(s => s.id === 'clusters')
        .data.filter(d => d.value[4] > 0).map(d => d.itemStyle.color)""")
    assert red and set(red) == {"#d64545"}
    shoot(page, "project_map_clusters_1440")
    # A click on the largest bubble zooms in: more, smaller groups or lone projects.
    x, y = page.evaluate("""() => {
        const chart = window.IB.charts['project-map'];
        const c = chart.getOption().series.find(s => s.id === 'clusters');
        let best = 0; c.data.forEach((d, i) => { if (d.value[2] > c.data[best].value[2]) best = i; });
        return chart.convertToPixel({geoIndex: 0}, c.data[best].value.slice(0, 2));
    }""")
    box = page.query_selector("#project-map").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    until(page, f"Number(document.getElementById('project-map').dataset.symbolCount) !== {symbols}")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{page.base_url}/projects/map/?district=330106")
    page.wait_for_selector("#project-map[data-cluster-count]", state="attached", timeout=90_000)
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 1
    shoot(page, "project_map_clusters_390")
    assert page.console_errors == []


def test_charts_follow_the_rules_in_the_browser(browser_page, world):
    """The firm's figures: revenue of 1亿 on a 亿元 axis, R&D and profit (a tenth of it) on a 万元 axis on the right;
    the project dashboard: counts in 个 and the ecosystem ring labelled with shares."""
    from industry_brain.projects.tests.helpers import make_project

    for i in range(6):
        make_project(district="330106", ecosystem=world.ecosystem if i % 3 else world.other_ecosystem)
    page = browser_page
    login_page(page, world.user("city").username)
    for width, height in ((1440, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{page.base_url}/enterprises/{world.ent_xihu.pk}/")
        page.wait_for_selector("#figures-chart[data-drawn]", state="attached")
        axes = page.evaluate("window.IB.charts['figures-chart'].getOption().yAxis.map(a => [a.name, a.position])")
        assert axes[0][0] == "亿元" and axes[1] == ["万元", "right"]
        revenue = page.evaluate("window.IB.charts['figures-chart'].getOption().series[0].data")
        assert revenue == [0.9, 1]
        page.query_selector("#figures-chart").scroll_into_view_if_needed()
        page.wait_for_timeout(1500)  # the bars' and lines' entry animation
        shoot(page, f"chart_enterprise_figures_{width}")
        page.goto(f"{page.base_url}/projects/dashboard/")
        page.wait_for_selector("#eco-chart[data-drawn]", state="attached")
        ring = page.evaluate("window.IB.charts['eco-chart'].getOption().series[0].label.formatter")
        assert "{d}%" in ring
        assert page.evaluate("window.IB.charts['stage-chart'].getOption().yAxis[0].name") == "个"
        page.query_selector("#eco-chart").scroll_into_view_if_needed()
        page.wait_for_timeout(1500)
        shoot(page, f"chart_project_dashboard_{width}")
        assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 1
    # A chain-map node opens the list of its firms.
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{page.base_url}/chains/{world.chain.pk}/")
    page.wait_for_selector("#chain-graph[data-node-count]", state="attached")
    x, y, node = page.evaluate("""() => {
        const chart = window.IB.charts['chain-graph'];
        const n = chart.getOption().series[0].data[0];
        return chart.convertToPixel({seriesIndex: 0}, [n.x, n.y]).concat([n.id]);
    }""")
    box = page.query_selector("#chain-graph").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_url(f"**/enterprises/?node={node}")
    assert page.console_errors == []
