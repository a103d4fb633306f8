"""In Chromium: `enterprise_demo` sees an eligible item with its reason on its policy page, confirms with its bank
account, and the issuing department marks it paid; no console errors on the way."""

import pytest

from industry_brain.accounts.choices import Role
from industry_brain.policies import services
from industry_brain.policies.models import Eligibility, LedgerEntry
from industry_brain.testing import login_page, make_user

from .helpers import ABOVE_SCALE, make_item

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_enterprise_confirms_and_department_pays_in_the_browser(browser_page, world):
    page = browser_page
    firm_user = make_user("enterprise_demo", Role.ENTERPRISE, enterprise=world.ent_xihu)
    dept_user = make_user("dept_transport", Role.DEPARTMENT, organisation=world.department)
    item = make_item(world, conditions={"all": [ABOVE_SCALE, {"var": "revenue", "op": ">=", "value": 2000}]},
                     amount={"tiers": {"var": "revenue", "steps": [[2000, 5], [10000, 10]]}},
                     name="规上企业物流降本补助")
    services.evaluate_items(actor=dept_user, items=[item])
    services.item_publish(actor=dept_user, item=item)
    standing = Eligibility.objects.get(item=item, enterprise=world.ent_xihu)

    login_page(page, firm_user.username)
    page.goto(f"{page.base_url}/policies/mine/")
    card = page.locator(f"#eligible article[data-item='{item.pk}']")
    assert "规上企业物流降本补助" in card.inner_text()
    reasons = card.locator("tr[data-passed=true]").all_inner_texts()
    assert any("营业收入" in r and "10000" in r for r in reasons)  # the figure used, beside the condition
    card.locator("a.btn").click()
    page.wait_for_load_state("networkidle")
    page.fill("input[name=bank_name]", "中国工商银行杭州分行")
    page.fill("input[name=bank_account]", "6222 0212 3456 7890")
    page.click("#step-confirm")
    page.wait_for_load_state("networkidle")
    assert page.get_attribute("#standing-status", "data-status") == "confirmed"

    page.context.clear_cookies()
    login_page(page, dept_user.username)
    page.goto(f"{page.base_url}/")
    assert f"/policies/standings/{standing.pk}/" in page.content()  # the department's inbox lists it
    page.goto(f"{page.base_url}/policies/standings/{standing.pk}/")
    page.click("#step-pay")
    page.wait_for_load_state("networkidle")
    assert page.get_attribute("#standing-status", "data-status") == "paid"
    actions = page.eval_on_selector_all("#timeline li[data-action]", "els => els.map(e => e.dataset.action)")
    assert actions == ["publish", "confirm", "pay"]
    standing.refresh_from_db()
    assert standing.paid_amount == 10 and LedgerEntry.objects.get(eligibility=standing).amount == 10
    assert page.console_errors == []
