"""Economic monitoring benchmark.

1. The rollup at province scale, 5 years: 6,000,000 monthly report rows (100,000 firms × 60 months, built with numpy
   as Parquet partitioned by month), same-sample year-on-year growth of gross output by district, industry division
   and month, written once with Ibis and run on DuckDB (2 threads) — beside the same query as plain PostgreSQL
   GROUP BY (the rows COPYed into an unlogged table of the bench database) and pandas (merge + groupby), measured in
   the same run; the same Ibis expression on PySpark local[2] is timed and reported.
2. The full indicator rollup (every dimension, 1—N月 windows) over the seeded monthly reports, stored in the table.
   Steps apart: the load from Parquet, the rollup over the long rows in memory, building the analytic copy (a
   column per year), the rollup over that copy, and one month's update of it.
3. Cockpit pages (city for city_admin, district for xihu_officer) and the indicators API: p95 < 300 ms.
4. Briefing generation for the latest month: < 10 s.

    .venv/bin/python benchmarks/run.py --only monitoring
    .venv/bin/python benchmarks/bench_monitoring.py [--database-url URL] [--skip-spark]

The module seeds the monitoring demo data (36 months of the seeded above-scale firms) when the database has none.
"""

from __future__ import annotations

import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import Report, add_timing, api_client, demo_user, guarded, page_client, time_requests  # noqa: E402

SECTION = "monitoring"
FIRMS = 100_000
MONTHS = 60  # 2022-01 … 2026-12
ROLLUP_TARGET_S = 1.0
PAGE_TARGET_MS = 300.0
BRIEFING_TARGET_S = 10.0
DISTRICTS = ["330102", "330105", "330106", "330108", "330109", "330110", "330111", "330112", "330113", "330114",
             "330122", "330127", "330182"]


