"""Inputs of the rollup from the database (or a Parquet export of them), and the rollup's result turned into the
stored indicator rows."""

from __future__ import annotations

import datetime as dt
import math
import os
import tempfile

import pandas as pd
from django.db import connection

from industry_brain.chains.models import Chain, ChainMembership, Ecosystem
from industry_brain.core.models import District, IndustryDivision
from industry_brain.enterprises.models import Enterprise, YearlyFigures

from .models import (
    ClassificationBridge,
    Dimension,
    Indicator,
    MonthlyReport,
    PriceIndex,
    Scheme,
    TopMover,
    ValueAddedRate,
)

# Size bands by the latest yearly revenue (万元); a platform grouping, not the official 大中小微 rule.
SIZE_BANDS = [(100_000, "xl", "营业收入10亿元以上"), (20_000, "l", "营业收入2亿—10亿元"),
              (5_000, "m", "营业收入5000万—2亿元"), (0, "s", "营业收入5000万元以下")]


def size_band(revenue) -> str:
    revenue = float(revenue or 0)
    for floor, key, _label in SIZE_BANDS:
        if revenue >= floor:
            return key
    return "s"


def _query(sql: str, columns: list[str]) -> pd.DataFrame:
    with connection.cursor() as cur:
        cur.execute(sql)
        return pd.DataFrame(cur.fetchall(), columns=columns)


def frames_from_db(with_reports: bool = True) -> dict[str, pd.DataFrame]:
    """The five input tables of `analytics.rollup` read from the platform's database (without the reports
    themselves when the run reads the analytic copy: then the firms are every firm that has reported)."""
    table = MonthlyReport._meta.db_table
    if not with_reports:
        reports = _query(f"SELECT DISTINCT enterprise_id FROM {table}", ["enterprise_id"])
        reports["enterprise_id"] = reports["enterprise_id"].astype("int64")
        return _small_frames(reports)
    reports = _query(f"SELECT enterprise_id, period, output_value, sales_value, export_value, revenue, profit, "
                     f"electricity FROM {table}",
                     ["enterprise_id", "period", "output_value", "sales_value", "export_value", "revenue", "profit",
                      "electricity"])
    period = pd.to_datetime(reports.pop("period"))
    reports.insert(1, "year", period.dt.year.astype("int64"))
    reports.insert(2, "month", period.dt.month.astype("int64"))
    for col in ("output_value", "sales_value", "export_value", "revenue", "profit", "electricity"):
        reports[col] = reports[col].astype("float64")
    reports["enterprise_id"] = reports["enterprise_id"].astype("int64")
    return {"reports": reports, **_small_frames(reports)}


def _small_frames(reports: pd.DataFrame) -> dict[str, pd.DataFrame]:
    ids = reports["enterprise_id"].unique().tolist()
    firms = pd.DataFrame(list(Enterprise.objects.filter(pk__in=ids).values_list("pk", "industry_id", "district_id")),
                         columns=["enterprise_id", "industry", "district"])
    latest = {}
    for pk, revenue in YearlyFigures.objects.filter(enterprise_id__in=ids).order_by("enterprise_id", "year") \
            .values_list("enterprise_id", "revenue"):
        latest[pk] = revenue
    rows = []
    for pk, industry, district in firms.itertuples(index=False):
        rows += [(pk, "city", "all"), (pk, "district", district), (pk, "industry", industry),
                 (pk, "size", size_band(latest.get(pk)))]
    bridge: dict[str, list[str]] = {}
    for scheme, industry in ClassificationBridge.objects.values_list("scheme", "industry_id"):
        bridge.setdefault(industry, []).append(scheme)
    for pk, industry, _district in firms.itertuples(index=False):
        rows += [(pk, "scheme", s) for s in bridge.get(industry, [])]
    seen = set()
    # A firm belongs to a chain and its ecosystem once its membership there is confirmed (a proposal does not count).
    for pk, chain, eco in ChainMembership.objects.counted().filter(enterprise_id__in=ids).values_list(
            "enterprise_id", "node__chain_id", "node__chain__ecosystem_id"):
        for key in (("chain", str(chain)), ("ecosystem", str(eco))):
            if (pk, key) not in seen:
                seen.add((pk, key))
                rows.append((pk, *key))
    groups = pd.DataFrame(rows, columns=["enterprise_id", "dimension", "key"])
    groups["enterprise_id"] = groups["enterprise_id"].astype("int64")
    prices = pd.DataFrame([(i, p.year, p.month, float(x)) for i, p, x in PriceIndex.objects.values_list(
        "industry_id", "period", "index")], columns=["industry", "year", "month", "idx"])
    rates = pd.DataFrame([(i, y, float(r)) for i, y, r in ValueAddedRate.objects.values_list(
        "industry_id", "year", "rate")], columns=["industry", "year", "rate"])
    # typed even when empty (no index or rate loaded yet): DuckDB refuses columns of unknown type
    for df in (prices, rates):
        df["year"] = df["year"].astype("int64")
        df["industry"] = df["industry"].astype(str)
    prices["month"] = prices["month"].astype("int64")
    prices["idx"] = prices["idx"].astype("float64")
    rates["rate"] = rates["rate"].astype("float64")
    return {"firms": firms[["enterprise_id", "industry"]], "groups": groups, "prices": prices, "rates": rates}


