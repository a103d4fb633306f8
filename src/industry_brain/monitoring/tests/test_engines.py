"""The one Ibis rollup gives identical results on DuckDB and on PySpark (local), on crafted data and on a larger
random set; the Parquet export (partitioned by month) gives the same as the database extract."""

import os

import numpy as np
import pandas as pd
import pytest

from industry_brain.monitoring import analytics, extract

from .conftest import requires_java

pytestmark = pytest.mark.django_db


def random_frames(seed=5, firms=300):
    rng = np.random.default_rng(seed)
    rows = []
    for e in range(1, firms + 1):
        start = int(rng.integers(0, 6))  # some firms enter late: the same sample changes
        for year in (2025, 2026):
            for month in range(1, 13):
                if year == 2025 and month <= start or rng.random() < 0.03:
                    continue
                out = float(round(rng.uniform(100, 5000), 2))
                rows.append((e, year, month, out, round(out * 0.95, 2), round(out * 0.1, 2), round(out * 1.02, 2),
                             round(float(rng.normal(0.05, 0.08)) * out, 2), round(out * 0.04, 2)))
    reports = pd.DataFrame(rows, columns=["enterprise_id", "year", "month", "output_value", "sales_value",
                                          "export_value", "revenue", "profit", "electricity"])
    divisions = ["13", "26", "27", "35", "39"]
    firms_df = pd.DataFrame({"enterprise_id": range(1, firms + 1),
                             "industry": [divisions[i % 5] for i in range(firms)]})
    groups = pd.concat([
        firms_df.assign(dimension="city", key="all")[["enterprise_id", "dimension", "key"]],
        firms_df.assign(dimension="district", key=[f"3301{i % 13:02d}" for i in range(firms)])[
            ["enterprise_id", "dimension", "key"]],
        firms_df.assign(dimension="industry", key=firms_df.industry)[["enterprise_id", "dimension", "key"]],
    ])
    prices = pd.DataFrame([(d, y, m, float(round(rng.uniform(97, 103), 2))) for d in divisions for y in (2025, 2026)
                           for m in range(1, 13)], columns=["industry", "year", "month", "idx"])
    rates = pd.DataFrame([(d, y, 0.2 + i / 50) for i, d in enumerate(divisions) for y in (2025, 2026)],
                         columns=["industry", "year", "rate"])
    return {"reports": reports, "firms": firms_df, "groups": groups, "prices": prices, "rates": rates}


@requires_java
def test_duckdb_and_pyspark_identical_on_crafted_reports(crafted, spark):
    frames = extract.frames_from_db()
    duck = analytics.run_duckdb(frames)
    sparkdf = analytics.run_pyspark(frames, spark)
    assert len(duck) > 10
    pd.testing.assert_frame_equal(duck, sparkdf, check_exact=False, rtol=1e-12, atol=1e-9)


@requires_java
def test_duckdb_and_pyspark_identical_on_random_reports(spark):
    frames = random_frames()
    duck, duck_movers = analytics.run_duckdb(frames, with_movers=True)
    sparkdf, spark_movers = analytics.run_pyspark(frames, spark, with_movers=True)
    assert duck["va_growth_cum"].notna().sum() > 100
    # sums of floats in another order may differ in the last bits only
    pd.testing.assert_frame_equal(duck, sparkdf, check_exact=False, rtol=1e-9, atol=1e-6)
    # the top movers: the same firms in the same places (city and 13 districts × 12 paired months × 2 directions,
    # at most 5 each)
    assert 1000 < len(duck_movers) <= 14 * 12 * 2 * 5 and duck_movers["position"].max() == 5
    pd.testing.assert_frame_equal(duck_movers, spark_movers, check_exact=False, rtol=1e-12)


