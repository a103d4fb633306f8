"""The LP engine against the reference's example C (exact), the AND/OR pre-screen, unbounded and infeasible cases,
and one LP of independent blocks against one LP per firm."""

import numpy as np
import pytest

from industry_brain.supply import engine

from .helpers import EXAMPLE_C_EXPECTED, example_c_payload


def test_example_c_gives_the_reference_numbers_exactly():
    p = example_c_payload()
    results = {r["scenario"]: r for r in engine.analyse(p["nodes"], p["links"], p["scenarios"])}
    for node, (pi, rei, tts) in EXAMPLE_C_EXPECTED.items():
        r = results[node]
        assert r["pi"] == pytest.approx(pi, abs=1e-7), node
        assert r["rei"] == pytest.approx(rei, abs=1e-7), node
        assert r["tts"] == pytest.approx(tts, abs=1e-7), node
        assert r["tts_capped"] is False
    # Flags: TTS < TTR for P, C, A1, B; A2 survives its recovery.
    ttr = {s["id"]: s["periods"] for s in p["scenarios"]}
    assert {k for k, r in results.items() if r["tts"] < ttr[k]} == {"P", "C", "A1", "B"}
    assert results["A1"]["lost_units"] == {"P": pytest.approx(40)}


def test_and_or_break_points_of_example_c_include_the_single_source_on_an_and_branch():
    p = example_c_payload()
    net = engine.Network.build(p["nodes"], p["links"])
    breaks = engine.structural_breaks(net.n, net.sup.tolist(), net.cus.tolist(), net.mat.tolist())
    named = {net.ids[i]: {net.ids[j] for j in s} for i, s in enumerate(breaks)}
    assert named["P"] == {"P", "C", "B"}  # removing P, C or B stops P; A1 and A2 back each other up
    assert named["C"] == {"C", "B"}
    assert named["A1"] == {"A1"}


def test_dual_sourcing_on_every_branch_leaves_no_break_point_but_the_firm():
    nodes = [{"id": x} for x in ("P", "S1", "S2", "T1", "T2")]
    links = [{"supplier": "S1", "customer": "P", "material": "s", "per_unit": 1},
             {"supplier": "S2", "customer": "P", "material": "s", "per_unit": 1},
             {"supplier": "T1", "customer": "P", "material": "t", "per_unit": 1},
             {"supplier": "T2", "customer": "P", "material": "t", "per_unit": 1}]
    net = engine.Network.build(nodes, links)
    breaks = engine.structural_breaks(net.n, net.sup.tolist(), net.cus.tolist(), net.mat.tolist())
    assert {net.ids[j] for j in breaks[0]} == {"P"}
    # Remove the second T supplier: T1 becomes a single source on an AND branch.
    net = engine.Network.build(nodes, links[:3])
    breaks = engine.structural_breaks(net.n, net.sup.tolist(), net.cus.tolist(), net.mat.tolist())
    assert {net.ids[j] for j in breaks[0]} == {"P", "T1"}


def test_unbounded_tts_is_reported_at_the_cap():
    p = example_c_payload(cap=50)
    nodes = p["nodes"]
    nodes[2]["capacity"] = None  # A1 unlimited: losing A2 never binds
    results = {r["scenario"]: r for r in engine.analyse(nodes, p["links"], p["scenarios"], tts_cap=50)}
    assert results["A2"]["tts"] == 50 and results["A2"]["tts_capped"] is True
    assert results["B"]["tts_capped"] is False


def test_infeasible_input_is_reported_not_crashed():
    # Negative stock cannot be met by a node with no capacity: HiGHS answers "Infeasible".
    net = engine.Network.build([{"id": "A", "capacity": 0, "inventory": -5}, {"id": "P", "demand": 1}],
                               [{"supplier": "A", "customer": "P", "material": "a", "per_unit": 1}])
    with pytest.raises(engine.SolveError) as err:
        engine.solve_pi(net, {}, 1.0)
    assert "nfeasible" in err.value.status


def test_partial_loss_scales_the_surviving_capacity():
    # A single supplier at half capacity: P needs 10/day, A makes 8/day → 4/day after a 50 % loss.
    net = engine.Network.build([{"id": "A", "capacity": 8}, {"id": "P", "demand": 10, "unit_value": 1}],
                               [{"supplier": "A", "customer": "P", "material": "a", "per_unit": 1}])
    pi = engine.solve_pi(net, {0: 0.5}, 10.0)
    assert pi.pi == pytest.approx(60.0)


