"""The three-valued evaluator: every rule kind at its bounds, unknown vs false, exclusions, dated parameters,
tier tables, and the set-based evaluation agreeing with the per-firm one."""

import datetime as dt
from decimal import Decimal

import numpy as np
import pytest

from industry_brain.policies import rules
from industry_brain.policies.variables import VARIABLES

ON = dt.date(2026, 6, 1)


def one(conditions, values, exclusions=(), amount=None, params=None, on=ON):
    return rules.evaluate_one(conditions=conditions, exclusions=list(exclusions), amount=amount or {"fixed": 10},
                              params=params or {}, values=values, on=on)


@pytest.mark.parametrize("op,bound,value,expected", [
    (">=", 2000, 2000, True), (">=", 2000, 1999.99, False), (">", 2000, 2000, False), (">", 2000, 2000.01, True),
    ("<=", 100, 100, True), ("<=", 100, 100.5, False), ("<", 100, 99, True), ("<", 100, 100, False),
    ("==", 5, 5, True), ("!=", 5, 5, False),
])
def test_numeric_comparisons_at_their_bounds(op, bound, value, expected):
    assert one({"var": "revenue", "op": op, "value": bound}, {"revenue": value})["result"] is expected


def test_a_missing_figure_is_unknown_never_false_and_is_listed():
    out = one({"all": [{"var": "is_above_scale", "op": "is_true"}, {"var": "rd_intensity", "op": ">=", "value": 3}]},
              {"is_above_scale": True, "rd_intensity": None})
    assert out["result"] is None
    assert out["missing"] == ["rd_intensity"]
    assert [t["passed"] for t in out["trace"]] == [True, None]


def test_false_wins_over_unknown_in_and_true_wins_in_or():
    cond_and = {"all": [{"var": "revenue", "op": ">=", "value": 100}, {"var": "employees", "op": ">=", "value": 10}]}
    assert one(cond_and, {"revenue": 50, "employees": None})["result"] is False
    cond_or = {"any": [{"var": "revenue", "op": ">=", "value": 100}, {"var": "employees", "op": ">=", "value": 10}]}
    assert one(cond_or, {"revenue": None, "employees": 12})["result"] is True
    assert one(cond_or, {"revenue": None, "employees": 5})["result"] is None


def test_codes_sets_and_booleans():
    assert one({"var": "industry", "op": "in", "value": ["39", "40"]}, {"industry": "39"})["result"] is True
    assert one({"var": "industry", "op": "not_in", "value": ["39"]}, {"industry": "39"})["result"] is False
    assert one({"var": "tiers", "op": "has", "value": "little_giant"},
               {"tiers": frozenset({"little_giant"})})["result"] is True
    assert one({"var": "tiers", "op": "has", "value": "little_giant"}, {"tiers": frozenset()})["result"] is False
    assert one({"var": "is_small_micro", "op": "is_false"}, {"is_small_micro": False})["result"] is True


def test_an_exclusion_that_holds_makes_it_false_one_that_cannot_be_checked_keeps_it_unknown():
    cond = {"var": "is_above_scale", "op": "is_true"}
    excl = [{"var": "dishonest", "op": "is_true"}]
    assert one(cond, {"is_above_scale": True, "dishonest": True}, excl)["result"] is False
    assert one(cond, {"is_above_scale": True, "dishonest": False}, excl)["result"] is True
    unknown = one(cond, {"is_above_scale": True, "dishonest": None}, excl)
    assert unknown["result"] is None and unknown["missing"] == ["dishonest"]


def test_dated_parameters_choose_the_value_in_force():
    params = {"award": [{"from": "2022-01-01", "value": 20}, {"from": "2025-01-01", "value": 30}]}
    amount = {"fixed": {"param": "award"}}
    cond = {"var": "is_above_scale", "op": "is_true"}
    assert one(cond, {"is_above_scale": True}, amount=amount, params=params, on=dt.date(2024, 12, 31))["amount"] \
        == Decimal(20)
    assert one(cond, {"is_above_scale": True}, amount=amount, params=params, on=dt.date(2025, 1, 1))["amount"] \
        == Decimal(30)
    with pytest.raises(rules.RuleError):
        one(cond, {"is_above_scale": True}, amount=amount, params=params, on=dt.date(2021, 1, 1))


