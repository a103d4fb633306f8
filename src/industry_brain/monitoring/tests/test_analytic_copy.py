"""The scheduled indicator run reads the analytic copy (firm × month, a column per year), kept up to date
incrementally; its indicators and movers equal those of the plain long-row rollup, also after a late correction,
a new report and a deleted one."""

import duckdb
import pandas as pd
import pytest

from industry_brain.monitoring import analytic_copy, analytics, extract, services
from industry_brain.monitoring.models import Indicator, IndicatorRun, MonthlyReport, TopMover

from .conftest import add_report
from .test_engines import random_frames

pytestmark = pytest.mark.django_db

SKIP = {"id", "run", "created", "updated"}


def _fields(model):
    return [f.attname for f in model._meta.concrete_fields if f.name not in SKIP]


def _records(rows, model, order):
    fields = _fields(model)
    recs = [{f: getattr(r, f) for f in fields} for r in rows]
    return sorted(recs, key=lambda r: tuple(str(r[k]) for k in order))


def _same(a, b):
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None:
            return a is None and b is None
        return a == pytest.approx(b, rel=1e-9, abs=1e-6)
    return a == b


def assert_run_equals_plain():
    """The stored indicators and movers equal what the plain rollup on the long rows of the database gives."""
    want_df, want_movers = analytics.run_duckdb(extract.frames_from_db(), with_movers=True)
    order = ["dimension", "key", "period"]
    want = _records(extract.indicator_rows(want_df, investment=extract.investment_by_group()), Indicator, order)
    got = _records(Indicator.objects.all(), Indicator, order)
    assert len(got) == len(want) > 0
    for g, w in zip(got, want, strict=True):
        assert all(_same(g[k], w[k]) for k in g), (g, w)
    order = ["dimension", "key", "period", "direction", "position"]
    assert _records(TopMover.objects.all(), TopMover, order) == _records(extract.mover_rows(want_movers), TopMover,
                                                                         order)


def test_rollup_over_the_copy_equals_the_long_rollup_on_random_reports():
    frames = random_frames(seed=11, firms=120)
    con = duckdb.connect()
    analytic_copy._build(con, frames["reports"])
    got, got_movers = analytics.run_duckdb_yearly(con, frames)
    want, want_movers = analytics.run_duckdb(frames, with_movers=True)
    assert want["va_growth_cum"].notna().sum() > 50
    pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-9, atol=1e-6)
    pd.testing.assert_frame_equal(got_movers, want_movers, check_exact=False, rtol=1e-12)


def test_run_reads_the_copy_and_follows_a_late_correction(crafted, world):
    services.compute_indicators()
    first = IndicatorRun.objects.latest("created")
    assert "copy_sync" in first.timings and first.rows_in == 7
    assert_run_equals_plain()
    a_jan = Indicator.objects.get(dimension="district", key="330106", period="2026-01-01")

    # a late correction of last year's January (the base month) changes this year's growth
    base = MonthlyReport.objects.get(enterprise=world.ent_xihu, period="2025-01-01")
    services.report_correct(actor=world.user("city"), report=base, data={"output_value": 80, "profit": -9},
                            reason="补报更正")
    con = analytic_copy.connect()
    try:
        sync = analytic_copy.sync(con)
    finally:
        con.close()
    # only the corrected report was written (and the report updated at the copy's mark, written again), not all
    assert sync["mode"] == "incremental" and sync["written"] in (1, 2) and sync["reports"] == 7
    services.compute_indicators()
    assert_run_equals_plain()
    after = Indicator.objects.get(dimension="district", key="330106", period="2026-01-01")
    assert after.va_growth_month != a_jan.va_growth_month

    # a new month and a new year's column; then a deleted report (the copy no longer matches: rebuilt)
    add_report(world.ent_xiaoshan, "2026-02", 45)
    add_report(world.ent_xihu, "2027-01", 130)
    services.compute_indicators()
    assert_run_equals_plain()
    assert Indicator.objects.filter(period="2027-01-01", dimension="city").exists()
    MonthlyReport.objects.filter(enterprise=world.ent_new).delete()
    con = analytic_copy.connect()
    try:
        assert analytic_copy.sync(con)["mode"] == "built"
    finally:
        con.close()
    services.compute_indicators()
    assert_run_equals_plain()


def test_a_copy_of_another_database_is_rebuilt(crafted, settings, tmp_path):
    services.compute_indicators()
    con = analytic_copy.connect()
    con.execute("UPDATE yearly SET output_value_2026 = output_value_2026 + 7 WHERE month = 1")
    con.close()
    services.compute_indicators()
    assert_run_equals_plain()