def build_frames(seed: int = 12):
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    divisions = [f"{d:02d}" for d in (13, 14, 15, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33,
                                      34, 35, 36, 37, 38, 39, 40, 41, 42, 44, 45)]
    firms = pd.DataFrame({"enterprise_id": np.arange(1, FIRMS + 1, dtype="int64"),
                          "district": rng.choice(DISTRICTS, FIRMS), "industry": rng.choice(divisions, FIRMS)})
    ids = np.repeat(firms["enterprise_id"].to_numpy(), MONTHS)
    k = np.tile(np.arange(MONTHS), FIRMS)
    base = np.repeat(rng.lognormal(6.5, 1.2, FIRMS), MONTHS)
    growth = np.repeat(rng.normal(0.07, 0.1, FIRMS), MONTHS)
    output = np.round(base * (1 + growth) ** (k / 12) * rng.normal(1, 0.05, FIRMS * MONTHS), 2)
    reports = pd.DataFrame({"enterprise_id": ids, "year": (2022 + k // 12).astype("int64"),
                            "month": (1 + k % 12).astype("int64"), "output_value": output})
    return reports, firms


def write_parquet(reports, firms, directory: str) -> None:
    import pyarrow as pa
    import pyarrow.dataset as ds

    table = pa.Table.from_pandas(reports, preserve_index=False)
    period = (reports["year"].astype(str) + "-" + reports["month"].map("{:02d}".format)).to_numpy()
    table = table.append_column("period", pa.array(period, pa.string()))
    ds.write_dataset(table, os.path.join(directory, "reports"), format="parquet", partitioning=["period"],
                     partitioning_flavor="hive", existing_data_behavior="delete_matching")
    ds.write_dataset(pa.Table.from_pandas(firms, preserve_index=False), os.path.join(directory, "firms"),
                     format="parquet", existing_data_behavior="delete_matching")


def timed(fn, runs: int = 3) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


YEARS = [2022 + k for k in range(MONTHS // 12)]


def duckdb_steps(directory: str):
    """The rollup's steps apart, on one DuckDB connection: load the Parquet into memory, the rollup over the long
    rows in memory, building the analytic copy (a column per year), the rollup over the copy, and one month's
    update of the copy."""
    import ibis

    from industry_brain.monitoring.analytics import yearly_columns, yoy_by_district_industry, yoy_from_yearly_columns

    con = ibis.duckdb.connect(threads=2)
    source = con.read_parquet(f"{directory}/reports/**/*.parquet", table_name="reports_files",
                              hive_partitioning=True).drop("period")
    firms = con.read_parquet(f"{directory}/firms/*.parquet", table_name="firms_files")
    steps = {}
    steps["load"], reports = timed(lambda: con.create_table("reports", source, overwrite=True), runs=1)
    firms = con.create_table("firms", firms, overwrite=True)
    steps["long"], long = timed(lambda: con.execute(yoy_by_district_industry(reports, firms)))
    steps["build"], wide = timed(lambda: con.create_table("wide", yearly_columns(reports, firms, YEARS),
                                                          overwrite=True), runs=1)
    steps["wide"], result = timed(lambda: con.execute(yoy_from_yearly_columns(wide, YEARS)))
    raw = con.con
    last = YEARS[-1]
    raw.execute(f"CREATE TEMP TABLE month_in AS SELECT enterprise_id, month, output_value * 1.01 AS v FROM reports "
                f"WHERE year = {last} AND month = 12")
    steps["update"], _ = timed(lambda: raw.execute(
        f"UPDATE wide SET y{last} = m.v FROM month_in m WHERE wide.enterprise_id = m.enterprise_id "
        f"AND wide.month = m.month"), runs=1)
    return steps, long, result


def duckdb_rollup(directory: str):
    import ibis

    from industry_brain.monitoring.analytics import yoy_by_district_industry

    con = ibis.duckdb.connect(threads=2)
    reports = con.read_parquet(f"{directory}/reports/**/*.parquet", table_name="reports", hive_partitioning=True)
    firms = con.read_parquet(f"{directory}/firms/*.parquet", table_name="firms")
    expr = yoy_by_district_industry(reports, firms)
    return lambda: con.execute(expr)


def load_postgres(reports, firms) -> bool:
    from django.db import connection

    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_mon_reports; DROP TABLE IF EXISTS bench_mon_firms;")
        cur.execute("CREATE UNLOGGED TABLE bench_mon_reports (enterprise_id bigint, year int, month int, "
                    "output_value numeric(14,2)); CREATE UNLOGGED TABLE bench_mon_firms (enterprise_id bigint, "
                    "district text, industry text)")
        for table, df in (("bench_mon_firms", firms), ("bench_mon_reports", reports)):
            for start in range(0, len(df), 1_000_000):
                buf = io.StringIO()
                df.iloc[start:start + 1_000_000].to_csv(buf, index=False, header=False)
                with cur.copy(f"COPY {table} FROM STDIN (FORMAT csv)") as copy:
                    copy.write(buf.getvalue())
        cur.execute("ANALYZE bench_mon_reports; ANALYZE bench_mon_firms;")
    return True


POSTGRES_SQL = """
SELECT f.district, f.industry, c.year, c.month, SUM(c.output_value) AS output, SUM(p.output_value) AS last_output,
       COUNT(*) AS firms, SUM(c.output_value) / NULLIF(SUM(p.output_value), 0) * 100 - 100 AS growth
FROM bench_mon_reports c
JOIN bench_mon_reports p ON p.enterprise_id = c.enterprise_id AND p.year = c.year - 1 AND p.month = c.month
JOIN bench_mon_firms f ON f.enterprise_id = c.enterprise_id
GROUP BY 1, 2, 3, 4
"""


def postgres_rollup():
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(POSTGRES_SQL)
        return cur.fetchall()


def pandas_rollup(reports, firms):
    def run():
        last = reports.assign(year=reports["year"] + 1).rename(columns={"output_value": "last_output"})
        j = reports.merge(last, on=["enterprise_id", "year", "month"]).merge(firms, on="enterprise_id")
        g = j.groupby(["district", "industry", "year", "month"], sort=False).agg(
            output=("output_value", "sum"), last_output=("last_output", "sum"), firms=("enterprise_id", "size"))
        g["growth"] = g["output"] / g["last_output"].replace(0, float("nan")) * 100 - 100
        return g
    return run


def bench_rollup(report: Report, skip_spark: bool = False) -> None:
    reports, firms = build_frames()
    report.note(SECTION, f"Rollup input: {len(reports):,} report rows ({FIRMS:,} firms × {MONTHS} months), "
                         f"same-sample YoY by district × industry × month.")
    with tempfile.TemporaryDirectory(prefix="ib-bench-mon-") as directory:
        write_parquet(reports, firms, directory)
        duck_s, duck = timed(duckdb_rollup(directory))
        pandas_s, pdf = timed(pandas_rollup(reports, firms), runs=1)
        pg_s = None
        if load_postgres(reports, firms):
            pg_s, rows = timed(postgres_rollup, runs=1)
            assert len(rows) == len(duck), (len(rows), len(duck))
        assert len(pdf) == len(duck)
        check = duck.merge(pdf.reset_index(), on=["district", "industry", "year", "month"])
        assert len(check) == len(duck) and (check.growth_x - check.growth_y).abs().max() < 1e-6
        report.add(SECTION, f"Rollup {len(reports) / 1e6:.0f}M rows, DuckDB via Ibis (vs PostgreSQL GROUP BY)",
                   duck_s, "s", f"< {ROLLUP_TARGET_S:.0f} s", duck_s < ROLLUP_TARGET_S, baseline=pg_s,
                   baseline_label="plain PostgreSQL GROUP BY (self-join, unlogged table)")
        report.add(SECTION, f"Rollup {len(reports) / 1e6:.0f}M rows, DuckDB via Ibis (vs pandas)", duck_s, "s",
                   f"< {ROLLUP_TARGET_S:.0f} s", duck_s < ROLLUP_TARGET_S, baseline=pandas_s,
                   baseline_label="pandas merge + groupby")
        steps, long, wide = duckdb_steps(directory)
        check = long.merge(wide, on=["district", "industry", "year", "month"])
        assert len(check) == len(long) == len(wide) and (check.growth_x - check.growth_y).abs().max() < 1e-6
        millions = f"{len(reports) / 1e6:.0f}M"
        report.add(SECTION, f"  step: load the {millions} rows from Parquet into DuckDB memory", steps["load"], "s",
                   "reported", True)
        report.add(SECTION, "  step: rollup over the long rows in memory (LAG pairs), without the load",
                   steps["long"], "s", f"< {ROLLUP_TARGET_S:.0f} s", steps["long"] < ROLLUP_TARGET_S, baseline=pg_s,
                   baseline_label="plain PostgreSQL GROUP BY")
        report.add(SECTION, "  step: build the analytic copy (firm × month, a column per year) from the rows",
                   steps["build"], "s", "reported", True)
        report.add(SECTION, f"Rollup {millions} rows, DuckDB via Ibis over the analytic copy (same result)",
                   steps["wide"], "s",
                   f"< {ROLLUP_TARGET_S:.0f} s", steps["wide"] < ROLLUP_TARGET_S, baseline=pandas_s,
                   baseline_label="pandas merge + groupby")
        report.add(SECTION, f"  step: update the analytic copy with one month's reports ({FIRMS:,} firms)",
                   steps["update"], "s", "reported", True)
        if not skip_spark:
            guarded(report, SECTION, "PySpark", lambda: bench_spark(report, directory, duck))
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("DROP TABLE IF EXISTS bench_mon_reports; DROP TABLE IF EXISTS bench_mon_firms;")


def bench_spark(report: Report, directory: str, duck) -> None:
    import ibis

    from industry_brain.monitoring.analytics import yoy_by_district_industry
    from industry_brain.monitoring.extract import spark_session

    started = time.perf_counter()
    spark = spark_session("local[2]")
    start_s = time.perf_counter() - started
    spark.read.parquet(os.path.join(directory, "reports")).createOrReplaceTempView("bench_reports")
    spark.read.parquet(os.path.join(directory, "firms")).createOrReplaceTempView("bench_firms")
    con = ibis.pyspark.connect(session=spark)
    expr = yoy_by_district_industry(con.table("bench_reports"), con.table("bench_firms"))
    try:
        spark_s, result = timed(lambda: con.execute(expr), runs=1)
    finally:
        spark.stop()
    assert len(result) == len(duck)
    report.add(SECTION, "Rollup 6M rows, PySpark local[2] via Ibis (same expression; timed, no target)", spark_s,
               "s", "reported", True, baseline=None)
    report.note(SECTION, f"PySpark session start {start_s:.1f} s (not in the row).")


def ensure_seeded() -> None:
    from industry_brain.core.context import acting_as
    from industry_brain.monitoring.models import Indicator, MonthlyReport

    if MonthlyReport.objects.exists() and Indicator.objects.exists():
        return
    from industry_brain.monitoring.demo import seed_monitoring

    started = time.perf_counter()
    with acting_as(None, label="bench:seed_monitoring"):
        seed_monitoring(scale="province", seed=2022, users=None)
    print(f"  monitoring seeded in {time.perf_counter() - started:.1f}s", flush=True)


def bench_indicators(report: Report) -> None:
    from industry_brain.core.context import acting_as
    from industry_brain.monitoring import analytic_copy, services
    from industry_brain.monitoring.models import MonthlyReport

    n = MonthlyReport.objects.count()
    path = analytic_copy.copy_path()
    if path is not None and path.exists():
        path.unlink()  # the first run builds the analytic copy from all reports
    names = {"extract": "read the firms, groups, prices and rates from the database",
             "copy_sync": "bring the analytic copy up to date with the reports",
             "rollup": "indicators and top movers on DuckDB over the analytic copy",
             "rows": "indicator rows, ranks and investment growth", "store": "replace the stored tables"}
    # each run's step rows are named after the run: the harness merges rows of the same name
    for label, tag in (("building the analytic copy", "first run"), ("with the copy up to date (scheduled run)",
                                                                     "next run")):
        with acting_as(None, label="bench:compute_indicators"):
            run = services.compute_indicators()
        report.add(SECTION, f"Indicator run over {n:,} seeded reports, {label}", run.seconds, "s", "reported", True)
        for step, seconds in run.timings.items():
            report.add(SECTION, f"  step ({tag}): {names.get(step, step)}", seconds, "s", "reported", True)
    if path is not None and path.exists():
        path.unlink()


def bench_pages(report: Report) -> None:
    from industry_brain.monitoring.selectors import latest_period

    period = latest_period()
    q = f"?period={period:%Y-%m}"
    city = page_client(demo_user("city_admin"))
    add_timing(report, SECTION, "Cockpit (city_admin)", time_requests(city, [("city", f"/monitoring/{q}")], rounds=20,
                                                                      min_requests=40), PAGE_TARGET_MS)
    xihu = page_client(demo_user("xihu_officer"))
    add_timing(report, SECTION, "Cockpit (xihu_officer)",
               time_requests(xihu, [("xihu", f"/monitoring/district/330106/{q}")], rounds=20, min_requests=40),
               PAGE_TARGET_MS)
    client, headers = api_client(demo_user("city_admin"))
    add_timing(report, SECTION, "GET /api/v1/indicators/ (by district, industry, chain)",
               time_requests(client, [(by, f"/api/v1/indicators/{q}&by={by}") for by in ("district", "industry",
                                                                                            "chain")],
                             rounds=15, headers=headers), PAGE_TARGET_MS)


def bench_briefing(report: Report) -> None:
    from industry_brain.monitoring import briefing
    from industry_brain.monitoring.selectors import latest_period

    period = latest_period()
    user = demo_user("city_admin")
    seconds, b = timed(lambda: briefing.generate_for(actor=user, period=period), runs=3)
    docx_s, _doc = timed(lambda: briefing.to_docx(b), runs=3)
    report.add(SECTION, "Briefing generation (compose from the indicators and the other modules)", seconds, "s",
               f"< {BRIEFING_TARGET_S:.0f} s", seconds < BRIEFING_TARGET_S)
    report.add(SECTION, "Briefing Word document", docx_s, "s", f"< {BRIEFING_TARGET_S:.0f} s",
               docx_s < BRIEFING_TARGET_S)


def run(report: Report, skip_spark: bool = False) -> None:
    guarded(report, SECTION, "rollup", lambda: bench_rollup(report, skip_spark=skip_spark))
    guarded(report, SECTION, "seed", ensure_seeded)
    guarded(report, SECTION, "indicators", lambda: bench_indicators(report))
    guarded(report, SECTION, "pages", lambda: bench_pages(report))
    guarded(report, SECTION, "briefing", lambda: bench_briefing(report))


if __name__ == "__main__":
    from harness import run_standalone

    run_standalone(__doc__.splitlines()[0], SECTION, run,
                   extra_args=lambda p: p.add_argument("--skip-spark", action="store_true"),
                   run_kwargs=lambda a: {"skip_spark": a.skip_spark})
