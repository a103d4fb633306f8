"""The API: the contract's fields, scope for every role, the "done when" scenario, the map GeoJSON, the OC4IDS
package (validated against the schema), progress reports, workflow actions and query-count pins."""

import datetime as dt
import json
from pathlib import Path

import pytest
from django.utils import timezone
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from industry_brain.projects import services
from industry_brain.projects.models import Project, ProjectWarning, SupervisionOrder
from industry_brain.testing import ALL_ROLES

from .helpers import add_plan, add_reports, make_project, month

pytestmark = pytest.mark.django_db
SCHEMAS = Path(__file__).resolve().parents[1] / "data" / "oc4ids-0.9.5"
CONTRACT_FIELDS = {"id", "code", "name", "enterprise", "district", "lat", "lon", "total_investment", "stage",
                   "warning_level", "planned_signed", "planned_land", "planned_start", "planned_completion",
                   "planned_production", "actual_signed", "actual_land", "actual_start", "actual_completion",
                   "actual_production", "annual_plan"}


@pytest.fixture
def scoped(world):
    """One project in each scope: 西湖 (team's chain, ent_xihu), 萧山 (other chain, ent_xiaoshan)."""
    today = timezone.localdate()
    xihu = make_project(district="330106", enterprise=world.ent_xihu, chain=world.chain,
                        planned_start=today - dt.timedelta(days=120))
    xiaoshan = make_project(district="330109", enterprise=world.ent_xiaoshan, chain=world.other_chain,
                            planned_start=today - dt.timedelta(days=120))
    services.warning_evaluate_all(today=today)
    return {"xihu": xihu, "xiaoshan": xiaoshan}


# Which of the two projects each role sees, and may change.
SEES = {"city": {"xihu", "xiaoshan"}, "district": {"xihu"}, "district_other": {"xiaoshan"}, "chain_team": {"xihu"},
        "department": set(), "department_other": set(), "cadre": {"xihu"}, "enterprise": {"xihu"},
        "enterprise_other": {"xiaoshan"}}
CHANGES = {"city": {"xihu", "xiaoshan"}, "district": {"xihu"}, "district_other": {"xiaoshan"}, "chain_team": set(),
           "department": set(), "department_other": set(), "cadre": set(), "enterprise": {"xihu"},
           "enterprise_other": {"xiaoshan"}}


def test_anonymous_gets_401(api):
    for url in ("/api/v1/projects/", "/api/v1/warnings/", "/api/v1/supervisions/", "/api/v1/projects/map/"):
        assert api.get(url).status_code == 401


@pytest.mark.parametrize("role", ALL_ROLES)
def test_scope_of_projects_warnings_and_supervisions(api, world, scoped, role):
    client = api.as_user(world.user(role))
    ids = {k: p.pk for k, p in scoped.items()}
    listed = {r["id"] for r in client.get("/api/v1/projects/?page_size=100").json()["results"]}
    assert listed == {ids[k] for k in SEES[role]}
    for key, pk in ids.items():
        detail = client.get(f"/api/v1/projects/{pk}/")
        assert detail.status_code == (200 if key in SEES[role] else 404)
        for resource in ("warnings", "supervisions"):
            rows = client.get(f"/api/v1/{resource}/?project={pk}").json()["results"]
            assert bool(rows) == (key in SEES[role]), resource
            model = ProjectWarning if resource == "warnings" else SupervisionOrder
            other = model.objects.filter(project_id=pk).first()
            assert client.get(f"/api/v1/{resource}/{other.pk}/").status_code == (200 if key in SEES[role] else 404)
        patch = client.patch(f"/api/v1/projects/{pk}/", {"actual_signed": str(timezone.localdate())}, format="json")
        expected = 200 if key in CHANGES[role] else (403 if key in SEES[role] else 404)
        assert patch.status_code == expected, (role, key, patch.content)
    map_ids = {f["properties"]["id"] for f in client.get("/api/v1/projects/map/").json()["features"]}
    assert map_ids == {ids[k] for k in SEES[role]}


