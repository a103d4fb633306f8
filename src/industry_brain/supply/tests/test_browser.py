"""In Chromium: a district officer creates and runs a region scenario from the scenario page, sees the map of
affected firms coloured by time to survive, the ranked table with its alternative and the losses; no console
errors on the way."""

import pytest

from industry_brain.supply.models import FirmProfile, Scenario
from industry_brain.testing import login_page, make_enterprise

from .helpers import small_network

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_scenario_page_in_the_browser(browser_page, world):
    page = browser_page
    net = small_network(world)
    alt = make_enterprise("杭州备测半导体有限公司", "330106", figures=False)
    FirmProfile.objects.create(enterprise=alt, product=net["chip"], monthly_capacity=5000, monthly_output=2000)
    login_page(page, world.user("district").username)
    page.goto(f"{page.base_url}/supply/")
    page.fill("input[name=name]", "上海管控 30 天")
    page.select_option("select[name=regions]", ["310000"])
    page.fill("input[name=periods]", "30")
    page.click("#scenario-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    sc = Scenario.objects.get(name="上海管控 30 天")
    assert page.url.endswith(f"/supply/scenarios/{sc.pk}/")
    page.wait_for_selector("#supply-map[data-point-count]")
    assert page.get_attribute("#supply-map", "data-point-count") == "1"  # the district sees its own firm only
    assert page.locator("#supply-map canvas").count() >= 1
    row = page.locator("#risk-table tbody tr").first
    assert world.ent_xihu.name in row.inner_text() and "晶圆" in row.inner_text()
    assert alt.name in row.inner_text()
    assert world.ent_xiaoshan.name not in page.content()
    assert page.locator("#by-district tbody tr").count() == 1
    page.screenshot(path="/tmp/supply-scenario.png", full_page=True)
