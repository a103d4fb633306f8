"""Monthly reports: the enterprise's form and API, field-named errors, corrections with reasons kept as revisions,
Excel import by district (all or nothing, row errors), completeness by the working-day deadline, reminders."""

import datetime as dt
from decimal import Decimal

import pytest

from industry_brain.monitoring import services
from industry_brain.monitoring.models import MonthlyReport, ReportReminder, ReportRevision
from industry_brain.testing import make_enterprise, xlsx

from .conftest import add_report

pytestmark = pytest.mark.django_db

VALUES = {"output_value": "1200.50", "sales_value": "1100", "export_value": "200", "revenue": "1150",
          "profit": "-30", "employees": 210, "electricity": "55.5"}


def test_enterprise_reports_its_own_month_through_the_api(world, api):
    res = api.as_user(world.user("enterprise")).post("/api/v1/monthly-reports/", {"period": "2026-09", **VALUES},
                                                     format="json")
    assert res.status_code == 201, res.content
    report = MonthlyReport.objects.get()
    assert (report.enterprise, report.period, report.profit) == (world.ent_xihu, dt.date(2026, 9, 1),
                                                                 Decimal("-30"))
    assert res.json()["period"] == "2026-09"
    # the same month twice: a correction is needed
    again = api.post("/api/v1/monthly-reports/", {"period": "2026-09", **VALUES}, format="json")
    assert again.status_code == 400 and "period" in again.json()


def test_bad_figures_are_named_and_nothing_is_written(world, api):
    client = api.as_user(world.user("enterprise"))
    res = client.post("/api/v1/monthly-reports/", {"period": "2026-09", **VALUES, "sales_value": "-1"}, format="json")
    assert res.status_code == 400 and "sales_value" in res.json()
    res = client.post("/api/v1/monthly-reports/", {"period": "2026-09", **VALUES, "export_value": "5000"},
                      format="json")
    assert res.status_code == 400 and "export_value" in res.json()
    res = client.post("/api/v1/monthly-reports/", {"period": "2999-01", **VALUES}, format="json")
    assert res.status_code == 400 and "period" in res.json()
    assert MonthlyReport.objects.count() == 0


def test_district_reports_for_its_firms_only(world, api):
    client = api.as_user(world.user("district"))
    ok = client.post("/api/v1/monthly-reports/", {"enterprise": world.ent_xihu.pk, "period": "2026-08", **VALUES},
                     format="json")
    assert ok.status_code == 201
    other = client.post("/api/v1/monthly-reports/", {"enterprise": world.ent_xiaoshan.pk, "period": "2026-08",
                                                     **VALUES}, format="json")
    assert other.status_code == 403
    assert MonthlyReport.objects.count() == 1


def test_correction_needs_a_reason_and_keeps_the_revision(world, api):
    report = add_report(world.ent_xihu, "2026-07", 1000, profit=40)
    client = api.as_user(world.user("enterprise"))
    res = client.post(f"/api/v1/monthly-reports/{report.pk}/correct/", {"profit": "45"}, format="json")
    assert res.status_code == 400 and "reason" in res.json()
    res = client.post(f"/api/v1/monthly-reports/{report.pk}/correct/", {"profit": "45", "reason": "财务数据调整"},
                      format="json")
    assert res.status_code == 200
    body = res.json()
    assert body["revision"] == 1 and body["profit"] == "45.00"
    assert body["revisions"][0]["values"]["profit"] == "40.00" and body["revisions"][0]["reason"] == "财务数据调整"
    # the other enterprise cannot see it at all
    other = api.as_user(world.user("enterprise_other"))
    assert other.post(f"/api/v1/monthly-reports/{report.pk}/correct/", {"profit": "1", "reason": "x"},
                      format="json").status_code == 404


HEADERS = ["统一社会信用代码", "月份", "工业总产值（万元）", "工业销售产值（万元）", "出口交货值（万元）",
           "营业收入（万元）", "利润总额（万元）", "从业人员（人）", "用电量（万千瓦时）", "更正原因"]


