"""The indicator rollup, written once with Ibis and run on DuckDB (default) or PySpark.

Inputs (any Ibis backend, from the database extract or the Parquet export):
- `reports`: enterprise_id, year, month, output_value, sales_value, export_value, revenue, profit, electricity
  (本月, current prices, 万元 / 万千瓦时);
- `firms`: enterprise_id, industry (GB/T 4754 division);
- `groups`: enterprise_id, dimension, key (one row per group a firm counts in: the city, its district, its
  industry division, its size band, each ecosystem and chain it belongs to, each classification);
- `prices`: industry, year, month, idx (ex-factory price index, same month last year = 100);
- `rates`: industry, year, rate (value-added rate).

Formulas (docs/monitoring.md, "Indicators"):
- value added VA = gross output × rate of the firm's division (DEFAULT_RATE when none is loaded);
- comparable-price value added RVA = VA / (index / 100);
- same sample: a firm-month counts in a growth rate only when the same firm reported the same month last year;
  growth = Σ RVA(this year, pairs) / Σ VA(last year, pairs) − 1; nominal growth of the other indicators likewise
  with current-price values;
- 1—N月 = sums over months 1..N of the same year (cumulative window; never the whole-partition default frame);
- 亏损面 = firms whose 1—N月 profit is negative / firms reporting month N;
- 拉动 = (RVA_part − VA_part,prev) / VA_city,prev × 100; 贡献率 = (RVA_part − VA_part,prev) / (RVA_city − VA_city,prev).
Every ratio divides by NULLIF(den, 0): Spark 4 (ANSI mode) raises on division by zero where DuckDB gives inf.
"""

from __future__ import annotations

import ibis
import pandas as pd

DEFAULT_RATE = 0.25

MEASURES = ("va", "rva_s", "pva_s", "output", "out_s", "pout_s", "sales", "export", "exp_s", "pexp_s", "revenue",
            "rev_s", "prev_s", "profit", "pro_s", "ppro_s", "elec", "ele_s", "pele_s")

RESULT_COLUMNS = ["dimension", "key", "year", "month", "firms", "loss_firms", "va_month", "va_cum",
                  "va_growth_month", "va_growth_cum", "va_pull_cum", "va_share_cum", "output_cum",
                  "output_growth_cum", "sales_ratio_cum", "export_cum", "export_growth_cum", "revenue_cum",
                  "revenue_growth_cum", "profit_cum", "profit_growth_cum", "loss_share", "electricity_cum",
                  "electricity_growth_cum"]


def _growth(num, den):
    return num / den.nullif(0) * 100 - 100


def _same_month_by_year(reports: ibis.Table):
    """The window that pairs a firm's calendar month with the same month of earlier years (ordered by year). Its
    partition is one integer, firm × 16 + month (months are 1–12), rather than the two columns: the engine hashes
    and sorts by one key, and the rollup over 6M long rows takes about a quarter less time on DuckDB."""
    return ibis.window(group_by=reports.enterprise_id * 16 + reports.month, order_by=reports.year)