@pytest.mark.parametrize("role,status", [("city", 201), ("district", 201), ("district_other", 400),
                                         ("chain_team", 403), ("department", 403), ("cadre", 403), ("enterprise", 403)])
def test_who_may_create_a_xihu_project(api, world, role, status):
    body = {"code": f"N-{role}", "name": "新项目", "district": "330106", "investor_name": "投资方",
            "total_investment": "5000"}
    response = api.as_user(world.user(role)).post("/api/v1/projects/", body, format="json")
    assert response.status_code == status, response.content
    if status == 400:
        assert "district" in response.json()


def test_done_when_scenario(api, world):
    """Created with planned_start 120 days ago → red warning and an order; actual_start → start warning cleared;
    xihu_officer gets 404 for a 萧山区 project; map is a FeatureCollection; OC4IDS validates."""
    city = api.as_user(world.user("city"))
    today = timezone.localdate()
    body = {"code": "DW-1", "name": "验收项目", "district": "330106", "investor_name": "某集团",
            "total_investment": "30000", "lat": "30.27", "lon": "120.12",
            "planned_start": str(today - dt.timedelta(days=120)), "annual_plan": "8000"}
    created = city.post("/api/v1/projects/", body, format="json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert CONTRACT_FIELDS <= set(data) and data["annual_plan"] == "8000.00" and data["stage"] == "reserve"
    pid = data["id"]
    counts = city.post("/api/v1/warnings/evaluate/").json()
    assert counts["active_red"] >= 1 and counts["supervisions_opened"] >= 1
    active = city.get(f"/api/v1/warnings/?project={pid}&active=true").json()["results"]
    start = [w for w in active if w["rule"] == "P03"]
    assert start and start[0]["level"] == "red" and start[0]["cleared_at"] is None
    assert start[0]["facts"]["days_overdue"] == 120
    assert {"id", "project", "rule", "level", "facts", "opened_at", "cleared_at"} <= set(start[0])
    orders = city.get(f"/api/v1/supervisions/?project={pid}").json()["results"]
    assert orders and {"id", "project", "warning", "status", "due_date"} <= set(orders[0])
    assert city.get(f"/api/v1/projects/{pid}/").json()["warning_level"] == "red"

    patched = city.patch(f"/api/v1/projects/{pid}/", {"actual_start": str(today)}, format="json")
    assert patched.status_code == 200 and patched.json()["stage"] == "construction"
    city.post("/api/v1/warnings/evaluate/")
    history = city.get(f"/api/v1/warnings/?project={pid}&rule=P03").json()["results"]
    assert history[0]["cleared_at"] is not None
    still = {w["rule"] for w in city.get(f"/api/v1/warnings/?project={pid}&active=true").json()["results"]}
    assert still == {"P02"}  # the start warnings cleared; nothing invested against this year's plan yet

    xiaoshan = make_project(district="330109")
    assert api.as_user(world.user("district")).get(f"/api/v1/projects/{xiaoshan.pk}/").status_code == 404
    fc = api.as_user(world.user("city")).get("/api/v1/projects/map/").json()
    assert fc["type"] == "FeatureCollection" and fc["features"]
    oc4ids = city.get("/api/v1/projects/oc4ids/").json()
    validate_package(oc4ids)


def validate_package(package):
    package_schema = json.loads((SCHEMAS / "project-package-schema.json").read_text())
    project_schema = json.loads((SCHEMAS / "project-schema.json").read_text())
    registry = Registry().with_resource(project_schema["id"],
                                        Resource.from_contents(project_schema, default_specification=DRAFT4))
    validator = Draft4Validator(package_schema, registry=registry, format_checker=Draft4Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(package), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]


def test_oc4ids_package_is_valid_and_maps_the_project(api, world):
    today = timezone.localdate()
    full = make_project(enterprise=world.ent_xihu, planned_signed=dt.date(2025, 1, 10),
                        actual_signed=dt.date(2025, 1, 12), planned_start=dt.date(2025, 3, 1),
                        actual_start=dt.date(2025, 3, 20), planned_completion=today + dt.timedelta(days=90))
    Project.objects.filter(pk=full.pk).update(industry_id="39")
    add_reports(full, {month(2025, 4): 100, month(2025, 5): 200})
    make_project(lat=None, lon=None, stage="cancelled")
    package = api.as_user(world.user("city")).get("/api/v1/projects/oc4ids/").json()
    validate_package(package)
    project = next(p for p in package["projects"] if p["identifiers"][0]["id"] == full.code)
    assert project["status"] == "implementation"
    assert project["budget"]["amount"] == {"amount": 100_000_000.0, "currency": "CNY"}  # 10,000 万元
    codes = {m["id"]: m for m in project["milestones"]}
    assert codes["start"]["code"] == "commencement" and codes["start"]["status"] == "met"
    assert codes["completion"]["status"] == "scheduled"
    assert project["locations"][0]["geometry"]["type"] == "Point"
    assert project["metrics"][0]["observations"][-1]["value"]["amount"] == 3_000_000.0
    assert {r for p in project["parties"] for r in p["roles"]} == {"publicAuthority", "funder"}
    assert any(p["status"] == "cancelled" for p in package["projects"])


def test_oc4ids_follows_filters_and_pages(api, world):
    for _ in range(3):
        make_project(district="330106")
    make_project(district="330109")
    client = api.as_user(world.user("city"))
    response = client.get("/api/v1/projects/oc4ids/?district=330106&page_size=2")
    assert len(response.json()["projects"]) == 2 and 'rel="next"' in response["Link"]
    assert response["X-Total-Count"] == "3"


def test_oc4ids_empty_selection_is_not_an_invalid_package(api, world):
    make_project(district="330106")
    response = api.as_user(world.user("city")).get("/api/v1/projects/oc4ids/?district=330109")
    assert response.status_code == 404 and "OC4IDS" in response.json()["detail"]


def test_map_is_compact_geojson_with_filters(api, world):
    a = make_project(total=12345, lat=30.123456789, lon=120.987654321)
    make_project(lat=None, lon=None)  # not located: not on the map
    b = make_project(district="330109", stage="cancelled")
    client = api.as_user(world.user("city"))
    fc = client.get("/api/v1/projects/map/").json()
    assert fc["type"] == "FeatureCollection"
    assert {f["properties"]["id"] for f in fc["features"]} == {a.pk, b.pk}
    fa = next(f for f in fc["features"] if f["properties"]["id"] == a.pk)
    assert fa["geometry"] == {"type": "Point", "coordinates": [120.98765, 30.12346]}
    assert set(fa["properties"]) == {"id", "name", "stage", "warning_level", "total_investment"}
    assert fa["properties"]["total_investment"] == 12345
    only = client.get("/api/v1/projects/map/?stage=cancelled").json()
    assert [f["properties"]["id"] for f in only["features"]] == [b.pk]
    assert client.get("/api/v1/projects/map/?district=999999").status_code == 400
    gz = client.get("/api/v1/projects/map/", HTTP_ACCEPT_ENCODING="gzip")
    assert gz["Content-Encoding"] == "gzip"


def test_map_cache_sees_changes(api, world):
    a = make_project()
    client = api.as_user(world.user("city"))
    assert client.get("/api/v1/projects/map/").json()["features"][0]["properties"]["warning_level"] == "green"
    services.project_update(actor=world.user("city"), project=a, data={"name": "改名项目"})
    assert client.get("/api/v1/projects/map/").json()["features"][0]["properties"]["name"] == "改名项目"


def test_lifecycle_errors_are_409_and_400(api, world):
    today = timezone.localdate()
    p = make_project(planned_land=today - dt.timedelta(days=30), actual_signed=today - dt.timedelta(days=60))
    client = api.as_user(world.user("city"))
    skip = client.patch(f"/api/v1/projects/{p.pk}/", {"actual_start": str(today)}, format="json")
    assert skip.status_code == 409 and "detail" in skip.json()
    order = client.patch(f"/api/v1/projects/{p.pk}/", {"actual_land": str(today - dt.timedelta(days=90))},
                         format="json")
    assert order.status_code == 400 and "actual_land" in order.json()
    stage = client.patch(f"/api/v1/projects/{p.pk}/", {"stage": "production"}, format="json")
    assert stage.status_code == 409
    cancel = client.patch(f"/api/v1/projects/{p.pk}/", {"stage": "cancelled"}, format="json")
    assert cancel.status_code == 200 and cancel.json()["stage"] == "cancelled"


def test_progress_reports_api(api, world):
    p = make_project(enterprise=world.ent_xihu, actual_start=dt.date(2025, 1, 1))
    client = api.as_user(world.user("enterprise"))
    ok = client.post(f"/api/v1/projects/{p.pk}/progress-reports/", {"period": "2025-02", "investment": 120,
                                                                    "note": "正常推进"}, format="json")
    assert ok.status_code == 201 and ok.json()["period"] == "2025-02" and ok.json()["cumulative"] == "120.00"
    client.post(f"/api/v1/projects/{p.pk}/progress-reports/", {"period": "2025-03", "investment": 30}, format="json")
    listed = client.get(f"/api/v1/projects/{p.pk}/progress-reports/").json()
    assert listed["count"] == 2 and listed["results"][0]["cumulative"] == "150.00"
    bad = client.post(f"/api/v1/projects/{p.pk}/progress-reports/", {"period": "March", "investment": 1},
                      format="json")
    assert bad.status_code == 400 and "period" in bad.json()
    dup = client.post(f"/api/v1/projects/{p.pk}/progress-reports/", {"period": "2025-03", "investment": 1},
                      format="json")
    assert dup.status_code == 400
    team = api.as_user(world.user("chain_team"))
    assert team.post(f"/api/v1/projects/{p.pk}/progress-reports/", {"period": "2025-04", "investment": 1},
                     format="json").status_code == 404  # not in the team's ecosystem


def test_supervision_actions(api, world, scoped):
    order = SupervisionOrder.objects.get(project=scoped["xihu"], warning__rule__code="P03")
    body = {"cause": "规划调整", "measures": "加快审批",
            "expected_recovery": str(timezone.localdate() + dt.timedelta(days=20))}
    ent = api.as_user(world.user("enterprise"))
    # the enterprise is never a reviewer: 403 whatever the status (the engine asks "who" before "when")
    assert ent.post(f"/api/v1/supervisions/{order.pk}/accept/").status_code == 403
    assert ent.get(f"/api/v1/supervisions/{order.pk}/").json()["allowed_actions"] == ["respond"]
    r = ent.post(f"/api/v1/supervisions/{order.pk}/respond/", body, format="json")
    assert r.status_code == 200 and r.json()["status"] == "responded" and len(r.json()["responses"]) == 1
    assert ent.post(f"/api/v1/supervisions/{order.pk}/respond/", body, format="json").status_code == 409
    assert ent.post(f"/api/v1/supervisions/{order.pk}/accept/").status_code == 403
    assert api.as_user(world.user("district_other")).post(
        f"/api/v1/supervisions/{order.pk}/accept/").status_code == 404
    rej = api.as_user(world.user("district")).post(f"/api/v1/supervisions/{order.pk}/reject/", {"comment": ""},
                                                   format="json")
    assert rej.status_code == 400 and "comment" in rej.json()
    ok = api.as_user(world.user("district")).post(f"/api/v1/supervisions/{order.pk}/accept/", {}, format="json")
    assert ok.status_code == 200 and ok.json()["status"] == "accepted"


def test_evaluate_is_for_the_city_only(api, world):
    assert api.as_user(world.user("district")).post("/api/v1/warnings/evaluate/").status_code == 403


def test_rules_api(api, world):
    city = api.as_user(world.user("city"))
    rules = city.get("/api/v1/warning-rules/").json()
    assert [r["code"] for r in rules] == ["P01", "P02", "P03", "P04", "P05"]
    p01 = rules[0]
    bad = city.patch(f"/api/v1/warning-rules/{p01['id']}/", {"thresholds": {"yellow_after_days": -1,
                                                                             "red_after_days": 5}}, format="json")
    assert bad.status_code == 400
    ok = city.patch(f"/api/v1/warning-rules/{p01['id']}/", {"thresholds": {"yellow_after_days": 20,
                                                                            "red_after_days": 60}}, format="json")
    assert ok.status_code == 200 and ok.json()["version"] == 2
    assert api.as_user(world.user("district")).patch(f"/api/v1/warning-rules/{p01['id']}/", {"name": "x"},
                                                     format="json").status_code == 403


def test_list_api_query_count_does_not_grow(api, world, django_assert_max_num_queries):
    client = api.as_user(world.user("district"))
    for _ in range(3):
        p = make_project(enterprise=world.ent_xihu, chain=world.chain, total=5000)
        add_plan(p, timezone.localdate().year, 100)
    with django_assert_max_num_queries(6) as few:
        client.get("/api/v1/projects/")
    for _ in range(20):
        p = make_project(enterprise=world.ent_xihu, chain=world.chain, total=5000)
        Project.objects.filter(pk=p.pk).update(industry_id="39")
        add_plan(p, timezone.localdate().year, 100)
    with django_assert_max_num_queries(len(few.captured_queries)):
        rows = client.get("/api/v1/projects/?stage=reserve&band=lt1").json()["results"]
    assert len(rows) == 23 and rows[0]["annual_plan"] == "100.00"


def test_warning_and_supervision_lists_query_count(api, world, scoped, django_assert_max_num_queries):
    client = api.as_user(world.user("city"))
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/supervisions/").json()["count"] == 4  # P01 and P03 red on both projects
    with django_assert_max_num_queries(6):
        assert client.get("/api/v1/warnings/?active=true").json()["count"] == 4


def test_fast_representation_equals_the_declared_fields(world):
    """The hand-written to_representation must say exactly what DRF's field-by-field one says."""
    from rest_framework import serializers as drf

    from industry_brain.projects.api.serializers import ProjectSerializer
    from industry_brain.projects.selectors import project_list

    p = make_project(enterprise=world.ent_xihu, chain=world.chain, actual_start=dt.date(2025, 3, 1))
    Project.objects.filter(pk=p.pk).update(industry_id="39")
    add_plan(p, timezone.localdate().year, "1234.5")
    row = project_list(user=world.user("city")).get(pk=p.pk)
    serializer = ProjectSerializer(row)
    assert serializer.data == drf.ModelSerializer.to_representation(serializer, row)
    assert serializer.data["annual_plan"] == "1234.50" and serializer.data["industry"] == "39"


def test_openapi_describes_the_project_endpoints(client):
    schema = client.get("/api/schema/?format=json").json()
    for path in ("/api/v1/projects/", "/api/v1/projects/{id}/", "/api/v1/projects/{id}/progress-reports/",
                 "/api/v1/projects/map/", "/api/v1/projects/oc4ids/", "/api/v1/warnings/", "/api/v1/warnings/evaluate/",
                 "/api/v1/supervisions/", "/api/v1/supervisions/{id}/respond/", "/api/v1/supervisions/{id}/accept/",
                 "/api/v1/supervisions/{id}/reject/", "/api/v1/progress-reports/import/"):
        assert path in schema["paths"], path
    params = {p["name"] for p in schema["paths"]["/api/v1/projects/map/"]["get"]["parameters"]}
    assert {"district", "ecosystem", "chain", "stage", "warning_level", "band", "key_level"} <= params
    assert CONTRACT_FIELDS <= set(schema["components"]["schemas"]["Project"]["properties"])
