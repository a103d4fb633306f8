"""The engine on arrays: every threshold of every shipped rule set exactly at, just below and just above its
bound, for every rule kind (gates, point bands, routes, exclusions), with conditions and missing figures."""

import math

import numpy as np
import pytest

from industry_brain.cultivation import engine
from industry_brain.cultivation.rules_data import RULE_SETS

EPS = 0.01


def rule(**kw):
    spec = {"code": "R", "indicator": "r", "kind": "gate", "figure": "x", **kw}
    spec["bands"] = tuple(tuple(b) for b in spec.get("bands", ()))
    spec["applies_if"] = tuple(tuple(c) for c in spec.get("applies_if", ()))
    return engine.Rule(**{k: v for k, v in spec.items() if k in engine.Rule.__dataclass_fields__})


def shipped(kind):
    for rs in RULE_SETS:
        for r in rs["rules"]:
            if r["kind"] == kind:
                yield pytest.param(rs, r, id=f"{rs['tier']}-{rs['version']}-{r['code']}")


def expected(op, v, t, inclusive=True):
    return {">=": v >= t if inclusive else v > t, ">": v > t, "<=": v <= t, "<": v < t}[op]


@pytest.mark.parametrize("rs,spec", list(shipped("gate")) + list(shipped("route")) + list(shipped("exclusion")))
def test_every_shipped_threshold_at_below_and_above_its_bound(rs, spec):
    r = rule(**spec)
    if r.figure == "score":
        pytest.skip("the score gate is tested with its indicators below")
    if r.operator in ("true", "false"):
        values = [1.0, 0.0]
        wanted = [r.operator == "true", r.operator == "false"]
    else:
        t = r.threshold
        values = [t, t - EPS, t + EPS]
        wanted = [expected(r.operator, v, t, r.inclusive) for v in values]
    n = len(values)
    frame = {r.figure: np.array(values)}
    # conditions of `applies_if` met for every firm
    for fig, op, t in r.applies_if:
        frame[fig] = np.full(n, 1.0 if op == "true" else 0.0 if op == "false" else
                             (t if op in (">=", "<=") else (t + 1 if op == ">" else t - 1)))
    r = engine.Rule(**{**r.__dict__, "group": "", "kind": r.kind, "application_type": "any"})
    res = engine.evaluate([r], frame, n)
    if r.kind == "gate":
        assert res.eligible.tolist() == [1 if w else 0 for w in wanted], (r.code, values)
        for k, w in enumerate(wanted):
            assert bool(res.failed_mask[k] & 1) == (not w)
    elif r.kind == "exclusion":
        assert res.excluded.tolist() == wanted
    else:  # a route alone: holds or not (status per firm)
        assert [s == 1 for s in res.status[0].tolist()] == wanted


@pytest.mark.parametrize("rs,spec", list(shipped("score")))
def test_every_shipped_point_band_at_below_and_above_its_bound(rs, spec):
    r = rule(**{**spec, "group": ""})
    bands = list(r.bands)
    for k, (bound, points) in enumerate(bands):
        lower_points = bands[k + 1][1] if k + 1 < len(bands) else 0
        step = -EPS if r.direction == "higher" else EPS
        values = np.array([bound, bound + step, bound - step])
        pts = engine._points(r, values).tolist()
        at = points if r.inclusive else lower_points
        assert pts[0] == at, (r.code, bound)
        assert pts[1] == lower_points, (r.code, bound)
        assert pts[2] == points, (r.code, bound)


def test_a_missing_figure_is_unknown_never_a_fail():
    r = rule(operator=">=", threshold=3)
    res = engine.evaluate([r], {"x": np.array([np.nan, 2.0, 3.0])}, 3)
    assert res.eligible.tolist() == [-1, 0, 1]
    assert res.missing_mask.tolist() == [1, 0, 0]


