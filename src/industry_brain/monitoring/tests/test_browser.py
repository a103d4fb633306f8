"""The cockpit in Chromium: headline figures, the district map shaded, bars that open the breakdown, the firms behind
a figure; at a large-screen and a tablet width; the district bureau lands on its own district."""

import os

import pytest

from industry_brain.monitoring import services
from industry_brain.testing import login_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_cockpit_in_the_browser(browser_page, crafted):
    services.compute_indicators()
    page = browser_page
    login_page(page, crafted.user("city").username)
    page.goto(f"{page.base_url}/monitoring/?period=2026-01")
    page.wait_for_selector("#district-map[data-shaded]", timeout=20000)
    assert page.get_attribute("#district-map", "data-shaded") == "2"
    assert page.get_attribute("#chart-district", "data-bars") == "2"
    # The drawers' charts follow the chart rules: the unit on the axis and in the tooltip, rates with one decimal,
    # the colour scale of the map naming its unit.
    bars = page.evaluate("""(() => { const o = IB.charts['chart-district'].getOption();
        return {axis: o.yAxis[0].name, data: o.series[0].data.map(d => d.value),
                tip: o.tooltip[0].valueFormatter(-4.12345)}; })()""")
    assert bars["axis"] == "%" and bars["tip"] == "-4.1%"
    assert all(v is None or round(v, 1) == v for v in bars["data"])
    shaded = page.evaluate("""(() => { const o = IB.charts['district-map'].getOption();
        return {ends: o.visualMap[0].formatter(3.14159), values: o.series[0].data.map(d => d.value)}; })()""")
    assert shaded["ends"] == "3.1%" and all(v is None or round(v, 1) == v for v in shaded["values"])
    if os.environ.get("SHOT_DIR"):  # a look at the drawn charts, not committed
        for chart in ("district-map", "chart-district"):
            page.locator(f"#{chart}").screenshot(path=f"{os.environ['SHOT_DIR']}/cockpit-{chart}.png")
    growth = page.text_content("#headline [data-field=va_growth_cum] .stat-value")
    assert growth.strip() == "-4.1%"  # hand-computed in test_indicators: (21.57 + 12) / 35 − 1
    # a large screen and a tablet: the page never needs sideways scrolling
    for width in (1920, 1024):
        page.set_viewport_size({"width": width, "height": 1000})
        page.wait_for_timeout(300)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.click("#headline [data-field=va_growth_cum]")
    page.wait_for_load_state("networkidle")
    assert "/monitoring/breakdown/city/all/" in page.url
    firms = page.eval_on_selector_all("#firms tbody tr td:first-child", "els => els.map(e => e.textContent.trim())")
    assert set(firms) == {crafted.ent_xihu.name, crafted.ent_xiaoshan.name, crafted.ent_new.name}
    assert page.console_errors == []

    page.context.clear_cookies()
    login_page(page, crafted.user("district").username)
    page.goto(f"{page.base_url}/monitoring/?period=2026-01")
    page.wait_for_load_state("networkidle")
    # The menu's cockpit is the officer's own district (shown in place).
    assert "/breakdown/district/330106/" in page.get_attribute("#headline [data-field=va_cum]", "href")
    firms_link = page.get_attribute("#headline [data-field=va_cum]", "href")
    page.goto(f"{page.base_url}{firms_link}")
    firms = page.eval_on_selector_all("#firms tbody tr td:first-child", "els => els.map(e => e.textContent.trim())")
    assert set(firms) == {crafted.ent_xihu.name, crafted.ent_new.name}
    assert page.console_errors == []
