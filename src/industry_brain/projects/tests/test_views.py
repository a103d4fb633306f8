"""Pages: list (filters, HTMX fragment, query pin), detail, map, dashboard, supervision inbox, rules, import,
milestone and report entry; scope answers 404."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from industry_brain.projects import services
from industry_brain.projects.models import SupervisionOrder

from .helpers import add_plan, add_reports, make_project, month

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_list_page_filters_and_fragment(world):
    a = make_project(district="330106", total=5000)
    b = make_project(district="330109", total=50000)
    c = login(world.user("city"))
    page = c.get("/projects/?district=330109")
    assert page.status_code == 200 and b.code in page.content.decode() and a.code not in page.content.decode()
    fragment = c.get("/projects/?band=lt1", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results")
    body = fragment.content.decode()
    assert "<html" not in body and a.code in body and b.code not in body


def test_list_page_query_count_does_not_grow(world, django_assert_max_num_queries):
    c = login(world.user("district"))
    for _ in range(2):
        add_plan(make_project(enterprise=world.ent_xihu, chain=world.chain), timezone.localdate().year, 10)
    c.get("/projects/")
    with django_assert_max_num_queries(30) as few:
        c.get("/projects/")
    for _ in range(25):
        add_plan(make_project(enterprise=world.ent_xihu, chain=world.chain), timezone.localdate().year, 10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert c.get("/projects/").status_code == 200


def test_detail_page_shows_timeline_curve_warnings_and_supervision(world):
    today = timezone.localdate()
    p = make_project(enterprise=world.ent_xihu, planned_start=today - dt.timedelta(days=120))
    add_plan(p, today.year, 1000)
    services.warning_evaluate_all(today=today)
    c = login(world.user("enterprise"))
    body = c.get(f"/projects/{p.pk}/").content.decode()
    for text in ('id="timeline-data"', 'id="curve-data"', "P03", "badge-red", "/projects/supervisions/"):
        assert text in body
    assert login(world.user("enterprise_other")).get(f"/projects/{p.pk}/").status_code == 404


def test_milestone_and_report_forms(world):
    today = timezone.localdate()
    p = make_project(enterprise=world.ent_xihu, actual_signed=today - dt.timedelta(days=30))
    c = login(world.user("enterprise"))
    r = c.post(f"/projects/{p.pk}/milestone/", {"milestone": "land", "date": str(today - dt.timedelta(days=3))})
    assert r.status_code == 302
    p.refresh_from_db()
    assert p.stage == "land"
    c.post(f"/projects/{p.pk}/report/", {"period": (today.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m"),
                                         "investment": "250"})
    p.refresh_from_db()
    assert str(p.invested_total) == "250.00"
    bad = c.post(f"/projects/{p.pk}/milestone/", {"milestone": "start", "date": str(today + dt.timedelta(days=5))},
                 follow=True)
    assert "msg-error" in bad.content.decode()
    p.refresh_from_db()
    assert p.stage == "land" and p.actual_start is None


def test_project_create_page(world):
    c = login(world.user("district"))
    assert c.get("/projects/add/").status_code == 200
    r = c.post("/projects/add/", {"code": "PG-1", "name": "页面新建", "district": "330106", "investor_name": "某公司",
                                  "total_investment": "100", "fixed_investment": "50", "funding": "domestic",
                                  "project_type": "new", "key_level": "none"})
    assert r.status_code == 302
    assert login(world.user("chain_team")).get("/projects/add/").status_code == 403


def test_investor_is_one_picker_of_registered_firms_that_keeps_a_typed_name_as_unregistered(world):
    from industry_brain.projects.models import Project

    c = login(world.user("district"))
    body = c.get("/projects/add/").content.decode()
    # One investor box: the firm picker, told to keep a typed name in the hidden investor_name field.
    assert 'data-ac-free="investor_name"' in body and 'data-ac-free-label="未登记企业：{name}"' in body
    assert '<input type="hidden" name="investor_name"' in body
    base = {"code": "PG-2", "name": "外资新建", "district": "330106", "total_investment": "100",
            "fixed_investment": "50", "funding": "foreign", "project_type": "new", "key_level": "none"}
    assert c.post("/projects/add/", base | {"investor_name": "某外资公司"}).status_code == 302
    p = Project.objects.get(code="PG-2")
    assert (p.enterprise_id, p.investor_name) == (None, "某外资公司")  # stored as before: the name, no firm
    assert 'value="某外资公司"' in c.get(f"/projects/{p.pk}/edit/").content.decode()  # shown again on edit
    # Choosing a registered firm afterwards drops the kept name.
    r = c.post(f"/projects/{p.pk}/edit/", base | {"enterprise": world.ent_xihu.pk, "investor_name": "某外资公司"})
    assert r.status_code == 302
    p.refresh_from_db()
    assert (p.enterprise_id, p.investor_name) == (world.ent_xihu.pk, "")


def test_map_dashboard_rules_and_import_pages(world):
    make_project()
    c = login(world.user("city"))
    body = c.get("/projects/map/").content.decode()
    assert 'data-drawer="project-map"' in body and "js/project_map.js" in body and "<script>" not in body
    districts = c.get("/projects/map/districts/?district=330106").json()["districts"]
    assert districts == [{"code": "330106", "name": "西湖区", "count": 1, "investment": 10000.0}]
    assert c.get("/projects/dashboard/").status_code == 200
    assert "P01" in c.get("/projects/rules/").content.decode()
    assert c.get("/projects/reports/import/?template=1")["Content-Type"].startswith("application/vnd.openxmlformats")
    assert login(world.user("enterprise")).get("/projects/reports/import/").status_code == 403


def test_supervision_inbox_and_respond_page(world):
    today = timezone.localdate()
    p = make_project(planned_start=today - dt.timedelta(days=120))
    add_reports(p, {month(today.year, 1): 1})
    services.warning_evaluate_all(today=today)
    order = SupervisionOrder.objects.filter(project=p).first()
    c = login(world.user("district"))
    home = c.get("/").content.decode()
    assert p.code in home  # the district's inbox lists the order to answer
    page = c.get(f"/projects/supervisions/{order.pk}/").content.decode()
    assert 'name="cause"' in page
    c.post(f"/projects/supervisions/{order.pk}/", {"action": "respond", "cause": "原因", "measures": "措施",
                                                  "expected_recovery": str(today + dt.timedelta(days=10))})
    order.refresh_from_db()
    assert order.status == "responded"
    assert 'name="decision"' in login(world.user("city")).get(f"/projects/supervisions/{order.pk}/").content.decode()
    assert login(world.user("district_other")).get(f"/projects/supervisions/{order.pk}/").status_code == 404
    assert c.get("/projects/supervisions/?status=responded").status_code == 200
