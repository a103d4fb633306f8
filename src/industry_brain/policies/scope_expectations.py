"""Scope expectations of the policies routes for the meta-test (tests/test_scope_matrix.py, docs/scope.md).

The world: a policy of `department` whose item covers above-scale firms in 西湖, evaluated, so that ent_xihu has
a standing. City sees all; the issuing department its policy's standings; 西湖's bureau its firms; the chain team
and the cadre read their firm's; the firm its own; the others get 404. Each workflow step is tried from the status
that allows it (reset before each role's request)."""

import datetime as dt

from industry_brain.testing.scope_matrix import case


def pw(w):
    """The policy world, built once per scope world."""
    if getattr(w, "_policy_world", None) is None:
        from industry_brain.policies import services
        from industry_brain.policies.models import Eligibility, LedgerEntry, Policy, PolicyItem

        w.demand  # noqa: B018  (routes a demand of ent_xihu to the department: its registry view of the firm)
        policy = Policy.objects.create(name="范围测试政策", department=w.department, published_on=dt.date(2026, 1, 1))
        item = PolicyItem.objects.create(policy=policy, code="SCOPE-1", name="范围测试事项", kind="award",
                                         budget_year=dt.date.today().year)
        services.version_create(actor=w.user("city"), item=item, effective_from=dt.date(2022, 1, 1),
                                conditions={"all": [{"var": "is_above_scale", "op": "is_true"},
                                                    {"var": "district", "op": "==", "value": "330106"}]},
                                amount={"fixed": 12})
        services.evaluate_items(actor=w.user("city"), items=[item])
        standing = Eligibility.objects.get(item=item, enterprise=w.ent_xihu)
        entry = LedgerEntry.objects.create(year=2022, month=3, kind="cash_refund", amount=900, district_id="330106",
                                           department=w.department, source="import")
        w._policy_world = {"policy": policy, "item": item, "standing": standing, "entry": entry}
    return w._policy_world


def at(status, **extra):
    def kwargs(w):
        from industry_brain.policies.models import Eligibility

        s = pw(w)["standing"]
        Eligibility.objects.filter(pk=s.pk).update(status=status, **extra)
        return {"pk": s.pk}
    return kwargs


def item_pk(w):
    return {"pk": pw(w)["item"].pk}


def setup(w):
    return pw(w)


OUTSIDERS = {"district_other": 404, "department_other": 404, "enterprise_other": 404}
READERS = {"city": 200, "district": 200, "department": 200, "chain_team": 200, "cadre": 200, "enterprise": 200}


def step(status, *, who: str, data=None, ok=200):
    """A workflow step from the status that allows it: the one who takes it succeeds, other readers get 403,
    those who cannot see the standing 404."""
    expect = {**{r: 403 for r in READERS}, **OUTSIDERS, who: ok}
    if who == "department":
        expect["city"] = ok  # the city bureau acts for every issuer
    return case("post", kwargs=at(status), data=data or {}, **expect)


EXPECTATIONS = {
    # pages
    "policies:item_list": case(setup=setup, everyone=200),
    "policies:my_policies": case(setup=setup, everyone=404, enterprise=200, enterprise_other=200),
    "policies:policy_detail": case(kwargs=lambda w: {"pk": pw(w)["policy"].pk}, everyone=200),
    "policies:item_detail": [
        case(kwargs=item_pk, everyone=200),
        case("post", kwargs=item_pk, data={"action": "evaluate"}, everyone=403, city=302, department=302),
    ],
    "policies:item_edit": [
        case(kwargs=item_pk, everyone=404, city=200, department=200),
        case("post", kwargs=item_pk, data={}, everyone=404, city=400, department=400),
    ],
    "policies:eligibility_detail": [
        case(kwargs=at("notified"), **READERS, **OUTSIDERS),
        case("post", kwargs=at("notified"), data={"step": "decline"}, **{**{r: 403 for r in READERS}, **OUTSIDERS,
                                                                               "enterprise": 302}),
    ],
    "policies:ledger": case(setup=setup, everyone=200),
    "policies:ledger_import": [
        case(everyone=403, city=200, department=200, department_other=200),
        case("post", data={}, everyone=403, city=400, department=400, department_other=400),
    ],
    # API: catalogue
    "policy-list": [case(setup=setup, everyone=200),
                    case("post", data={"name": "新政策"}, everyone=400, enterprise=400)],
    "policy-detail": case(kwargs=lambda w: {"pk": pw(w)["policy"].pk}, everyone=200),
    "policy-item-list": [case(setup=setup, everyone=200), case("post", data={}, everyone=400)],
    "policy-item-detail": case(kwargs=item_pk, everyone=200),
    "policy-item-versions": [case(kwargs=item_pk, everyone=200),
                             case("post", kwargs=item_pk, data={}, everyone=403, city=400, department=400)],
    "policy-item-metrics": case(kwargs=item_pk, everyone=200),
    "policy-item-evaluate": case("post", kwargs=item_pk, everyone=403, city=200, department=200),
    "policy-item-publish": case("post", kwargs=item_pk, everyone=403, city=200, department=200),
    "policy-metrics": case(setup=setup, everyone=200),
    # API: standings and the workflow
    "policy-eligibility-list": case(setup=setup, everyone=200),
    "policy-eligibility-detail": case(kwargs=at("candidate"), **READERS, **OUTSIDERS),
    "policy-eligibility-publish": step("candidate", who="department"),
    "policy-eligibility-confirm": step("notified", who="enterprise",
                                       data={"bank_name": "工商银行", "bank_account": "6222000011112222"}),
    "policy-eligibility-decline": step("notified", who="enterprise", data={"reason": "不需要"}),
    "policy-eligibility-approve": step("confirmed", who="department"),
    "policy-eligibility-pay": step("payable", who="department"),
    "policy-eligibility-hold": step("payable", who="department", data={"reason": "账户异常"}),
    "policy-eligibility-release": step("held", who="department"),
    "policy-eligibility-clawback": case("post", kwargs=at("paid", paid_amount=12), data={"reason": "重复享受"},
                                        **{**{r: 403 for r in READERS}, **OUTSIDERS, "city": 200,
                                           "department": 200}),
    "policy-eligibility-supply": step("candidate", who="enterprise", data={"values": {}}, ok=409),
    # API: the ledger
    "burden-reduction-list": case(setup=setup, everyone=200),
    "burden-reduction-detail": case(kwargs=lambda w: {"pk": pw(w)["entry"].pk}, everyone=404, city=200,
                                    district=200, department=200),
    "burden-reduction-summary": case(setup=setup, everyone=200),
    # a JSON body to the multipart upload: 415 for those who may import, 403 for the others
    "burden-reduction-import": case("post", data={}, everyone=403, city=415, department=415, department_other=415),
}
