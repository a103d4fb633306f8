"""Every channel through the services: a progress report written by the page, the API and the Excel import goes
through `progress_reports_upsert`, with the same rules, the same events and the same change log; one policy for
a month already reported (`already_reported`) for all three."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied

from industry_brain.core.models import Event, ObjectChange
from industry_brain.projects import services
from industry_brain.projects.importers import ProgressReportImporter
from industry_brain.projects.models import ProgressReport
from industry_brain.testing import xlsx

from .helpers import make_project

pytestmark = pytest.mark.django_db
HEADERS = ["项目代码", "月份", "本月完成投资（万元）", "本月达到节点", "形象进度（%）", "需协调解决的问题", "备注"]


def import_rows(world, rows, user="district"):
    return ProgressReportImporter(actor=world.user(user)).run(xlsx(HEADERS, rows))


def trail(project):
    """What a report of `project` left behind: its events (kind and data without the ids) and its change log."""
    report = ProgressReport.objects.get(project=project)
    ct = ContentType.objects.get_for_model(ProgressReport)
    events = sorted((e.kind, e.user_id, tuple(sorted(k for k in e.data)))
                    for e in Event.objects.filter(kind__startswith="project.")
                    if e.object_id in (str(report.pk), str(project.pk)))
    changes = [(c.action, c.user_id, sorted(c.after)) for c in ObjectChange.objects.filter(
        content_type=ct, object_id=str(report.pk))]
    return events, changes


def test_an_import_writes_the_same_events_and_change_log_as_the_api(api, world):
    by_api = make_project(actual_start=dt.date(2025, 1, 1))
    by_import = make_project(actual_start=dt.date(2025, 1, 1))
    r = api.as_user(world.user("district")).post(
        f"/api/v1/projects/{by_api.pk}/progress-reports/",
        {"period": "2025-10", "investment": 120, "problems": "缺少电力增容"}, format="json")
    assert r.status_code == 201, r.content
    result = import_rows(world, [[by_import.code, "2025-10", 120, "", "", "缺少电力增容", ""]])
    assert result.ok and (result.created, result.updated) == (1, 0)
    api_events, api_changes = trail(by_api)
    import_events, import_changes = trail(by_import)
    assert [k for k, *_ in api_events] == ["project.problem_reported", "project.report_submitted"]
    assert api_events == import_events
    assert api_changes == import_changes and api_changes[0][0] == "create"


def test_one_policy_for_a_month_already_reported(api, client, world):
    p = make_project(actual_start=dt.date(2025, 1, 1))
    district = world.user("district")
    services.progress_report_submit(actor=district, project=p, period="2025-10", investment=100)
    url = f"/api/v1/projects/{p.pk}/progress-reports/"
    c = api.as_user(district)
    # a single submission does not overwrite a month silently: page and API refuse it, naming the month
    refused = c.post(url, {"period": "2025-10", "investment": 1}, format="json")
    assert refused.status_code == 400 and "2025-10" in str(refused.json())
    client.force_login(district)
    page = client.post(f"/projects/{p.pk}/report/", {"period": "2025-10", "investment": "2"}, follow=True)
    assert "2025-10" in page.content.decode()
    assert ProgressReport.objects.get(project=p).investment == 100
    # a correction says so: the API with replace, the import file (which states its months' figures)
    corrected = c.post(url, {"period": "2025-10", "investment": 90, "replace": True}, format="json")
    assert corrected.status_code == 200 and corrected.json()["cumulative"] == "90.00"
    result = import_rows(world, [[p.code, "2025-10", 80, "", "", "", "更正"]])
    assert result.ok and (result.created, result.updated) == (0, 1)
    p.refresh_from_db()
    assert p.invested_total == 80
    corrections = Event.objects.filter(kind="project.report_corrected").order_by("id")
    assert [(e.data["investment"], e.data["before"]) for e in corrections] == [("90.00", "100.00"), ("80.00", "90.00")]
    updates = ObjectChange.objects.filter(action="update", object_id=str(ProgressReport.objects.get(project=p).pk))
    assert sorted(c.after["investment"] for c in updates) == ["80.00", "90.00"]


def test_the_service_refuses_what_the_importer_would_have_let_through(world):
    """The importer checks scope before writing; the service checks again (a channel cannot widen it)."""
    theirs = make_project(district="330109", actual_start=dt.date(2025, 1, 1))
    with pytest.raises(PermissionDenied):
        services.progress_reports_upsert(actor=world.user("district"), replace=True, rows=[
            {"project": theirs, "period": "2025-10", "investment": 1}])
    assert not ProgressReport.objects.exists()


def test_a_refusal_inside_the_import_writes_nothing(world, monkeypatch):
    mine = make_project(actual_start=dt.date(2025, 1, 1))
    theirs = make_project(district="330109", actual_start=dt.date(2025, 1, 1))
    importer = ProgressReportImporter(actor=world.user("district"))
    original = importer.validate_rows

    def lenient(rows):  # an importer whose own check forgot the scope
        errors = original(rows)
        importer.projects[theirs.code] = theirs
        return [e for e in errors if e.column != "项目代码"]

    monkeypatch.setattr(importer, "validate_rows", lenient)
    result = importer.run(xlsx(HEADERS, [[mine.code, "2025-10", 5, "", "", "", ""],
                                         [theirs.code, "2025-10", 5, "", "", "", ""]]))
    assert not result.ok and result.errors[0].row == 1
    assert not ProgressReport.objects.exists()