def test_import_by_district_all_or_nothing_with_row_errors(world, api):
    second = make_enterprise("杭州西湖第二电子有限公司", "330106", "39")
    add_report(second, "2026-09", 500)
    client = api.as_user(world.user("district"))
    rows = [[world.ent_xihu.uscc, "2026-09", 1000, 950, 0, 980, 50, 120, 30, ""],
            [world.ent_xiaoshan.uscc, "2026-09", 1000, 950, 0, 980, 50, 120, 30, ""],  # another district
            [second.uscc, "2026-09", 600, 550, 0, 580, 20, 80, 10, ""],  # already reported, no reason
            [world.ent_xihu.uscc, "2026-10", "abc", 950, 0, 980, 50, 120, 30, ""]]
    res = client.post("/api/v1/monthly-reports/import/", {"file": xlsx(HEADERS, rows)}, format="multipart")
    assert res.status_code == 400
    errors = {(e["row"], e["column"]) for e in res.json()["errors"]}
    assert {(3, "统一社会信用代码"), (4, "更正原因")} <= errors
    assert any(row == 5 for row, _c in errors)
    assert MonthlyReport.objects.count() == 1  # nothing written
    good = [rows[0], [second.uscc, "2026-09", 600, 550, 0, 580, 20, 80, 10, "企业更正产值"]]
    res = client.post("/api/v1/monthly-reports/import/", {"file": xlsx(HEADERS, good)}, format="multipart")
    assert res.status_code == 201 and res.json() == {"created": 1, "updated": 1}
    corrected = MonthlyReport.objects.get(enterprise=second)
    assert corrected.output_value == 600 and corrected.revision == 1
    assert ReportRevision.objects.get(report=corrected).values["output_value"] == "500.00"


def test_enterprises_cannot_import(world, api):
    res = api.as_user(world.user("enterprise")).post("/api/v1/monthly-reports/import/",
                                                     {"file": xlsx(HEADERS, [])}, format="multipart")
    assert res.status_code == 403


def test_deadline_in_working_days_and_reminders(world):
    # October 2026: the 8th working day after the month (National Day holidays are in early October, not November)
    deadline = services.report_deadline(dt.date(2026, 10, 1))
    from industry_brain.core.workdays import working_days_between

    assert deadline.month == 11 and working_days_between(dt.date(2026, 10, 31), deadline) in (7, 8)
    add_report(world.ent_xihu, "2026-10", 100)
    assert services.send_reminders(period="2026-10", today=deadline) == 0  # not past the deadline yet
    n = services.send_reminders(period="2026-10", today=deadline + dt.timedelta(days=1))
    assert n == 1
    reminder = ReportReminder.objects.get()
    assert reminder.enterprise == world.ent_xiaoshan and reminder.deadline == deadline
    assert services.send_reminders(period="2026-10", today=deadline + dt.timedelta(days=2)) == 0  # once
    services.report_submit(actor=world.user("enterprise_other"), enterprise=world.ent_xiaoshan, period="2026-10",
                           data=VALUES, today=dt.date(2026, 12, 1))
    reminder.refresh_from_db()
    assert reminder.resolved


def test_completeness_and_home_panels(world, client):
    from industry_brain.monitoring import selectors

    add_report(world.ent_xihu, "2026-10", 100)
    ReportReminder.objects.create(enterprise=world.ent_xiaoshan, period=dt.date(2026, 10, 1),
                                  deadline=dt.date(2026, 11, 11))
    city = selectors.completeness(user=world.user("city"), period=dt.date(2026, 10, 1))
    assert (city["reported"], city["missing"], city["rate"]) == (1, 1, 50.0)
    xihu = selectors.completeness(user=world.user("district"), period=dt.date(2026, 10, 1))
    assert (xihu["reported"], xihu["missing"]) == (1, 0)
    client.force_login(world.user("enterprise_other"))
    page = client.get("/")
    assert "杭州萧测医药有限公司 2026-10" in page.content.decode()
    client.force_login(world.user("enterprise"))
    assert "杭州萧测医药有限公司" not in client.get("/").content.decode()


def test_online_form_for_the_enterprise(world, client):
    client.force_login(world.user("enterprise"))
    res = client.post("/monitoring/reports/new/", {"period": "2026-09", **VALUES, "sales_value": "-5"})
    assert res.status_code == 400 and MonthlyReport.objects.count() == 0
    res = client.post("/monitoring/reports/new/", {"period": "2026-09", **VALUES})
    assert res.status_code == 302 and MonthlyReport.objects.get().enterprise == world.ent_xihu
    report = MonthlyReport.objects.get()
    res = client.post(f"/monitoring/reports/{report.pk}/correct/", {"period": "2026-09", **VALUES,
                                                                     "profit": "10", "reason": "更正利润"})
    assert res.status_code == 302
    report.refresh_from_db()
    assert report.profit == 10 and report.revisions.get().reason == "更正利润"
