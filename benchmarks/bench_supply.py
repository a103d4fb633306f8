"""Supply-risk benchmark (issue 10, item 11), each row beside a simple baseline measured in the same run:

- structural pre-screen of the demo network (single source, HHI, outside-province-only inputs: one GROUP BY)
  < 1 s, against a Python loop over every link; AND/OR chain-break points of every firm, against one
  reachability test per removed supplier (the O(N·(N+E)) definition, on a sample);
- the two-region scenario "上海、苏州 管控 30 天" end to end (build, solve, store) < 10 s on the demo network, with
  one LP of independent blocks per scenario against one LP per firm; LP rows/columns and solver time as rows;
- TTS of every supplier of the largest chain as single-node scenarios < 60 s, against one LP per firm;
- the scenario page and the results API p95 < 300 ms once run;
- the same two-region scenario on a network ten times larger (about 30,000 local firms, 400,000 links) < 60 s.

    .venv/bin/python benchmarks/run.py --only supply --skip-seed ...   # seeds the supply network itself
    .venv/bin/python benchmarks/bench_supply.py [--database-url URL]    # alone
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import Report, add_timing, api_client, demo_user, guarded, page_client, time_requests  # noqa: E402

SECTION = "supply"
REGIONS = ["310000", "320500"]
SCENARIO_NAME = "上海、苏州 管控 30 天"


def _clear_network() -> None:
    from django.db import connection

    from industry_brain.supply import models as m

    tables = [M._meta.db_table for M in (m.ScenarioResult, m.ScenarioRun, m.Scenario, m.MatchReview, m.SupplyLink,
                                         m.BomLine, m.FirmProfile, m.RecoveryEstimate, m.ExternalFirm)]
    m.Emergency.objects.update(scenario=None)
    m.Scenario.objects.update(last_run=None)
    with connection.cursor() as c:
        for t in tables:
            c.execute(f"DELETE FROM {t}")


def _seed(scale: str, report: Report, label: str) -> dict:
    from industry_brain.core.context import acting_as
    from industry_brain.supply.demo import seed_supply

    users = {u: demo_user(u) for u in ("city_admin", "enterprise_demo", "enterprise_demo2")}
    started = time.perf_counter()
    with acting_as(None, label="bench:seed_supply"):
        out = seed_supply(scale=scale, seed=2022, users=users if scale != "province" else
                          {k: v for k, v in users.items() if k != "city_admin"})
    report.note(SECTION, f"{label}: seeded {out['local']:,} local firms, {out['external']:,} external firms, "
                         f"{out['links']:,} links in {time.perf_counter() - started:.1f} s.")
    return out


def _ensure_demo(report: Report) -> None:
    from industry_brain.supply.models import FirmProfile

    n = FirmProfile.objects.count()
    if not 2000 <= n <= 4000:
        _clear_network()
        _seed("city", report, "Demo network")


def bench_prescreen(report: Report) -> None:
    from industry_brain.supply import engine, selectors
    from industry_brain.supply.models import SupplyLink

    city = demo_user("city_admin")
    started = time.perf_counter()
    summary = selectors.prescreen_summary(user=city)
    sql = time.perf_counter() - started
    # Baseline: every link into Python, grouped and counted there.
    started = time.perf_counter()
    groups: dict = defaultdict(list)
    for se, region, cust, mat, vol in SupplyLink.objects.values_list(
            "supplier_enterprise_id", "supplier_external__region", "customer_id", "material_id", "monthly_volume"):
        groups[(cust, mat)].append((se is not None or (region or "").startswith("33"), float(vol)))
    loop = {"inputs": len(groups), "single_source": sum(1 for g in groups.values() if len(g) == 1),
            "outside_province_only": sum(1 for g in groups.values() if not any(x for x, _v in g))}
    baseline = time.perf_counter() - started
    assert loop["inputs"] == summary["inputs"] and loop["single_source"] == summary["single_source"]
    assert loop["outside_province_only"] == summary["outside_province_only"]
    report.add(SECTION, f"pre-screen of the demo network ({summary['inputs']:,} inputs: single source, HHI, "
                        f"outside-province only)", sql, "s", "< 1 s", sql < 1.0, baseline=baseline,
               baseline_label="Python loop over every link")
    arrays = selectors.network_arrays()
    started = time.perf_counter()
    breaks = engine.structural_breaks(len(arrays["ids"]), arrays["sup"], arrays["cus"], arrays["mat"])
    andor = time.perf_counter() - started
    # Baseline: the definition, one AND/OR producibility test per removed node (sampled, scaled to all nodes).
    n = len(arrays["ids"])
    groups2: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for s, c, m in zip(arrays["sup"], arrays["cus"], arrays["mat"], strict=True):
        groups2[c][m].append(s)
    order = []
    seen: set[int] = set()

    def visit(j: int) -> None:
        stack = [(j, False)]
        while stack:
            x, done = stack.pop()
            if done:
                order.append(x)
                continue
            if x in seen:
                continue
            seen.add(x)
            stack.append((x, True))
            for suppliers in groups2.get(x, {}).values():
                stack.extend((s, False) for s in suppliers if s not in seen)

    for j in range(n):
        visit(j)
    sample = list(range(0, n, max(1, n // 40)))
    started = time.perf_counter()
    for removed in sample:
        ok = [True] * n
        for j in order:
            ok[j] = j != removed and all(any(ok[s] for s in sups) for sups in groups2.get(j, {}).values())
    per_removal = (time.perf_counter() - started) / len(sample)
    report.add(SECTION, f"AND/OR chain-break points of all {n:,} nodes ({sum(len(b) - 1 for b in breaks):,} "
                        f"break points)", andor, "s", "< 1 s", andor < 1.0, baseline=per_removal * n,
               baseline_label=f"one producibility pass per removed node ({len(sample)} timed, × {n:,})")


def _scenario_end_to_end(report: Report, label: str, target_s: float, sample_firms: int) -> None:
    """The two-region scenario through the service (build, solve, store), beside the same run with one TTS LP
    per affected firm (the reference's way: a timed sample of firms, scaled to all of them)."""
    import numpy as np

    from industry_brain.core.context import acting_as
    from industry_brain.supply import engine, services
    from industry_brain.supply.models import Scenario, ScenarioRun

    city = demo_user("city_admin")
    sc = Scenario.objects.filter(name=SCENARIO_NAME).order_by("-id").first() or Scenario.objects.create(
        name=SCENARIO_NAME, regions=REGIONS, periods=30, created_by=city)
    started, cpu = time.perf_counter(), time.process_time()
    with acting_as(city):
        run = services.scenario_run(actor=city, scenario=sc, background=False)
    total, total_cpu = time.perf_counter() - started, time.process_time() - cpu
    run = ScenarioRun.objects.get(pk=run.pk)
    assert run.status == "done", run.error
    t, s = run.timings, run.summary
    # Baseline: the same cone, TTS by one LP per affected firm, on an even sample of firms, scaled to all.
    cone = services.build_scenario_network(sc)
    net = engine.Network.build(cone["nodes"], cone["links"])
    index = {v: i for i, v in enumerate(net.ids)}
    down = {index[k]: v for k, v in cone["down"].items()}
    firms = [index[f"e{e}"] for e in cone["affected"]]
    sample = firms[:: max(1, len(firms) // sample_firms)]
    csr = engine.in_links_of(net)  # the link index, built once for the baseline as for the service
    started = time.perf_counter()
    for j in sample:
        engine.solve_tts(net, down, [engine.TtsBlock(net.upstream([j]), np.array([j]))], in_links=csr)
    per_firm = (time.perf_counter() - started) / max(len(sample), 1) * len(firms)
    report.add(SECTION, f"{label}: two regions 30 days end to end ({s['affected']:,} firms affected, "
                        f"{s['flagged']:,} stop before recovery; {total_cpu:.1f} s CPU)", total, "s",
               f"< {target_s:.0f} s", total < target_s, baseline=t["build"] + t["store"] + t["pi_lp"]["solver"]
               + per_firm, baseline_label=f"the same run with one TTS LP per firm ({len(sample)} of "
                                          f"{len(firms):,} firms timed, scaled)")
    report.add(SECTION, f"{label}: build phase (network read and cone)", t["build"], "s", "—", True)
    report.add(SECTION, f"{label}: solve phase (PI LP, TTS of every firm)", t["solve"], "s", "—", True)
    report.add(SECTION, f"{label}: store phase (alternatives, results, snapshot)", t["store"], "s", "—", True)
    report.add(SECTION, f"{label}: PI LP rows", t["pi_lp"]["rows"], "rows", "—", True)
    report.add(SECTION, f"{label}: PI LP columns", t["pi_lp"]["columns"], "cols", "—", True)
    report.add(SECTION, f"{label}: PI LP solver time (HiGHS)", t["pi_lp"]["solver"], "s", "—", True)
    report.add(SECTION, f"{label}: TTS firms solved by the tree recursion (the other {t.get('tts_lp_blocks', 0):,}, "
                        f"with a shared upstream, by LP)", t.get("tts_trees", 0), "firms", "—", True)
    report.add(SECTION, f"{label}: TTS LP rows (firms with a shared upstream)", t["tts_lp"]["rows"], "rows", "—",
               True)
    report.add(SECTION, f"{label}: TTS LP columns", t["tts_lp"]["columns"], "cols", "—", True)
    report.add(SECTION, f"{label}: TTS solve (recursion + HiGHS)", t["solve"] - t["pi_lp"]["solver"], "s", "—",
               True, baseline=per_firm, baseline_label="one LP per firm (build + solve)")


def bench_single_node(report: Report, *, max_scenarios: int | None = None) -> None:
    """TTS for every supplier of the largest chain as a single-node scenario (each supplier site down alone for
    30 days): the network is built once, with its in-link index; per scenario the firms the site reaches are the
    roots, expanded only through firms it reaches (the others supply at their usual rate). Against one LP per
    affected firm (the baseline, on every k-th scenario, scaled)."""
    import numpy as np
    from django.db.models import Count

    from industry_brain.chains.models import ChainMembership
    from industry_brain.core.models import District
    from industry_brain.supply import engine, services
    from industry_brain.supply.models import Scenario

    chain_id = (ChainMembership.objects.filter(enterprise__supply_profile__isnull=False).values("node__chain")
                .annotate(n=Count("id")).order_by("-n").values_list("node__chain", flat=True).first())
    members = set(ChainMembership.objects.filter(node__chain=chain_id).values_list("enterprise_id", flat=True))
    started = time.perf_counter()
    # Every firm "affected" with no loss: the whole network, built once; sources split per link by the service.
    everything = Scenario(name="bench", periods=30, capacity_loss=0,
                          districts=list(District.objects.values_list("code", flat=True)))
    full = services.build_scenario_network(everything)
    net = engine.Network.build(full["nodes"], full["links"])
    csr = engine.in_links_of(net)
    firm_mask = np.array([bool(n.get("_affected")) for n in full["nodes"]])
    site_nodes: dict[str, list[int]] = defaultdict(list)
    for i, n in enumerate(full["nodes"]):
        site_nodes[n.get("site", n["id"])].append(i)
    member_idx = {k for k, i in enumerate(net.ids) if i[0] == "e" and "@" not in i and int(i[1:]) in members}
    site_of = [n.get("site", n["id"]) for n in full["nodes"]]
    sites = sorted({site_of[s] for s, c in zip(net.sup.tolist(), net.cus.tolist(), strict=True)
                    if c in member_idx and site_of[s][0] in "ex"})
    all_sites = len(sites)
    if max_scenarios is not None and len(sites) > max_scenarios:
        sites = sites[:: -(-len(sites) // max_scenarios)]
    build = time.perf_counter() - started
    scenarios = []
    rows = cols = lp_firms = tree_firms = 0
    solver = 0.0
    for site in sites:
        down = {i: 1.0 for i in site_nodes[site]}
        reach = net.downstream(list(down))
        affected = [j for j in reach.tolist() if firm_mask[j] and net.demand[j] > 0]
        expand = np.zeros(net.n, dtype=bool)
        expand[affected] = True
        if affected:
            r = engine.tts_by_blocks(net, down, affected, expand=expand, link_ok=expand[net.cus], in_links=csr)
            rows += r.stats.rows
            cols += r.stats.columns
            solver += r.stats.solve_seconds
            tree_firms += int(r.tree.sum())
            lp_firms += int((~r.tree).sum())
        scenarios.append((down, expand, affected))
    total = time.perf_counter() - started
    started = time.perf_counter()
    firm_lps = 0
    step = max(1, len(scenarios) // 40)
    for down, expand, affected in scenarios[::step]:
        link_ok = expand[net.cus]
        for j in affected:
            engine.solve_tts(net, down, [engine.TtsBlock(net.upstream_within(j, expand), np.array([j]))],
                             link_ok=link_ok, in_links=csr)
            firm_lps += 1
    baseline = build + (time.perf_counter() - started) * step
    capped = "" if len(sites) == all_sites else f" — every {-(-all_sites // len(sites))}th of {all_sites:,}"
    report.add(SECTION, f"TTS of every supplier of the largest chain as single-node scenarios "
                        f"({len(scenarios):,} scenarios{capped})", total, "s", "< 60 s", total < 60,
               baseline=baseline,
               baseline_label=f"one LP per affected firm ({firm_lps:,} LPs on every {step}th scenario, × {step})")
    report.add(SECTION, f"single-node scenarios: firms solved by the tree recursion (the other {lp_firms:,} by LP)",
               tree_firms, "firms", "—", True)
    report.add(SECTION, "single-node scenarios: TTS LP rows in all", rows, "rows", "—", True)
    report.add(SECTION, "single-node scenarios: TTS LP columns in all", cols, "cols", "—", True)
    report.add(SECTION, "single-node scenarios: solver time (HiGHS)", solver, "s", "—", True)


def bench_pages(report: Report) -> None:
    from industry_brain.supply.models import Scenario

    sc = Scenario.objects.filter(name=SCENARIO_NAME, last_run__isnull=False).order_by("-id").first()
    client = page_client(demo_user("city_admin"))
    timing = time_requests(client, [("city", f"/supply/scenarios/{sc.pk}/")], rounds=20)
    add_timing(report, SECTION, "scenario page (city, ranked table, map data, losses)", timing, 300.0)
    district = page_client(demo_user("xihu_officer"))
    timing = time_requests(district, [("district", f"/supply/scenarios/{sc.pk}/")], rounds=20)
    add_timing(report, SECTION, "scenario page (district scope)", timing, 300.0)
    api, headers = api_client(demo_user("city_admin"))
    timing = time_requests(api, [("results", f"/api/v1/scenarios/{sc.pk}/results/"),
                                 ("flagged", f"/api/v1/scenarios/{sc.pk}/results/?flagged=1&page=2")],
                           rounds=20, headers=headers)
    add_timing(report, SECTION, "results API", timing, 300.0)


def bench_tenfold(report: Report) -> None:
    """The network ten times larger (province scale of the demo generator): seeded into the benchmark's copy, the
    same two-region scenario end to end. The demo network is not restored (the copy is dropped afterwards)."""
    _clear_network()
    _seed("province", report, "Network ten times larger")
    from industry_brain.supply.models import FirmProfile, SupplyLink

    report.note(SECTION, f"Ten-fold network: {FirmProfile.objects.count():,} local firms, "
                         f"{SupplyLink.objects.count():,} links.")
    _scenario_end_to_end(report, "10× network", 60.0, 200)


def run(report: Report) -> None:
    from django.db import connection

    from industry_brain.chains.models import ChainMembership
    from industry_brain.enterprises.models import Enterprise

    report.note(SECTION, f"Database: {connection.vendor}. Times are wall-clock seconds of one process on a shared "
                         f"2-core machine (see the load average). HiGHS {__import__('highspy').Highs().version()}.")
    report.note(SECTION, f"Base data: {Enterprise.objects.count():,} enterprises, "
                         f"{ChainMembership.objects.count():,} chain memberships; the supply network of each row is "
                         f"seeded by this bench (city-scale demo network, then the ten-fold one).")
    guarded(report, SECTION, "demo network", lambda: _ensure_demo(report))
    guarded(report, SECTION, "pre-screen", lambda: bench_prescreen(report))
    guarded(report, SECTION, "scenario", lambda: _scenario_end_to_end(report, "demo network", 10.0, 300))
    guarded(report, SECTION, "pages", lambda: bench_pages(report))
    guarded(report, SECTION, "single-node", lambda: bench_single_node(report))
    guarded(report, SECTION, "ten-fold", lambda: bench_tenfold(report))


if __name__ == "__main__":
    from harness import run_standalone

    run_standalone("Supply-risk benchmark against a seeded database", SECTION, run)