def test_one_lp_of_blocks_equals_one_lp_per_firm():
    rng = np.random.default_rng(7)
    nodes = [{"id": f"x{i}", "capacity": float(rng.integers(20, 60)), "inventory": float(rng.integers(0, 40))}
             for i in range(8)]
    nodes += [{"id": f"f{i}", "capacity": 100.0, "inventory": float(rng.integers(0, 30)), "demand": 10.0 + i,
               "unit_value": 1.0} for i in range(6)]
    links = []
    for i in range(6):
        for m in range(2):
            for s in rng.choice(8, size=2, replace=False):
                links.append({"supplier": f"x{s}", "customer": f"f{i}", "material": f"m{m}", "per_unit": 1.0})
    net = engine.Network.build(nodes, links)
    down = {0: 1.0, 3: 1.0}
    firms = [net.ids.index(f"f{i}") for i in range(6)]
    blocks = [engine.TtsBlock(net.upstream([j]), np.array([j])) for j in firms]
    together = engine.solve_tts(net, down, blocks, cap=100)
    alone = [engine.solve_tts(net, down, [b], cap=100).tts[0] for b in blocks]
    assert together.tts == pytest.approx(np.array(alone), abs=1e-6)


def test_firms_skipped_as_covered_are_exactly_capped_by_the_lp():
    rng = np.random.default_rng(11)
    nodes = [{"id": f"x{i}", "capacity": float(rng.integers(5, 60))} for i in range(10)]
    nodes += [{"id": f"f{i}", "capacity": 100.0, "inventory": 5.0, "demand": 10.0, "unit_value": 1.0}
              for i in range(12)]
    links = []
    for i in range(12):
        for m in range(2):
            for s in rng.choice(10, size=int(rng.integers(1, 4)), replace=False):
                links.append({"supplier": f"x{s}", "customer": f"f{i}", "material": f"m{m}", "per_unit": 1.0,
                              "cap": float(rng.integers(3, 15))})
    net = engine.Network.build(nodes, links)
    down = {0: 1.0, 1: 1.0}
    firms = [net.ids.index(f"f{i}") for i in range(12)]
    covered = engine.covered_by_safe_sources(net, down, firms)
    lp = engine.solve_tts(net, down, [engine.TtsBlock(net.upstream([j]), np.array([j])) for j in firms], cap=500)
    assert covered == {j for j, c in zip(firms, lp.capped, strict=True) if c}
    assert 0 < len(covered) < len(firms)


def _layered_network(seed: int):
    """Sources and firms in layers; firms buy one material from sources and one from firms of lower layers, so
    some upstreams are trees and some reach a node twice (a shared supplier); capacities partly unlimited, links
    partly uncapped, stocks everywhere."""
    rng = np.random.default_rng(seed)
    nodes = [{"id": f"x{i}", "capacity": None if i % 5 == 0 else float(rng.integers(5, 40)),
              "inventory": float(rng.integers(0, 60))} for i in range(14)]
    nodes += [{"id": f"f{i}", "capacity": float(rng.integers(20, 80)), "inventory": float(rng.integers(0, 40)),
               "demand": float(rng.integers(5, 15)), "unit_value": 1.0} for i in range(12)]
    links = []
    for i in range(12):
        for s in rng.choice(14, size=int(rng.integers(1, 3)), replace=False):
            links.append({"supplier": f"x{s}", "customer": f"f{i}", "material": "raw", "per_unit": 1.0,
                          "cap": None if rng.random() < 0.3 else float(rng.integers(3, 20))})
        if i >= 3:
            for k in rng.choice(i, size=int(rng.integers(1, 3)), replace=False):
                links.append({"supplier": f"f{k}", "customer": f"f{i}", "material": "part",
                              "per_unit": float(rng.choice([0.5, 1, 2])), "cap": float(rng.integers(5, 30))})
    return engine.Network.build(nodes, links)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_recursion_on_trees_and_lp_on_shared_upstreams_equal_one_lp_per_firm(seed):
    net = _layered_network(seed)
    down = {net.ids.index("x1"): 1.0, net.ids.index("x2"): 1.0, net.ids.index("f0"): 0.5}
    firms = [net.ids.index(f"f{i}") for i in range(12)]
    fast = engine.tts_by_blocks(net, down, firms, cap=300)
    assert fast.tree.any() and (~fast.tree).any()  # both paths are exercised
    for k, j in enumerate(firms):
        lp = engine.solve_tts(net, down, [engine.TtsBlock(net.upstream([j]), np.array([j]))], cap=300)
        assert fast.tts[k] == pytest.approx(lp.tts[0], abs=1e-6), net.ids[j]
        assert bool(fast.capped[k]) is bool(lp.capped[0])


def test_recursion_gives_example_c_per_disrupted_node():
    p = example_c_payload()
    net = engine.Network.build(p["nodes"], p["links"])
    product = net.ids.index("P")
    for node, (_pi, _rei, tts) in EXAMPLE_C_EXPECTED.items():
        r = engine.tts_by_blocks(net, {net.ids.index(node): 1.0}, [product])
        assert r.tree[0]  # example C is a tree: the LP is not used
        assert r.tts[0] == pytest.approx(tts, abs=1e-7), node
