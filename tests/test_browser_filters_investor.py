"""In Chromium: the multi-select filters of the enterprise, project and demand lists are checkbox dropdowns (empty
means 全部): ticking two narrows the rows to either, the address keeps both, and the export (or map) link follows; the
exported workbook holds exactly the rows on screen. And the project form's investor box: a registered firm, or a
typed name kept explicitly as 未登记企业. Screenshots at 1440 px go to docs/screenshots/ with SCREENSHOTS=1."""

import io
import pathlib
from urllib.parse import parse_qs, urlsplit

import openpyxl
import pytest

from industry_brain.demands import services as demand_services
from industry_brain.demands.models import Demand, DemandCategory
from industry_brain.enterprises.models import Enterprise
from industry_brain.projects.models import Project
from industry_brain.projects.tests.helpers import make_project
from industry_brain.testing import login_page, make_enterprise, shoot, until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]



def rows(page) -> list[str]:
    return page.eval_on_selector_all("#results tbody tr", "els => els.map(e => e.textContent.trim())")


def tick_two(page, field: str, values: tuple[str, str], shot: str = "") -> None:
    """Open the field's dropdown, tick two boxes (each tick filters at once), and check what the screen says."""
    box = f".multi-field:has(input[name={field}]) details.multi"
    assert page.eval_on_selector(box, "d => d.open") is False
    page.click(f"{box} > summary")
    assert page.eval_on_selector(box, "d => d.open") is True
    # Every option can be reached: none is clipped by the (scrolling) filter panel under it.
    hidden = page.eval_on_selector_all(f"{box} .multi-options label", """labels => labels.filter(l => {
        l.scrollIntoView({block: "nearest"});
        const r = l.getBoundingClientRect();
        const hit = document.elementFromPoint(r.left + 10, r.top + r.height / 2);
        return !(hit && l.contains(hit));
    }).map(l => l.textContent.trim())""")
    assert hidden == [], hidden
    for i, value in enumerate(values):
        option = page.locator(f"{box} input[name={field}][value={value}]")
        assert option.is_visible(), f"{field}={value} is hidden (clipped by the filter panel?)"
        option.check()
        until(page, f"new URLSearchParams(location.search).getAll('{field}').length === {i + 1}")
    if shot:
        shoot(page, shot)
    assert sorted(parse_qs(urlsplit(page.url).query)[field]) == sorted(values)
    assert page.inner_text(f"{box} > summary").startswith("2")  # "2 已选", not 全部


def test_multi_select_filters_narrow_keep_the_address_and_the_export(browser_page, world):
    city = world.user("city")
    firms = {tier: make_enterprise(f"梯队{tier}企业", figures=False)
             for tier in ("specialised", "little_giant", "eagle")}
    for tier, firm in firms.items():
        Enterprise.objects.filter(pk=firm.pk).update(top_tier=tier)
    page = browser_page
    page.set_viewport_size({"width": 1440, "height": 900})
    login_page(page, city.username)

    # Enterprises: 专精特新 and 小巨人 together.
    page.goto(f"{page.base_url}/enterprises/")
    assert page.inner_text(".multi-field:has(input[name=tier]) summary") == "全部"  # empty means all
    before = len(rows(page))
    tick_two(page, "tier", ("specialised", "little_giant"), shot="filter-multiselect-enterprises-1440")
    until(page, f"document.querySelectorAll('#results tbody tr').length === 2 && {before} > 2")
    shown = rows(page)
    assert any(firms["specialised"].name in r for r in shown) and any(firms["little_giant"].name in r for r in shown)
    href = page.get_attribute("#export-link", "href")
    assert sorted(parse_qs(urlsplit(href).query)["tier"]) == ["little_giant", "specialised"]
    with page.expect_download() as download:
        page.click("#export-link")
    sheet = openpyxl.load_workbook(io.BytesIO(pathlib.Path(download.value.path()).read_bytes())).active
    exported = [row for row in sheet.iter_rows(min_row=2, values_only=True) if any(row)]
    cells = {str(c) for row in exported for c in row}
    assert len(exported) == 2 and {firms["specialised"].name, firms["little_giant"].name} <= cells
    # Back to the address without filters: 全部 again.
    page.goto(f"{page.base_url}/enterprises/?{urlsplit(page.url).query}")
    assert page.inner_text(".multi-field:has(input[name=tier]) summary").startswith("2")

    # Projects: two stages; the map link follows.
    for stage in ("reserve", "signed", "construction"):
        make_project(stage=stage)
    page.goto(f"{page.base_url}/projects/")
    tick_two(page, "stage", ("reserve", "construction"))
    until(page, "document.querySelectorAll('#results tbody tr').length === 2")
    assert sorted(parse_qs(urlsplit(page.get_attribute("#map-link", "href")).query)["stage"]) == [
        "construction", "reserve"]
    assert Project.objects.filter(stage__in=("reserve", "construction")).count() == 2

    # Demands: two statuses; the export follows.
    road = DemandCategory.objects.get(code="logistics.road")
    made = [demand_services.demand_create(actor=city, enterprise=world.ent_xihu, category=road, title=f"诉求{i}",
                                          description="道路临时管控") for i in range(3)]
    for d, status in zip(made, ("submitted", "accepted", "resolved"), strict=True):
        Demand.objects.filter(pk=d.pk).update(status=status,
                                              department=None if status == "submitted" else world.department)
    page.goto(f"{page.base_url}/demands/")
    tick_two(page, "status", ("accepted", "resolved"))
    until(page, "document.querySelectorAll('#results tbody tr').length === 2")
    assert sorted(parse_qs(urlsplit(page.get_attribute("#export-link", "href")).query)["status"]) == [
        "accepted", "resolved"]
    with page.expect_download() as download:
        page.click("#export-link")
    sheet = openpyxl.load_workbook(io.BytesIO(pathlib.Path(download.value.path()).read_bytes())).active
    assert sum(1 for row in sheet.iter_rows(min_row=2, values_only=True) if any(row)) == 2
    assert page.console_errors == []