def labels() -> dict[tuple[str, str], str]:
    out = {("city", "all"): "全市"}
    out.update({("district", d.code): d.name for d in District.objects.all()})
    out.update({("industry", d.code): d.name for d in IndustryDivision.objects.all()})
    out.update({("ecosystem", str(e.pk)): e.name for e in Ecosystem.objects.all()})
    out.update({("chain", str(c.pk)): c.name for c in Chain.objects.all()})
    out.update({("size", key): label for _f, key, label in SIZE_BANDS})
    # A classification mapped by divisions where the official table maps classes says so in its name: 数字经济核心产业
    # (01 数字产品制造业) is approximated by division 39; the 战略性新兴产业(2018) class list was not available to the
    # platform (reference §2.2: NOT FOUND), so its division set is the platform's provisional mapping until the city
    # loads the official one (rows with approximate = False).
    approximate = set(ClassificationBridge.objects.filter(approximate=True).values_list("scheme", flat=True))
    names = {"digital": ("数字经济核心产业制造业", "（按大类近似）"),
             "strategic": ("战略性新兴产业", "（平台暂行对照）")}
    out.update({("scheme", s.value): names[s.value][0] + (names[s.value][1] if s.value in approximate else "")
                for s in Scheme})
    return out


def _f(value):
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) or math.isinf(value) else value


def indicator_rows(df: pd.DataFrame, investment: dict | None = None) -> list[Indicator]:
    """Result frame → unsaved Indicator rows, ranked by 1—N月 value-added growth within dimension and month, with
    the group's investment figures (`investment_by_group`) when given."""
    names = labels()
    df = df.copy()
    df["_g"] = df["va_growth_cum"].fillna(-1e18)
    df["rank"] = df.groupby(["dimension", "year", "month"])["_g"].rank(method="min", ascending=False)
    fields = [f.name for f in Indicator._meta.get_fields() if hasattr(f, "attname")]
    out = []
    for rec in df.to_dict("records"):
        values = {k: _f(rec[k]) for k in rec if k in fields and k not in ("dimension", "key", "firms", "loss_firms",
                                                                           "rank")}
        for k in ("va_month", "va_cum", "output_cum", "export_cum", "revenue_cum", "profit_cum", "electricity_cum"):
            values[k] = values.get(k) or 0.0
        out.append(Indicator(period=dt.date(int(rec["year"]), int(rec["month"]), 1), dimension=rec["dimension"],
                             key=rec["key"], label=names.get((rec["dimension"], rec["key"]), rec["key"])[:100],
                             firms=int(rec["firms"]), loss_firms=int(rec["loss_firms"]),
                             rank=None if rec["va_growth_cum"] is None or math.isnan(rec["va_growth_cum"])
                             or rec["dimension"] == Dimension.CITY else int(rec["rank"]), **values))
    for row in out if investment else ():
        for name, value in investment.get((row.dimension, row.key, row.period), {}).items():
            setattr(row, name, value)
    return out


INVESTMENT_SECTIONS = {"industrial": ("B", "C", "D"), "manufacturing": ("C",)}


