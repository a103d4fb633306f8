"""Pages: the firm's policy page (why, how much, what it would need), the standing page's steps, the issuer's
item page and rule editor, the ledger page; out of scope answers 404."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from industry_brain.policies import rollup, services
from industry_brain.policies.models import Eligibility, LedgerEntry, RuleVersion
from industry_brain.testing import make_enterprise

from .helpers import ABOVE_SCALE, make_item

pytestmark = pytest.mark.django_db


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def test_the_firm_sees_why_how_much_and_what_it_would_need(world):
    ok = make_item(world, conditions=ABOVE_SCALE, amount={"fixed": 25}, name="规上企业奖励")
    make_item(world, conditions={"var": "employees", "op": ">=", "value": 1000}, name="千人企业奖励")
    services.evaluate_items(actor=world.user("city"), items=[ok])
    services.item_publish(actor=world.user("city"), item=ok)
    page = client_for(world.user("enterprise")).get(reverse("policies:my_policies")).content.decode()
    eligible, _, rest = page.partition('id="unknown"')
    assert "规上企业奖励" in eligible and "25" in eligible
    assert "千人企业奖励" in rest and "1000" in rest
    row = Eligibility.objects.get(item=ok, enterprise=world.ent_xihu)
    assert row.read_at is not None  # opening the page is the read receipt
    assert client_for(world.user("city")).get(reverse("policies:my_policies")).status_code == 404


def test_confirm_on_the_page_then_the_department_pays(world):
    item = make_item(world, conditions=ABOVE_SCALE, amount={"fixed": 25})
    services.evaluate_items(actor=world.user("city"), items=[item])
    services.item_publish(actor=world.user("city"), item=item)
    row = Eligibility.objects.get(item=item, enterprise=world.ent_xihu)
    url = reverse("policies:eligibility_detail", args=[row.pk])
    ent = client_for(world.user("enterprise"))
    assert "step-confirm" in ent.get(url).content.decode()
    r = ent.post(url, {"step": "confirm", "bank_name": "工商银行", "bank_account": "622200001111"})
    assert r.status_code == 302
    dept = client_for(world.user("department"))
    assert "step-pay" in dept.get(url).content.decode()
    dept.post(url, {"step": "pay"})
    row.refresh_from_db()
    assert row.status == "paid" and LedgerEntry.objects.filter(eligibility=row).exists()
    for role in ("enterprise_other", "department_other", "district_other"):
        assert client_for(world.user(role)).get(url).status_code == 404


def test_the_short_form_asks_only_for_the_missing_figures(world):
    ent = make_enterprise("杭州短表有限公司", figures=False)
    user = world.user("enterprise")
    user.enterprise = ent
    user.save()
    item = make_item(world, conditions={"all": [ABOVE_SCALE, {"var": "employees", "op": ">=", "value": 50}]},
                     mode="quick")
    services.evaluate_items(actor=world.user("city"), items=[item])
    row = Eligibility.objects.get(item=item, enterprise=ent)
    url = reverse("policies:eligibility_detail", args=[row.pk])
    page = client_for(user).get(url).content.decode()
    assert 'name="employees"' in page and 'name="is_above_scale"' not in page
    client_for(user).post(url, {"step": "supply", "employees": "60"})
    row.refresh_from_db()
    assert row.result is True


def test_the_issuer_adds_a_rule_version_in_the_page(world):
    item = make_item(world, conditions=ABOVE_SCALE)
    url = reverse("policies:item_edit", args=[item.pk])
    assert client_for(world.user("department_other")).get(url).status_code == 404
    dept = client_for(world.user("department"))
    form = {"name": item.name, "kind": "award", "mode": "auto", "measure_kind": "subsidy_paid",
            "payout_working_days": 20, "confirm_working_days": 10, "budget_year": item.budget_year,
            "is_active": "on", "new_version": "1", "effective_from": "2026-07-01", "period": "last_fiscal_year",
            "conditions": '{"var": "revenue", "op": ">=", "value": 5000}', "amount": '{"fixed": 40}',
            "exclusions": "", "params": "", "tests": ""}
    r = dept.post(url, {**form, "conditions": '{"var": "nope", "op": ">="}'})
    assert r.status_code == 400 and "nope" in r.content.decode()
    assert dept.post(url, form).status_code == 302
    v = RuleVersion.objects.filter(item=item).order_by("-number").first()
    assert v.number == 2 and v.amount == {"fixed": 40} and v.effective_from == dt.date(2026, 7, 1)


def test_item_pages_and_the_ledger_page(world):
    item = make_item(world, conditions=ABOVE_SCALE)
    services.evaluate_items(actor=world.user("city"), items=[item])
    LedgerEntry.objects.create(year=2022, month=5, kind="cash_refund", amount=1_000_000, source="import",
                               district_id="330106")
    LedgerEntry.objects.create(year=2022, month=5, kind="deferral", amount=300_000, source="import",
                               district_id="330106")
    rollup.rebuild([2022])
    city = client_for(world.user("city"))
    assert item.name in city.get(reverse("policies:item_list")).content.decode()
    detail = city.get(reverse("policies:item_detail", args=[item.pk])).content.decode()
    assert world.ent_xiaoshan.name in detail and 'id="publish"' in detail
    other = client_for(world.user("enterprise_other")).get(reverse("policies:item_detail", args=[item.pk]))
    assert world.ent_xihu.name not in other.content.decode()
    ledger = city.get(reverse("policies:ledger") + "?year=2022").content.decode()
    assert "100.0" in ledger and "30.0" in ledger and "西湖" in ledger
    assert client_for(world.user("enterprise")).get(reverse("policies:ledger_import")).status_code == 403
