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
    page.screenshot(path=str(_shot("supply-scenario-small")), full_page=True)
    # The alternative becomes a matchmaking need with the evidence, in one click.
    row.locator("button[formaction]").click()
    page.wait_for_load_state("networkidle")
    assert "/matchmaking/" in page.url and "晶圆" in page.inner_text("main")
    # The firm's risk card: a wrong share is refused naming the field, a right one saved.
    link = net["links"][0]
    page.goto(f"{page.base_url}/supply/enterprises/{world.ent_xihu.pk}/risk-card/")
    assert page.locator(f"a[href='/supply/links/{link.pk}/']").count() == 1
    page.screenshot(path=str(_shot("supply-risk-card")), full_page=True)
    page.click(f"a[href='/supply/links/{link.pk}/']")
    page.fill("input[name=share]", "1.5")
    page.click("#supply-input-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    errors = page.inner_text("#form-errors")
    assert "占需求份额" in errors
    page.screenshot(path=str(_shot("supply-link-form-error")), full_page=True)
    page.fill("input[name=share]", "0.9")
    page.click("#supply-input-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/risk-card/")
    link.refresh_from_db()
    assert str(link.share) == "0.9000"


def _shot(name: str):
    """docs/screenshots/<name>.png when SCREENSHOTS=1 (as the menu walk does), else a temporary file."""
    import os
    import pathlib

    if os.environ.get("SCREENSHOTS") == "1":
        return pathlib.Path(__file__).resolve().parents[4] / "docs" / "screenshots" / f"{name}.png"
    return pathlib.Path("/tmp") / f"{name}.png"
