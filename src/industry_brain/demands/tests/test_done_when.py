"""The issue's acceptance scenario, end to end through the API."""

import pytest

pytestmark = pytest.mark.django_db


def test_enterprise_raises_city_accepts_department_resolves_enterprise_rates(api, world):
    ent, city, dept = world.user("enterprise"), world.user("city"), world.user("department")
    created = api.as_user(ent).post("/api/v1/demands/", {
        "category": "logistics.road", "urgency": "urgent", "title": "原材料运输车辆通行受阻",
        "description": "园区道路管控，原材料运输车辆无法进出，请求协调通行证"}, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    pk = body["id"]
    assert body["status"] == "submitted" and body["enterprise"] == world.ent_xihu.pk
    assert body["category"] == "logistics.road" and body["department"] is None
    assert [s["action"] for s in body["timeline"]] == ["submitted"]

    r = api.as_user(city).post(f"/api/v1/demands/{pk}/accept/", {"department": world.department.pk}, format="json")
    assert r.status_code == 200, r.json()
    assert r.json()["status"] == "accepted" and r.json()["department"] == world.department.pk
    assert r.json()["due_date"] is not None

    assert api.as_user(dept).post(f"/api/v1/demands/{pk}/start/", {}, format="json").status_code == 200
    r = api.as_user(dept).post(f"/api/v1/demands/{pk}/resolve/", {"resolution": "已办理通行证"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "resolved"

    # The department cannot rate for the enterprise.
    r = api.as_user(dept).post(f"/api/v1/demands/{pk}/rate/", {"satisfaction": "satisfied"}, format="json")
    assert r.status_code in (403, 404)

    r = api.as_user(ent).post(f"/api/v1/demands/{pk}/rate/", {"satisfaction": "satisfied", "comment": "很及时"},
                              format="json")
    assert r.status_code == 200, r.json()
    assert r.json()["status"] == "closed" and r.json()["satisfaction"] == "satisfied"
    assert [s["action"] for s in r.json()["timeline"]] == ["submitted", "accepted", "started", "resolved", "rated"]
    assert all(s["actor"] and s["at"] for s in r.json()["timeline"])

    assert api.as_user(world.user("enterprise_other")).get(f"/api/v1/demands/{pk}/").status_code == 404

    stats = api.as_user(city).get("/api/v1/demands/stats/").json()
    assert stats["collected"] == 1 and stats["resolved"] == 1
    assert stats["resolution_rate"] == 100.0 and stats["satisfaction_rate"] == 100.0 and stats["reopened"] == 0

    r = api.as_user(dept).post(f"/api/v1/demands/{pk}/resolve/", {"resolution": "再次办结"}, format="json")
    assert r.status_code == 409 and "detail" in r.json()