def rollup(reports: ibis.Table, firms: ibis.Table, groups: ibis.Table, prices: ibis.Table,
           rates: ibis.Table) -> ibis.Table:
    """The whole indicator table as one Ibis expression (one row per dimension, key, year, month)."""
    # The firm's own 1—N月 profit, computed on the reports before any join: Ibis inlines a window of a select over a
    # join chain into the later joins, where the group rows would repeat each firm-month inside the window.
    firm_ytd = ibis.cumulative_window(group_by=[reports.enterprise_id, reports.year], order_by=reports.month)
    reports = reports.mutate(ytd_profit=reports.profit.cast("float64").sum().over(firm_ytd))
    f = firms.select(firms.enterprise_id, industry=firms.industry)
    r = reports.join(f, "enterprise_id")
    ra = rates.select(r_industry=rates.industry, r_year=rates.year, rate=rates.rate.cast("float64"))
    r = r.left_join(ra, [r.industry == ra.r_industry, r.year == ra.r_year])
    pr = prices.select(p_industry=prices.industry, p_year=prices.year, p_month=prices.month,
                       idx=prices.idx.cast("float64"))
    r = r.left_join(pr, [r.industry == pr.p_industry, r.year == pr.p_year, r.month == pr.p_month])
    r = r.select(
        "enterprise_id", "year", "month",
        output=r.output_value.cast("float64"), sales=r.sales_value.cast("float64"),
        export=r.export_value.cast("float64"), revenue=r.revenue.cast("float64"), profit=r.profit.cast("float64"),
        elec=r.electricity.cast("float64"),
        va=r.output_value.cast("float64") * r.rate.fill_null(DEFAULT_RATE),
        rva=r.output_value.cast("float64") * r.rate.fill_null(DEFAULT_RATE) / (r.idx.fill_null(100.0) / 100),
        loss=ibis.ifelse(r.ytd_profit < 0, 1, 0),
    )
    # A distinct view of the same rows for last year's side: without it Ibis resolves the left side's columns
    # to the right side's in this self-join.
    rv = r.view()
    prev = rv.select(q_enterprise_id=rv.enterprise_id, q_year=rv.year + 1, q_month=rv.month, q_va=rv.va,
                     q_output=rv.output, q_export=rv.export, q_revenue=rv.revenue, q_profit=rv.profit,
                     q_elec=rv.elec)
    j = r.left_join(prev, [r.enterprise_id == prev.q_enterprise_id, r.year == prev.q_year,
                           r.month == prev.q_month])
    paired = j.q_va.notnull()

    def both(col):
        return ibis.ifelse(paired, col, 0.0)

    rows = j.select(
        "enterprise_id", "year", "month", "va", "output", "sales", "export", "revenue", "profit", "elec", "loss",
        rva_s=both(j.rva), pva_s=j.q_va.fill_null(0.0),
        out_s=both(j.output), pout_s=j.q_output.fill_null(0.0),
        exp_s=both(j.export), pexp_s=j.q_export.fill_null(0.0),
        rev_s=both(j.revenue), prev_s=j.q_revenue.fill_null(0.0),
        pro_s=both(j.profit), ppro_s=j.q_profit.fill_null(0.0),
        ele_s=both(j.elec), pele_s=j.q_elec.fill_null(0.0),
    )
    return _indicators(rows, groups)


def _indicators(rows: ibis.Table, groups: ibis.Table) -> ibis.Table:
    """From the paired firm-month rows (this year's values, and the same month last year's where the firm reported
    both) to the indicator table."""
    g = rows.join(groups, "enterprise_id")
    agg = g.group_by(["dimension", "key", "year", "month"]).aggregate(
        firms=g.enterprise_id.count(), loss_firms=g.loss.sum(), **{m: g[m].sum() for m in MEASURES})
    ytd = ibis.cumulative_window(group_by=[agg.dimension, agg.key, agg.year], order_by=agg.month)
    agg = agg.select("dimension", "key", "year", "month", "firms", "loss_firms", "va", "rva_s", "pva_s",
                     **{f"{m}_c": agg[m].sum().over(ytd) for m in MEASURES})
    city = agg.filter(agg.dimension == "city").select(c_year=agg.year, c_month=agg.month, c_rva=agg.rva_s_c,
                                                      c_pva=agg.pva_s_c)
    t = agg.join(city, [agg.year == city.c_year, agg.month == city.c_month], how="left")
    return t.select(
        "dimension", "key", "year", "month", "firms", "loss_firms",
        va_month=t.va, va_cum=t.va_c,
        va_growth_month=_growth(t.rva_s, t.pva_s),
        va_growth_cum=_growth(t.rva_s_c, t.pva_s_c),
        va_pull_cum=(t.rva_s_c - t.pva_s_c) / t.c_pva.nullif(0) * 100,
        va_share_cum=(t.rva_s_c - t.pva_s_c) / (t.c_rva - t.c_pva).nullif(0) * 100,
        output_cum=t.output_c, output_growth_cum=_growth(t.out_s_c, t.pout_s_c),
        sales_ratio_cum=t.sales_c / t.output_c.nullif(0) * 100,
        export_cum=t.export_c, export_growth_cum=_growth(t.exp_s_c, t.pexp_s_c),
        revenue_cum=t.revenue_c, revenue_growth_cum=_growth(t.rev_s_c, t.prev_s_c),
        profit_cum=t.profit_c,
        # A growth rate of profit needs a positive base; otherwise the text says 由亏转盈 / 增亏.
        profit_growth_cum=ibis.ifelse(t.ppro_s_c > 0, _growth(t.pro_s_c, t.ppro_s_c), ibis.null("float64")),
        loss_share=t.loss_firms.cast("float64") / t.firms.cast("float64").nullif(0) * 100,
        electricity_cum=t.elec_c, electricity_growth_cum=_growth(t.ele_s_c, t.pele_s_c),
    )


