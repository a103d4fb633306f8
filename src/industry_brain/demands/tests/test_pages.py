"""Pages: the detail page offers exactly the steps the user may take; forms post through the services;
list pages and the list API issue a bounded number of queries whatever the number of rows."""

import pytest

from industry_brain.testing import make_enterprise

from .helpers import LOGISTICS_TEXT_2, accepted, in_progress, raise_demand, resolved

pytestmark = pytest.mark.django_db


def forms_on(client, user, demand):
    client.force_login(user)
    html = client.get(f"/demands/{demand.pk}/").content.decode()
    return {a for a in ("accept", "start", "transfer", "cohandle", "resolve", "rate") if f'data-action="{a}"' in html}


def test_detail_page_offers_only_the_allowed_steps(client, world):
    d = raise_demand(world)
    assert forms_on(client, world.user("city"), d) == {"accept"}
    assert forms_on(client, world.user("enterprise"), d) == set()
    d = in_progress(world, d)
    assert forms_on(client, world.user("department"), d) == {"transfer", "cohandle", "resolve"}
    assert forms_on(client, world.user("district"), d) == {"transfer"}
    d = resolved(world, raise_demand(world, code="finance.loan", title="贷款", description="授信"))
    assert forms_on(client, world.user("enterprise"), d) == {"rate"}
    assert forms_on(client, world.user("department"), d) == set()


def test_page_forms_walk_the_workflow(client, world):
    d = raise_demand(world)
    client.force_login(world.user("city"))
    r = client.post(f"/demands/{d.pk}/accept/", {"accept-department": world.department.pk})
    assert r.status_code == 302
    client.force_login(world.user("department"))
    client.post(f"/demands/{d.pk}/start/", {})
    client.post(f"/demands/{d.pk}/resolve/", {"resolve-resolution": "已办理"})
    client.force_login(world.user("enterprise"))
    client.post(f"/demands/{d.pk}/rate/", {"rate-satisfaction": "satisfied"})
    d.refresh_from_db()
    assert d.status == "closed"
    # a refused step is a message, not a crash, and changes nothing
    client.force_login(world.user("department"))
    r = client.post(f"/demands/{d.pk}/resolve/", {"resolve-resolution": "again"}, follow=True)
    assert r.status_code == 200 and "closed" not in r.redirect_chain[0][0]
    d.refresh_from_db()
    assert d.status == "closed"
    client.force_login(world.user("enterprise_other"))
    assert client.post(f"/demands/{d.pk}/rate/", {"rate-satisfaction": "satisfied"}).status_code == 404


def test_raise_form_prefills_what_the_platform_knows(client, world):
    client.force_login(world.user("enterprise"))
    html = client.get("/demands/new/").content.decode()
    assert world.ent_xihu.name in html and 'name="enterprise"' not in html
    r = client.post("/demands/new/", {"category": raise_demand.__globals__["category"]("labour.recruitment").pk,
                                      "urgency": "normal", "title": "招工难", "description": "一线工人短缺"})
    assert r.status_code == 302
    client.force_login(world.user("cadre"))
    html = client.get("/demands/new/").content.decode()
    assert 'name="enterprise"' in html and world.ent_xiaoshan.name not in html
    offered = client.get("/autocomplete/enterprise/", {"q": "杭州"}).json()["results"]  # the form's picker
    assert [e["label"] for e in offered] == [world.ent_xihu.name]  # the firms the cadre serves
    client.force_login(world.user("department"))
    assert client.get("/demands/new/").status_code == 403


def test_enterprise_page_has_a_demands_panel(client, world):
    d = raise_demand(world)
    client.force_login(world.user("enterprise"))
    html = client.get(f"/enterprises/{world.ent_xihu.pk}/").content.decode()
    assert f"/demands/{d.pk}/" in html


def test_home_page_is_the_department_inbox(client, world):
    d = in_progress(world, raise_demand(world))
    client.force_login(world.user("department"))
    html = client.get("/").content.decode()
    assert "Demands to coordinate" in html or "待协调" in html or f"/demands/{d.pk}/" in html
    assert f"/demands/{d.pk}/" in html


def test_list_page_export_and_other_pages_render(client, world):
    accepted(world, raise_demand(world))
    client.force_login(world.user("city"))
    for url in ("/demands/", "/demands/?status=accepted&overdue=false", "/demands/cadres/",
                f"/demands/cadres/{world.cadre.pk}/", "/demands/assignments/", "/demands/visits/",
                "/demands/visits/new/", "/demands/alerts/", "/demands/inbox/", "/demands/new/"):
        assert client.get(url).status_code == 200, url
    x = client.get("/demands/export/?status=accepted")
    assert x.status_code == 200 and x["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.get("/demands/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results").content.decode().count(
        "<html") == 0


