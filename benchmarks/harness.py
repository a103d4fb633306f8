"""Shared pieces of the benchmark harness: the report, timing and percentiles, clients for the demo users and
Django set-up against a dedicated benchmark database.

Bench modules (`benchmarks/bench_*.py`) expose `run(report)` and use `report.add(...)`; they may use the
helpers here (`time_requests`, `page_client`, `api_client`, `query_count`) so that every section measures
the same way: django.test.Client in-process, warm-up excluded, p50/p95 over at least 40 requests.
"""

from __future__ import annotations

import dataclasses
import math
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "benchmarks"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/ib_bench"
P95_TARGET_MS = 100.0  # lists, detail pages, APIs, chain and ecosystem pages, home pages (issue 15)
STATS_TARGET_MS = 300.0  # statistics pages and the statistics API


@dataclasses.dataclass
class Row:
    section: str
    metric: str
    value: float
    unit: str
    target: str
    ok: bool
    baseline: float | None = None  # the simple way (per-row loop, live GROUP BY, brute force) in the same run
    baseline_label: str = ""
    runs: list[float] = dataclasses.field(default_factory=list)  # the value of each pass, in order

    @property
    def ratio(self) -> float | None:
        """How many times faster than the baseline (baseline / value)."""
        if self.baseline is None or not self.value or math.isnan(self.value) or math.isnan(self.baseline):
            return None
        return self.baseline / self.value


@dataclasses.dataclass
class Report:
    """What the bench modules measured, plus the facts of the run (database, scale, row counts, seeding)."""

    rows: list[Row] = dataclasses.field(default_factory=list)
    facts: dict[str, str] = dataclasses.field(default_factory=dict)
    counts: dict[str, int] = dataclasses.field(default_factory=dict)
    notes: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    section_facts: dict[str, dict[str, str]] = dataclasses.field(default_factory=dict)  # when/where measured
    verbose: bool = True

    def add(self, section: str, metric: str, value: float, unit: str, target: str, ok: bool, *,
            baseline: float | None = None, baseline_label: str = "") -> None:
        """One measured row; `baseline` (same unit) is the simple way measured in the same run, and the results
        show the ratio beside it."""
        row = Row(section, metric, float(value), unit, target, bool(ok),
                  None if baseline is None else float(baseline), baseline_label, [float(value)])
        previous = next((r for r in self.rows if r.section == section and r.metric == metric), None)
        if previous is not None:
            # A later pass of the same measurement: the row keeps every pass and stands for the worse one, so a
            # target counts as met only when it was met in every pass.
            previous.runs.append(row.value)
            worse = row.value > previous.value if unit in ("ms", "s", "MB", "MiB", "KB") else False
            if worse or not row.ok:
                previous.value, previous.baseline, previous.baseline_label = row.value, row.baseline, row.baseline_label
            previous.ok = previous.ok and row.ok
            row = previous
        else:
            self.rows.append(row)
        if self.verbose:
            flag = "ok " if row.ok else "MISS"
            plain = "" if baseline is None else f"; baseline {format_value(float(baseline), unit)}"
            print(f"  [{flag}] {section} · {metric}: {format_value(float(value), unit)} (target {target}{plain})",
                  flush=True)

    def note(self, section: str, text: str) -> None:
        """A line of explanation printed under the section's table in RESULTS.md."""
        if text not in self.notes.setdefault(section, []):  # a later pass repeats its notes
            self.notes[section].append(text)

    def sections(self) -> list[str]:
        return list(dict.fromkeys(r.section for r in self.rows))

    @property
    def failed(self) -> list[Row]:
        return [r for r in self.rows if not r.ok]


def format_value(value: float, unit: str) -> str:
    if math.isnan(value):
        return "—"
    if unit == "ms":
        return f"{value:,.1f} ms"
    if unit == "s":
        return f"{value:,.1f} s"
    if float(value).is_integer():
        return f"{int(value):,}" + (f" {unit}" if unit else "")
    return f"{value:,.2f}" + (f" {unit}" if unit else "")


def percentile(samples: list[float], p: float) -> float:
    """The p-th percentile (0-100) by linear interpolation between closest ranks."""
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    k = (len(ordered) - 1) * p / 100
    lo, hi = math.floor(k), math.ceil(k)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


@dataclasses.dataclass
class Timing:
    samples_ms: list[float]
    medians_ms: dict[str, float] = dataclasses.field(default_factory=dict)  # per request label
    # The plain way to the same rows, timed beside each request (see `time_requests(baselines=...)`).
    baseline_ms: list[float] = dataclasses.field(default_factory=list)
    baseline_medians_ms: dict[str, float] = dataclasses.field(default_factory=dict)
    baseline_label: str = ""

    @property
    def baseline_p50(self) -> float | None:
        return percentile(self.baseline_ms, 50) if self.baseline_ms else None

    @property
    def baseline_p95(self) -> float | None:
        return percentile(self.baseline_ms, 95) if self.baseline_ms else None

    @property
    def slowest_baseline_ms(self) -> float | None:
        """The baseline's median for the slowest request label (what its page is compared with)."""
        return self.baseline_medians_ms.get(self.slowest_label)

    @property
    def slowest_label(self) -> str:
        return max(self.medians_ms, key=self.medians_ms.get) if self.medians_ms else ""

    @property
    def slowest_median_ms(self) -> float:
        return max(self.medians_ms.values()) if self.medians_ms else float("nan")

    @property
    def p50(self) -> float:
        return percentile(self.samples_ms, 50)

    @property
    def p95(self) -> float:
        return percentile(self.samples_ms, 95)

    @property
    def mean(self) -> float:
        return statistics.fmean(self.samples_ms) if self.samples_ms else float("nan")