REPORT_MEASURES = ("output_value", "sales_value", "export_value", "revenue", "profit", "electricity")
PAIRED_COLUMNS = ["enterprise_id", "year", "month", "va", "output", "sales", "export", "revenue", "profit", "elec",
                  "loss", "rva_s", "pva_s", "out_s", "pout_s", "exp_s", "pexp_s", "rev_s", "prev_s", "pro_s",
                  "ppro_s", "ele_s", "pele_s"]


def copy_years(wide: ibis.Table) -> list[int]:
    """The years held by the analytic copy (its `output_value_<year>` columns)."""
    return sorted(int(c.rsplit("_", 1)[1]) for c in wide.columns if c.startswith("output_value_"))


def _year_col(wide: ibis.Table, measure: str, year: int):
    name = f"{measure}_{year}"
    return wide[name].cast("float64") if name in wide.columns else ibis.null("float64")


def rollup_from_yearly(wide: ibis.Table, firms: ibis.Table, groups: ibis.Table, prices: ibis.Table,
                       rates: ibis.Table) -> ibis.Table:
    """The same indicator table as `rollup`, read from the analytic copy (one row per firm and calendar month, one
    column per report figure and year: `output_value_2025`, `profit_2025`, …; null when not reported). Last year's
    same month is the next column of the same row: no self-join, no sort of the fact rows."""
    years = copy_years(wide)
    # the firm's own 1—N月 profit of each year: a running sum along the firm's months (unreported months are null)
    firm_ytd = ibis.cumulative_window(group_by=wide.enterprise_id, order_by=wide.month)
    wide = wide.mutate(**{f"ytd_{y}": wide[f"profit_{y}"].cast("float64").sum().over(firm_ytd) for y in years})
    f = firms.select(firms.enterprise_id, industry=firms.industry)
    parts = []
    for y in years:
        w = wide.filter(wide[f"output_value_{y}"].notnull())
        cur = {m: _year_col(w, m, y) for m in REPORT_MEASURES}
        last = {m: _year_col(w, m, y - 1) for m in REPORT_MEASURES}
        w = w.select("enterprise_id", "month", ytd=w[f"ytd_{y}"], **{f"c_{m}": v for m, v in cur.items()},
                     **{f"l_{m}": v for m, v in last.items()})
        r = w.join(f, "enterprise_id")
        ra = rates.filter(rates.year == y).select(r_industry=rates.industry, rate=rates.rate.cast("float64"))
        r = r.left_join(ra, r.industry == ra.r_industry)
        rb = rates.filter(rates.year == y - 1).select(b_industry=rates.industry, b_rate=rates.rate.cast("float64"))
        r = r.left_join(rb, r.industry == rb.b_industry)
        pr = prices.filter(prices.year == y).select(p_industry=prices.industry, p_month=prices.month,
                                                    idx=prices.idx.cast("float64"))
        r = r.left_join(pr, [r.industry == pr.p_industry, r.month == pr.p_month])
        va = r.c_output_value * r.rate.fill_null(DEFAULT_RATE)
        paired = r.l_output_value.notnull()

        def both(col, paired=paired):
            return ibis.ifelse(paired, col, 0.0)

        parts.append(r.select(
            enterprise_id=r.enterprise_id.cast("int64"), year=ibis.literal(y, "int64"),
            month=r.month.cast("int64"), va=va, output=r.c_output_value, sales=r.c_sales_value,
            export=r.c_export_value, revenue=r.c_revenue, profit=r.c_profit, elec=r.c_electricity,
            loss=ibis.ifelse(r.ytd < 0, 1, 0),
            rva_s=both(va / (r.idx.fill_null(100.0) / 100)),
            pva_s=(r.l_output_value * r.b_rate.fill_null(DEFAULT_RATE)).fill_null(0.0),
            out_s=both(r.c_output_value), pout_s=r.l_output_value.fill_null(0.0),
            exp_s=both(r.c_export_value), pexp_s=r.l_export_value.fill_null(0.0),
            rev_s=both(r.c_revenue), prev_s=r.l_revenue.fill_null(0.0),
            pro_s=both(r.c_profit), ppro_s=r.l_profit.fill_null(0.0),
            ele_s=both(r.c_electricity), pele_s=r.l_electricity.fill_null(0.0),
        ).select(*PAIRED_COLUMNS))
    return _indicators(ibis.union(*parts), groups)


MOVER_DIMENSIONS = ("city", "district", "ecosystem")  # the groups that have a cockpit
MOVER_LIMIT = 5
MOVER_COLUMNS = ["dimension", "key", "year", "month", "direction", "position", "enterprise_id", "output", "change"]


