"""In Chromium: the enterprise goes from its tier card to 我的梯度指标, reports a figure through the form; the
district bureau verifies one figure and returns another with a reason; the enterprise sees both states. No console
errors on the way. SCREENSHOT_DIR set: the enterprise's page is saved at 1366 px."""

import os

import pytest

from industry_brain.cultivation import services
from industry_brain.cultivation.models import EnterpriseTierFigures
from industry_brain.testing import login_page

from .helpers import put_on_bound

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_enterprise_reports_and_district_verifies_in_the_browser(browser_page, world):
    services.rulesets_ensure_defaults()
    firm = world.ent_xihu
    put_on_bound(firm)
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 900})
    login_page(page, world.user("enterprise").username)
    page.goto(f"{page.base_url}/cultivation/card/")
    page.click("#my-figures")
    page.click("text=填报指标")
    page.fill("input[name=year]", "2025")
    page.fill("input[name=ip_class1]", "5")
    page.click("#cultivation-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "待核实" in page.locator("#fig-2025-ip_class1").inner_text()
    page.context.clear_cookies()
    login_page(page, world.user("district").username)
    page.goto(f"{page.base_url}/cultivation/figures/pending/")
    row = EnterpriseTierFigures.objects.get(enterprise=firm, year=2025)
    page.locator(f"#pending-{row.pk} a").click()
    page.wait_for_load_state("networkidle")
    page.locator("#fig-niche_years button[value=verify]").click()
    page.wait_for_load_state("networkidle")
    page.locator("#fig-ip_class1 input[name=reason]").fill("请补充专利证书")
    page.locator("#fig-ip_class1 button[value=return]").click()
    page.wait_for_load_state("networkidle")
    page.context.clear_cookies()
    login_page(page, world.user("enterprise").username)
    page.goto(f"{page.base_url}/cultivation/figures/")
    assert "已核实" in page.locator("#fig-2025-niche_years").inner_text()
    returned = page.locator("#fig-2025-ip_class1").inner_text()
    assert "已退回" in returned and "请补充专利证书" in returned
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    if os.environ.get("SCREENSHOT_DIR"):
        page.screenshot(path=os.path.join(os.environ["SCREENSHOT_DIR"], "cultivation-figures-1366.png"),
                        full_page=True)
    assert not page.console_errors, page.console_errors
