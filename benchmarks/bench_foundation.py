"""Foundation benchmark: the enterprise list (page and API) with varied filters, the enterprise detail page, the
chain page, the ecosystem overview and the home page (each role's inbox with every module's panels), for the
city bureau, a district bureau and a chain team (lists) and every role (home and detail pages); p50/p95 over at
least 40 requests each (warm-up excluded) and SQL queries per request for small and large result sets.

    .venv/bin/python benchmarks/run.py --only foundation       # through the harness (seeds if needed)
    .venv/bin/python benchmarks/bench_foundation.py [--database-url URL]   # against an already seeded database
"""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (  # noqa: E402
    P95_TARGET_MS,
    Report,
    add_flat_queries,
    add_timing,
    api_client,
    demo_user,
    guarded,
    page_client,
    plain_queries,
    query_count,
    time_requests,
)
from harness import list_baselines as harness_list_baselines  # noqa: E402

SECTION = "foundation"
USERS = ["city_admin", "xihu_officer", "chain_iot"]
# Every role's home page (its inbox) and the enterprise detail page it may open.
ROLES = USERS + ["dept_transport", "cadre_demo", "enterprise_demo"]
CHAIN_TEAM_RATIO = 1.5  # the chain team's enterprise list within 1.5× of the city's (issue 15)
ROUNDS = 3  # per filter variant; with 14+ variants that is 40+ timed requests per endpoint and user
# What a minimal list shows of a firm (the page's columns; the API adds its timestamps), read by the plain baseline.
LIST_COLUMNS = ("pk", "name", "uscc", "district_id", "district__name", "industry_id", "industry__name",
                "is_above_scale", "top_tier", "founded_on")
PLAIN_LIST = "plain query: restricted queryset + FilterSet, page of values_list + count"


