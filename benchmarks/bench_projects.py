"""Investment projects benchmark: all warning rules over the province scale (25,000 projects with a year of
monthly reports) and over 250,000 projects, the one-map GeoJSON for 25,000 projects (time and size), and the
project list API p95 with varied filters, plus query counts that must not grow with rows.

    .venv/bin/python benchmarks/run.py --only projects            # through the harness (seeds if needed)
    .venv/bin/python benchmarks/bench_projects.py [--database-url URL] [--skip-250k]

The 250,000-project run inflates the seeded database in place: it copies every seeded project nine times
(codes suffixed "-B1" … "-B9", with their reports and plans) by INSERT … SELECT, evaluates twice (the first
run opens the copies' warnings, the second is the steady daily run), then deletes the copies, their warnings,
orders and the events the run wrote, so the database is as seeded afterwards. Use a dedicated benchmark
database (never a shared one).
"""

from __future__ import annotations

import math
import os
import statistics
import sys
import time
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
    percentile,
    plain_queries,
    query_count,
    time_requests,
)
from harness import list_baselines as harness_list_baselines  # noqa: E402

SECTION = "projects"
RULES_TARGET_S = 2.0
RULES_250K_TARGET_S = 20.0
MAP_TARGET_MS = 200.0  # cold (built from the database); warm answers come from the cache
COLD_ROUNDS = 5  # cold map samples per format, interleaved
MAP_TARGET_MB = 3.0
COPY_SUFFIX = "-B"
LOOP_SAMPLE = 2_000  # projects the per-project baseline of the rules evaluates (then scaled to all)
LIST_COLUMNS = ("pk", "code", "name", "district__name", "ecosystem__name", "stage", "warning_level",
                "total_investment", "invested_total", "planned_start")
MAP_COLUMNS = ("pk", "name", "stage", "warning_level", "total_investment", "lon", "lat")
PLAIN_LIST = "plain query: restricted queryset + FilterSet, page of values_list + count"
PLAIN_MAP = "plain values_list of the points' columns, same scope and filters"


def _evaluate() -> tuple[float, dict]:
    from industry_brain.core.context import acting_as
    from industry_brain.projects.services import warning_evaluate_all

    started = time.perf_counter()
    with acting_as(None, label="bench:evaluate_warnings"):
        counts = warning_evaluate_all()
    return time.perf_counter() - started, counts


def _project_levels(p: dict, reports: list[tuple], plan, rules: list, today) -> str:
    """The warning level of one project by the five rules, computed in Python from its own rows: what a
    per-project evaluation does (the same thresholds as projects/rules.py, which does it set-based)."""
    import datetime as dt
    from decimal import Decimal

    from industry_brain.projects.choices import MILESTONE_ORDER, OPEN_STAGES, REPORTING_STAGES, RuleKind, Stage
    from industry_brain.projects.rules import add_months, expected_month, month_start, months_between

    rank = {"green": 0, "yellow": 1, "red": 2}
    level = "green"
    for rule in rules:
        t, found = rule.thresholds, None
        if rule.kind == RuleKind.MILESTONE_OVERDUE and p["stage"] in OPEN_STAGES:
            start = OPEN_STAGES.index(p["stage"])
            planned = next((p[f"planned_{m}"] for m in MILESTONE_ORDER[start:] if p[f"planned_{m}"]), None)
            days = (today - planned).days if planned else 0
            if days > int(t["yellow_after_days"]):
                found = "red" if days > int(t["red_after_days"]) else "yellow"
        elif rule.kind == RuleKind.INVESTMENT_BEHIND and plan and p["stage"] not in (Stage.CANCELLED,
                                                                                      Stage.FULL_PRODUCTION):
            upto = expected_month(today, int(t["report_due_day"]))
            months = upto.month if upto.year == today.year else 0
            done = sum((inv or 0 for period, inv in reports if dt.date(today.year, 1, 1) <= period <= upto),
                       Decimal(0))
            yellow, red = Decimal(str(t["yellow_points"])), Decimal(str(t["red_points"]))
            if months and 1200 * done <= (100 * months - 12 * yellow) * plan:
                found = "red" if 1200 * done < (100 * months - 12 * red) * plan else "yellow"
        elif rule.kind == RuleKind.START_OVERDUE and p["stage"] in (Stage.RESERVE, Stage.SIGNED, Stage.LAND):
            if not p["actual_start"] and p["planned_start"] and \
                    p["planned_start"] < add_months(today, -int(t["months"])):
                found = "red"
        elif rule.kind == RuleKind.REPORT_MISSING and p["stage"] in REPORTING_STAGES:
            due, last = expected_month(today, int(t["due_day"])), p["last_report_period"]
            since = next((p[f"actual_{m}"] for m in ("land", "start", "completion", "production")
                          if p[f"actual_{m}"]), None)
            if since and (last is None or last < due) and since <= add_months(due, 1) - dt.timedelta(days=1):
                first = month_start(since)
                missing = months_between(last if last is not None and last >= first else add_months(first, -1), due)
                if missing >= int(t["yellow_months"]):
                    found = "red" if missing >= int(t["red_months"]) else "yellow"
        elif rule.kind == RuleKind.INVESTMENT_STALLED and p["stage"] == Stage.CONSTRUCTION:
            last = expected_month(today, int(t["due_day"]))
            first = add_months(last, -(int(t["months"]) - 1))
            if p["actual_start"] and p["actual_start"] < first and not any(
                    first <= period <= last and (inv or 0) > 0 for period, inv in reports):
                found = "red"
        if found:
            found = "yellow" if rule.level == "yellow" else found
            level = found if rank[found] > rank[level] else level
    return level