def _many(world, n):
    for i in range(n):
        e = make_enterprise(f"杭州计数测试{i}有限公司")
        d = raise_demand(world, user_key="city", enterprise=e, code="finance.loan", title=f"贷款{i}",
                         description=f"授信额度{i}")
        if i % 2:
            accepted(world, d)


@pytest.mark.parametrize("n", [3, 30])
def test_list_api_queries_do_not_grow_with_rows(api, world, django_assert_max_num_queries, n):
    _many(world, n)
    client = api.as_user(world.user("city"))
    with django_assert_max_num_queries(8):
        r = client.get("/api/v1/demands/?page_size=100")
    assert r.json()["count"] == n


@pytest.mark.parametrize("n", [3, 30])
def test_list_page_queries_do_not_grow_with_rows(client, world, django_assert_max_num_queries, n):
    _many(world, n)
    client.force_login(world.user("city"))
    with django_assert_max_num_queries(14):
        r = client.get("/demands/?per_page=100")
    assert r.status_code == 200


@pytest.mark.parametrize("url", ["/api/v1/cadres/", "/api/v1/assignments/", "/api/v1/visits/"])
def test_other_list_apis_are_bounded(api, world, django_assert_max_num_queries, url):
    from industry_brain.demands import services

    for i in range(12):
        e = make_enterprise(f"杭州干部计数{i}有限公司")
        services.assignment_create(actor=world.user("city"), cadre=world.cadre, enterprise=e)
        services.visit_create(actor=world.user("cadre"), enterprise=e, date=e.founded_on.replace(year=2025),
                              mode="phone")
    with django_assert_max_num_queries(8):
        assert api.as_user(world.user("city")).get(url).status_code == 200


def test_status_filter_selects_the_same_demands_without_distinct(api, client, world):
    """Filtering by one or several statuses lists each matching demand once, on the page and in the API, and the
    queries carry no DISTINCT: a plain column cannot repeat a row, and DISTINCT over every column made the
    database sort and compare each match whole."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from industry_brain.demands.models import Demand

    _many(world, 6)
    expected = set(Demand.objects.filter(status__in=["accepted", "submitted"]).values_list("pk", flat=True))
    r = api.as_user(world.user("city")).get("/api/v1/demands/?status=accepted&status=submitted&page_size=100")
    assert sorted(d["id"] for d in r.json()["results"]) == sorted(expected) and r.json()["count"] == len(expected)
    accepted_only = set(Demand.objects.filter(status="accepted").values_list("pk", flat=True))
    assert accepted_only and accepted_only < expected
    r = api.as_user(world.user("city")).get("/api/v1/demands/?status=accepted&page_size=100")
    assert {d["id"] for d in r.json()["results"]} == accepted_only and r.json()["count"] == len(accepted_only)
    client.force_login(world.user("city"))
    with CaptureQueriesContext(connection) as ctx:
        page = client.get("/demands/?status=accepted&per_page=100")
    assert page.status_code == 200
    assert all(f"/demands/{pk}/" in page.content.decode() for pk in accepted_only)
    assert not [q["sql"] for q in ctx.captured_queries if "demands_demand" in q["sql"] and "DISTINCT" in q["sql"]]


def test_detail_page_queries_do_not_grow_with_its_timeline(client, world):
    """A demand with a long timeline (transfers, co-handling, a similar demand flagged, many change-log entries
    naming departments and handlers) costs the same queries as a short one: step actors come with their
    organisation and the history reads the objects it names once per kind, not once per entry."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from industry_brain.demands import services

    raise_demand(world)
    short = resolved(world, raise_demand(world, description=LOGISTICS_TEXT_2))  # one similar demand flagged
    long = raise_demand(world)  # similar to both before
    long = accepted(world, long)
    long = services.demand_transfer(actor=world.user("department"), demand=long,
                                    department=world.other_department, reason="职能调整")
    long = services.demand_transfer(actor=world.user("city"), demand=long, department=world.department,
                                    reason="退回原部门")
    long = services.demand_start(actor=world.user("department"), demand=long)
    services.demand_cohandle_open(actor=world.user("department"), demand=long, department=world.other_department,
                                  request="请协助核实")
    long = services.demand_resolve(actor=world.user("department"), demand=long, resolution="已协调办理通行证")
    assert long.steps.count() >= short.steps.count() + 3 and long.flags.count() > short.flags.count() > 0
    client.force_login(world.user("city"))
    counts = []
    for d in (short, long):
        client.get(f"/demands/{d.pk}/")  # warm the per-process caches (content types, categories)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/demands/{d.pk}/").status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[1] == counts[0], counts
