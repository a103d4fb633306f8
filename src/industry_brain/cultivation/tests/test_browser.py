"""In Chromium: an enterprise opens its own tier card and sees, for 小巨人, which criterion it misses and by how
much in its own figures; no console errors on the way."""

from decimal import Decimal

import pytest

from industry_brain.cultivation import services
from industry_brain.cultivation.models import EnterpriseTierFigures
from industry_brain.enterprises.models import YearlyFigures
from industry_brain.testing import login_page

from .helpers import ON_BOUND_TIER, ON_BOUND_YEARS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_enterprise_sees_its_gap_card(browser_page, world):
    services.rulesets_ensure_defaults()
    firm = world.ent_xihu
    YearlyFigures.objects.filter(enterprise=firm).delete()
    for year, values in ON_BOUND_YEARS.items():
        YearlyFigures.objects.create(enterprise=firm, year=year, employees=200, rd_staff=30, net_profit=500,
                                     **{k: Decimal(str(v)) for k, v in values.items()})
    EnterpriseTierFigures.objects.create(enterprise=firm, year=2025, **{**ON_BOUND_TIER,
                                                                        "market_share": Decimal("9.5")})
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
