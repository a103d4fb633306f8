"""In Chromium: an enterprise opens its own tier card and sees, for 小巨人, which criterion it misses and by how
much in its own figures; no console errors on the way."""

from decimal import Decimal

import pytest

from industry_brain.cultivation import services
from industry_brain.testing import SCREENSHOTS as SHOTS
from industry_brain.testing import login_page

from .helpers import put_on_bound

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_enterprise_sees_its_gap_card(browser_page, world):
    services.rulesets_ensure_defaults()
    firm = world.ent_xihu
    put_on_bound(firm, market_share=Decimal("9.5"))
    page = browser_page
    login_page(page, world.user("enterprise").username)
    page.goto(f"{page.base_url}/cultivation/card/")
    section = page.locator("#tier-little_giant")
    assert section.count() == 1
    failing = section.locator("tr.fail")
    texts = failing.all_inner_texts()
    assert any("9.5" in t and "10" in t for t in texts), texts  # market share 9.5 % → needs ≥ 10 %
    assert page.locator("#tier-eagle").inner_text().count("未核实") or "NOT_FOUND" in page.content()
    page.goto(f"{page.base_url}/cultivation/card/{world.ent_xiaoshan.pk}/")
    assert "404" in page.title() or page.locator("h1").count() == 0 or "杭州萧测" not in page.content()
    page.console_errors[:] = [e for e in page.console_errors if "404" not in e]
    assert not page.console_errors, page.console_errors


OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def _look(page, url: str, name: str, problems: list) -> None:
    """Open a page at 1366 and 390 px: no sideways scrolling; a screenshot of each (docs/screenshots/)."""
    import os

    for width, height in [(1366, 768), (390, 844)]:
        page.set_viewport_size({"width": width, "height": height})
        page.goto(page.base_url + url)
        page.wait_for_load_state("networkidle")
        if page.evaluate(OVERFLOW) > 1:
            problems.append(f"{url} scrolls sideways at {width}px")
        if os.environ.get("SCREENSHOTS"):
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SHOTS / f"cultivation-{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 768})


def test_round_steps_criteria_versions_and_factory_applications_in_pages(browser_page, world):
    import datetime as dt

    from industry_brain.cultivation.models import RecognitionApplication
    from industry_brain.factories.models import FactoryApplication

    services.rulesets_ensure_defaults()
    firm = world.ent_xihu
    put_on_bound(firm)
    rnd = services.round_create(actor=world.user("city"), data={
        "name": "2026年度专精特新“小巨人”企业推荐", "tier": "little_giant", "year": 2026,
        "opens_on": dt.date(2026, 3, 1), "closes_on": dt.date(2026, 3, 31)})
    page = browser_page
    problems: list[str] = []
    # the firm applies in the round and submits
    login_page(page, world.user("enterprise").username)
    page.goto(f"{page.base_url}/cultivation/rounds/{rnd.pk}/")
    page.fill("#apply-form textarea[name=statement]", "主导产品国内市场占有率10%")
    page.click("#apply-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    app = RecognitionApplication.objects.get(round=rnd)
    page.click("#step-submit")
    page.wait_for_load_state("networkidle")
    assert RecognitionApplication.objects.get(pk=app.pk).status == "submitted"
    # the firm applies for a smart factory
    page.goto(f"{page.base_url}/factories/applications/new/")
    page.select_option("select[name=level]", "smart_factory")
    page.fill("input[name=investment]", "4200")
    page.fill("input[name=digital_level]", "2.5")
    page.select_option("select[name=credit_good]", "true")
    page.fill("input[name=year]", "2025")
    page.fill("input[name=completion_year]", "2025")
    page.click("#factory-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    factory = FactoryApplication.objects.get(enterprise=firm)
    assert factory.status == "submitted" and factory.investment == Decimal("4200")
    _look(page, f"/factories/applications/{factory.pk}/", "factory-application-enterprise", problems)
    # the district pre-checks in the page; the city scores, publishes, and an objection waits for its answer
    page.context.clear_cookies()
    login_page(page, world.user("district").username)
    page.goto(f"{page.base_url}/cultivation/applications/{app.pk}/")
    page.click("#step-precheck")
    page.wait_for_load_state("networkidle")
    page.click("#step-district_approve")
    page.wait_for_load_state("networkidle")
    page.goto(f"{page.base_url}/factories/applications/{factory.pk}/")
    page.click("#step-district_review")
    page.wait_for_load_state("networkidle")
    assert FactoryApplication.objects.get(pk=factory.pk).status == "district_reviewed"
    page.context.clear_cookies()
    login_page(page, world.user("city").username)
    page.goto(f"{page.base_url}/cultivation/applications/{app.pk}/")
    page.fill("input[name=city_approve-expert_score]", "86.5")
    page.click("#step-city_approve")
    page.wait_for_load_state("networkidle")
    page.click("#step-publicise")
    page.wait_for_load_state("networkidle")
    page.fill("textarea[name=object-text]", "对市场占有率测算口径有疑问")
    page.click("#step-object")
    page.wait_for_load_state("networkidle")
    assert RecognitionApplication.objects.get(pk=app.pk).objections.count() == 1
    _look(page, f"/cultivation/applications/{app.pk}/", "application-in-notice-city", problems)
    page.goto(f"{page.base_url}/factories/applications/{factory.pk}/")
    page.click("#step-evaluate")
    page.wait_for_load_state("networkidle")
    assert FactoryApplication.objects.get(pk=factory.pk).eligible is True
    _look(page, f"/factories/applications/{factory.pk}/", "factory-application-city", problems)
    _look(page, "/factories/applications/", "factory-applications-city", problems)
    _look(page, "/cultivation/rule-sets/new/?copy_from=" + str(app.rule_set_id), "ruleset-new-city", problems)
    _look(page, "/cultivation/rounds/new/", "round-new-city", problems)
    from industry_brain.cultivation.models import TierRuleSet

    eagle = TierRuleSet.objects.filter(tier="eagle").first()
    _look(page, f"/cultivation/rule-sets/{eagle.pk}/", "eagle-criteria", problems)
    assert not problems, problems
    assert not page.console_errors, page.console_errors
