"""Excel import of monthly progress reports: row errors listed, nothing written unless every row is right."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from industry_brain.projects.importers import ProgressReportImporter
from industry_brain.projects.models import ProgressReport
from industry_brain.testing import xlsx

from .helpers import add_reports, make_project, month

pytestmark = pytest.mark.django_db
HEADERS = ["项目代码", "月份", "本月完成投资（万元）", "本月达到节点", "形象进度（%）", "需协调解决的问题", "备注"]


def workbook(rows):
    return xlsx(HEADERS, rows)


def test_a_district_imports_its_month(world):
    a = make_project(actual_start=dt.date(2025, 1, 1))
    b = make_project(actual_start=dt.date(2025, 1, 1))
    add_reports(b, {month(2025, 9): 10})
    result = run_import(world, [[a.code, "2025-10", 120, "开工", 30, "", ""],
                                         [b.code, dt.datetime(2025, 10, 1), 80.5, "", "", "缺少电力增容", ""],
                                         [b.code, "2025-09", 15, "", "", "", "更正"]])
    assert result.ok and (result.created, result.updated) == (2, 1)
    b.refresh_from_db()
    assert b.invested_total == Decimal("95.50") and b.last_report_period == dt.date(2025, 10, 1)
    assert ProgressReport.objects.get(project=a).milestone == "start"


def run_import(world, rows, user="district"):
    return ProgressReportImporter(actor=world.user(user)).run(workbook(rows))


def test_bad_rows_are_listed_and_nothing_is_written(world):
    mine = make_project(actual_start=dt.date(2025, 1, 1))
    theirs = make_project(district="330109", actual_start=dt.date(2025, 1, 1))
    cancelled = make_project(stage="cancelled")
    future = (dt.date.today().replace(day=28) + dt.timedelta(days=10)).strftime("%Y-%m")
    result = run_import(world, [
        [mine.code, "2025-10", 100, "", 50, "", ""],      # row 2: fine
        [theirs.code, "2025-10", 100, "", "", "", ""],    # row 3: another district's project
        [mine.code, "2025-13", 100, "", "", "", ""],      # row 4: no such month
        [mine.code, "2025-09", -5, "", 120, "", ""],      # row 5: negative investment, progress over 100
        ["NOPE", "2025-10", 1, "", "", "", ""],           # row 6: unknown project
        [mine.code, "2025-10", 1, "", "", "", ""],        # row 7: duplicate of row 2
        [mine.code, future, 1, "封顶", "", "", ""],        # row 8: future month, unknown milestone
        [cancelled.code, "2025-10", 1, "", "", "", ""],   # row 9: cancelled project
    ])
    assert not result.ok
    rows = {(e.row, e.column) for e in result.errors}
    assert {(3, "项目代码"), (4, "月份"), (5, "本月完成投资（万元）"), (5, "形象进度（%）"), (6, "项目代码"),
            (8, "月份"), (8, "本月达到节点"), (9, "项目代码")} <= rows
    assert (2, "月份") in rows and (7, "月份") in rows  # both duplicates named
    assert ProgressReport.objects.count() == 0


def test_missing_columns_and_wrong_files(world):
    wb = Workbook()
    wb.active.append(["项目代码", "金额"])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    result = ProgressReportImporter(actor=world.user("city")).run(buf)
    assert not result.ok and "月份" in result.errors[0].message
    result = ProgressReportImporter(actor=world.user("city")).run(io.BytesIO(b"not excel"))
    assert not result.ok


def test_import_api(api, world):
    p = make_project(actual_start=dt.date(2025, 1, 1))
    client = api.as_user(world.user("district"))
    bad = client.post("/api/v1/progress-reports/import/",
                      {"file": workbook([[p.code, "2025-10", "x", "", "", "", ""]])}, format="multipart")
    assert bad.status_code == 400 and bad.json()["errors"][0]["row"] == 2
    ok = client.post("/api/v1/progress-reports/import/", {"file": workbook([[p.code, "2025-10", 5, "", "", "", ""]])},
                     format="multipart")
    assert ok.status_code == 201 and ok.json() == {"created": 1, "updated": 0}
    team = api.as_user(world.user("chain_team"))
    assert team.post("/api/v1/progress-reports/import/", {"file": workbook([])}, format="multipart").status_code == 403