def movers(reports: ibis.Table, groups: ibis.Table, limit: int = MOVER_LIMIT) -> ibis.Table:
    """Top movers of every cockpit group and month: the firms with the largest rise and fall of gross output against
    the same month last year (same firm; a firm without last year's month is no mover), `limit` each way, ties by
    firm id. The pair is found with LAG over the firm's calendar month ordered by year, on the reports alone."""
    w = _same_month_by_year(reports)
    out = reports.output_value.cast("float64")
    t = reports.select("enterprise_id", "year", "month", output=out, l_year=reports.year.lag().over(w),
                       l_output=out.lag().over(w))
    t = t.filter(t.l_year == t.year - 1)
    return _rank_movers(t.select("enterprise_id", "year", "month", "output", change=t.output - t.l_output), groups,
                        limit)


def movers_from_yearly(wide: ibis.Table, groups: ibis.Table, limit: int = MOVER_LIMIT) -> ibis.Table:
    """The same top movers as `movers`, read from the analytic copy (the pair is two columns of one row)."""
    years = copy_years(wide)
    parts = []
    for y in years[1:]:
        cur, last = _year_col(wide, "output_value", y), _year_col(wide, "output_value", y - 1)
        t = wide.filter(cur.notnull() & last.notnull())
        parts.append(t.select(enterprise_id=t.enterprise_id.cast("int64"), year=ibis.literal(y, "int64"),
                              month=t.month.cast("int64"), output=cur, change=cur - last))
    if not parts:
        return movers(ibis.memtable(pd.DataFrame({
            "enterprise_id": pd.Series(dtype="int64"), "year": pd.Series(dtype="int64"),
            "month": pd.Series(dtype="int64"), "output_value": pd.Series(dtype="float64")})), groups, limit)
    return _rank_movers(ibis.union(*parts), groups, limit)


def _rank_movers(t: ibis.Table, groups: ibis.Table, limit: int) -> ibis.Table:
    g = groups.filter(groups.dimension.isin(MOVER_DIMENSIONS))
    j = t.join(g, "enterprise_id")
    part = [j.dimension, j.key, j.year, j.month]
    j = j.mutate(up=ibis.row_number().over(group_by=part, order_by=[ibis.desc(j.change), j.enterprise_id]),
                 down=ibis.row_number().over(group_by=part, order_by=[j.change, j.enterprise_id]))
    j = j.filter((j.up < limit) | (j.down < limit))
    cols = ["dimension", "key", "year", "month", "enterprise_id", "output", "change"]
    up = j.filter(j.up < limit).select(*cols, direction=ibis.literal("up"), position=(j.up + 1).cast("int64"))
    down = j.filter(j.down < limit).select(*cols, direction=ibis.literal("down"),
                                           position=(j.down + 1).cast("int64"))
    return up.union(down).select(*MOVER_COLUMNS)


def normalise_movers(df: pd.DataFrame) -> pd.DataFrame:
    df = df[MOVER_COLUMNS].copy()
    for col in ("year", "month", "position", "enterprise_id"):
        df[col] = df[col].astype("int64")
    for col in ("dimension", "key", "direction"):
        df[col] = df[col].astype(str)
    for col in ("output", "change"):
        df[col] = df[col].astype("float64")
    return df.sort_values(["dimension", "key", "year", "month", "direction", "position"]).reset_index(drop=True)


def normalise(df: pd.DataFrame) -> pd.DataFrame:
    """Same column types and row order whatever the engine (group keys come back int32 or int64; NaN vs None)."""
    df = df[RESULT_COLUMNS].copy()
    for col in ("year", "month", "firms", "loss_firms"):
        df[col] = df[col].astype("int64")
    for col in ("dimension", "key"):
        df[col] = df[col].astype(str)
    for col in RESULT_COLUMNS[6:]:
        df[col] = pd.to_numeric(df[col], errors="coerce").astype("float64")
    return df.sort_values(["dimension", "key", "year", "month"]).reset_index(drop=True)


TABLES = ("reports", "firms", "groups", "prices", "rates")