def test_tier_tables_by_step_and_by_level_and_rates_with_a_cap():
    steps = {"tiers": {"var": "rd_intensity", "steps": [[3, 10], [5, 20], [8, 50]]}}
    cond = {"var": "rd_intensity", "op": ">=", "value": 3}
    assert one(cond, {"rd_intensity": 4.99}, amount=steps)["amount"] == Decimal(10)
    assert one(cond, {"rd_intensity": 5}, amount=steps)["amount"] == Decimal(20)
    assert one(cond, {"rd_intensity": 9}, amount=steps)["amount"] == Decimal(50)
    levels = {"tiers": {"var": "factory_level", "map": {"future_factory": 100, "smart_factory": 30}}}
    assert one({"var": "factory_level", "op": "in", "value": ["future_factory", "smart_factory"]},
               {"factory_level": "smart_factory"}, amount=levels)["amount"] == Decimal(30)
    rate = {"rate": {"var": "monthly_rent", "per": 3, "cap": 10}}
    assert one({"var": "state_lease_tenant", "op": "is_true"}, {"state_lease_tenant": True, "monthly_rent": 2},
               amount=rate)["amount"] == Decimal("6.00")
    assert one({"var": "state_lease_tenant", "op": "is_true"}, {"state_lease_tenant": True, "monthly_rent": 5},
               amount=rate)["amount"] == Decimal("10")


def test_eligible_but_the_amounts_figure_missing_is_unknown():
    rate = {"rate": {"var": "monthly_rent", "per": 3}}
    out = one({"var": "state_lease_tenant", "op": "is_true"}, {"state_lease_tenant": True, "monthly_rent": None},
              amount=rate)
    assert out["result"] is None and out["missing"] == ["monthly_rent"]


def test_validation_names_unknown_variables_operators_and_parameters():
    errors = rules.validate_rule(conditions={"all": [{"var": "nope", "op": ">="}, {"var": "revenue", "op": "~"}]},
                                 exclusions=[], amount={"fixed": {"param": "x"}}, params={})
    assert any("nope" in e for e in errors) and any("'~'" in e for e in errors)
    assert rules.validate_rule(conditions={"var": "revenue", "op": ">=", "value": {"param": "t"}}, exclusions=[],
                               amount={"fixed": 1}, params={})


def test_set_based_evaluation_agrees_with_the_per_firm_one():
    rng = np.random.default_rng(7)
    n = 400
    revenue = rng.uniform(0, 5000, n)
    revenue[rng.random(n) < 0.15] = np.nan
    rd = rng.uniform(0, 10, n)
    rd[rng.random(n) < 0.1] = np.nan
    dishonest = (rng.random(n) < 0.1).astype(float)
    dishonest[rng.random(n) < 0.05] = np.nan
    industry = np.array([["39", "40", "27", None][k] for k in rng.integers(0, 4, n)], dtype=object)
    tiers = np.array([frozenset({"specialised"}) if x < 0.3 else frozenset() for x in rng.random(n)], dtype=object)
    cols = {"revenue": revenue, "rd_intensity": rd, "dishonest": dishonest, "industry": industry, "tiers": tiers}
    conditions = {"all": [{"any": [{"var": "revenue", "op": ">=", "value": 2000},
                                   {"var": "tiers", "op": "has", "value": "specialised"}]},
                          {"var": "industry", "op": "in", "value": ["39", "40"]},
                          {"var": "rd_intensity", "op": ">=", "value": 3}]}
    exclusions = [{"var": "dishonest", "op": "is_true"}]
    amount = {"tiers": {"var": "rd_intensity", "steps": [[3, 10], [6, 25]]}}
    code, money = rules.evaluate_columns(conditions=conditions, exclusions=exclusions, amount=amount, params={},
                                         cols=cols, n=n, on=ON)
    for i in range(n):
        values = {k: (None if isinstance(v[i], float) and np.isnan(v[i]) else v[i]) for k, v in cols.items()}
        values["dishonest"] = None if values["dishonest"] is None else bool(values["dishonest"])
        got = one(conditions, values, exclusions, amount)
        assert rules.to_py(int(code[i])) is got["result"], i
        if got["result"] is True:
            assert float(got["amount"]) == money[i]
    assert {0, 1, 2} <= set(code.tolist())  # every outcome occurs


def test_every_variable_has_a_label_a_source_and_a_kind():
    for v in VARIABLES.values():
        assert str(v.label) and str(v.source) and v.kind in {"number", "bool", "code", "set"}
