"""The 免申即享 workflow through the API: every step allowed and refused (409), expiry on official working days,
payments entering the ledger, the ledger summary never adding deferrals to relief, imports all or nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from industry_brain.core.workdays import add_working_days
from industry_brain.policies import rollup, selectors, services
from industry_brain.policies.models import Eligibility, LedgerEntry, LedgerRollup
from industry_brain.testing import xlsx

from .helpers import ABOVE_SCALE, make_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(world):
    return make_item(world, conditions=ABOVE_SCALE, amount={"fixed": 25}, budget_cap=Decimal(1000))


def _row(world, item):
    services.evaluate_items(actor=world.user("city"), items=[item])
    return Eligibility.objects.get(item=item, enterprise=world.ent_xihu)


def test_done_when_evaluate_confirm_pay_through_the_api(world, item, api):
    r = api.as_user(world.user("department")).post(f"/api/v1/policy-items/{item.pk}/evaluate/", {}, format="json")
    assert r.status_code == 200 and r.json()["eligible"] >= 1 and set(r.json()) == {"eligible", "unknown",
                                                                                      "ineligible"}
    r = api.get(f"/api/v1/policy-eligibility/?enterprise={world.ent_xihu.pk}&item={item.pk}")
    row = r.json()["results"][0]
    assert row["result"] is True and row["status"] == "candidate"
    assert row["trace"] and row["trace"][0]["passed"] is True and "condition" in row["trace"][0]
    assert api.post(f"/api/v1/policy-items/{item.pk}/publish/").json()["notified"] >= 1
    ent = api.as_user(world.user("enterprise"))
    assert ent.post(f"/api/v1/policy-eligibility/{row['id']}/pay/").status_code == 403
    r = ent.post(f"/api/v1/policy-eligibility/{row['id']}/confirm/", {"bank_name": "工商银行",
                                                                     "bank_account": "12"}, format="json")
    assert r.status_code == 400 and "bank_account" in r.json()
    r = ent.post(f"/api/v1/policy-eligibility/{row['id']}/confirm/", {"bank_name": "工商银行杭州分行",
                                                                     "bank_account": "6222 0012 3456 7890"},
                 format="json")
    assert r.status_code == 200 and r.json()["status"] == "confirmed" and r.json()["read_at"]
    r = ent.post(f"/api/v1/policy-eligibility/{row['id']}/confirm/", {"bank_name": "x", "bank_account": "12345678"},
                 format="json")
    assert r.status_code == 409 and r.json()["detail"]
    dept = api.as_user(world.user("department"))
    r = dept.post(f"/api/v1/policy-eligibility/{row['id']}/pay/", {}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "paid" and Decimal(r.json()["paid_amount"]) == 25
    entry = LedgerEntry.objects.get(eligibility_id=row["id"])
    assert entry.kind == "subsidy_paid" and entry.amount == 25 and entry.district_id == "330106"
    assert dept.post(f"/api/v1/policy-eligibility/{row['id']}/pay/").status_code == 409
    other = api.as_user(world.user("enterprise_other"))
    assert other.get(f"/api/v1/policy-eligibility/{row['id']}/").status_code == 404
    assert other.get(f"/api/v1/policy-eligibility/?enterprise={world.ent_xihu.pk}").json()["count"] == 0


STEPS = {  # step → statuses it is allowed from
    "publish": {"candidate"}, "confirm": {"notified"}, "decline": {"notified", "confirmed"},
    "approve": {"confirmed"}, "pay": {"confirmed", "payable"}, "hold": {"confirmed", "payable"},
    "release": {"held"}, "clawback": {"paid"},
}
BODY = {"confirm": {"bank_name": "农业银行", "bank_account": "622848001234567"}, "hold": {"reason": "账户异常"},
        "clawback": {"reason": "虚报材料"}, "decline": {"reason": "不需要"}}
ACTOR = {"confirm": "enterprise", "decline": "enterprise"}
ALL_STATUSES = ["candidate", "notified", "confirmed", "declined", "expired", "payable", "paid", "held",
                "clawed_back"]


@pytest.mark.parametrize("step", sorted(STEPS))
def test_every_step_is_allowed_from_its_statuses_and_refused_409_from_the_others(world, item, api, step):
    row = _row(world, item)
    client = api.as_user(world.user(ACTOR.get(step, "department")))
    for status in ALL_STATUSES:
        Eligibility.objects.filter(pk=row.pk).update(status=status, paid_amount=25 if status == "paid" else None)
        r = client.post(f"/api/v1/policy-eligibility/{row.pk}/{step}/", BODY.get(step, {}), format="json")
        if status in STEPS[step]:
            assert r.status_code == 200, (step, status, r.content)
        else:
            assert r.status_code == 409, (step, status, r.status_code)


def test_hold_needs_a_reason_and_clawback_reverses_the_ledger(world, item, api):
    row = _row(world, item)
    dept = api.as_user(world.user("department"))
    Eligibility.objects.filter(pk=row.pk).update(status="confirmed")
    r = dept.post(f"/api/v1/policy-eligibility/{row.pk}/hold/", {"reason": ""}, format="json")
    assert r.status_code == 400 and "reason" in r.json()
    assert dept.post(f"/api/v1/policy-eligibility/{row.pk}/hold/", {"reason": "账户异常"},
                     format="json").json()["reason"] == "账户异常"
    dept.post(f"/api/v1/policy-eligibility/{row.pk}/release/")
    dept.post(f"/api/v1/policy-eligibility/{row.pk}/pay/")
    r = dept.post(f"/api/v1/policy-eligibility/{row.pk}/clawback/", {"reason": "重复享受"}, format="json")
    assert r.json()["status"] == "clawed_back"
    assert sum(LedgerEntry.objects.filter(eligibility=row).values_list("amount", flat=True)) == 0


def test_the_budget_cap_refuses_a_payment_beyond_it(world, api):
    item = make_item(world, conditions=ABOVE_SCALE, amount={"fixed": 25}, budget_cap=Decimal(30))
    services.evaluate_items(actor=world.user("city"), items=[item])
    rows = list(Eligibility.objects.filter(item=item))
    Eligibility.objects.filter(item=item).update(status="payable")
    dept = api.as_user(world.user("department"))
    assert dept.post(f"/api/v1/policy-eligibility/{rows[0].pk}/pay/").status_code == 200
    r = dept.post(f"/api/v1/policy-eligibility/{rows[1].pk}/pay/")
    assert r.status_code == 409 and "30" in r.json()["detail"]


def test_notices_expire_after_the_deadline_in_official_working_days(world):
    item = make_item(world, conditions=ABOVE_SCALE, confirm_days=5)
    services.evaluate_items(actor=world.user("city"), items=[item])
    published = dt.date(2026, 9, 28)  # before the National Day holiday: the days off do not count
    services.item_publish(actor=world.user("city"), item=item, today=published)
    row = Eligibility.objects.get(item=item, enterprise=world.ent_xihu)
    assert row.deadline == add_working_days(published, 5)
    assert row.deadline > published + dt.timedelta(days=7)  # the holiday week is skipped
    assert services.eligibilities_expire(today=row.deadline) == 0
    assert services.eligibilities_expire(today=row.deadline + dt.timedelta(days=1)) >= 1
    row.refresh_from_db()
    assert row.status == "expired"


def test_ledger_summary_never_adds_deferrals_and_says_its_breakdown(world, api):
    year = 2022
    for kind, basis, amount in [("cash_refund", "measured", 3_000_000), ("tax_foregone", "measured", 2_000_000),
                                ("financing_saving", "estimated", 500_000), ("deferral", "measured", 900_000)]:
        LedgerEntry.objects.create(year=year, month=6, kind=kind, basis=basis, amount=amount, district_id="330106",
                                   source="import")
    rollup.rebuild([year])  # written here without the importer: the rollup is rebuilt as an import does
    r = api.as_user(world.user("city")).get(f"/api/v1/burden-reduction/summary/?year={year}")
    data = r.json()
    assert Decimal(str(data["total"])) == 5_500_000
    assert Decimal(str(data["deferrals"])) == 900_000
    assert {(k["kind"], k["basis"]) for k in data["by_kind"]} >= {("cash_refund", "measured"),
                                                                  ("financing_saving", "estimated")}
    assert "550.0" in data["sentence"] and "90.0" in data["sentence"]
    assert api.get(f"/api/v1/burden-reduction/summary/?year={year}&by=district").json()["breakdown"][0]["key"] == \
        "330106"
    assert api.get("/api/v1/burden-reduction/summary/?year=x").status_code == 400


def test_ledger_import_is_all_or_nothing_with_row_errors(world, api):
    headers = ["年份", "月份", "措施类别", "口径", "金额（万元）", "区县代码", "行业代码", "规模", "政策编号", "备注"]
    good = [2022, 3, "留抵退税", "实测", 1200.5, "330106", "39", "规上", "", ""]
    bad = [2022, 13, "天降", "实测", 5, "999999", "", "", "", ""]
    dept = api.as_user(world.user("department"))
    r = dept.post("/api/v1/burden-reduction/import/", {"file": xlsx(headers, [good, bad])}, format="multipart")
    assert r.status_code == 400
    errors = r.json()["errors"]
    assert {e["row"] for e in errors} == {3} and {"月份", "措施类别", "区县代码"} <= {e["column"] for e in errors}
    assert LedgerEntry.objects.count() == 0
    r = dept.post("/api/v1/burden-reduction/import/", {"file": xlsx(headers, [good, good])}, format="multipart")
    assert r.status_code == 201 and r.json()["created"] == 2
    assert set(LedgerEntry.objects.values_list("department_id", flat=True)) == {world.department.pk}
    assert api.as_user(world.user("enterprise")).post("/api/v1/burden-reduction/import/",
                                                      {"file": xlsx(headers, [good])},
                                                      format="multipart").status_code == 403


def test_metrics_are_honest_counts_with_auto_share_and_median_days(world, item, api):
    row = _row(world, item)
    services.item_publish(actor=world.user("city"), item=item)
    services.eligibility_confirm(actor=world.user("enterprise"), eligibility=Eligibility.objects.get(pk=row.pk),
                                 bank_name="建设银行", bank_account="62170012345678")
    services.eligibility_pay(actor=world.user("department"), eligibility=Eligibility.objects.get(pk=row.pk))
    data = api.as_user(world.user("city")).get("/api/v1/policy-metrics/").json()
    m = next(x for x in data["items"] if x["item"] == item.pk)
    assert m["paid"] == 1 and m["read"] >= 1 and m["confirmed"] == 1 and m["notified"] >= 1
    assert m["median_days_to_payment"] is not None and data["overall"]["auto_share"] == 100.0
    assert "pushes" not in str(data)
    assert timezone.now()


def _grouped(model) -> dict:
    from django.db.models import Sum
    return {tuple(r[k] for k in LedgerRollup.KEY): r["total"]
            for r in model.objects.order_by().values(*LedgerRollup.KEY).annotate(total=Sum("amount"))
            if r["total"] != 0}


def test_the_stored_rollup_equals_the_live_group_by_after_import_payment_and_clawback(world, item, api):
    headers = ["年份", "月份", "措施类别", "口径", "金额（万元）", "区县代码", "行业代码", "规模", "政策编号", "备注"]
    dept = api.as_user(world.user("department"))
    year = timezone.localdate().year
    rows = [[year, 3, "留抵退税", "实测", 1200.5, "330106", "39", "规上", "", ""],
            [year, 3, "缓缴", "实测", 800, "330106", "", "", "", ""],
            [year - 1, 7, "融资成本节约", "测算", 99.25, "", "", "", "", ""]]
    assert dept.post("/api/v1/burden-reduction/import/", {"file": xlsx(headers, rows)},
                     format="multipart").status_code == 201
    assert _grouped(LedgerRollup) == _grouped(LedgerEntry) and len(_grouped(LedgerEntry)) == 3
    paid = _row(world, item)
    Eligibility.objects.filter(pk=paid.pk).update(status="payable")
    assert dept.post(f"/api/v1/policy-eligibility/{paid.pk}/pay/").status_code == 200
    other = Eligibility.objects.filter(item=item, result=True).exclude(pk=paid.pk).first()
    Eligibility.objects.filter(pk=other.pk).update(status="payable")
    assert dept.post(f"/api/v1/policy-eligibility/{other.pk}/pay/").status_code == 200
    assert _grouped(LedgerRollup) == _grouped(LedgerEntry)
    dept.post(f"/api/v1/policy-eligibility/{paid.pk}/clawback/", {"reason": "重复享受"}, format="json")
    assert _grouped(LedgerRollup) == _grouped(LedgerEntry)
    # The summary read from the rollup equals the one summed from the entries, for the city and a district.
    for role in ("city", "district", "department"):
        user = world.user(role)
        stored = selectors.ledger_summary(user=user, year=year, by="district")
        assert selectors._rollup_serves(user, "district", None)
        entries = LedgerEntry.objects.restrict(user, "view").filter(year=year)
        relief = sum(e.amount for e in entries if e.kind != "deferral")
        assert stored["total"] == relief and stored["deferrals"] == sum(e.amount for e in entries
                                                                        if e.kind == "deferral")
    # A firm's own summary goes through its entries, never the rollup.
    assert not selectors._rollup_serves(world.user("enterprise"), None, None)
    own = selectors.ledger_summary(user=world.user("enterprise"), year=year)
    assert own["total"] == sum(LedgerEntry.objects.filter(enterprise=world.ent_xihu, year=year)
                               .exclude(kind="deferral").values_list("amount", flat=True))


def test_publishing_puts_a_message_in_the_inbox_of_exactly_the_listed_firms(world, item, api):
    from industry_brain.demands.models import Notification
    from industry_brain.enterprises.models import Enterprise
    from industry_brain.testing import make_user

    Enterprise.objects.filter(pk=world.ent_xiaoshan.pk).update(is_above_scale=False)  # not on the list
    Enterprise.objects.filter(pk=world.ent_xihu.pk).update(is_above_scale=True)
    colleague = make_user("t_ent_colleague", "enterprise", enterprise=world.ent_xihu)
    services.evaluate_items(actor=world.user("city"), items=[item])
    listed = set(Eligibility.objects.filter(item=item, result=True).values_list("enterprise_id", flat=True))
    assert world.ent_xihu.pk in listed and world.ent_xiaoshan.pk not in listed
    assert not Notification.objects.filter(kind="policy_benefit").exists()  # nothing before publishing
    dept = api.as_user(world.user("department"))
    assert dept.post(f"/api/v1/policy-items/{item.pk}/publish/").json()["notified"] == len(listed)
    sent = Notification.objects.filter(kind="policy_benefit")
    assert {n.recipient_id for n in sent} == {world.user("enterprise").pk, colleague.pk}
    assert all(n.recipient.enterprise_id in listed for n in sent)
    assert item.name in sent.first().text and sent.first().link.endswith("/mine/")
    # Publishing again finds no candidate left: nobody is told twice.
    dept.post(f"/api/v1/policy-items/{item.pk}/publish/")
    assert Notification.objects.filter(kind="policy_benefit").count() == 2
    # The firm sees it in its inbox.
    inbox = api.as_user(world.user("enterprise")).get("/api/v1/notifications/")
    assert inbox.status_code == 200 and "policy_benefit" in inbox.content.decode()
