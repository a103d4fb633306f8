"""Scope for every role: reports (API and pages), indicators (published aggregates), the cockpit, the breakdown with
its firms, briefings and the enterprise's own position. Out of scope answers 404."""

import pytest

from industry_brain.monitoring import services
from industry_brain.monitoring.models import Briefing, MonthlyReport
from industry_brain.testing import ALL_ROLES

from .conftest import issue

pytestmark = pytest.mark.django_db

REPORTS_SEEN = {  # which firms' reports each role sees: x = 西湖 firms (A and C), s = 萧山 firm B
    "city": {"A", "B", "C"}, "district": {"A", "C"}, "district_other": {"B"}, "chain_team": {"A"},
    "department": set(), "department_other": set(), "cadre": set(), "enterprise": {"A"}, "enterprise_other": {"B"},
}


def names(world):
    return {world.ent_xihu.pk: "A", world.ent_xiaoshan.pk: "B", world.ent_new.pk: "C"}


@pytest.mark.parametrize("role", ALL_ROLES)
def test_report_list_and_detail_per_role(crafted, api, role):
    client = api.as_user(crafted.user(role))
    res = client.get("/api/v1/monthly-reports/?page_size=100")
    assert res.status_code == 200
    body = res.json()
    rows = body["results"] if isinstance(body, dict) else body
    who = names(crafted)
    assert {who[r["enterprise"]] for r in rows} == REPORTS_SEEN[role]
    report_b = MonthlyReport.objects.filter(enterprise=crafted.ent_xiaoshan).first()
    expected = 200 if "B" in REPORTS_SEEN[role] else 404
    assert client.get(f"/api/v1/monthly-reports/{report_b.pk}/").status_code == expected


INDICATOR_KEYS = {  # by=district before the month is published
    "city": {"330106", "330109"}, "district": {"330106"}, "district_other": {"330109"},
}


@pytest.mark.parametrize("role", ALL_ROLES)
def test_indicators_api_per_role(crafted, api, role):
    services.compute_indicators()
    client = api.as_user(crafted.user(role))
    res = client.get("/api/v1/indicators/?period=2026-01&by=district")
    keys = INDICATOR_KEYS.get(role)
    if keys is None:
        assert res.status_code == 404
    else:
        assert res.status_code == 200 and {r["key"] for r in res.json()} == keys
    city = client.get("/api/v1/indicators/?period=2026-02&by=city")
    assert city.status_code == (200 if role == "city" else 404)  # city totals: published aggregates only
    issue("2026-02")
    city = client.get("/api/v1/indicators/?period=2026-02&by=city")
    published = role in ("city", "district", "district_other", "chain_team", "department", "department_other")
    assert city.status_code == (200 if published else 404)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_cockpit_pages_per_role(crafted, client, role):
    services.compute_indicators()
    client.force_login(crafted.user(role))
    res = client.get("/monitoring/?period=2026-01", follow=True)
    expected = {"city": 200, "district": 200, "district_other": 200, "chain_team": 200}.get(role, 404)
    assert res.status_code == expected
    if role == "district":  # the menu's cockpit is the officer's own district, shown in place
        assert "/monitoring/breakdown/district/330106/" in res.content.decode()
    assert client.get("/monitoring/district/330109/?period=2026-01").status_code == (
        200 if role in ("city", "district_other") else 404)
    assert client.get(f"/monitoring/ecosystem/{crafted.ecosystem.pk}/?period=2026-01").status_code == (
        200 if role in ("city", "chain_team") else 404)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_breakdown_lists_only_firms_in_scope(crafted, client, role):
    services.compute_indicators()
    issue("2026-01")
    client.force_login(crafted.user(role))
    res = client.get("/monitoring/breakdown/city/all/?period=2026-01")
    if role in ("enterprise", "enterprise_other", "cadre"):
        assert res.status_code == 404
        return
    assert res.status_code == 200
    html = res.content.decode()
    for firm, label in ((crafted.ent_xihu, "A"), (crafted.ent_xiaoshan, "B"), (crafted.ent_new, "C")):
        assert (firm.name in html) == (label in REPORTS_SEEN[role]), (role, label)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_briefings_per_role(crafted, api, role):
    services.compute_indicators()
    draft = Briefing.objects.create(period="2026-02-01", version=1, title="draft", sections=[])
    issued = Briefing.objects.create(period="2026-01-01", version=1, title="issued", sections=[], status="issued")
    client = api.as_user(crafted.user(role))
    seen = {b["title"] for b in client.get("/api/v1/briefings/").json()["results"]} \
        if client.get("/api/v1/briefings/").status_code == 200 else set()
    expected = {"city": {"draft", "issued"}}.get(role, {"issued"} if role in (
        "district", "district_other", "chain_team", "department", "department_other") else set())
    assert seen == expected
    assert client.get(f"/api/v1/briefings/{draft.pk}/download/?format=docx").status_code == (
        200 if role == "city" else 404)
    assert client.get(f"/api/v1/briefings/{issued.pk}/download/?format=docx").status_code == (
        200 if expected else 404)
    gen = client.post("/api/v1/briefings/generate/", {"period": "2026-02"}, format="json")
    assert gen.status_code == (201 if role == "city" else 404)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_enterprise_position_only_its_own(crafted, api, role):
    client = api.as_user(crafted.user(role))
    res = client.get("/api/v1/monitoring/position/?period=2026-02")
    if role not in ("enterprise", "enterprise_other"):
        assert res.status_code == 404
        return
    body = res.json()
    assert set(body) == {"period", "output_cum", "output_growth_cum", "percentile", "peers", "industry"}
    if role == "enterprise":  # A: 1—2月 230 against 200 → +15%; its peers in division 39: only A has a base
        assert body["output_cum"] == pytest.approx(230) and body["output_growth_cum"] == pytest.approx(15.0)
        assert body["peers"] == 1 and body["percentile"] is None
