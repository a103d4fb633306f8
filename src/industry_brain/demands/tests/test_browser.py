"""In Chromium: an enterprise raises a demand, the city accepts it to a department, the department starts
and resolves it, the enterprise rates it; no console errors on the way."""

import pytest

from industry_brain.demands.models import Demand, DemandCategory
from industry_brain.testing import login_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_demand_walk_through_in_the_browser(browser_page, world):
    page = browser_page
    category = DemandCategory.objects.get(code="logistics.road")

    login_page(page, world.user("enterprise").username)
    page.goto(f"{page.base_url}/demands/new/")
    page.select_option("select[name=category]", str(category.pk))
    page.select_option("select[name=urgency]", "urgent")
    page.fill("input[name=title]", "原材料运输车辆通行受阻")
    page.fill("textarea[name=description]", "园区道路临时管控，原材料运输车辆无法进出，请求协调通行证。")
    page.click("#demand-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    demand = Demand.objects.get()
    assert page.url.endswith(f"/demands/{demand.pk}/")
    assert page.get_attribute("#demand-status", "data-status") == "submitted"

    page.context.clear_cookies()  # a fresh session for each user
    login_page(page, world.user("city").username)
    page.goto(f"{page.base_url}/demands/{demand.pk}/")
    # The department picker: type part of the name, choose with the keyboard.
    page.fill("form[data-action=accept] #id_accept-department", "交通")
    page.wait_for_selector("form[data-action=accept] .ac-list [role=option]")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert page.input_value("form[data-action=accept] input[name=accept-department]") == str(world.department.pk)
    page.click("form[data-action=accept] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.get_attribute("#demand-status", "data-status") == "accepted"

    page.context.clear_cookies()
    login_page(page, world.user("department").username)
    page.goto(f"{page.base_url}/")
    assert f"/demands/{demand.pk}/" in page.content()  # the department's home page lists it
    page.goto(f"{page.base_url}/demands/{demand.pk}/")
    page.click("form[data-action=start] button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.fill("form[data-action=resolve] textarea[name=resolve-resolution]", "已办理重点物资运输车辆通行证。")
    page.click("form[data-action=resolve] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.get_attribute("#demand-status", "data-status") == "resolved"

    page.context.clear_cookies()
    login_page(page, world.user("enterprise").username)
    page.goto(f"{page.base_url}/demands/{demand.pk}/")
    page.check("form[data-action=rate] input[value=satisfied]")
    page.click("form[data-action=rate] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.get_attribute("#demand-status", "data-status") == "closed"
    actions = page.eval_on_selector_all("#timeline li", "els => els.map(e => e.dataset.action)")
    assert actions == ["submitted", "accepted", "started", "resolved", "rated"]
    demand.refresh_from_db()
    assert (demand.status, demand.satisfaction, demand.department_id) == ("closed", "satisfied", world.department.pk)

    assert page.console_errors == []
