"""Enterprise API: contract fields, filters, credit-code validation and scope for every role."""

import pytest

pytestmark = pytest.mark.django_db


def test_anonymous_gets_401(api, world):
    assert api.get("/api/v1/enterprises/").status_code == 401


def test_district_filter_returns_only_that_district(api, world):
    data = api.as_user(world.user("city")).get("/api/v1/enterprises/?district=330106").json()
    assert data["count"] == 1
    assert {r["district"] for r in data["results"]} == {"330106"}


def test_create_with_valid_credit_code_succeeds_and_bad_check_character_fails(api, world):
    client = api.as_user(world.user("city"))
    ok = client.post("/api/v1/enterprises/", {"uscc": "91330000733796106P", "name": "杭州校验科技有限公司",
                                               "district": "330106", "industry": "39"}, format="json")
    assert ok.status_code == 201, ok.json()
    assert ok.json()["uscc"] == "91330000733796106P"
    bad = client.post("/api/v1/enterprises/", {"uscc": "91330000733796106X", "name": "杭州错码科技有限公司",
                                                "district": "330106", "industry": "39"}, format="json")
    assert bad.status_code == 400
    assert "uscc" in bad.json()