def test_a_route_satisfies_its_group_and_an_unreported_route_is_not_taken():
    gate = rule(code="G", operator=">=", threshold=1000, group="revenue")
    route = rule(code="D", kind="route", figure="y", operator=">=", threshold=2000, group="revenue")
    frame = {"x": np.array([500, 500, 500, 1500.0]), "y": np.array([2000, 1999, np.nan, np.nan])}
    res = engine.evaluate([gate, route], frame, 4)
    assert res.eligible.tolist() == [1, 0, 0, 1]
    assert res.route_mask.tolist() == [2, 0, 0, 0]  # the route counted only where it was needed


def test_conditional_gates_apply_by_revenue_band():
    a = rule(code="A", figure="rd", operator=">=", threshold=3, applies_if=[["revenue", ">=", 10000]])
    b = rule(code="B", figure="rd", operator=">=", threshold=6, applies_if=[["revenue", ">=", 5000],
                                                                           ["revenue", "<", 10000]])
    frame = {"revenue": np.array([10000, 9999.99, 9999.99, np.nan, np.nan]),
             "rd": np.array([3.0, 5.99, 6.0, 7.0, 2.0])}
    res = engine.evaluate([a, b], frame, 5)
    # unknown revenue: 7 % meets either band's bound, 2 % might fail the one that applies
    assert res.eligible.tolist() == [1, 0, 1, 1, -1]


def test_exclusion_beats_every_pass_and_applies_only_to_its_application_type():
    gate = rule(code="G", operator=">=", threshold=1)
    excl = rule(code="X", kind="exclusion", figure="sc", operator="true", application_type="new")
    frame = {"x": np.array([5.0, 5.0]), "sc": np.array([1.0, 0.0])}
    assert engine.evaluate([gate, excl], frame, 2, "new").eligible.tolist() == [0, 1]
    assert engine.evaluate([gate, excl], frame, 2, "review").eligible.tolist() == [1, 1]


def test_score_gate_is_decided_only_when_missing_points_cannot_change_it():
    s1 = rule(code="S1", kind="score", figure="a", bands=[[10, 40], [5, 20]], max_points=40)
    s2 = rule(code="S2", kind="score", figure="b", bands=[[1, 30]], max_points=30)
    gate = rule(code="G", figure="score", operator=">=", threshold=60)
    frame = {"a": np.array([10, 10, 5, 10.0]), "b": np.array([1, np.nan, np.nan, 0])}
    res = engine.evaluate([s1, s2, gate], frame, 4)
    assert res.score.tolist() == [70, 40, 20, 40]
    # 70 ≥ 60 passes; 40 + 30 missing could reach 60 → unknown; 20 + 30 < 60 fails; 40 with nothing missing fails
    assert res.eligible.tolist() == [1, -1, 0, 0]


def test_better_of_group_takes_the_higher_band():
    a = rule(code="A", kind="score", figure="amount", bands=[[500, 10], [100, 2]], group="best:rd", max_points=10)
    b = rule(code="B", kind="score", figure="ratio", bands=[[10, 10], [3, 2]], group="best:rd", max_points=10)
    res = engine.evaluate([a, b], {"amount": np.array([500, 100.0]), "ratio": np.array([3, 10.0])}, 2)
    assert res.score.tolist() == [10, 10]


def test_a_rule_set_without_criteria_decides_nothing():
    res = engine.evaluate([], {}, 3)
    assert res.eligible.tolist() == [-1, -1, -1]


def test_nearness_sums_relative_gaps_of_failing_gates():
    g1 = rule(code="A", operator=">=", threshold=3.0)
    g2 = rule(code="B", figure="d", operator="<=", threshold=70)
    res = engine.evaluate([g1, g2], {"x": np.array([2.4, 3.0]), "d": np.array([77.0, 70])}, 2)
    assert math.isclose(res.nearness[0], 0.2 + 0.1)
    assert res.failed.tolist() == [2, 0]
