"""Matchmaking, industry brains and chain gaps at province scale (360,000 firms, 100,000 listings):

- partner recommendations for one need (the term index, then scoring the candidates) beside the brute-force
  pairwise baseline that scores every active listing of the other kind, same scoring, same run;
- an industry brain's page p95 (the largest brain);
- the gap computation of every chain (grouped queries) beside a per-link Python loop.

    .venv/bin/python benchmarks/run.py --only matchmaking --skip-seed --database-url ...

The module seeds what it needs when missing: the supply network and the matchmaking and brains demo data at
province scale, then tops the listings up to 100,000 (copies of the seeded ones for other member firms).
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import Report, demo_user, guarded, page_client, time_requests  # noqa: E402

SECTION = "matchmaking"
TARGET_LISTINGS = 100_000
RECO_TARGET_MS = 300.0
BRAIN_TARGET_MS = 300.0
GAPS_TARGET_S = 5.0


def ensure_data(report: Report) -> None:
    from django.utils import timezone

    from industry_brain.brains.demo import seed_brains
    from industry_brain.brains.models import Brain
    from industry_brain.chains.models import ChainMembership
    from industry_brain.core.context import acting_as
    from industry_brain.matchmaking.demo import seed_matchmaking
    from industry_brain.matchmaking.models import Listing, ListingTerm
    from industry_brain.supply.models import Material

    users = {u: demo_user(u) for u in ("city_admin", "enterprise_demo", "enterprise_demo2", "chain_iot")}
    started = time.monotonic()
    with acting_as(None, label="command:seed_demo"):
        if not Material.objects.filter(node__isnull=False).exists():
            from industry_brain.supply.demo import seed_supply

            seed_supply(scale="province", seed=2022, users=users)
        if not Listing.objects.exists():
            seed_matchmaking(scale="province", seed=2022, users=users)
        missing = TARGET_LISTINGS - Listing.objects.count()
        if missing > 0:
            # Copies of the seeded listings for other member firms, until there are 100,000 listings.
            rng = random.Random(7)
            seeded = list(Listing.objects.filter(status="active")[:20_000])
            firms = list(ChainMembership.objects.order_by("?").values_list("enterprise_id", flat=True)[:200_000])
            today = timezone.localdate()
            rows = []
            for i in range(missing):
                src = seeded[i % len(seeded)]
                rows.append(Listing(enterprise_id=rng.choice(firms), kind=src.kind, title=src.title,
                                    material=src.material, node_id=src.node_id, capacity=src.capacity,
                                    volume=src.volume, unit=src.unit, description=src.description,
                                    expires_on=today + dt.timedelta(days=rng.randint(10, 300)), terms=src.terms))
            Listing.objects.bulk_create(rows, batch_size=5000)
            new = Listing.objects.filter(pk__gt=max(s.pk for s in seeded)).exclude(pk__in=[s.pk for s in seeded])
            ListingTerm.objects.bulk_create([ListingTerm(listing_id=pk, kind=kind, term=t) for pk, kind, terms in
                                             new.values_list("pk", "kind", "terms").iterator(5000)
                                             for t in dict.fromkeys(terms.split())], batch_size=20_000,
                                            ignore_conflicts=True)
        if not Brain.objects.exists():
            seed_brains(scale="province", seed=2022, users=users)
        if Brain.objects.filter(stats={}).exists():  # computed before the aggregates were stored
            from industry_brain.brains.services import brains_refresh_all

            brains_refresh_all()
    took = time.monotonic() - started
    if took > 1:
        report.note(SECTION, f"Data prepared for this section in {took:.0f} s (supply network, listings, brains).")


def bench_recommendations(report: Report) -> None:
    from industry_brain.enterprises.models import Enterprise
    from industry_brain.matchmaking.models import Listing
    from industry_brain.matchmaking.selectors import recommendations, recommendations_bruteforce

    city = demo_user("city_admin")
    needs = list(Listing.objects.filter(kind="need", status="active").order_by("pk")[:40])
    firms, listings = Enterprise.objects.count(), Listing.objects.count()
    samples = []
    for rnd in range(2):
        for need in needs:
            started = time.perf_counter()
            rows = recommendations(user=city, listing=need)
            if rnd:
                samples.append((time.perf_counter() - started) * 1000)
            assert rows is not None
    samples.sort()
    p95 = samples[int(0.95 * (len(samples) - 1))]
    brute = []
    for need in needs[:3]:
        started = time.perf_counter()
        recommendations_bruteforce(listing=need)
        brute.append((time.perf_counter() - started) * 1000)
    report.add(SECTION, f"recommendations for one need ({firms:,} firms, {listings:,} listings) p95 (n={len(samples)})",
               p95, "ms", f"< {RECO_TARGET_MS:.0f} ms", p95 < RECO_TARGET_MS, baseline=statistics.median(brute),
               baseline_label="brute force: score every listing, median of 3")
    # Same answers: the index finds what the brute force finds (the top firms agree).
    agree = 0
    for need in needs[:3]:
        fast = [r.listing.enterprise_id for r in recommendations(user=city, listing=need, limit=10)]
        slow = recommendations_bruteforce(listing=need, limit=10)
        agree += len(set(fast) & set(slow))
    report.note(SECTION, f"Top-10 agreement of index and brute force on 3 needs: {agree} of 30 firms.")


def bench_brain(report: Report) -> None:
    from django.db.models import Count

    from industry_brain.brains.models import Brain

    brain = Brain.objects.annotate(n=Count("firms")).order_by("-n").first()
    from industry_brain.brains import selectors

    client = page_client(demo_user("city_admin"))
    timing = time_requests(client, [("brain", f"/brains/{brain.pk}/")], rounds=20)
    # Baseline: the page's aggregates computed live over the linked firms (what the refresh stores).
    live = []
    for _ in range(3):
        started = time.perf_counter()
        selectors.brain_nodes_live(brain)
        selectors.brain_aggregates_live(brain)
        live.append((time.perf_counter() - started) * 1000)
    label = f"brain page {brain.name} ({brain.linked_firms:,} linked firms)"
    report.add(SECTION, f"{label} p95 (n={len(timing.samples_ms)})",
               timing.p95, "ms", f"< {BRAIN_TARGET_MS:.0f} ms", timing.p95 < BRAIN_TARGET_MS,
               baseline=statistics.median(live), baseline_label="aggregates computed live, median of 3")


def bench_gaps(report: Report) -> None:
    from industry_brain.chains.models import Chain
    from industry_brain.matchmaking.gaps import all_chain_gaps
    from industry_brain.supply.models import SupplyLink

    started = time.perf_counter()
    result = all_chain_gaps()
    took = time.perf_counter() - started
    # Baseline: every link read into Python and summed per node in a loop.
    started = time.perf_counter()
    totals: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for node, volume, local, region in SupplyLink.objects.filter(material__node__isnull=False).values_list(
            "material__node", "monthly_volume", "supplier_enterprise", "supplier_external__region").iterator(20_000):
        t = totals[node]
        t[0] += float(volume)
        if local:
            t[1] += float(volume)
        elif region and not region.startswith("33"):
            t[2] += float(volume)
    loop = time.perf_counter() - started
    links = SupplyLink.objects.count()
    report.add(SECTION, f"gap computation, all {Chain.objects.count()} chains ({links:,} links)", took, "s",
               f"< {GAPS_TARGET_S:.0f} s", took < GAPS_TARGET_S and len(result) > 0, baseline=loop,
               baseline_label="per-link Python loop")


def run(report: Report) -> None:
    guarded(report, SECTION, "data", lambda: ensure_data(report))
    guarded(report, SECTION, "recommendations", lambda: bench_recommendations(report))
    guarded(report, SECTION, "brain page", lambda: bench_brain(report))
    guarded(report, SECTION, "gaps", lambda: bench_gaps(report))


if __name__ == "__main__":
    from harness import run_standalone

    run_standalone(__doc__.split("\n\n")[0], SECTION, run)
