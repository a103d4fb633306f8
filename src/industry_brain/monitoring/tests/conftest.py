"""Fixtures of the monitoring tests: a crafted set of monthly reports with hand-computed indicators, and ONE local
SparkSession per test session (skipped with the reason when Java 17 is missing)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import tempfile
from decimal import Decimal

import pytest


def java_17() -> bool:
    if shutil.which("java") is None:
        return False
    out = subprocess.run(["java", "-version"], capture_output=True, text=True, timeout=60)
    return re.search(r'version "17[.\"]', out.stderr + out.stdout) is not None


HAS_JAVA = java_17()
requires_java = pytest.mark.skipif(not HAS_JAVA, reason="PySpark 4 needs Java 17: run `make java-deps`")


@pytest.fixture(scope="session")
def spark():
    if not HAS_JAVA:
        pytest.skip("PySpark 4 needs Java 17: run `make java-deps`")
    from pyspark.sql import SparkSession

    session = (SparkSession.builder.master("local[2]").appName("ib-monitoring-tests")
               .config("spark.sql.shuffle.partitions", "2").config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.warehouse.dir", tempfile.mkdtemp(prefix="ib-spark-")).getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(autouse=True)
def _analytic_copy_per_test(settings, tmp_path):
    """Each test keeps the indicator run's analytic copy in its own file (the database is new in every test)."""
    settings.MONITORING_ANALYTIC_COPY = str(tmp_path / "analytic.duckdb")


def add_report(enterprise, period: str, output, profit=5, **extra):
    from industry_brain.monitoring.models import MonthlyReport

    output = Decimal(str(output))
    values = {"sales_value": output * Decimal("0.9"), "export_value": 0, "revenue": output, "profit": profit,
              "employees": 100, "electricity": 1, **extra}
    year, month = period.split("-")
    return MonthlyReport.objects.create(enterprise=enterprise, period=dt.date(int(year), int(month), 1),
                                        output_value=output, **values)


@pytest.fixture
def crafted(world):
    """Firm A (西湖, division 39) reports 2025-01/02 and 2026-01/02; firm B (萧山, 27) 2025-01 and 2026-01;
    firm C (西湖, 39) enters in 2026-01. Rates 39: 0.2, 27: 0.3; price index of 39 in 2026-01: 102."""
    from industry_brain.monitoring.models import PriceIndex, ValueAddedRate
    from industry_brain.testing import make_enterprise

    a, b = world.ent_xihu, world.ent_xiaoshan
    c = make_enterprise("杭州西新电子有限公司", "330106", "39")
    for year in (2025, 2026):
        ValueAddedRate.objects.create(industry_id="39", year=year, rate=Decimal("0.2"))
        ValueAddedRate.objects.create(industry_id="27", year=year, rate=Decimal("0.3"))
    PriceIndex.objects.create(industry_id="39", period=dt.date(2026, 1, 1), index=Decimal("102"))
    add_report(a, "2025-01", 100)
    add_report(a, "2025-02", 100)
    add_report(a, "2026-01", 110, profit=6)
    add_report(a, "2026-02", 120, profit=-20)
    add_report(b, "2025-01", 50, profit=-1)
    add_report(b, "2026-01", 40, profit=2)
    add_report(c, "2026-01", 30, profit=3)
    world.ent_new = c
    return world


def issue(period: str):
    """Issue a briefing of the month so that its aggregates count as published."""
    from industry_brain.monitoring.models import Briefing

    year, month = period.split("-")
    return Briefing.objects.create(period=dt.date(int(year), int(month), 1), version=99, title="t", status="issued")
