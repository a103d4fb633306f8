"""The three tasks of the usability review, in Chromium: the city exports one ecosystem's 专精特新 firms and the
workbook holds exactly the rows on screen; (the other tasks follow below)."""

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from industry_brain.enterprises.models import Enterprise
from industry_brain.testing import build_world, login_page, make_enterprise

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_city_exports_exactly_the_filtered_rows(browser_page):
    world = build_world()
    upstream = world.chain.nodes.get(segment="upstream")
    for i in range(4):
        e = make_enterprise(f"杭州专精物联{i}号有限公司", "330106", node=upstream)
        Enterprise.objects.filter(pk=e.pk).update(top_tier="specialised" if i % 2 == 0 else "little_giant")
    make_enterprise("杭州其他专精有限公司", "330109", "27", node=world.other_chain.nodes.get(segment="upstream"))
    Enterprise.objects.filter(name="杭州其他专精有限公司").update(top_tier="specialised")

    page = browser_page
    login_page(page, "t_city")
    page.goto(f"{page.base_url}/enterprises/")
    page.select_option("select[name=ecosystem]", str(world.ecosystem.pk))
    expect(page.locator("#results table tbody tr")).to_have_count(5)
    page.select_option("select[name=tier]", "specialised")
    expect(page.locator("#results table tbody tr")).to_have_count(2)
    assert "tier=specialised" in page.url and f"ecosystem={world.ecosystem.pk}" in page.url
    on_screen = sorted(page.locator("#results table tbody tr td:first-child").all_inner_texts())

    with page.expect_download() as info:
        page.click("#export-link")
    download = info.value
    assert "智能物联" in download.suggested_filename and download.suggested_filename.endswith(".xlsx")
    ws = load_workbook(io.BytesIO(open(download.path(), "rb").read())).active
    names = sorted(ws.cell(r, 2).value for r in range(2, ws.max_row + 1))
    assert names == on_screen == ["杭州专精物联0号有限公司", "杭州专精物联2号有限公司"]

    page.go_back()  # Back restores the previous filters, and the export link follows them
    expect(page.locator("#results table tbody tr")).to_have_count(5)
    assert "tier=" not in page.get_attribute("#export-link", "href")
    assert page.console_errors == []