def investment_by_group() -> dict[tuple[str, str, dt.date], dict[str, float | None]]:
    """工业投资 and 制造业投资 1—N月 of every group with projects (the city, each district, ecosystem and chain) and
    every month: Σ investment of the projects' monthly progress reports (projects module, read through its
    selector), projects in sections B/C/D resp. C, against the same months last year (nominal). No rate without a
    base, nor when the platform's project reports begin after January of last year (the base would be a part of
    the months it compares with). One GROUP BY in the database; the months are summed here (a small table)."""
    from django.db.models import Min, Sum

    from industry_brain.projects.models import ProgressReport
    from industry_brain.projects.selectors import project_list

    from .briefing import PlatformReader

    projects = project_list(user=PlatformReader()).values("pk")
    monthly = (ProgressReport.objects.filter(project_id__in=projects,
                                             project__industry__section_id__in=INVESTMENT_SECTIONS["industrial"])
               .order_by().values_list("period", "project__district_id", "project__ecosystem_id", "project__chain_id",
                                       "project__industry__section_id").annotate(s=Sum("investment")))
    # (kind, dimension, key, year) → 12 monthly sums
    sums: dict[tuple, list[float]] = {}
    for period, district, ecosystem, chain, section, amount in monthly:
        kinds = [k for k, sections in INVESTMENT_SECTIONS.items() if section in sections]
        groups = [("city", "all"), ("district", district), ("ecosystem", ecosystem), ("chain", chain)]
        for kind in kinds:
            for dimension, key in groups:
                if key is None:
                    continue
                months = sums.setdefault((kind, dimension, str(key), period.year), [0.0] * 12)
                months[period.month - 1] += float(amount or 0)
    first = ProgressReport.objects.filter(project_id__in=projects).aggregate(first=Min("period"))["first"]
    out: dict[tuple[str, str, dt.date], dict[str, float | None]] = {}
    for (kind, dimension, key, year), months in sums.items():
        comparable = first is not None and first <= dt.date(year - 1, 1, 1)
        last = sums.get((kind, dimension, key, year - 1))
        cum = last_cum = 0.0
        for m in range(12):
            cum += months[m]
            last_cum += last[m] if last else 0.0
            entry = out.setdefault((dimension, key, dt.date(year, m + 1, 1)), {})
            entry[f"inv_{kind}_cum"] = cum
            entry[f"inv_{kind}_growth_cum"] = cum / last_cum * 100 - 100 if last_cum > 0 and comparable else None
    return out


def mover_rows(df: pd.DataFrame) -> list[TopMover]:
    return [TopMover(period=dt.date(int(r.year), int(r.month), 1), dimension=r.dimension, key=r.key,
                     direction=r.direction, position=int(r.position), enterprise_id=int(r.enterprise_id),
                     output=float(r.output), change=float(r.change)) for r in df.itertuples(index=False)]


def export_parquet(directory: str) -> dict[str, int]:
    """Write the rollup inputs as Parquet: `reports/` partitioned by month (period=YYYY-MM), the small tables
    whole. The DuckDB engine and a Spark cluster read the same layout."""
    import pyarrow as pa
    import pyarrow.dataset as ds

    frames = frames_from_db()
    counts = {}
    for name, df in frames.items():
        target = os.path.join(directory, name)
        table = pa.Table.from_pandas(df, preserve_index=False)
        if name == "reports":
            period = [f"{y:04d}-{m:02d}" for y, m in zip(df["year"], df["month"], strict=True)]
            table = table.append_column("period", pa.array(period, pa.string()))
            ds.write_dataset(table, target, format="parquet", partitioning=["period"],
                             partitioning_flavor="hive", existing_data_behavior="delete_matching")
        else:
            os.makedirs(target, exist_ok=True)
            ds.write_dataset(table, target, format="parquet", existing_data_behavior="delete_matching")
        counts[name] = len(df)
    return counts


def spark_session(master: str | None = None):
    """A SparkSession: `MONITORING_SPARK_MASTER` (e.g. spark://host:7077) or local[2]."""
    from django.conf import settings
    from pyspark.sql import SparkSession

    master = master or getattr(settings, "MONITORING_SPARK_MASTER", "") or os.environ.get(
        "MONITORING_SPARK_MASTER") or "local[2]"
    return (SparkSession.builder.master(master).appName("industry-brain-monitoring")
            .config("spark.sql.shuffle.partitions", "4" if master.startswith("local") else "200")
            .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.warehouse.dir", tempfile.mkdtemp(prefix="ib-spark-")).getOrCreate())
