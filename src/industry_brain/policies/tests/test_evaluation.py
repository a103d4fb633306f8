"""Evaluation over the registry: crafted firms, snapshots with traces, unknown routed to the short form, the
pay-the-higher rule, versions by effective date and the stored test cases of every rule."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from industry_brain.enterprises.models import Recognition, YearlyFigures
from industry_brain.policies import rules, services
from industry_brain.policies.models import Eligibility, EnterpriseFact, FactList, RuleVersion
from industry_brain.testing import make_enterprise

from .helpers import ABOVE_SCALE, make_item

pytestmark = pytest.mark.django_db
LAST_YEAR = timezone.localdate().year - 1


def _figures(ent, **values):
    YearlyFigures.objects.update_or_create(enterprise=ent, year=LAST_YEAR, defaults={
        "revenue": 10000, "main_revenue": 9000, "rd_expense": 400, "employees": 100, **values})


def test_a_crafted_firm_appears_with_its_trace_figure_year_and_source(world):
    ent = make_enterprise("杭州规上研发有限公司")
    _figures(ent, revenue=10000, main_revenue=9000, rd_expense=500)  # 5.00 %
    item = make_item(world, conditions={"all": [ABOVE_SCALE, {"var": "rd_intensity", "op": ">=", "value": 5}]},
                     amount={"tiers": {"var": "rd_intensity", "steps": [[3, 10], [5, 30]]}})
    counts = services.evaluate_items(actor=world.user("city"), items=[item])
    row = Eligibility.objects.get(item=item, enterprise=ent)
    assert row.result is True and row.amount == Decimal(30) and row.status == "candidate"
    trace = services.eligibility_trace(row)
    rd = next(t for t in trace if t["var"] == "rd_intensity")
    assert rd["passed"] is True and rd["value"] == pytest.approx(5.0) and rd["year"] == LAST_YEAR
    assert "statistics" in rd["source"] or "统计" in rd["source"]
    assert counts[item.pk]["eligible"] >= 1
    assert counts[item.pk]["eligible"] + counts[item.pk]["unknown"] + counts[item.pk]["ineligible"] == \
        world.ent_xihu.__class__.objects.count()


def test_a_firm_just_below_the_bound_is_not_stored_and_one_missing_a_figure_is_unknown(world):
    below = make_enterprise("杭州差一点有限公司")
    _figures(below, revenue=10000, main_revenue=9000, rd_expense=499)  # 4.99 %
    missing = make_enterprise("杭州缺数据有限公司", figures=False)
    item = make_item(world, conditions={"all": [ABOVE_SCALE, {"var": "rd_intensity", "op": ">=", "value": 5}]})
    services.evaluate_items(actor=world.user("city"), items=[item])
    assert not Eligibility.objects.filter(item=item, enterprise=below).exists()
    unknown = Eligibility.objects.get(item=item, enterprise=missing)
    assert unknown.result is None and unknown.missing == ["rd_intensity"]


def test_unknown_goes_to_the_short_form_and_the_declared_figure_decides(world):
    missing = make_enterprise("杭州快申有限公司", figures=False)
    user = world.user("enterprise")
    user.enterprise = missing
    user.save()
    item = make_item(world, conditions={"all": [ABOVE_SCALE, {"var": "employees", "op": ">=", "value": 50}]},
                     mode="quick")
    services.evaluate_items(actor=world.user("city"), items=[item])
    row = Eligibility.objects.get(item=item, enterprise=missing)
    with pytest.raises(ValidationError) as err:
        services.eligibility_supply(actor=user, eligibility=row, values={})
    assert "employees" in err.value.message_dict
    row = services.eligibility_supply(actor=user, eligibility=row, values={"employees": "80"})
    assert row.result is True and row.missing == [] and row.status == "candidate"
    assert row.inputs["employees"][0] == 80.0 and row.inputs["employees"][2] != ""
    assert any(t["var"] == "employees" and t["passed"] for t in services.eligibility_trace(row))


def test_exclusions_from_a_loaded_negative_list(world):
    bad = make_enterprise("杭州失信有限公司")
    good = make_enterprise("杭州守信有限公司")
    item = make_item(world, conditions=ABOVE_SCALE, exclusions=[{"var": "dishonest", "op": "is_true"}])
    services.evaluate_items(actor=world.user("city"), items=[item])
    # No list loaded yet: nobody can be cleared, everyone is unknown (not ineligible)
    assert Eligibility.objects.get(item=item, enterprise=good).result is None
    fl = FactList.objects.create(variable="dishonest", source="市中级人民法院", as_of=dt.date(2026, 1, 1))
    EnterpriseFact.objects.create(fact_list=fl, enterprise=bad)
    services.evaluate_items(actor=world.user("city"), items=[item])
    assert Eligibility.objects.get(item=item, enterprise=good).result is True
    assert not Eligibility.objects.filter(item=item, enterprise=bad).exists()


def test_pay_the_higher_one_never_both(world):
    ent = make_enterprise("杭州双重认定有限公司")
    Recognition.objects.create(enterprise=ent, tier="little_giant", level="national", year=2024)
    Recognition.objects.create(enterprise=ent, tier="specialised", level="provincial", year=2023)
    low = make_item(world, conditions={"var": "tiers", "op": "has", "value": "specialised"}, amount={"fixed": 20},
                    group="tier-award")
    high = make_item(world, conditions={"var": "tiers", "op": "has", "value": "little_giant"},
                     amount={"fixed": 100}, group="tier-award")
    services.evaluate_items(actor=world.user("city"), items=[low, high])
    won = Eligibility.objects.get(item=high, enterprise=ent)
    lost = Eligibility.objects.get(item=low, enterprise=ent)
    assert won.result is True and won.superseded_by is None
    assert lost.result is False and lost.superseded_by == won
    assert services.item_publish(actor=world.user("city"), item=low) == 0
    assert any("就高不重复" in str(t["condition"]) for t in services.eligibility_trace(lost))


def test_a_paid_lower_item_keeps_a_later_higher_one_from_paying_twice(world):
    ent = make_enterprise("杭州先领低档有限公司")
    Recognition.objects.create(enterprise=ent, tier="specialised", level="provincial", year=2023)
    low = make_item(world, conditions={"var": "tiers", "op": "has", "value": "specialised"}, amount={"fixed": 20},
                    group="g2")
    services.evaluate_items(actor=world.user("city"), items=[low])
    Eligibility.objects.filter(item=low, enterprise=ent).update(status="paid")
    Recognition.objects.create(enterprise=ent, tier="little_giant", level="national", year=2025)
    high = make_item(world, conditions={"var": "tiers", "op": "has", "value": "little_giant"},
                     amount={"fixed": 100}, group="g2")
    services.evaluate_items(actor=world.user("city"), items=[high])
    assert Eligibility.objects.get(item=high, enterprise=ent).superseded_by is not None


def test_versions_by_effective_date_and_the_rule_in_force(world):
    item = make_item(world, conditions=ABOVE_SCALE, amount={"fixed": 10}, effective_from=dt.date(2022, 1, 1))
    services.version_create(actor=world.user("city"), item=item, effective_from=dt.date(2025, 1, 1),
                            conditions=ABOVE_SCALE, amount={"fixed": 15})
    v1, v2 = RuleVersion.objects.filter(item=item).order_by("number")
    assert v1.effective_to == dt.date(2024, 12, 31)
    assert item.version_on(dt.date(2024, 6, 1)) == v1 and item.version_on(dt.date(2025, 6, 1)) == v2
    services.evaluate_items(actor=world.user("city"), items=[item], as_of=dt.date(2024, 6, 1))
    assert set(Eligibility.objects.filter(item=item).values_list("amount", flat=True)) == {Decimal(10)}


def test_a_rule_contradicting_its_own_test_case_is_refused(world):
    item = make_item(world, conditions=ABOVE_SCALE)
    with pytest.raises(ValidationError) as err:
        services.version_create(actor=world.user("city"), item=item, effective_from=dt.date(2026, 1, 1),
                                conditions=ABOVE_SCALE, amount={"fixed": 5},
                                tests=[{"name": "规下企业不享受", "inputs": {"is_above_scale": False}, "result": True}])
    assert "tests" in err.value.message_dict
    with pytest.raises(ValidationError):
        services.version_create(actor=world.user("city"), item=item, effective_from=dt.date(2026, 1, 1),
                                conditions={"var": "no_such", "op": "is_true"}, amount={"fixed": 5})


def test_only_the_issuer_evaluates(world):
    item = make_item(world, conditions=ABOVE_SCALE)
    from django.core.exceptions import PermissionDenied

    for role in ("department_other", "district", "enterprise", "chain_team", "cadre"):
        with pytest.raises(PermissionDenied):
            services.evaluate_items(actor=world.user(role), items=[item])
    assert services.evaluate_items(actor=world.user("department"), items=[item])[item.pk]["eligible"] >= 1


def test_reevaluation_keeps_published_snapshots(world):
    ent = make_enterprise("杭州快照有限公司")
    item = make_item(world, conditions=ABOVE_SCALE)
    services.evaluate_items(actor=world.user("city"), items=[item])
    services.item_publish(actor=world.user("city"), item=item)
    row = Eligibility.objects.get(item=item, enterprise=ent)
    ent.is_above_scale = False
    ent.save()
    services.evaluate_items(actor=world.user("city"), items=[item])
    again = Eligibility.objects.get(pk=row.pk)
    assert again.status == "notified" and again.inputs == row.inputs and again.result is True


def test_rules_module_counts_match_the_stored_rows(world):
    for k in range(3):
        make_enterprise(f"杭州计数{k}有限公司")
    item = make_item(world, conditions=ABOVE_SCALE)
    counts = services.evaluate_items(actor=world.user("city"), items=[item])[item.pk]
    assert Eligibility.objects.filter(item=item, result=True).count() == counts["eligible"]
    assert rules.TRUE == 2


@pytest.mark.parametrize("ask_directly", [0, 1_000], ids=["firms-on-record-asked", "all-firms-asked"])
def test_tiers_and_factory_levels_come_from_the_cultivation_and_factories_apps(world, monkeypatch, ask_directly):
    from industry_brain.factories.models import FactoryApplication
    from industry_brain.policies import variables

    today = timezone.localdate()
    giant = make_enterprise("杭州在期小巨人有限公司")
    lapsed = make_enterprise("杭州过期小巨人有限公司")
    Recognition.objects.create(enterprise=giant, tier="little_giant", level="national", year=2024)
    Recognition.objects.create(enterprise=lapsed, tier="little_giant", level="national", year=2020,
                               valid_until=today - dt.timedelta(days=1))
    future = make_enterprise("杭州未来工厂有限公司")
    workshop = make_enterprise("杭州数字化车间有限公司")
    applied = make_enterprise("杭州申报中工厂有限公司")
    for ent, level, status in [(future, "future_factory", "recognised"), (future, "digital_workshop", "recognised"),
                               (workshop, "digital_workshop", "recognised"), (applied, "future_factory", "submitted")]:
        FactoryApplication.objects.create(enterprise=ent, level=level, year=2025, status=status)
    monkeypatch.setattr(variables, "SELECTOR_CHUNK", 2)  # several selector calls, aligned on the same ids
    monkeypatch.setattr(variables, "ASK_DIRECTLY", ask_directly)
    tier_item = make_item(world, conditions={"var": "tiers", "op": "has", "value": "little_giant"})
    factory_item = make_item(world, conditions={"var": "factory_level", "op": "in",
                                                "value": ["future_factory", "smart_factory"]},
                             amount={"tiers": {"var": "factory_level", "map": {"future_factory": 100,
                                                                               "smart_factory": 30}}})
    services.evaluate_items(actor=world.user("city"), items=[tier_item, factory_item])
    tiered = set(Eligibility.objects.filter(item=tier_item, result=True).values_list("enterprise_id", flat=True))
    assert giant.pk in tiered and lapsed.pk not in tiered
    row = Eligibility.objects.get(item=factory_item, enterprise=future)
    assert row.result is True and row.amount == 100 and row.inputs["factory_level"][0] == "future_factory"
    assert not Eligibility.objects.filter(item=factory_item, enterprise__in=[workshop, applied]).exists()
    # The firm's own page reads the same selectors.
    outcome = services.evaluate_for_enterprise(enterprise=giant, items=[tier_item])[0][2]
    assert outcome["result"] is True
    assert services.evaluate_for_enterprise(enterprise=lapsed, items=[tier_item])[0][2]["result"] is False


def test_snapshots_built_a_column_at_a_time_equal_the_per_firm_ones(world):
    import numpy as np

    from industry_brain.policies.variables import VARIABLES, load_columns

    giant = make_enterprise("杭州快照小巨人有限公司")
    Recognition.objects.create(enterprise=giant, tier="little_giant", level="national", year=2024)
    _figures(giant, rd_expense=0)
    make_enterprise("杭州无数据有限公司", figures=False)
    EnterpriseFact.objects.create(fact_list=FactList.objects.create(variable="dishonest", source="法院",
                                                                    as_of=timezone.localdate()), enterprise=giant)
    names = sorted(VARIABLES)
    columns = load_columns(names, as_of=timezone.localdate(), fiscal_year=LAST_YEAR)
    idx = np.arange(columns.n)
    assert columns.n >= 3
    assert columns.inputs_rows(idx, names) == [columns.inputs_at(i, names) for i in idx.tolist()]
