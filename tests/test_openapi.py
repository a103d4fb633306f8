"""The OpenAPI document exists, is valid JSON and describes the contract's endpoints truthfully."""

import pytest

pytestmark = pytest.mark.django_db

CONTRACT_PATHS = [
    "/api/v1/auth/token/", "/api/v1/me/", "/api/v1/ecosystems/", "/api/v1/chains/", "/api/v1/chains/{id}/",
    "/api/v1/districts/", "/api/v1/industries/", "/api/v1/departments/", "/api/v1/enterprises/",
    "/api/v1/enterprises/{id}/",
]


def test_schema_lists_the_contract_endpoints(client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    missing = [p for p in CONTRACT_PATHS if p not in schema["paths"]]
    assert missing == []
    enterprise = schema["components"]["schemas"]["Enterprise"]["properties"]
    assert {"id", "uscc", "name", "district", "industry", "is_above_scale", "address", "lat", "lon"} <= set(enterprise)
    params = {p["name"] for p in schema["paths"]["/api/v1/enterprises/"]["get"]["parameters"]}
    assert {"district", "industry", "ecosystem", "chain", "search", "page", "page_size"} <= params


def test_docs_page_is_served_without_a_cdn(client):
    body = client.get("/api/docs/").content.decode()
    assert "swagger" in body.lower()
    assert "cdn." not in body and "unpkg" not in body and "jsdelivr" not in body