def time_requests(client, requests: Iterable[tuple[str, str]], *, rounds: int, warmup: int = 1,
                  min_requests: int = 40, headers: dict | None = None, expect: int = 200,
                  baselines: Mapping[str, Callable[[], object]] | None = None, baseline_label: str = "",
                  baseline_every: int = 1) -> Timing:
    """GET each (label, url) `rounds` times (after `warmup` untimed rounds), cycling through the list so that
    caches see a realistic mix; at least `min_requests` timed requests in all. Any other status than
    `expect` is an error: a fast 404 must not pass for a fast page.

    `baselines` maps a request label to the plain way of reading the same rows (a callable running the plain
    queries); each is timed right beside its request, in the same rounds, after it in one round and before it in
    the next (so neither side always finds the other's pages in the cache). Every label must have one.
    `baseline_every=k` times the baselines in every k-th round only (warm-up included), for a costly baseline."""
    requests = list(requests)
    if baselines is not None:
        missing = [label for label, _url in requests if label not in baselines]
        if missing:
            raise AssertionError(f"no baseline for {missing}")
    rounds = max(rounds, math.ceil(min_requests / max(len(requests), 1)))
    per_label: dict[str, list[float]] = {}
    samples: list[float] = []
    base_per_label: dict[str, list[float]] = {}
    base_samples: list[float] = []

    def plain(label: str, r: int) -> None:
        started = time.perf_counter()
        baselines[label]()
        elapsed = (time.perf_counter() - started) * 1000
        if r >= warmup:
            base_samples.append(elapsed)
            base_per_label.setdefault(label, []).append(elapsed)

    for r in range(warmup + rounds):
        with_plain = baselines is not None and r % baseline_every == 0
        plain_first = (r // baseline_every) % 2 == 1
        for label, url in requests:
            if with_plain and plain_first:
                plain(label, r)
            started = time.perf_counter()
            response = client.get(url, **(headers or {}))
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != expect:
                raise AssertionError(f"GET {url} answered {response.status_code}, expected {expect}")
            if r >= warmup:
                samples.append(elapsed)
                per_label.setdefault(label, []).append(elapsed)
            if with_plain and not plain_first:
                plain(label, r)
    return Timing(samples, {label: statistics.median(values) for label, values in per_label.items()},
                  base_samples, {label: statistics.median(values) for label, values in base_per_label.items()},
                  baseline_label)


def plain_list(queryset, filterset_class, query: str, *, order: Sequence[str], columns: Sequence[str],
               size_param: str, default_size: int = 50, max_size: int = 200) -> Callable[[], int]:
    """The plain queries a minimal list runs for the same request: the role's restricted `queryset` narrowed by
    the list's own FilterSet, the requested page of `columns` in the list's `order` (values_list, no model
    instances, no view, template or serializer) and its count. The filters are parsed once, outside the timing;
    the returned callable runs the two queries each time it is called."""
    from django.http import QueryDict

    params = QueryDict(query)
    qs = queryset
    if filterset_class is not None and params:
        filterset = filterset_class(params, queryset=queryset)
        qs = filterset.qs if filterset.is_valid() else queryset.none()
    try:
        size = min(int(params.get(size_param, default_size)), max_size)
    except ValueError:
        size = default_size
    try:
        page = max(1, int(params.get("page", 1)))
    except ValueError:
        page = 1
    rows = qs.order_by(*order)
    start = (page - 1) * size

    def run() -> int:
        list(rows[start:start + size].values_list(*columns))
        return rows.count()

    return run



def list_baselines(restricted, filterset_class, table_class, urls: Sequence[tuple[str, str]], *, api: bool,
                   api_order: Sequence[str], columns: Sequence[str],
                   api_columns: Sequence[str] | None = None) -> dict:
    """Each list variant's plain query (`plain_list`) in the order the page (the table's sort, ties by pk in the
    same direction, as ObjectListView) or the API (`api_order`) sorts by."""
    from django.http import QueryDict

    out = {}
    for label, url in urls:
        query = url.partition("?")[2]
        if api:
            out[label] = plain_list(restricted, filterset_class, query, order=api_order,
                                    columns=api_columns or columns, size_param="page_size", max_size=1000)
        else:
            order = table_class.ordering_for(QueryDict(query).get("sort"))
            order = [order] if order.lstrip("-") in ("pk", "id") else [order, "-pk" if order[0] == "-" else "pk"]
            out[label] = plain_list(restricted, filterset_class, query, order=order, columns=columns,
                                    size_param="per_page")
    return out

def plain_queries(*querysets) -> Callable[[], None]:
    """A baseline of a few plain querysets (`values_list`, `count()` …): each evaluated afresh on each call."""

    def run() -> None:
        for qs in querysets:
            if callable(qs):
                qs()
            else:
                list(qs.all())

    return run


def query_count(client, url: str, headers: dict | None = None) -> int:
    """How many SQL queries one request issues (after one warm-up request)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url, **(headers or {}))
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **(headers or {}))
    if response.status_code != 200:
        raise AssertionError(f"GET {url} answered {response.status_code}")
    return len(ctx.captured_queries)


def add_flat_queries(report: Report, section: str, name: str, small: int, large: int, *, small_label: str,
                     large_label: str) -> None:
    """Two rows: the queries of one page at a small and at a large data size; the count must not grow."""
    report.add(section, f"queries · {name}, {small_label}", small, "", "—", True)
    report.add(section, f"queries · {name}, {large_label}", large, "", f"≤ {small} ({small_label})", large <= small)


def page_client(user):
    """A test client with a session for `user` (force_login)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def api_client(user) -> tuple[object, dict]:
    """A test client and the Token header for `user`."""
    from django.test import Client
    from rest_framework.authtoken.models import Token

    token, _ = Token.objects.get_or_create(user=user)
    return Client(), {"HTTP_AUTHORIZATION": f"Token {token.key}"}


def add_timing(report: Report, section: str, name: str, timing: Timing, target_ms: float = P95_TARGET_MS) -> None:
    """Two rows per measured endpoint: p50 (informative) and p95 (against the target), each beside the same
    percentile of its baseline when the timing has one."""
    report.add(section, f"{name} p50", timing.p50, "ms", "—", True, baseline=timing.baseline_p50,
               baseline_label=timing.baseline_label)
    report.add(section, f"{name} p95 (n={len(timing.samples_ms)})", timing.p95, "ms", f"< {target_ms:.0f} ms",
               timing.p95 < target_ms, baseline=timing.baseline_p95, baseline_label=timing.baseline_label)


def guarded(report: Report, section: str, label: str, fn: Callable[[], None]) -> None:
    """Run one measurement; an exception becomes a failed row instead of ending the section."""
    try:
        fn()
    except Exception as exc:  # noqa: BLE001 - a benchmark reports failures, it does not stop on them
        report.add(section, f"{label}: {type(exc).__name__}: {str(exc)[:120]}", float("nan"), "", "no error", False)


def calibrate() -> dict[str, float]:
    """The machine's speed now: a fixed CPU loop and a fixed SQL query, best of three each (milliseconds), beside
    the load average. Printed with the results so that runs on different days or machines can be compared."""
    from django.db import connection

    def best(fn, n=3) -> float:
        times = []
        for _ in range(n):
            started = time.perf_counter()
            fn()
            times.append((time.perf_counter() - started) * 1000)
        return min(times)

    def cpu():
        total = 0
        for i in range(2_000_000):
            total += i * i % 7
        return total

    if connection.vendor == "postgresql":
        sql = "SELECT sum(g % 7) FROM generate_series(1, 2000000) AS g"
    else:
        sql = ("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 500000) "
               "SELECT sum(x % 7) FROM c")

    def query():
        with connection.cursor() as cur:
            cur.execute(sql)
            cur.fetchone()

    return {"cpu_ms": best(cpu), "sql_ms": best(query), "load1": os.getloadavg()[0]}


def setup_django(database_url: str | None = None, var_dir: str | None = None) -> None:
    """Point the settings at the benchmark database and a scratch var dir, then django.setup().

    TLS redirects and secure cookies are switched off: the benchmark talks to Django in-process over plain
    HTTP. DEBUG stays off, as in production (query capture forces its own debug cursor)."""
    import tempfile

    os.environ["DATABASE_URL"] = database_url or os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    os.environ["IB_VAR_DIR"] = var_dir or os.environ.get("IB_VAR_DIR_BENCH") or tempfile.mkdtemp(prefix="ib-bench-")
    os.environ["DEBUG"] = "0"
    for name in ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"):
        os.environ[name] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "industry_brain.settings")
    src = str(ROOT / "src")
    if src not in sys.path:
        sys.path.insert(0, src)
    import django

    django.setup()


def demo_user(username: str):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


def run_standalone(description: str, section: str, run: Callable[..., None], extra_args: Callable | None = None,
                   run_kwargs: Callable | None = None) -> None:
    """The `__main__` of a bench module: against an already seeded database, print the rows, exit 1 on a miss."""
    import argparse

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--database-url", default=None)
    if extra_args is not None:
        extra_args(parser)
    args = parser.parse_args()
    setup_django(args.database_url)
    result = Report()
    run(result, **(run_kwargs(args) if run_kwargs is not None else {}))
    print(f"\n{len(result.rows) - len(result.failed)} of {len(result.rows)} rows meet their target")
    for line in result.notes.get(section, []):
        print(line)
    sys.exit(1 if result.failed else 0)