def test_investor_box_offers_registered_firms_or_keeps_a_typed_name_as_unregistered(browser_page, world):
    page = browser_page
    page.set_viewport_size({"width": 1440, "height": 900})
    login_page(page, world.user("district").username)
    page.goto(f"{page.base_url}/projects/add/")
    box = ".ac:has(input[name=enterprise])"
    # A registered firm is offered by name.
    page.fill(f"{box} .ac-input", world.ent_xihu.name[:3])
    page.wait_for_selector(f"{box} .ac-list[data-query='{world.ent_xihu.name[:3]}'] [role=option]")
    assert world.ent_xihu.name in page.inner_text(f"{box} .ac-list")
    # A name nobody registered: nothing matches, the typed name is kept explicitly as an unregistered firm.
    page.fill(f"{box} .ac-input", "远洋外资控股")
    free = page.wait_for_selector(f"{box} .ac-list[data-query='远洋外资控股'] li.ac-free")
    assert free.inner_text() == "未登记企业：远洋外资控股"
    shoot(page, "project-form-investor-unregistered-1440")
    free.click()
    assert page.input_value(f"{box} .ac-input") == "未登记企业：远洋外资控股"
    assert page.input_value("input[name=investor_name]") == "远洋外资控股"
    assert page.input_value(f"{box} input[name=enterprise]") == ""
    for name, value in (("code", "PB-1"), ("name", "外资新建项目"), ("total_investment", "100"),
                        ("fixed_investment", "50")):
        page.fill(f"input[name={name}]", value)
    page.select_option("select[name=district]", "330106")
    page.click("form.card button[type=submit]")
    page.wait_for_load_state("networkidle")
    p = Project.objects.get(code="PB-1")
    assert (p.enterprise_id, p.investor_name) == (None, "远洋外资控股")
    # Editing shows the kept name as such; choosing a registered firm replaces it.
    page.goto(f"{page.base_url}/projects/{p.pk}/edit/")
    assert page.input_value(f"{box} .ac-input") == "未登记企业：远洋外资控股"
    page.fill(f"{box} .ac-input", world.ent_xihu.name)
    option = page.wait_for_selector(f"{box} .ac-list[data-query='{world.ent_xihu.name}'] [role=option]:not(.ac-free)")
    option.click()
    assert page.input_value("input[name=investor_name]") == ""
    page.click("form.card button[type=submit]")
    page.wait_for_load_state("networkidle")
    p.refresh_from_db()
    assert (p.enterprise_id, p.investor_name) == (world.ent_xihu.pk, "")
    assert page.console_errors == []
