"""Benchmark harness: prepare a dedicated database, seed the demo data at a scale, run every
`benchmarks/bench_*.py` and write `benchmarks/RESULTS.md`.

    .venv/bin/python benchmarks/run.py [--scale province|city] [--database-url URL] [--skip-seed]
                                       [--only foundation,projects,demands] [--output PATH]

The default database is PostgreSQL `ib_bench` on 127.0.0.1 (created if missing, dropped and re-created
unless --skip-seed). `--database-url sqlite:///benchmarks/ib_bench.sqlite3` benchmarks the embedded default
instead (its results go to RESULTS-sqlite.md unless --output says otherwise). Each bench module's
`run(report)` adds rows with `report.add(section, metric, value, unit, target, ok)`; a module that raises is
reported as a failed row. Rerunning regenerates the whole results file.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import importlib.util
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from urllib.parse import unquote, urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (  # noqa: E402
    BENCH_DIR,
    DEFAULT_DATABASE_URL,
    ROOT,
    Report,
    calibrate,
    format_value,
    setup_django,
)

META_TABLE = "ib_bench_meta"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=["tiny", "city", "province"], default="province")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--skip-seed", action="store_true", help="reuse the seeded database if it is there")
    parser.add_argument("--only", default="", help="comma-separated bench names, e.g. foundation,projects")
    parser.add_argument("--combine", nargs="+", metavar="RESULTS_JSON", default=None,
                        help="run nothing: merge the sections of these results (.json beside each RESULTS-*.md, "
                             "later files win) into --output (default benchmarks/RESULTS.md)")
    parser.add_argument("--intro", default=None, metavar="TEXT_FILE",
                        help="with --combine: the paragraph under the title that explains where the sections come "
                             "from (default: the one already in the output file is kept)")
    parser.add_argument("--wait-idle", type=int, default=900, metavar="SECONDS",
                        help="before timing, wait up to this long for the 1-minute load average to fall below half "
                             "the cores (0: do not wait)")
    parser.add_argument("--passes", type=int, default=2,
                        help="timed passes over the bench modules, alternating order (every row keeps each pass and "
                             "meets its target only if it did in every pass)")
    parser.add_argument("--output", default="", help="results file (default benchmarks/RESULTS.md, "
                                                      "benchmarks/RESULTS-sqlite.md on SQLite)")
    return parser.parse_args(argv)


# --- the database -----------------------------------------------------------------------------------------

def _pg_env(url) -> tuple[list[str], dict]:
    args = ["-h", url.hostname or "127.0.0.1", "-p", str(url.port or 5432), "-U", unquote(url.username or "postgres")]
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = unquote(url.password)
    return args, env


def _pg_exists(url) -> bool:
    args, env = _pg_env(url)
    name = url.path.lstrip("/")
    sql = f"SELECT 1 FROM pg_database WHERE datname = '{name}'"
    out = subprocess.run(["psql", *args, "-d", "postgres", "-Atc", sql], env=env, capture_output=True, text=True,
                         check=True)
    return out.stdout.strip() == "1"


def prepare_database(database_url: str, fresh: bool) -> bool:
    """Create (or drop and re-create when `fresh`) the benchmark database. Returns whether it is empty."""
    url = urlparse(database_url)
    if url.scheme.startswith("postgres"):
        name = url.path.lstrip("/")
        if not name or name in ("postgres", "template0", "template1"):
            raise SystemExit(f"refusing to benchmark in database {name!r}")
        args, env = _pg_env(url)
        exists = _pg_exists(url)
        if exists and not fresh:
            return False
        if exists:
            subprocess.run(["dropdb", *args, "--force", name], env=env, check=True)
        subprocess.run(["createdb", *args, name], env=env, check=True)
        return True
    if url.scheme == "sqlite":
        path = Path(database_url.removeprefix("sqlite:///")) if database_url.startswith("sqlite:///") else None
        if path is None:
            raise SystemExit("use sqlite:///path/to/file.sqlite3")
        path = path if path.is_absolute() else ROOT / path
        if path.exists() and not fresh:
            return False
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        return True
    raise SystemExit(f"unsupported database URL {database_url!r}")


def sqlite_url_absolute(database_url: str) -> str:
    if database_url.startswith("sqlite:///") and not database_url.startswith("sqlite:////"):
        return "sqlite:///" + str(ROOT / database_url.removeprefix("sqlite:///"))
    return database_url


def meta_write(values: dict) -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(f"CREATE TABLE IF NOT EXISTS {META_TABLE} (key varchar(50) PRIMARY KEY, value text NOT NULL)")
        for key, value in values.items():
            cur.execute(f"DELETE FROM {META_TABLE} WHERE key = %s", [key])
            cur.execute(f"INSERT INTO {META_TABLE} (key, value) VALUES (%s, %s)", [key, json.dumps(value)])


def meta_read() -> dict:
    from django.db import connection

    if META_TABLE not in connection.introspection.table_names():
        return {}
    with connection.cursor() as cur:
        cur.execute(f"SELECT key, value FROM {META_TABLE}")
        return {k: json.loads(v) for k, v in cur.fetchall()}


def analyze() -> float:
    """Refresh planner statistics after the bulk load (production's autovacuum would do it within a minute)."""
    from django.db import connection

    started = time.monotonic()
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("VACUUM (ANALYZE)")
        else:
            cur.execute("ANALYZE")
    return time.monotonic() - started


def row_counts() -> dict[str, int]:
    from django.apps import apps

    counts = {}
    for model in apps.get_models():
        if not model.__module__.startswith("industry_brain.") or model._meta.proxy:
            continue
        n = model._base_manager.count()
        if n:
            counts[model._meta.label] = n
    return dict(sorted(counts.items(), key=lambda kv: -kv[1]))


# --- machine facts ----------------------------------------------------------------------------------------

def machine_facts() -> dict[str, str]:
    import django
    from django.db import connection

    facts = {"Date": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
             "CPU cores": str(os.cpu_count())}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                facts["CPU"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                facts["Memory"] = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    facts["Python"] = platform.python_version()
    facts["Django"] = django.get_version()
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SHOW server_version")
            facts["Database"] = f"PostgreSQL {cur.fetchone()[0]}"
            cur.execute("SHOW shared_buffers")
            facts["Database"] += f" (shared_buffers {cur.fetchone()[0]}, server defaults otherwise)"
        else:
            cur.execute("SELECT sqlite_version()")
            facts["Database"] = f"SQLite {cur.fetchone()[0]} (WAL)"
    return facts


def wait_for_idle(limit: int) -> float:
    """Other work on a small machine distorts latencies: wait (up to `limit` seconds) until the 1-minute load
    average is below half the cores. Returns the seconds waited."""
    threshold = max(1.0, (os.cpu_count() or 1) / 2)
    started = time.monotonic()
    while limit and os.getloadavg()[0] >= threshold and time.monotonic() - started < limit:
        if time.monotonic() - started < 1:
            print(f"waiting for the load average ({os.getloadavg()[0]:.2f}) to fall below {threshold:.1f} ...",
                  flush=True)
        time.sleep(10)
    return time.monotonic() - started


def code_version() -> str:
    """The commit measured, and whether the working tree differed from it."""
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                                check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return f"commit {commit}" + (" with uncommitted changes" if dirty else "")


# --- bench modules ----------------------------------------------------------------------------------------

def bench_modules(only: str) -> list[Path]:
    wanted = {w.strip() for w in only.split(",") if w.strip()}
    found = sorted(BENCH_DIR.glob("bench_*.py"))
    if wanted:
        found = [p for p in found if p.stem.removeprefix("bench_") in wanted]
        missing = wanted - {p.stem.removeprefix("bench_") for p in found}
        for name in sorted(missing):
            print(f"note: no benchmarks/bench_{name}.py", file=sys.stderr)
    return found


def run_module(path: Path, report: Report) -> None:
    section = path.stem.removeprefix("bench_")
    print(f"\n== {path.name} ==", flush=True)
    started = time.monotonic()
    try:
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[path.stem] = module
        spec.loader.exec_module(module)
        module.run(report)
    except Exception as exc:  # noqa: BLE001 - one failing module must not hide the others' results
        traceback.print_exc()
        report.add(section, f"module failed: {type(exc).__name__}: {str(exc)[:150]}", float("nan"), "",
                   "runs without error", False)
    finally:
        from django.db import connection

        connection.close()  # a module that broke its transaction must not poison the next one
    key = f"Duration of bench_{section}"
    took = f"{time.monotonic() - started:.0f} s"
    report.facts[key] = f"{report.facts[key]} + {took}" if key in report.facts else took


# --- output -----------------------------------------------------------------------------------------------

def save_json(report: Report, path: Path) -> None:
    """The rows behind the results file, so that a run of some modules (`--only`) can keep the others' rows."""
    data = {"facts": report.facts, "counts": report.counts, "notes": report.notes,
            "section_facts": report.section_facts, "rows": [dataclasses.asdict(r) for r in report.rows]}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def merge_previous(report: Report, path: Path) -> None:
    """Keep the previous run's sections that this run (`--only`) did not measure, each with when and on which
    commit it was measured."""
    from harness import Row

    if not path.exists():
        return
    previous = json.loads(path.read_text(encoding="utf-8"))
    ran = set(report.sections())
    kept = [Row(**r) for r in previous.get("rows", []) if r["section"] not in ran]
    report.rows = kept + report.rows
    for section in {r.section for r in kept}:
        if section in previous.get("notes", {}):
            report.notes[section] = previous["notes"][section]
        report.section_facts[section] = previous.get("section_facts", {}).get(section) or {
            "date": previous.get("facts", {}).get("Date", "?"), "code": previous.get("facts", {}).get("Code", "?")}
    for table, n in previous.get("counts", {}).items():
        report.counts.setdefault(table, n)

INTRO_END = "Generated by `benchmarks/run.py`"


def intro_of(path: Path) -> str:
    """The paragraph between the title and the generated-by line of an earlier results file (what a combined file
    says about where its sections come from), or ""."""
    if not path.exists():
        return ""
    text = path.read_text(encoding="utf-8")
    head, found, _rest = text.partition(INTRO_END)
    return head.removeprefix("# Benchmark results").strip() if found else ""


def render(report: Report, intro: str = "") -> str:
    lines = ["# Benchmark results", ""] + ([intro, ""] if intro else []) + [
             "Generated by `benchmarks/run.py` (see `benchmarks/README.md`); rerunning regenerates this file. "
             "All data are the synthetic demo data set.", "", "## Machine and data", "",
             "| | |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in report.facts.items()]
    if report.counts:
        lines += ["", "Rows after seeding:", "", "| table | rows |", "|---|---:|"]
        lines += [f"| {k} | {v:,} |" for k, v in report.counts.items()]
    failed = report.failed
    lines += ["", f"**{len(report.rows) - len(failed)} of {len(report.rows)} rows meet their target.**"]
    if failed:
        lines += ["", "Missed:", ""] + [f"- {r.section} · {r.metric}: {format_value(r.value, r.unit)} "
                                        f"(target {r.target})" for r in failed]
    for section in report.sections():
        lines += ["", f"## {section}", ""]
        if section in report.section_facts:
            lines += ["Measured " + ", ".join(f"{k}: {v}" for k, v in report.section_facts[section].items()), ""]
        lines += ["| metric | value | passes | target | baseline (same run) | value ÷ baseline | ok |",
                  "|---|---:|---|---|---:|---:|:-:|"]
        for r in report.rows:
            if r.section == section:
                baseline = "—" if r.baseline is None else \
                    f"{format_value(r.baseline, r.unit)}" + (f" ({r.baseline_label})" if r.baseline_label else "")
                ratio = format_ratio(r)
                passes = " / ".join(format_value(v, r.unit) for v in r.runs) if len(r.runs) > 1 else "—"
                lines.append(f"| {r.metric} | {format_value(r.value, r.unit)} | {passes} | {r.target} | {baseline} | "
                             f"{ratio} | {'✓' if r.ok else '✗'} |")
        for text in report.notes.get(section, []):
            lines += ["", text]
    return "\n".join(lines) + "\n"


def format_ratio(row) -> str:
    """value ÷ baseline: above 1 the row costs that many times its baseline (a page beside its plain query), below
    1 the row is that many times faster than its baseline (a pre-aggregated read beside a live GROUP BY)."""
    if row.ratio is None:
        return "—"
    share = 1 / row.ratio
    if share >= 10:
        return f"{share:,.0f}"
    if share >= 1:
        return f"{share:.1f}"
    return f"{share:.2g} ({row.ratio:,.0f}× faster)" if row.ratio >= 10 else f"{share:.2g} ({row.ratio:.1f}× faster)"


def print_table(report: Report) -> None:
    width = max([len(f"{r.section} · {r.metric}") for r in report.rows] + [20])
    print("\n" + "=" * (width + 40))
    for r in report.rows:
        print(f"{r.section + ' · ' + r.metric:<{width}}  {format_value(r.value, r.unit):>14}  {r.target:<12} "
              f"{'ok' if r.ok else 'MISS'}")
    print("=" * (width + 40))
    print(f"{len(report.rows) - len(report.failed)} of {len(report.rows)} rows meet their target")


def combine(paths: list[str], output: Path, intro: str | None = None) -> int:
    """One results file from the results of runs made separately (e.g. one module at a time on its own copy of
    the province database): every section keeps the facts of the run that measured it."""
    from harness import Row

    report = Report(verbose=False)
    for name in paths:
        data = json.loads(Path(name).read_text(encoding="utf-8"))
        rows = [Row(**r) for r in data.get("rows", [])]
        sections = {r.section for r in rows}
        report.rows = [r for r in report.rows if r.section not in sections] + rows
        for section in sections:
            facts = dict(data.get("section_facts", {}).get(section) or {})
            run_facts = data.get("facts", {})
            for key in ("Calibration at start (CPU loop / SQL query, best of 3)", "Scale", "Database"):
                if key in run_facts:
                    facts.setdefault(key.split(" (")[0].lower(), run_facts[key])
            facts.setdefault("results of", Path(name).name)
            report.section_facts[section] = facts
            if section in data.get("notes", {}):
                report.notes[section] = data["notes"][section]
        for table, n in data.get("counts", {}).items():
            report.counts[table] = max(n, report.counts.get(table, 0))
    report.facts["Combined from"] = ", ".join(Path(p).name for p in paths)
    report.facts["Combined on"] = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    intro = intro_of(output) if intro is None else intro.strip()
    save_json(report, output.with_suffix(".json"))
    output.write_text(render(report, intro), encoding="utf-8")
    print_table(report)
    print(f"wrote {output}")
    return 1 if report.failed else 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.combine:
        intro = Path(args.intro).read_text(encoding="utf-8") if args.intro else None
        return combine(args.combine, Path(args.output) if args.output else BENCH_DIR / "RESULTS.md", intro)
    database_url = sqlite_url_absolute(args.database_url)
    fresh = prepare_database(database_url, fresh=not args.skip_seed)
    var_dir = tempfile.mkdtemp(prefix="ib-bench-")
    setup_django(database_url, var_dir)

    from django.core.management import call_command
    from django.db import connection

    report = Report()
    started = time.monotonic()
    call_command("migrate", verbosity=0, interactive=False)
    print(f"migrations: {time.monotonic() - started:.1f} s", flush=True)
    meta = {} if fresh else meta_read()
    reused_vacuum = None
    if fresh or not meta.get("scale"):
        print(f"seeding the {args.scale} data set ...", flush=True)
        started = time.monotonic()
        try:
            call_command("seed_demo", scale=args.scale, quiet=True)
        except Exception as exc:  # noqa: BLE001 - report what was seeded and measure it anyway
            traceback.print_exc()
            connection.close()
            report.add("seeding", f"seed_demo failed: {type(exc).__name__}: {str(exc)[:150]}", float("nan"), "",
                       "seeds without error", False)
        seconds = time.monotonic() - started
        vacuum = analyze()
        meta = {"scale": args.scale, "seed_seconds": round(seconds, 1), "analyze_seconds": round(vacuum, 1),
                "seeded_at": dt.datetime.now().astimezone().isoformat(timespec="minutes")}
        meta_write(meta)
        print(f"seeded in {seconds:.1f} s (+ {vacuum:.1f} s statistics)", flush=True)
    else:
        if meta.get("scale") != args.scale:
            print(f"note: reusing a database seeded at scale {meta['scale']!r}", file=sys.stderr)
        # A reused database carries what earlier runs wrote (derived tables rebuilt, 250k copies removed, indicator
        # tables replaced). Production's autovacuum cleans and re-analyses such tables within minutes; a server
        # running with autovacuum off (as the CI machines' does) would otherwise measure stale plans and dead rows.
        reused_vacuum = analyze()
        print(f"statistics of the reused database refreshed in {reused_vacuum:.1f} s", flush=True)
    report.facts.update(machine_facts())
    report.facts["Code"] = code_version()
    report.facts["Scale"] = meta.get("scale", args.scale)
    report.facts["Database URL"] = database_url.split("@")[-1] if connection.vendor == "postgresql" else \
        os.path.relpath(database_url.removeprefix("sqlite:///"), ROOT)
    report.facts["Seeding time (seed_demo)"] = f"{meta.get('seed_seconds', '?')} s" + \
        ("" if fresh else f" (database seeded {meta.get('seeded_at', '?')}, reused)")
    statistics_command = "VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE"
    report.facts["Statistics after seeding"] = f"{statistics_command} {meta.get('analyze_seconds', '?')} s"
    if reused_vacuum is not None:
        report.facts["Statistics before the benches (reused database)"] = f"{statistics_command} {reused_vacuum:.1f} s"
    report.counts = row_counts()

    waited = wait_for_idle(args.wait_idle)
    if waited >= 1:
        report.facts["Waited for an idle machine"] = f"{waited:.0f} s"
    load_before = os.getloadavg()[0]
    before = calibrate()
    report.facts["Calibration at start (CPU loop / SQL query, best of 3)"] = \
        f"{before['cpu_ms']:.0f} ms / {before['sql_ms']:.0f} ms (load {before['load1']:.2f})"
    modules = bench_modules(args.only)
    for n in range(max(1, args.passes)):
        print(f"\n#### pass {n + 1} of {args.passes}", flush=True)
        for path in (modules if n % 2 == 0 else list(reversed(modules))):
            run_module(path, report)
            section = path.stem.removeprefix("bench_")
            load = f"{os.getloadavg()[0]:.2f}"
            facts = report.section_facts.setdefault(section, {"date": report.facts["Date"],
                                                              "code": report.facts["Code"]})
            facts["load average"] = (facts["load average"] + " / " + load) if "load average" in facts else load
    after = calibrate()
    report.facts["Calibration at end (CPU loop / SQL query, best of 3)"] = \
        f"{after['cpu_ms']:.0f} ms / {after['sql_ms']:.0f} ms (load {after['load1']:.2f})"
    report.facts["Passes"] = f"{args.passes} (alternating order; each row stands for its worse pass)"
    # Other work on the machine shifts the timings; the load average says whether there was any.
    report.facts["Load average (1 min) before / after the benches"] = f"{load_before:.2f} / {os.getloadavg()[0]:.2f}"

    output = Path(args.output) if args.output else BENCH_DIR / (
        "RESULTS.md" if connection.vendor == "postgresql" else "RESULTS-sqlite.md")
    if args.only:
        merge_previous(report, output.with_suffix(".json"))
    save_json(report, output.with_suffix(".json"))
    print_table(report)
    output.write_text(render(report), encoding="utf-8")
    print(f"wrote {output.relative_to(ROOT) if output.is_relative_to(ROOT) else output}")
    shutil.rmtree(var_dir, ignore_errors=True)
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