def run_duckdb(frames: dict[str, pd.DataFrame] | None = None, *, parquet_dir: str | None = None,
               threads: int = 2, with_movers: bool = False):
    """Run the rollup on an in-process DuckDB, from DataFrames or Arrow tables, or from a Parquet export.
    With `with_movers`, answer (indicators, top movers)."""
    con = ibis.duckdb.connect(threads=threads)
    tables = {}
    for name in TABLES:
        if parquet_dir is not None:
            tables[name] = con.read_parquet(f"{parquet_dir}/{name}/**/*.parquet", table_name=name,
                                            hive_partitioning=True)
        else:
            tables[name] = con.create_table(name, ibis.memtable(frames[name]), overwrite=True)
    result = normalise(con.execute(rollup(**tables)))
    if not with_movers:
        return result
    return result, normalise_movers(con.execute(movers(tables["reports"], tables["groups"])))


def run_duckdb_yearly(con, frames: dict[str, pd.DataFrame], table: str = "yearly"):
    """Run the rollup and the movers over the analytic copy held in the DuckDB connection `con` (a `duckdb`
    connection; `analytic_copy.sync` keeps its table up to date), with the small tables from `frames` (firms,
    groups, prices, rates; the long reports are not read). Answers (indicators, top movers)."""
    icon = ibis.duckdb.from_connection(con)
    wide = icon.table(table)
    small = {name: icon.create_table(f"ib_{name}", ibis.memtable(frames[name]), temp=True, overwrite=True)
             for name in TABLES if name != "reports"}
    result = normalise(icon.execute(rollup_from_yearly(wide, **small)))
    top = normalise_movers(icon.execute(movers_from_yearly(wide, small["groups"])))
    return result, top


def run_pyspark(frames: dict[str, pd.DataFrame], session, with_movers: bool = False):
    """Run the same expressions on a SparkSession (local in tests, a cluster in production)."""
    con = ibis.pyspark.connect(session=session)
    tables = {}
    for name in TABLES:
        view = f"ib_monitoring_{name}"
        session.createDataFrame(frames[name]).createOrReplaceTempView(view)
        tables[name] = con.table(view)
    result = normalise(con.execute(rollup(**tables)))
    if not with_movers:
        return result
    return result, normalise_movers(con.execute(movers(tables["reports"], tables["groups"])))


def yoy_by_district_industry(reports: ibis.Table, firms: ibis.Table) -> ibis.Table:
    """Same-sample year-on-year growth of gross output by district, industry division and month (the benchmark's
    rollup): each firm-month paired with the same firm's month a year earlier. The pair is found with LAG over the
    firm's same calendar month ordered by year (a window on the reports alone, before any join), which is cheaper
    than a self-join of the fact table; a gap year breaks the pair."""
    w = _same_month_by_year(reports)
    t = reports.select("enterprise_id", "year", "month", "output_value", l_year=reports.year.lag().over(w),
                       l_output=reports.output_value.lag().over(w))
    t = t.filter(t.l_year == t.year - 1)
    j = t.join(firms, "enterprise_id")
    agg = j.group_by([j.district, j.industry, j.year, j.month]).aggregate(
        output=j.output_value.sum(), last_output=j.l_output.sum(), firms=j.enterprise_id.count())
    return agg.mutate(growth=_growth(agg.output, agg.last_output))


def yearly_columns(reports: ibis.Table, firms: ibis.Table, years: list[int]) -> ibis.Table:
    """The analytic copy of the reports for the year-on-year rollup: one row per firm and calendar month, with the
    firm's district and industry and one column of gross output per year (`y2025`, …; null when not reported).
    The same-month pair of two years is then two columns of one row, so the rollup needs no join and no sort. A
    month's new or corrected reports change one column of that month's rows (kept up to date incrementally)."""
    j = reports.join(firms, "enterprise_id")
    return j.group_by([j.enterprise_id, j.district, j.industry, j.month]).aggregate(
        **{f"y{y}": j.output_value.sum(where=j.year == y) for y in years})


def yoy_from_yearly_columns(wide: ibis.Table, years: list[int]) -> ibis.Table:
    """The benchmark's rollup (same-sample year-on-year growth of gross output by district, industry division and
    month) over the analytic copy: a firm-month counts in year y when both y and y−1 are reported. Same result as
    `yoy_by_district_industry` on the long rows."""
    parts = []
    for y in years[1:]:
        cur, prev = f"y{y}", f"y{y - 1}"
        t = wide.filter(wide[cur].notnull() & wide[prev].notnull())
        agg = t.group_by([t.district, t.industry, t.month]).aggregate(
            output=t[cur].sum(), last_output=t[prev].sum(), firms=t.enterprise_id.count())
        parts.append(agg.mutate(year=ibis.literal(y, "int64")))
    u = ibis.union(*parts)
    return u.select("district", "industry", "year", "month", "output", "last_output", "firms",
                    growth=_growth(u.output, u.last_output))