def test_movers_equal_a_plain_pandas_ranking():
    frames = random_frames(seed=3, firms=80)
    _df, movers = analytics.run_duckdb(frames, with_movers=True)
    r = frames["reports"]
    last = r.assign(year=r["year"] + 1).rename(columns={"output_value": "last"})[
        ["enterprise_id", "year", "month", "last"]]
    j = r.merge(last, on=["enterprise_id", "year", "month"])
    j["change"] = j["output_value"] - j["last"]
    city = j.sort_values(["year", "month", "change", "enterprise_id"], ascending=[True, True, False, True])
    expected = city.groupby(["year", "month"]).head(5)
    got = movers[(movers.dimension == "city") & (movers.direction == "up")]
    assert list(zip(got.year, got.month, got.enterprise_id, strict=True)) == list(
        zip(expected.year, expected.month, expected.enterprise_id, strict=True))


def test_parquet_export_partitioned_by_month_reads_back_the_same(crafted, tmp_path):
    counts = extract.export_parquet(str(tmp_path))
    assert counts["reports"] == 7
    assert sorted(os.listdir(tmp_path / "reports")) == ["period=2025-01", "period=2025-02", "period=2026-01",
                                                         "period=2026-02"]
    from_files = analytics.run_duckdb(parquet_dir=str(tmp_path))
    from_db = analytics.run_duckdb(extract.frames_from_db())
    pd.testing.assert_frame_equal(from_files, from_db, check_exact=False, rtol=1e-12)


def test_compute_command_on_the_parquet_export(crafted, tmp_path):
    from django.core.management import call_command

    from industry_brain.monitoring.models import Indicator, IndicatorRun

    call_command("monitoring_export_parquet", str(tmp_path))
    call_command("monitoring_compute", "--parquet", str(tmp_path))
    assert IndicatorRun.objects.get().engine == "duckdb"
    assert Indicator.objects.filter(dimension="city").count() == 4


def test_benchmark_rollup_equals_a_plain_pandas_self_join():
    import ibis

    frames = random_frames(seed=9, firms=120)
    firms = frames["firms"].assign(district=[f"3301{i % 13:02d}" for i in range(120)])
    con = ibis.duckdb.connect()
    from industry_brain.monitoring.analytics import yoy_by_district_industry

    duck = con.execute(yoy_by_district_industry(ibis.memtable(frames["reports"]), ibis.memtable(firms)))
    r = frames["reports"]
    last = r.assign(year=r["year"] + 1).rename(columns={"output_value": "last"})
    j = r.merge(last[["enterprise_id", "year", "month", "last"]], on=["enterprise_id", "year", "month"]).merge(
        firms, on="enterprise_id")
    g = j.groupby(["district", "industry", "year", "month"]).agg(o=("output_value", "sum"), p=("last", "sum"))
    g = (g["o"] / g["p"] * 100 - 100).rename("expected").reset_index()
    both = duck.merge(g, on=["district", "industry", "year", "month"])
    assert len(both) == len(duck) == len(g) > 50  # gaps (missing months, late entry) break the same pairs
    assert (both["growth"] - both["expected"]).abs().max() < 1e-9


def test_rollup_over_the_yearly_columns_equals_the_rollup_over_the_long_rows():
    import ibis

    from industry_brain.monitoring.analytics import yearly_columns, yoy_by_district_industry, yoy_from_yearly_columns

    frames = random_frames(seed=11, firms=150)  # gaps and late entries break pairs
    firms = frames["firms"].assign(district=[f"3301{i % 13:02d}" for i in range(150)])
    con = ibis.duckdb.connect()
    reports, firms_t = ibis.memtable(frames["reports"]), ibis.memtable(firms)
    long = con.execute(yoy_by_district_industry(reports, firms_t))
    wide = con.create_table("wide", yearly_columns(reports, firms_t, [2025, 2026]))
    assert wide.count().execute() == frames["reports"][["enterprise_id", "month"]].drop_duplicates().shape[0]
    both = long.merge(con.execute(yoy_from_yearly_columns(wide, [2025, 2026])),
                      on=["district", "industry", "year", "month"])
    assert len(both) == len(long) > 50
    assert (both["firms_x"] == both["firms_y"]).all()
    assert (both["growth_x"] - both["growth_y"]).abs().max() < 1e-9