def fixtures() -> dict:
    """Real values from the seeded data: a district, an industry, an ecosystem, a chain, name fragments and
    a credit code, so that every filter selects rows."""
    from industry_brain.chains.models import Chain, ChainMembership, Ecosystem
    from industry_brain.enterprises.models import Enterprise

    iot = Ecosystem.objects.get(code="iot")
    chain = Chain.objects.filter(ecosystem=iot).order_by("order", "id").first()
    above = Enterprise.objects.filter(is_above_scale=True).order_by("pk")
    sample = above[min(1000, above.count() // 2):][:1].get()
    members = ChainMembership.objects.filter(node__chain__ecosystem=iot).order_by("pk")
    member = members[min(500, members.count() // 2):][:1].get().enterprise
    # Names are 杭州 + two brand characters + the division word (+ 科技/制造) + 有限公司.
    return {"district": "330106", "industry": "39", "ecosystem": iot.pk, "chain": chain.pk,
            "tier": "little_giant", "fragment2": sample.name[2:4], "fragment4": member.name[2:6],
            "uscc": member.uscc, "uscc_prefix": member.uscc[:10]}


def list_variants(fx: dict, *, deep_page: int, sortable: bool) -> list[tuple[str, str]]:
    variants = [
        ("all", {}),
        ("district", {"district": fx["district"]}),
        ("industry", {"industry": fx["industry"]}),
        ("ecosystem", {"ecosystem": fx["ecosystem"]}),
        ("chain", {"chain": fx["chain"]}),
        ("above scale", {"is_above_scale": "true"}),
        ("tier", {"tier": fx["tier"]}),
        ("search 2 chars", {"search": fx["fragment2"]}),
        ("search 4 chars", {"search": fx["fragment4"]}),
        ("search credit code", {"search": fx["uscc"]}),
        ("search code prefix", {"search": fx["uscc_prefix"]}),
        ("district+above+tier", {"district": fx["district"], "is_above_scale": "true", "tier": fx["tier"]}),
        ("deep page", {"page": deep_page}),
    ]
    if sortable:
        variants += [
            ("sort -founded_on", {"sort": "-founded_on"}),
            ("sort district", {"sort": "district"}),
            ("sort -top_tier", {"sort": "-top_tier"}),
            ("sort uscc", {"sort": "uscc"}),
            ("district sort -founded_on", {"district": fx["district"], "sort": "-founded_on"}),
            ("deep page sort industry", {"page": deep_page // 2, "sort": "industry"}),
        ]
    return [(label, urlencode(q)) for label, q in variants]


def deep_page_for(user, per_page: int = 50) -> int:
    """A page far from the start but inside the user's range (about 80 % of the way)."""
    from industry_brain.enterprises.models import Enterprise

    n = Enterprise.objects.restrict(user, "view").count()
    return max(1, (n // per_page) * 4 // 5)


def list_baselines(user, urls: list[tuple[str, str]], *, api: bool) -> dict:
    """Each list variant's plain query (harness.list_baselines) in the order the page or the API sorts by."""
    from industry_brain.enterprises.filtersets import EnterpriseFilterSet
    from industry_brain.enterprises.models import Enterprise
    from industry_brain.enterprises.tables import EnterpriseTable

    return harness_list_baselines(Enterprise.objects.restrict(user, "view"), EnterpriseFilterSet, EnterpriseTable,
                                  urls, api=api, api_order=["name", "pk"], columns=LIST_COLUMNS,
                                  api_columns=(*LIST_COLUMNS, "created", "updated"))


def bench_lists(report: Report, fx: dict) -> None:
    timings: dict[tuple[str, str], object] = {}
    for username in USERS:
        user = demo_user(username)
        deep = deep_page_for(user)
        page = page_client(user)
        urls = [(label, f"/enterprises/?{q}") for label, q in list_variants(fx, deep_page=deep, sortable=True)]
        guarded(report, SECTION, f"enterprise list page · {username}", lambda p=page, u=urls, n=username, us=user:
                _timed(report, f"enterprise list page · {n}", timings.setdefault(("page", n), time_requests(
                    p, u, rounds=ROUNDS, baselines=list_baselines(us, u, api=False), baseline_label=PLAIN_LIST))))
        client, headers = api_client(user)
        urls = [(label, f"/api/v1/enterprises/?{q}") for label, q in list_variants(fx, deep_page=deep, sortable=False)]
        guarded(report, SECTION, f"enterprise list API · {username}", lambda c=client, u=urls, h=headers,
                n=username, us=user: _timed(report, f"enterprise list API · {n}", timings.setdefault(
                    ("api", n), time_requests(c, u, rounds=ROUNDS, headers=h, baselines=list_baselines(us, u, api=True),
                                              baseline_label=PLAIN_LIST))))
    for kind, name in (("page", "enterprise list page"), ("api", "enterprise list API")):
        team, city = timings.get((kind, "chain_iot")), timings.get((kind, "city_admin"))
        if team is not None and city is not None:
            ratio = team.p95 / city.p95
            report.add(SECTION, f"{name} · chain_iot p95 ÷ city_admin p95", ratio, "×", f"≤ {CHAIN_TEAM_RATIO}×",
                       ratio <= CHAIN_TEAM_RATIO)


def _timed(report: Report, name: str, timing) -> None:
    """p50/p95 over the mix, plus the slowest filter variant's median against the same target, so that one
    slow filter cannot hide among the fast ones."""
    add_timing(report, SECTION, name, timing)
    report.add(SECTION, f"{name} slowest variant median ({timing.slowest_label})", timing.slowest_median_ms, "ms",
               f"< {P95_TARGET_MS:.0f} ms", timing.slowest_median_ms < P95_TARGET_MS,
               baseline=timing.slowest_baseline_ms, baseline_label=f"{timing.baseline_label}, same variant")


def bench_query_counts(report: Report, fx: dict) -> None:
    """The same number of queries for one row and for 200 rows out of the whole registry."""
    user = demo_user("city_admin")
    page = page_client(user)
    small = query_count(page, f"/enterprises/?search={fx['uscc']}")
    large = query_count(page, "/enterprises/?per_page=200")
    report.add(SECTION, "queries · enterprise list page, 1 row", small, "", "constant", True)
    report.add(SECTION, "queries · enterprise list page, 200 rows", large, "", f"= {small} (1 row)", large <= small)
    client, headers = api_client(user)
    small = query_count(client, f"/api/v1/enterprises/?search={fx['uscc']}", headers)
    large = query_count(client, "/api/v1/enterprises/?page_size=200", headers)
    report.add(SECTION, "queries · enterprise list API, 1 row", small, "", "constant", True)
    report.add(SECTION, "queries · enterprise list API, 200 rows", large, "", f"= {small} (1 row)", large <= small)
    small_id, large_id = _detail_extremes()
    small = query_count(page, f"/enterprises/{small_id}/")
    large = query_count(page, f"/enterprises/{large_id}/")
    # Other modules' panels on the detail page add a query or two when they have rows to summarise (a firm without
    # memberships shows fewer panels); the count is bounded, and flat in the rows (bench_detail_queries).
    report.add(SECTION, "queries · enterprise detail, no memberships", small, "", "≤ 30", small <= 30)
    report.add(SECTION, "queries · enterprise detail, memberships, recognitions, demands", large, "", "≤ 30",
               large <= 30)
    bench_detail_queries(report, large_id)
    small_chain, large_chain = _chain_extremes()
    small = query_count(page, f"/chains/{small_chain}/")
    large = query_count(page, f"/chains/{large_chain}/")
    report.add(SECTION, "queries · chain page, fewest nodes", small, "", "constant", True)
    report.add(SECTION, "queries · chain page, most nodes and members", large, "", f"= {small}", large <= small)
    n = query_count(page, "/chains/")
    report.add(SECTION, "queries · ecosystem overview", n, "", "≤ 30", n <= 30)
    bench_home_queries(report)


INBOX_SIZES = (1, 200)


class _Rollback(Exception):
    pass


def _queries_with(page, url: str, add) -> int:
    """The queries of `url` after `add()` wrote some rows, in a transaction rolled back afterwards."""
    from django.db import transaction

    try:
        with transaction.atomic():
            add()
            n = query_count(page, url)
            raise _Rollback
    except _Rollback:
        return n


def bench_home_queries(report: Report) -> None:
    """Each role's home page (its inbox with every module's panels) at two data sizes: with one and with 200
    unread messages more than seeded (added in a transaction rolled back afterwards): the count must not grow."""
    from industry_brain.demands.models import Notification

    def messages(user, n):
        return lambda: Notification.objects.bulk_create([
            Notification(recipient=user, kind="progress", text=f"benchmark message {k}", link="/") for k in range(n)])

    small_n, large_n = INBOX_SIZES
    for username in ROLES:
        user = demo_user(username)
        page = page_client(user)
        add_flat_queries(report, SECTION, f"home · {username}", _queries_with(page, "/", messages(user, small_n)),
                         _queries_with(page, "/", messages(user, large_n)),
                         small_label=f"+{small_n} unread message", large_label=f"+{large_n} unread messages")


def bench_detail_queries(report: Report, enterprise_id: int) -> None:
    """The enterprise detail page at two data sizes: as seeded and with 50 more chain memberships (every node it
    is not in, up to 50; rolled back afterwards): the count must not grow."""
    from industry_brain.chains.models import ChainMembership, ChainNode

    page = page_client(demo_user("city_admin"))
    url = f"/enterprises/{enterprise_id}/"
    nodes = list(ChainNode.objects.exclude(memberships__enterprise_id=enterprise_id).order_by("pk")[:50])
    add_flat_queries(report, SECTION, "enterprise detail", query_count(page, url), _queries_with(
        page, url, lambda: ChainMembership.objects.bulk_create([
            ChainMembership(enterprise_id=enterprise_id, node=node, status="confirmed") for node in nodes])),
        small_label="as seeded", large_label=f"+{len(nodes)} chain memberships")


def _detail_extremes() -> tuple[int, int]:
    from django.db.models import Count

    from industry_brain.enterprises.models import Enterprise

    small = Enterprise.objects.filter(is_above_scale=False, memberships__isnull=True).order_by("pk").values_list(
        "pk", flat=True)[:1].get()
    large = (Enterprise.objects.filter(pk__in=Enterprise.objects.filter(recognitions__isnull=False, is_above_scale=True)
                                       .values("pk")[:500])
             .annotate(m=Count("memberships")).order_by("-m", "pk").values_list("pk", flat=True)[:1].get())
    return small, large


def _chain_extremes() -> tuple[int, int]:
    from django.db.models import Count

    from industry_brain.chains.models import Chain

    chains = list(Chain.objects.annotate(n=Count("nodes")).order_by("n", "pk").values_list("pk", flat=True))
    return chains[0], chains[-1]


def detail_ids(user, n: int = 12) -> list[int]:
    """Enterprises the user may see, spread over the registry: above-scale members of chains and small ones."""
    from industry_brain.enterprises.models import Enterprise

    qs = Enterprise.objects.restrict(user, "view")
    total = qs.count()
    step = max(1, total // n)
    return [qs.order_by("pk").values_list("pk", flat=True)[k * step:k * step + 1].get() for k in range(min(n, total))]


def detail_baseline(user, pk: int):
    """The plain reads of an enterprise's detail page: the firm by primary key through its restricted queryset,
    then the related rows the page shows (chain memberships with node and chain, chain-master designations,
    recognitions, yearly figures), each a values_list."""
    from industry_brain.chains.models import ChainMaster, ChainMembership
    from industry_brain.enterprises.models import Enterprise, Recognition, YearlyFigures

    return plain_queries(
        lambda: Enterprise.objects.restrict(user, "view").values_list(*LIST_COLUMNS).get(pk=pk),
        ChainMembership.objects.filter(enterprise_id=pk).values_list("pk", "status", "main_product", "node__name",
                                                                     "node__chain__name"),
        ChainMaster.objects.filter(enterprise_id=pk).values_list("pk", "status", "chain__name"),
        Recognition.objects.filter(enterprise_id=pk).values_list("pk", "tier", "level", "year"),
        YearlyFigures.objects.filter(enterprise_id=pk).values_list("year", "revenue", "main_revenue", "rd_expense",
                                                                   "net_profit"))


def home_baseline(user):
    """The bare minimum a home page reads for the role: its restricted counts of firms, demands and projects and
    its unread messages (count and the latest ten)."""
    from industry_brain.demands import selectors as demand_selectors
    from industry_brain.demands.models import Demand
    from industry_brain.enterprises.models import Enterprise
    from industry_brain.projects.models import Project

    def run():
        for model in (Enterprise, Demand, Project):
            model.objects.restrict(user, "view").count()
        unread = demand_selectors.inbox(user=user).filter(read_at__isnull=True)
        unread.count()
        list(unread.order_by("-created", "-id")[:10].values_list("pk", "kind", "text", "link"))

    return run


def members_in_scope(user):
    from industry_brain.chains.models import ChainMembership
    from industry_brain.enterprises.models import Enterprise

    return ChainMembership.objects.filter(enterprise__in=Enterprise.objects.restrict(user, "view").values("pk"))


def chain_baseline(user, chain_id: int):
    """The chain's nodes and, per node, the firms in the reader's scope (one GROUP BY), plain."""
    from django.db.models import Count

    from industry_brain.chains.models import ChainNode

    return plain_queries(
        ChainNode.objects.filter(chain_id=chain_id).values_list("pk", "name", "segment", "order", "is_key"),
        members_in_scope(user).filter(node__chain_id=chain_id).order_by().values("node_id").annotate(n=Count("pk")))


def ecosystem_baseline(user, ecosystem_id: int | None):
    """An ecosystem's chains and nodes (every ecosystem's chains for the overview) and the firms in the reader's
    scope per chain or per ecosystem, counted live (one GROUP BY), plain."""
    from django.db.models import Count

    from industry_brain.chains.models import Chain, ChainNode, Ecosystem

    if ecosystem_id is None:
        return plain_queries(
            Ecosystem.objects.values_list("pk", "code", "name", "order"),
            Chain.objects.values_list("pk", "ecosystem_id", "name", "order"),
            members_in_scope(user).order_by().values("node__chain__ecosystem_id").annotate(n=Count("enterprise_id",
                                                                                                   distinct=True)))
    return plain_queries(
        Chain.objects.filter(ecosystem_id=ecosystem_id).values_list("pk", "name", "order"),
        ChainNode.objects.filter(chain__ecosystem_id=ecosystem_id).values_list("pk", "chain_id", "name", "segment"),
        members_in_scope(user).filter(node__chain__ecosystem_id=ecosystem_id).order_by().values("node__chain_id")
        .annotate(n=Count("enterprise_id", distinct=True)))


DETAIL_PLAIN = "plain: the firm by pk through its restricted queryset + memberships, masters, recognitions, figures"
HOME_PLAIN = "plain: the role's restricted counts of firms, demands, projects + unread messages"
CHAIN_PLAIN = "plain: the chain's nodes + in-scope members per node (one GROUP BY)"
ECOSYSTEM_PLAIN = "plain: the chains and nodes + in-scope members per chain or ecosystem, counted live"


def bench_pages(report: Report) -> None:
    from industry_brain.chains.models import Chain, Ecosystem

    chains = list(Chain.objects.order_by("pk").values_list("pk", flat=True))
    ecosystems = list(Ecosystem.objects.order_by("pk").values_list("pk", flat=True))
    for username in ROLES:
        user = demo_user(username)
        client = page_client(user)
        ids = detail_ids(user)
        pages = {
            "enterprise detail": ([(str(pk), f"/enterprises/{pk}/") for pk in ids],
                                  {str(pk): detail_baseline(user, pk) for pk in ids}, DETAIL_PLAIN),
            "home": ([("home", "/")], {"home": home_baseline(user)}, HOME_PLAIN),
        }
        if username in USERS:
            by_chain = {str(pk): chain_baseline(user, pk) for pk in chains}
            pages |= {
                "chain page": ([(str(pk), f"/chains/{pk}/") for pk in chains], by_chain, CHAIN_PLAIN),
                # other modules' panels of the chain page (supply security per node), loaded once the page is shown
                "chain page panels": ([(str(pk), f"/chains/{pk}/panels/") for pk in chains], by_chain, CHAIN_PLAIN),
                "ecosystem page": ([(str(pk), f"/chains/ecosystems/{pk}/") for pk in ecosystems],
                                   {str(pk): ecosystem_baseline(user, pk) for pk in ecosystems}, ECOSYSTEM_PLAIN),
                "ecosystem overview": ([("overview", "/chains/")], {"overview": ecosystem_baseline(user, None)},
                                       ECOSYSTEM_PLAIN),
            }
        for name, (urls, plain, plain_label) in pages.items():
            label = f"{name} · {username}"
            guarded(report, SECTION, label, lambda c=client, u=urls, lb=label, b=plain, bl=plain_label: add_timing(
                report, SECTION, lb, time_requests(c, u, rounds=3, warmup=1, min_requests=40, baselines=b,
                                                   baseline_label=bl)))


def run(report: Report) -> None:
    fx = fixtures()
    report.note(SECTION, f"Each p95 is over at least 40 timed requests after a warm-up round, in-process through "
                         f"django.test.Client (pages with a session, API with a Token header); target p95 < "
                         f"{P95_TARGET_MS:.0f} ms. List endpoints cycle through the filter variants "
                         f"(district, industry, ecosystem, chain, above-scale, tier, name fragments of 2 and 4 "
                         f"characters, exact credit code and prefix, sort columns, a deep page). "
                         f"Each timed row stands beside its baseline, timed in the same rounds right before or after "
                         f"each request: lists beside their plain query (the role's restricted queryset narrowed by "
                         f"the same FilterSet, the page of values_list and the count), detail, home, chain and "
                         f"ecosystem pages beside the plain reads named in the row (benchmarks/README.md).")
    bench_query_counts(report, fx)
    bench_lists(report, fx)
    bench_pages(report)


if __name__ == "__main__":
    from harness import run_standalone

    run_standalone("Foundation benchmark against an already seeded database", SECTION, run)