def per_project_loop(sample: int = LOOP_SAMPLE) -> tuple[float, int, int]:
    """The baseline of the rules: a Python loop over projects, each read with its reports and this year's plan
    (three queries) and judged by `_project_levels`; timed on `sample` projects spread over the table. Answers
    (seconds per project, projects looped, of which the level agrees with the stored one)."""
    from industry_brain.projects.choices import MILESTONE_ORDER
    from industry_brain.projects.models import ProgressReport, Project, WarningRule, YearlyPlan
    from industry_brain.projects.services._common import today_local

    today = today_local()
    ids = list(Project.objects.order_by("pk").values_list("pk", flat=True))
    ids = ids[::max(1, len(ids) // sample)][:sample]
    fields = ["pk", "stage", "last_report_period", "warning_level",
              *[f"{kind}_{m}" for m in MILESTONE_ORDER for kind in ("planned", "actual")]]
    started = time.perf_counter()
    rules = list(WarningRule.objects.filter(is_active=True))
    agree = 0
    for pid in ids:
        p = Project.objects.values(*fields).get(pk=pid)
        reports = list(ProgressReport.objects.filter(project_id=pid).values_list("period", "investment"))
        plan = YearlyPlan.objects.filter(project_id=pid, year=today.year, amount__gt=0).values_list(
            "amount", flat=True).first()
        agree += _project_levels(p, reports, plan, rules, today) == p["warning_level"]
    return (time.perf_counter() - started) / max(len(ids), 1), len(ids), agree


def bench_rules(report: Report) -> None:
    from industry_brain.projects.models import ProgressReport, Project

    n, reports = Project.objects.count(), ProgressReport.objects.count()
    _evaluate()  # bring warnings up to today (the seeder evaluated already; this is the daily steady state)
    runs = [_evaluate() for _ in range(3)]
    seconds = statistics.median(r[0] for r in runs)
    counts = runs[-1][1]
    per_project, looped, agree = per_project_loop()
    report.add(SECTION, f"all rules · {n:,} projects, {reports:,} reports (median of 3)", seconds, "s",
               f"< {RULES_TARGET_S:.0f} s", seconds < RULES_TARGET_S, baseline=per_project * n,
               baseline_label=f"per-project Python loop (sampled, scaled: {looped:,} projects timed, × {n:,})")
    report.note(SECTION, f"Rules baseline: a per-project loop (the project, its reports and this year's plan read "
                         f"by three queries, the five rules judged in Python) timed on {looped:,} projects spread "
                         f"over the table and scaled linearly; it gives the stored level for {agree:,} of them.")
    report.add(SECTION, "active warnings after evaluation (yellow / red projects)",
               counts["active_yellow"] + counts["active_red"], "", "—", True)
    report.note(SECTION, f"Province-scale evaluation: {counts['active_yellow']:,} yellow and {counts['active_red']:,} "
                         f"red projects of {n:,}; each run executes the five rules set-based, reconciles warnings, "
                         f"stores project levels and syncs supervision orders (open, close, escalate).")


def bench_map(report: Report) -> None:
    from django.core.cache import cache

    from industry_brain.projects.models import Project

    user = demo_user("city_admin")
    client, headers = api_client(user)
    located = Project.objects.filter(lat__isnull=False).count()
    client.get("/api/v1/projects/map/?district=330106", **headers)  # warm the process (URL resolver, imports)
    plain = map_baselines(user, [("map", "/api/v1/projects/map/")])["map"]
    plain()  # warm like the page
    # Cold answers (built from the database after the cache is cleared), each format COLD_ROUNDS times in
    # interleaved order beside its plain baseline, so one slow sample (a first read of the table's pages, a
    # collection) shows as the p95 and not as the whole row.
    cold: dict[str, list[float]] = {"raw": [], "gzip": []}
    base: dict[str, list[float]] = {"raw": [], "gzip": []}
    body = packed = None
    for round_ in range(COLD_ROUNDS):
        for kind in (("raw", "gzip") if round_ % 2 == 0 else ("gzip", "raw")):
            extra = {"HTTP_ACCEPT_ENCODING": "gzip"} if kind == "gzip" else {}
            cache.clear()
            started = time.perf_counter()
            response = client.get("/api/v1/projects/map/", **extra, **headers)
            cold[kind].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
            started = time.perf_counter()
            plain()
            base[kind].append((time.perf_counter() - started) * 1000)
            if kind == "raw":
                body = response.content
            else:
                packed = response
    features = body.count(b'"type":"Feature"')
    for kind, label in (("raw", f"map GeoJSON cold (not cached) · {features:,} points"),
                        ("gzip", "map GeoJSON cold, gzip")):
        p50, p95 = percentile(cold[kind], 50), percentile(cold[kind], 95)
        report.add(SECTION, f"{label} p50", p50, "ms", "—", True, baseline=percentile(base[kind], 50),
                   baseline_label=f"{PLAIN_MAP} (right after each)")
        report.add(SECTION, f"{label} p95 (n={COLD_ROUNDS})", p95, "ms", f"< {MAP_TARGET_MS:.0f} ms",
                   p95 < MAP_TARGET_MS and features == located, baseline=percentile(base[kind], 95),
                   baseline_label=f"{PLAIN_MAP} (right after each)")
    report.note(SECTION, "Cold map samples (ms, in order): " + "; ".join(
        f"{kind} " + ", ".join(f"{v:.0f}" for v in cold[kind]) for kind in ("raw", "gzip")) + ".")
    gz_mb = len(packed.content) / 1e6
    raw_mb = len(body) / 1e6
    report.add(SECTION, "map GeoJSON size as sent (gzip)", gz_mb, "MB", f"< {MAP_TARGET_MB:.0f} MB",
               gz_mb < MAP_TARGET_MB)
    report.add(SECTION, "map GeoJSON size uncompressed", raw_mb, "MB", f"< {MAP_TARGET_MB:.0f} MB (informative)",
               raw_mb < MAP_TARGET_MB)
    urls = [("map", "/api/v1/projects/map/"), ("map red", "/api/v1/projects/map/?warning_level=red"),
            ("map district", "/api/v1/projects/map/?district=330106")]
    timing = time_requests(client, urls, rounds=14, headers={**headers, "HTTP_ACCEPT_ENCODING": "gzip"},
                           baselines=map_baselines(user, urls), baseline_label=PLAIN_MAP)
    add_timing(report, SECTION, "map GeoJSON warm (cached per scope, filters, data version)", timing,
               P95_TARGET_MS)
    report.note(SECTION, f"Map: {features:,} features, 5-decimal coordinates, five properties; {raw_mb:.2f} MB "
                         f"uncompressed, {gz_mb:.2f} MB gzip (sent when the client accepts gzip, as browsers do). "
                         f"Cached per user scope + filters + data version (count and latest update of projects).")


def map_baselines(user, urls: list[tuple[str, str]]) -> dict:
    """Each map variant's plain read: the located projects in the reader's scope narrowed by the same FilterSet,
    their id, name, stage, level, investment and coordinates as a values_list (no GeoJSON, no cache)."""
    from industry_brain.projects.filtersets import ProjectFilterSet
    from industry_brain.projects.models import Project

    out = {}
    for label, url in urls:
        query = url.partition("?")[2]
        qs = Project.objects.restrict(user, "view")
        if query:
            from django.http import QueryDict

            filterset = ProjectFilterSet(QueryDict(query), queryset=qs)
            qs = filterset.qs if filterset.is_valid() else qs.none()
        out[label] = plain_queries(qs.filter(lat__isnull=False).order_by().values_list(*MAP_COLUMNS))
    return out


def list_baselines(user, urls: list[tuple[str, str]], *, api: bool) -> dict:
    """Each list variant's plain query (harness.list_baselines) in the order the page or the API sorts by."""
    from industry_brain.projects.filtersets import ProjectFilterSet
    from industry_brain.projects.models import Project
    from industry_brain.projects.tables import ProjectTable

    return harness_list_baselines(Project.objects.restrict(user, "view"), ProjectFilterSet, ProjectTable, urls, api=api,
                                  api_order=["-total_investment", "code"], columns=LIST_COLUMNS)


def detail_baseline(user, pk: int):
    """The plain reads of a project's detail page: the project by primary key through its restricted queryset,
    then the rows the page shows (latest 24 reports, latest 20 milestone records, yearly plans, active
    warnings), each a values_list."""
    from industry_brain.projects.models import MilestoneRecord, ProgressReport, Project, ProjectWarning, YearlyPlan

    return plain_queries(
        lambda: Project.objects.restrict(user, "view").values_list(*LIST_COLUMNS).get(pk=pk),
        ProgressReport.objects.filter(project_id=pk).order_by("-period").values_list("period", "investment")[:24],
        MilestoneRecord.objects.filter(project_id=pk).order_by("-date", "-id").values_list("pk", "date")[:20],
        YearlyPlan.objects.filter(project_id=pk).order_by("year").values_list("year", "amount"),
        ProjectWarning.objects.filter(project_id=pk, cleared_at__isnull=True).values_list("rule__name", "level",
                                                                                          "opened_at"))


def _fixtures() -> dict:
    from industry_brain.chains.models import Chain, Ecosystem
    from industry_brain.projects.models import Project

    iot = Ecosystem.objects.get(code="iot")
    chain = Chain.objects.filter(ecosystem=iot).order_by("order", "id").first()
    sample = Project.objects.order_by("pk")[100:101].get()
    return {"ecosystem": iot.pk, "chain": chain.pk, "fragment": sample.name[:4], "code": sample.code}


def list_variants(fx: dict, deep_page: int) -> list[tuple[str, str]]:
    variants = [
        ("all", {}),
        ("district", {"district": "330106"}),
        ("ecosystem", {"ecosystem": fx["ecosystem"]}),
        ("chain", {"chain": fx["chain"]}),
        ("stage", {"stage": "construction"}),
        ("red", {"warning_level": "red"}),
        ("yellow+red", {"warning_level": ["yellow", "red"]}),
        ("key level", {"key_level": "city"}),
        ("band", {"band": "1to5"}),
        ("search name", {"search": fx["fragment"]}),
        ("search code", {"search": fx["code"]}),
        ("district+stage+red", {"district": "330109", "stage": "construction", "warning_level": "red"}),
        ("page size 200", {"page_size": 200}),
        ("deep page", {"page": deep_page}),
    ]
    return [(label, urlencode(q, doseq=True)) for label, q in variants]


def bench_list(report: Report) -> None:
    from industry_brain.projects.models import Project

    fx = _fixtures()
    for username in ("city_admin", "xihu_officer", "chain_iot"):
        user = demo_user(username)
        client, headers = api_client(user)
        n = Project.objects.restrict(user, "view").count()
        deep = max(1, (n // 50) * 4 // 5)
        urls = [(label, f"/api/v1/projects/?{q}") for label, q in list_variants(fx, deep)]
        guarded(report, SECTION, f"project list API · {username}", lambda c=client, u=urls, h=headers,
                name=username, us=user: _timed(report, f"project list API · {name}", time_requests(
                    c, u, rounds=3, headers=h, baselines=list_baselines(us, u, api=True), baseline_label=PLAIN_LIST)))
    user = demo_user("city_admin")
    client, headers = api_client(user)
    small = query_count(client, f"/api/v1/projects/?search={fx['code']}", headers)
    large = query_count(client, "/api/v1/projects/?page_size=200", headers)
    report.add(SECTION, "queries · project list API, 1 row", small, "", "constant", True)
    report.add(SECTION, "queries · project list API, 200 rows", large, "", f"= {small} (1 row)", large <= small)


ROLES = ["city_admin", "xihu_officer", "chain_iot", "enterprise_demo"]


def bench_pages(report: Report) -> None:
    """The list page and the detail page for every role that sees projects (< 100 ms), and the detail page's
    queries for the project with the fewest and the one with the most reports, milestones and warnings."""
    from django.db.models import Count
    from harness import page_client

    from industry_brain.projects.models import Project

    for username in ROLES:
        user = demo_user(username)
        client = page_client(user)
        qs = Project.objects.restrict(user, "view").order_by("pk").values_list("pk", flat=True)
        total = qs.count()
        if not total:
            continue
        urls = [("list", "/projects/"), ("list district", "/projects/?district=330106"),
                ("list red", "/projects/?warning_level=red"), ("list stage", "/projects/?stage=construction")]
        timing = time_requests(client, urls, rounds=10, baselines=list_baselines(user, urls, api=False),
                               baseline_label=PLAIN_LIST)
        add_timing(report, SECTION, f"project list page · {username}", timing, P95_TARGET_MS)
        step = max(1, total // 12)
        ids = [qs[k * step:k * step + 1].get() for k in range(min(12, total))]
        timing = time_requests(client, [(str(pk), f"/projects/{pk}/") for pk in ids], rounds=3,
                               baselines={str(pk): detail_baseline(user, pk) for pk in ids},
                               baseline_label="plain: the project by pk through its restricted queryset + reports, "
                                              "milestone records, plans, active warnings")
        add_timing(report, SECTION, f"project detail page · {username}", timing, P95_TARGET_MS)
    client = page_client(demo_user("city_admin"))
    ranked = Project.objects.annotate(n=Count("reports", distinct=True) + Count("milestone_records", distinct=True)
                                      + Count("warnings", distinct=True))
    (small, few), = ranked.order_by("n", "pk").values_list("pk", "n")[:1]
    (large, many), = ranked.filter(pk__in=Project.objects.filter(warnings__isnull=False).values("pk")[:3000]) \
        .order_by("-n", "pk").values_list("pk", "n")[:1]
    add_flat_queries(report, SECTION, "project detail page", query_count(client, f"/projects/{small}/"),
                     query_count(client, f"/projects/{large}/"), small_label=f"{few} reports, milestones, warnings",
                     large_label=f"{many} reports, milestones, warnings")


def _timed(report: Report, name: str, timing) -> None:
    add_timing(report, SECTION, name, timing)
    report.add(SECTION, f"{name} slowest variant median ({timing.slowest_label})", timing.slowest_median_ms, "ms",
               f"< {P95_TARGET_MS:.0f} ms", timing.slowest_median_ms < P95_TARGET_MS,
               baseline=timing.slowest_baseline_ms, baseline_label=f"{timing.baseline_label}, same variant")


# ----- 250,000 projects -----

def _columns(model, skip: set[str]) -> list[str]:
    return [f.column for f in model._meta.concrete_fields if f.column not in skip]


def inflate(target: int = 250_000) -> int:
    """Copy the seeded projects (with reports and plans) until about `target` projects exist; answers the
    number of copies made. Set-based INSERT … SELECT per copy."""
    from django.db import connection, transaction

    from industry_brain.projects.models import ProgressReport, Project, YearlyPlan

    base = Project.objects.exclude(code__contains=COPY_SUFFIX).count()
    copies = max(0, math.ceil(target / max(base, 1)) - 1)
    p_cols = _columns(Project, {"id", "code"})
    r_cols = _columns(ProgressReport, {"id", "project_id"})
    y_cols = _columns(YearlyPlan, {"id", "project_id"})
    pt, rt, yt = Project._meta.db_table, ProgressReport._meta.db_table, YearlyPlan._meta.db_table
    with transaction.atomic(), connection.cursor() as cur:
        for k in range(1, copies + 1):
            suffix = f"{COPY_SUFFIX}{k}"
            cur.execute(f"INSERT INTO {pt} (code, {', '.join(p_cols)}) SELECT code || %s, {', '.join(p_cols)} "
                        f"FROM {pt} WHERE code NOT LIKE %s", [suffix, f"%{COPY_SUFFIX}%"])
            for table, cols in ((rt, r_cols), (yt, y_cols)):
                cur.execute(f"INSERT INTO {table} (project_id, {', '.join(cols)}) "
                            f"SELECT np.id, {', '.join('r.' + c for c in cols)} FROM {table} r "
                            f"JOIN {pt} p ON p.id = r.project_id JOIN {pt} np ON np.code = p.code || %s "
                            f"WHERE p.code NOT LIKE %s", [suffix, f"%{COPY_SUFFIX}%"])
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(f"ANALYZE {pt}; ANALYZE {rt}; ANALYZE {yt};")
    return copies


def deflate(event_floor: int) -> None:
    """Remove the copies and everything the 250k runs wrote about them."""
    from django.db import connection, transaction

    from industry_brain.core.models import Event
    from industry_brain.projects.models import (
        MilestoneRecord,
        ProgressReport,
        Project,
        ProjectWarning,
        SupervisionOrder,
        SupervisionResponse,
        YearlyPlan,
    )

    pt = Project._meta.db_table
    copies = f"SELECT id FROM {pt} WHERE code LIKE %s"
    like = [f"%{COPY_SUFFIX}%"]
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"DELETE FROM {SupervisionResponse._meta.db_table} WHERE order_id IN (SELECT id FROM "
                    f"{SupervisionOrder._meta.db_table} WHERE project_id IN ({copies}))", like)
        for model in (SupervisionOrder, ProjectWarning, ProgressReport, YearlyPlan, MilestoneRecord):
            cur.execute(f"DELETE FROM {model._meta.db_table} WHERE project_id IN ({copies})", like)
        cur.execute(f"DELETE FROM {pt} WHERE code LIKE %s", like)
        cur.execute(f"DELETE FROM {Event._meta.db_table} WHERE id > %s", [event_floor])


def bench_250k(report: Report) -> None:
    from django.db.models import Max

    from industry_brain.core.models import Event
    from industry_brain.projects.models import ProgressReport, Project

    event_floor = Event.objects.aggregate(m=Max("id"))["m"] or 0
    started = time.perf_counter()
    try:
        inflate()
        setup_s = time.perf_counter() - started
        n, reports = Project.objects.count(), ProgressReport.objects.count()
        first, counts = _evaluate()
        second, _ = _evaluate()
        per_project, looped, _agree = per_project_loop()
        loop = {"baseline": per_project * n,
                "baseline_label": f"per-project Python loop (sampled, scaled: {looped:,} projects timed, × {n:,})"}
        report.add(SECTION, f"all rules · {n:,} projects, {reports:,} reports, first run (opens "
                            f"{counts['opened']:,} warnings)", first, "s", f"< {RULES_250K_TARGET_S:.0f} s",
                   first < RULES_250K_TARGET_S, **loop)
        report.add(SECTION, f"all rules · {n:,} projects, steady daily run", second, "s",
                   f"< {RULES_250K_TARGET_S:.0f} s", second < RULES_250K_TARGET_S, **loop)
        report.note(SECTION, f"250k: the seeded projects copied in place by INSERT … SELECT ({setup_s:.0f} s, not "
                             f"timed), evaluated twice, then removed with their warnings, orders and events.")
    finally:
        deflate(event_floor)
        _evaluate()


def run(report: Report, *, include_250k: bool = True) -> None:
    from django.db import connection

    report.note(SECTION, f"Database: {connection.vendor}. List p95 over at least 40 timed requests per user after a "
                         f"warm-up round (django.test.Client with a Token header), cycling through 14 filter "
                         f"variants (district, ecosystem, chain, stage, warning level, key level, investment band, "
                         f"name and code search, a combination, 200 rows, a deep page). Baselines, timed beside "
                         f"each request in the same rounds: lists beside their plain query (the role's "
                         f"restricted queryset narrowed by the same FilterSet, the page of values_list and the "
                         f"count), detail pages beside the plain reads of the project and its rows, the map "
                         f"beside the plain values_list of its points.")
    guarded(report, SECTION, "rules at province scale", lambda: bench_rules(report))
    guarded(report, SECTION, "map", lambda: bench_map(report))
    guarded(report, SECTION, "list", lambda: bench_list(report))
    guarded(report, SECTION, "pages", lambda: bench_pages(report))
    if include_250k and os.environ.get("BENCH_SKIP_250K") != "1":  # the environment may skip it (README)
        guarded(report, SECTION, "rules at 250k", lambda: bench_250k(report))


if __name__ == "__main__":
    from harness import run_standalone

    run_standalone("Projects benchmark against an already seeded database", SECTION, run,
                   extra_args=lambda parser: parser.add_argument("--skip-250k", action="store_true"),
                   run_kwargs=lambda args: {"include_250k": not args.skip_250k})
