"""Hostile input at the edge: huge numbers in list filters and deeply nested JSON are a 400, never a 500."""

import pytest
from rest_framework.test import APIClient

from industry_brain.testing import PASSWORD

pytestmark = pytest.mark.django_db
HUGE = "99999999999999999999"


@pytest.fixture
def api(world):
    client = APIClient()
    client.force_authenticate(world.user("city"))
    return client


@pytest.mark.parametrize(("path", "field"), [
    (f"/api/v1/demands/?cadre={HUGE}", "cadre"),
    (f"/api/v1/demands/?enterprise={HUGE}", "enterprise"),
    (f"/api/v1/demands/?department={HUGE}", "department"),
    (f"/api/v1/demands/?chain=-{HUGE}", "chain"),
])
def test_integer_overflow_in_list_filters_is_a_400_naming_the_filter(api, path, field):
    response = api.get(path)
    assert response.status_code == 400, response.content
    assert field in response.json()


def test_an_unbounded_number_elsewhere_is_a_400_not_a_500(api, client, world):
    assert api.get(f"/api/v1/demands/?search={HUGE}").status_code in (200, 400)
    client.force_login(world.user("city"))
    assert client.get(f"/demands/?cadre={HUGE}").status_code in (200, 400)
    assert client.get(f"/demands/?search={HUGE}").status_code in (200, 400)


def nested(depth: int) -> str:
    return '{"username": ' + "[" * depth + "]" * depth + ', "password": "x"}'


@pytest.mark.parametrize("depth", [40, 100_000])
def test_deeply_nested_json_on_the_token_endpoint_is_a_400(world, depth):
    client = APIClient()
    response = client.post("/api/v1/auth/token/", nested(depth), content_type="application/json")
    assert response.status_code == 400
    assert "nested" in response.json()["detail"] or "嵌套" in response.json()["detail"]


def test_ordinary_json_still_works(world):
    client = APIClient()
    ok = client.post("/api/v1/auth/token/", {"username": "t_city", "password": PASSWORD}, format="json")
    assert ok.status_code == 200


@pytest.mark.parametrize(("lat", "lon"), [("39.904200", "116.407400"), ("0.000000", "0.000000")])
def test_project_coordinates_outside_the_stated_district_are_refused(api, world, lat, lon):
    from industry_brain.projects.models import Project
    from industry_brain.projects.tests.helpers import make_project

    project = make_project(district="330106", enterprise=world.ent_xihu)
    response = api.patch(f"/api/v1/projects/{project.pk}/", {"lat": lat, "lon": lon}, format="json")
    assert response.status_code == 400 and {"lat", "lon"} <= set(response.json()), response.content
    assert str(Project.objects.get(pk=project.pk).lat) == "30.250000"
    inside = api.patch(f"/api/v1/projects/{project.pk}/", {"lat": "30.260000", "lon": "120.110000"}, format="json")
    assert inside.status_code == 200, inside.content


@pytest.mark.parametrize("period", ["0001-01", "1999-12"])
def test_progress_reports_for_months_before_the_records_are_refused(world, period):
    from industry_brain.projects.models import ProgressReport
    from industry_brain.projects.tests.helpers import make_project

    project = make_project(district="330106", enterprise=world.ent_xihu)
    client = APIClient()
    client.force_authenticate(world.user("city"))
    response = client.post(f"/api/v1/projects/{project.pk}/progress-reports/", {"period": period,
                                                                              "investment": "100"}, format="json")
    assert response.status_code == 400 and "period" in response.json(), response.content
    assert not ProgressReport.objects.filter(project=project).exists()
