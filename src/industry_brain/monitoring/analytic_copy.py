"""The analytic copy of the monthly reports read by the indicator run: one row per firm and calendar month, one
column per report figure and year (`output_value_2025`, `profit_2025`, …; null when the firm did not report that
month), kept in a DuckDB file beside the platform's data (settings `MONITORING_ANALYTIC_COPY`; empty = built in
memory for each run).

`sync` brings the copy up to date at the start of every run: the first time (or when the copy does not match the
reports) it is built from all reports; afterwards only the reports submitted or corrected since the last sync
(`updated` at or after the copy's mark) are written into their cells, a new year adds its columns. After each sync the
copy's count and sums are checked against the database (one aggregate query); a mismatch (a deleted report, a copy
of another database) rebuilds it. The rollup over the copy gives the same rows as the long-row rollup (tested).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import duckdb
import pandas as pd
from django.conf import settings
from django.db import connection
from django.db.models import Count, Max, Sum

from .analytics import REPORT_MEASURES
from .models import MonthlyReport

TABLE = "yearly"


def copy_path() -> Path | None:
    """Where the copy is kept: `MONITORING_ANALYTIC_COPY` when set (empty: in memory), else a file per database
    under the platform's var directory."""
    configured = getattr(settings, "MONITORING_ANALYTIC_COPY", None)
    if configured is not None:
        return Path(configured) if str(configured) else None
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", str(connection.settings_dict.get("NAME") or "default"))[-80:]
    return Path(settings.VAR_DIR) / "monitoring" / f"analytic-{name}.duckdb"


def connect():
    """A connection to the copy; when the file cannot be opened (held by another run), an in-memory copy is built
    instead (same result, not incremental)."""
    path = copy_path()
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            return duckdb.connect(str(path))
        except (duckdb.IOException, OSError):
            pass
    return duckdb.connect()


def _run(con, sql: str, params=None) -> None:
    """Execute a statement and finish its result (the connection refuses other work while one is pending)."""
    con.execute(sql, params).fetchall()


def _long(queryset=None) -> pd.DataFrame:
    cols = ["enterprise_id", "period", *REPORT_MEASURES]
    if queryset is None:
        with connection.cursor() as cur:
            cur.execute(f"SELECT {', '.join(cols)} FROM {MonthlyReport._meta.db_table}")
            df = pd.DataFrame(cur.fetchall(), columns=cols)
    else:
        df = pd.DataFrame(list(queryset.values_list(*cols)), columns=cols)
    period = pd.to_datetime(df.pop("period"))
    df.insert(1, "year", period.dt.year.astype("int64"))
    df.insert(2, "month", period.dt.month.astype("int64"))
    df["enterprise_id"] = df["enterprise_id"].astype("int64")
    for col in REPORT_MEASURES:
        df[col] = df[col].astype("float64")
    return df


def _columns(years) -> list[str]:
    return [f"{m}_{y}" for y in sorted(years) for m in REPORT_MEASURES]


def _db_summary() -> dict:
    agg = MonthlyReport.objects.aggregate(n=Count("pk"), out=Sum("output_value"), pro=Sum("profit"),
                                          last=Max("updated"))
    return {"n": agg["n"] or 0, "out": float(agg["out"] or 0), "pro": float(agg["pro"] or 0), "last": agg["last"]}


def _copy_years(con) -> list[int]:
    cols = [r[0] for r in con.execute(f"DESCRIBE {TABLE}").fetchall()]
    return sorted(int(c.rsplit("_", 1)[1]) for c in cols if c.startswith("output_value_"))


def _copy_summary(con) -> dict:
    years = _copy_years(con)
    if not years:
        return {"n": 0, "out": 0.0, "pro": 0.0}
    n = " + ".join(f"count(output_value_{y})" for y in years)
    out = " + ".join(f"coalesce(sum(output_value_{y}), 0)" for y in years)
    pro = " + ".join(f"coalesce(sum(profit_{y}), 0)" for y in years)
    got = con.execute(f"SELECT {n}, {out}, {pro} FROM {TABLE}").fetchall()[0]
    return {"n": int(got[0] or 0), "out": float(got[1] or 0), "pro": float(got[2] or 0)}


def _matches(db: dict, copy: dict) -> bool:
    def close(a, b):
        return abs(a - b) <= 0.01 + 1e-9 * max(abs(a), abs(b))
    return db["n"] == copy["n"] and close(db["out"], copy["out"]) and close(db["pro"], copy["pro"])


def _build(con, long: pd.DataFrame) -> None:
    years = sorted(long["year"].unique().tolist()) or [dt.date.today().year]
    con.register("ib_long", long)
    cells = ", ".join(f"sum({m}) FILTER (WHERE year = {y}) AS {m}_{y}" for y in years for m in REPORT_MEASURES)
    _run(con, f"CREATE OR REPLACE TABLE {TABLE} AS SELECT enterprise_id, month, {cells} FROM ib_long "
                f"GROUP BY enterprise_id, month")
    con.unregister("ib_long")


def _apply(con, changed: pd.DataFrame) -> None:
    """Write new and corrected reports into their cells (a new year adds its columns)."""
    have = set(_copy_years(con))
    for y in sorted(set(changed["year"].unique().tolist()) - have):
        for m in REPORT_MEASURES:
            _run(con, f"ALTER TABLE {TABLE} ADD COLUMN {m}_{y} DOUBLE")
    con.register("ib_changed", changed)
    _run(con, f"INSERT INTO {TABLE} (enterprise_id, month) SELECT DISTINCT c.enterprise_id, c.month "
                f"FROM ib_changed c ANTI JOIN {TABLE} t ON t.enterprise_id = c.enterprise_id AND t.month = c.month")
    for y in sorted(changed["year"].unique().tolist()):
        sets = ", ".join(f"{m}_{y} = c.{m}" for m in REPORT_MEASURES)
        _run(con, f"UPDATE {TABLE} SET {sets} FROM ib_changed c WHERE c.year = {y} "
                    f"AND {TABLE}.enterprise_id = c.enterprise_id AND {TABLE}.month = c.month")
    con.unregister("ib_changed")


def sync(con) -> dict:
    """Bring the copy in `con` up to date with the monthly reports; answers what was done ("built" or
    "incremental", the reports written, the reports held)."""
    db = _db_summary()
    _run(con, "CREATE TABLE IF NOT EXISTS copy_meta (mark VARCHAR)")
    mark = (con.execute("SELECT mark FROM copy_meta").fetchall() or [None])[0]
    exists = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
                         [TABLE]).fetchall()[0][0]
    mode, written = "built", 0
    if exists and mark and mark[0]:
        since = dt.datetime.fromisoformat(mark[0])
        changed = _long(MonthlyReport.objects.filter(updated__gte=since))
        if len(changed):
            _apply(con, changed)
        mode, written = "incremental", len(changed)
        if not _matches(db, _copy_summary(con)):
            mode = "built"
    if mode == "built":
        long = _long()
        _build(con, long)
        written = len(long)
    _run(con, "DELETE FROM copy_meta")
    _run(con, "INSERT INTO copy_meta VALUES (?)", [db["last"].isoformat() if db["last"] else None])
    return {"mode": mode, "written": written, "reports": db["n"]}
