"""In Chromium: the city plans an event and opens registration; a firm publishes a need, reads its recommended
supplier and registers; the city records an intention at the held event and its signing; the statistics sentence
shows it. No console errors on the way."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from industry_brain.matchmaking import services
from industry_brain.matchmaking.models import Event, Intention, Listing
from industry_brain.testing import login_page, make_enterprise

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_event_from_registration_to_a_signed_deal(browser_page, world):
    page = browser_page
    today = timezone.localdate()
    supplier = make_enterprise("杭州光模块供应有限公司", "330106", figures=False)
    services.listing_publish(actor=world.user("city"), enterprise=supplier, data={
        "kind": "offer", "title": "光模块供应", "material": "光模块", "capacity": Decimal(5000), "unit": "只",
        "expires_on": today + dt.timedelta(days=90)})

    login_page(page, world.user("city").username)
    page.goto(f"{page.base_url}/matchmaking/events/new/")
    page.fill("input[name=name]", "智能物联供需对接会")
    page.select_option("select[name=chain]", str(world.chain.pk))
    page.fill("input[name=date]", today.isoformat())
    page.fill("input[name=place]", "杭州国际博览中心")
    page.fill("input[name=organiser]", "市经信局")
    page.click("#mm-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    event = Event.objects.get()
    page.click("button[data-step=open]")
    page.wait_for_load_state("networkidle")
    assert page.get_attribute("#event-status", "data-status") == "open"

    page.context.clear_cookies()
    login_page(page, world.user("enterprise").username)
    page.goto(f"{page.base_url}/matchmaking/listings/new/")
    page.select_option("select[name=kind]", "need")
    page.fill("input[name=title]", "采购光模块")
    page.fill("input[name=material]", "光模块")
    page.fill("input[name=quantity]", "2000")
    page.fill("input[name=unit]", "只")
    page.fill("input[name=expires_on]", (today + dt.timedelta(days=60)).isoformat())
    page.click("#mm-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert Listing.objects.filter(kind="need", enterprise=world.ent_xihu).exists()
    rows = page.eval_on_selector_all("#recommendations tr[data-enterprise]",
                                     "els => els.map(e => e.dataset.enterprise)")
    assert rows == [str(supplier.pk)]
    page.goto(f"{page.base_url}/matchmaking/events/{event.pk}/")
    page.select_option("#register-form select[name=role]", "buyer")
    page.click("#register-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "杭州西测电子有限公司" in page.inner_text("#registrations")

    page.context.clear_cookies()
    login_page(page, world.user("city").username)
    page.goto(f"{page.base_url}/matchmaking/events/{event.pk}/")
    page.click("button[data-step=hold]")
    page.wait_for_load_state("networkidle")
    page.select_option("#intention-form select[name=kind]", "order")
    pick(page, "#intention-form .ac:has(input[name=buyer])", "西测", world.ent_xihu.name)
    pick(page, "#intention-form .ac:has(input[name=seller])", "光模块供应", supplier.name)
    page.fill("#intention-form input[name=product]", "光模块年度采购")
    page.fill("#intention-form input[name=amount]", "15000")
    page.click("#intention-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    deal = Intention.objects.get()
    page.goto(f"{page.base_url}/matchmaking/intentions/{deal.pk}/")
    page.fill("form[data-step=sign] input[name=amount]", "12000")
    page.click("form[data-step=sign] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.get_attribute("#intention-status", "data-status") == "signed"
    page.goto(f"{page.base_url}/matchmaking/stats/")
    assert "举办对接会1场" in page.inner_text("#summary") and "已签约1.2亿元" in page.inner_text("#summary")
    assert page.console_errors == []


def pick(page, box: str, text: str, label: str) -> None:
    """Choose a firm in the shared picker: type part of its name, then take the option with its full name."""
    page.fill(f"{box} .ac-input", text)
    page.click(f"{box} .ac-list[data-query='{text}'] [role=option]:has-text('{label}')")
