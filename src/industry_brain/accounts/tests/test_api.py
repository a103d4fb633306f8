"""/me/, /departments/, reference data."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role,kind,district", [
    ("city", "bureau", None), ("district", "district", "330106"), ("department", "department", None),
    ("chain_team", "chain_team", None), ("cadre", "district", "330106"),
])
def test_me_describes_the_caller(api, world, role, kind, district):
    me = api.as_user(world.user(role)).get("/api/v1/me/").json()
    assert me["role"] == role
    assert me["organisation"]["kind"] == kind
    assert me["district"] == district


def test_me_for_an_enterprise_user(api, world):
    me = api.as_user(world.user("enterprise")).get("/api/v1/me/").json()
    assert me["enterprise"] == world.ent_xihu.pk and me["organisation"] is None


def test_department_id_is_the_users_organisation(api, world):
    client = api.as_user(world.user("department"))
    departments = client.get("/api/v1/departments/").json()
    me = client.get("/api/v1/me/").json()
    assert me["organisation"]["id"] in {d["id"] for d in departments}
    assert {d["name"] for d in departments} >= {"市交通运输局（测试）", "市人社局（测试）"}


def test_districts_and_industries(api, world):
    client = api.as_user(world.user("enterprise"))
    districts = client.get("/api/v1/districts/").json()
    assert len(districts) == 13
    assert {"code": "330106", "name": "西湖区", "kind": "district"} in districts
    assert "330103" not in {d["code"] for d in districts}  # 下城区 no longer exists (2021 re-division)
    industries = client.get("/api/v1/industries/").json()
    assert {"39", "65", "27"} <= {i["code"] for i in industries}
    assert next(i for i in industries if i["code"] == "39")["section"] == "C"


def test_anonymous_gets_401_everywhere(api, world):
    for url in ("/api/v1/me/", "/api/v1/districts/", "/api/v1/ecosystems/", "/api/v1/chains/",
                "/api/v1/departments/", "/api/v1/industries/"):
        assert api.get(url).status_code == 401, url


def test_reference_data_is_read_only(api, world):
    client = api.as_user(world.user("city"))
    assert client.post("/api/v1/districts/", {"code": "330199", "name": "x"}, format="json").status_code == 405
