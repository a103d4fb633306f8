"""A person's path through the foundation in Debian's Chromium: log in, filter the enterprise list by
district, open a detail page, see the chain map drawn, with no errors in the console."""

import pytest
from playwright.sync_api import expect

from industry_brain.testing import build_world, login_page, make_enterprise

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_enterprise_list_detail_and_chain_map(browser_page):
    world = build_world()
    make_enterprise("杭州萧山第二电子有限公司", "330109", node=world.chain.nodes.get(segment="upstream"))
    page = browser_page
    login_page(page, "t_city")
    assert page.url.rstrip("/") == page.base_url.rstrip("/")

    page.goto(f"{page.base_url}/enterprises/")
    rows = page.locator("#results table tbody tr")
    assert rows.count() == 3
    page.select_option("select[name=district]", "330109")
    # (wait_for_function would evaluate a string, which the Content-Security-Policy rightly forbids)
    expect(page.locator("#results table tbody tr")).to_have_count(2)
    assert "district=330109" in page.url  # HTMX pushed the filter into the address
    names = page.locator("#results table tbody tr td:first-child").all_inner_texts()
    assert sorted(names) == ["杭州萧山第二电子有限公司", "杭州萧测医药有限公司"]

    page.click("text=杭州萧测医药有限公司")
    page.wait_for_selector("h1:has-text('杭州萧测医药有限公司')")
    page.wait_for_selector("#figures-chart canvas")

    page.goto(f"{page.base_url}/chains/{world.chain.pk}/")
    page.wait_for_selector("#chain-graph canvas")
    page.wait_for_selector("#chain-graph[data-node-count='3']")
    option = page.evaluate(
        "JSON.stringify(window.IB.charts['chain-graph'].getOption().series[0].data.map(n => n.name))")
    assert "集成电路中游" in option
    assert page.console_errors == []
