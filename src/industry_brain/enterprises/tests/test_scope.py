"""Every role against the enterprise resource: list, detail, create, update, delete (API and pages)."""

import pytest

pytestmark = pytest.mark.django_db

# Which of the two world enterprises each role sees: X = 西湖 (in the iot chain, served by the cadre),
# S = 萧山 (another ecosystem's chain).
VISIBLE = {
    "city": {"X", "S"},
    "district": {"X", "S"},  # public profiles of all enterprises
    "district_other": {"X", "S"},
    "chain_team": {"X"},
    "department": set(),  # no demand routed to it yet
    "department_other": set(),
    "cadre": {"X"},
    "enterprise": {"X"},
    "enterprise_other": {"S"},
}
# PATCH on the 西湖 enterprise: 200 changed, 403 visible but read-only, 404 out of scope.
PATCH_X = {"city": 200, "district": 200, "district_other": 403, "chain_team": 403, "department": 404,
           "department_other": 404, "cadre": 403, "enterprise": 200, "enterprise_other": 404}
DELETE_X = {"city": 409, "district": 403, "district_other": 403, "chain_team": 403, "department": 404,
            "department_other": 404, "cadre": 403, "enterprise": 403, "enterprise_other": 404}
CREATE_IN_XIHU = {"city": 201, "district": 201, "district_other": 403, "chain_team": 403, "department": 403,
                  "department_other": 403, "cadre": 403, "enterprise": 403, "enterprise_other": 403}
CONFIDENTIAL_X = {"city": 200, "district": 200, "district_other": 404, "chain_team": 200, "department": 404,
                  "department_other": 404, "cadre": 200, "enterprise": 200, "enterprise_other": 404}


def _ids(world, keys):
    return {{"X": world.ent_xihu.pk, "S": world.ent_xiaoshan.pk}[k] for k in keys}


@pytest.mark.parametrize("role", list(VISIBLE))
def test_list_shows_exactly_the_scope(api, world, role):
    data = api.as_user(world.user(role)).get("/api/v1/enterprises/").json()
    assert {r["id"] for r in data["results"]} == _ids(world, VISIBLE[role])


@pytest.mark.parametrize("role", list(VISIBLE))
def test_detail_is_404_outside_scope(api, world, role):
    client = api.as_user(world.user(role))
    for key, ent in (("X", world.ent_xihu), ("S", world.ent_xiaoshan)):
        expected = 200 if key in VISIBLE[role] else 404
        assert client.get(f"/api/v1/enterprises/{ent.pk}/").status_code == expected


@pytest.mark.parametrize("role", list(PATCH_X))
def test_update(api, world, role):
    response = api.as_user(world.user(role)).patch(f"/api/v1/enterprises/{world.ent_xihu.pk}/",
                                                   {"address": "文一西路 100 号"}, format="json")
    assert response.status_code == PATCH_X[role], response.content
    world.ent_xihu.refresh_from_db()
    assert (world.ent_xihu.address == "文一西路 100 号") == (PATCH_X[role] == 200)


@pytest.mark.parametrize("role", list(DELETE_X))
def test_delete(api, world, role):
    from industry_brain.enterprises.models import Enterprise

    response = api.as_user(world.user(role)).delete(f"/api/v1/enterprises/{world.ent_xihu.pk}/")
    assert response.status_code == DELETE_X[role]
    assert Enterprise.objects.filter(pk=world.ent_xihu.pk).exists()


def test_city_deletes_an_enterprise_nothing_refers_to(api, world):
    from industry_brain.enterprises.models import Enterprise
    from industry_brain.testing import make_enterprise

    lone = make_enterprise("杭州无关联制造有限公司", "330106")
    assert api.as_user(world.user("city")).delete(f"/api/v1/enterprises/{lone.pk}/").status_code == 204
    assert not Enterprise.objects.filter(pk=lone.pk).exists()
    assert api.as_user(world.user("city")).delete(f"/api/v1/enterprises/{world.ent_xihu.pk}/").json()["detail"]


@pytest.mark.parametrize("role", list(CREATE_IN_XIHU))
def test_create_in_xihu(api, world, role):
    from industry_brain.enterprises.models import Enterprise
    from industry_brain.testing import new_uscc

    uscc = new_uscc("330106")
    response = api.as_user(world.user(role)).post("/api/v1/enterprises/", {
        "uscc": uscc, "name": "杭州新登记科技有限公司", "district": "330106", "industry": "39"}, format="json")
    assert response.status_code == CREATE_IN_XIHU[role], response.content
    assert Enterprise.objects.filter(uscc=uscc).exists() == (CREATE_IN_XIHU[role] == 201)


@pytest.mark.parametrize("role", list(CONFIDENTIAL_X))
def test_confidential_figures_only_within_scope(api, world, role):
    response = api.as_user(world.user(role)).get(f"/api/v1/enterprises/{world.ent_xihu.pk}/figures/")
    assert response.status_code == CONFIDENTIAL_X[role]
    if response.status_code == 200:
        assert [r["year"] for r in response.json()] == [2024, 2025]


def test_enterprise_user_cannot_change_registration_facts(api, world):
    response = api.as_user(world.user("enterprise")).patch(f"/api/v1/enterprises/{world.ent_xihu.pk}/",
                                                           {"name": "改名公司"}, format="json")
    assert response.status_code == 400
    assert "name" in response.json()
    world.ent_xihu.refresh_from_db()
    assert world.ent_xihu.name == "杭州西测电子有限公司"


def test_district_cannot_move_an_enterprise_out_of_its_district(api, world):
    response = api.as_user(world.user("district")).patch(f"/api/v1/enterprises/{world.ent_xihu.pk}/",
                                                         {"district": "330109"}, format="json")
    assert response.status_code == 403
    world.ent_xihu.refresh_from_db()
    assert world.ent_xihu.district_id == "330106"


@pytest.mark.parametrize("role", list(VISIBLE))
def test_pages_follow_the_same_scope(client, world, role):
    client.force_login(world.user(role))
    page = client.get("/enterprises/")
    assert page.status_code == 200
    body = page.content.decode()
    assert ("杭州西测电子有限公司" in body) == ("X" in VISIBLE[role])
    assert ("杭州萧测医药有限公司" in body) == ("S" in VISIBLE[role])
    for key, ent in (("X", world.ent_xihu), ("S", world.ent_xiaoshan)):
        assert client.get(f"/enterprises/{ent.pk}/").status_code == (200 if key in VISIBLE[role] else 404)


def test_anonymous_page_redirects_to_login(client, world):
    response = client.get("/enterprises/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
