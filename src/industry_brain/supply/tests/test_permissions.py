"""The named rights of supply (`supply/permissions.py`), each allowed and refused per role, and the pages, API and
services that ask them instead of testing roles."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from industry_brain.core.permissions import can
from industry_brain.demands.models import DemandStep
from industry_brain.enterprises.models import Enterprise
from industry_brain.supply import services
from industry_brain.supply.models import (
    Emergency,
    ExternalFirm,
    MatchReview,
    Material,
    Scenario,
    ScenarioResult,
    SupplyLink,
    WhitelistEntry,
)
from industry_brain.testing import ALL_ROLES

from .helpers import example_c_payload, small_network

pytestmark = pytest.mark.django_db

CITY = {"city"}
ANALYSTS = {"city", "district", "district_other", "chain_team"}
FIRMS = {"enterprise", "enterprise_other"}
BUREAUS = {"city", "district", "district_other"}
PARTIES = ANALYSTS | FIRMS  # those who keep supply-network facts

# (right, target) -> the roles that have it. Targets: a model (the right for any object) or an object of the
# fixture: 西湖 (ent_xihu, in the district "district", the chain team's chain, the firm of "enterprise"), the
# external supplier 上海 ("sh"), a match uploaded by "enterprise", the city's scenario and its result for 西湖,
# the city's emergency.
RIGHTS = {
    ("view_network", "SupplyLink"): CITY,
    ("import", "SupplyLink"): BUREAUS | FIRMS,
    ("prescreen", "SupplyLink"): PARTIES,
    ("register", "Material"): PARTIES,
    ("register", "ExternalFirm"): PARTIES,
    ("correct_supply", "Enterprise"): BUREAUS | FIRMS,
    ("correct_supply", "ent_xihu"): {"city", "district", "enterprise"},
    ("set_recovery", "Enterprise"): CITY | FIRMS,
    ("set_recovery", "ent_xihu"): {"city", "enterprise"},
    ("set_recovery", "ExternalFirm"): CITY,
    ("set_recovery", "sh"): CITY,
    ("decide", "MatchReview"): PARTIES,
    ("decide", "review"): {"city", "enterprise"},
    ("run", "Scenario"): ANALYSTS,
    ("run", "scenario"): ANALYSTS,
    ("raise_demand", "ScenarioResult"): BUREAUS,
    ("raise_demand", "result_xihu"): {"city", "district"},
    ("follow", "Emergency"): ANALYSTS,
    ("propose_whitelist", "emergency"): CITY,
    ("route_request", "emergency"): CITY,
    ("add", "Emergency"): CITY,  # activating an emergency: its add scope
}
MODELS = {m.__name__: m for m in (SupplyLink, Material, ExternalFirm, Enterprise, MatchReview, Scenario,
                                  ScenarioResult, Emergency)}


@pytest.fixture
def supply_world(world):
    net = small_network(world)
    city = world.user("city")
    sc = services.scenario_create(actor=city, name="上海管控", regions=["310000"], periods=30)
    services.scenario_run(actor=city, scenario=sc)
    sc.refresh_from_db()
    review = MatchReview.objects.create(new_firm=net["nb"], candidate_external=net["sh"], score=0.6,
                                        uploaded_by=world.user("enterprise"))
    em = services.emergency_activate(actor=city, name="应急保障", started_on=dt.date(2026, 4, 1), reason="上海管控",
                                     coordinator=world.department, regions=["310000"], scenario=sc)
    return {"ent_xihu": world.ent_xihu, "sh": net["sh"], "review": review, "scenario": sc, "emergency": em,
            "result_xihu": ScenarioResult.objects.get(run=sc.last_run, enterprise=world.ent_xihu), "net": net}


@pytest.mark.parametrize("role", ALL_ROLES)
def test_each_right_allowed_and_refused_per_role(world, supply_world, role):
    user = world.user(role)
    got = {key for key in RIGHTS if can(user, key[0], MODELS.get(key[1]) or supply_world[key[1]])}
    expected = {key for key, roles in RIGHTS.items() if role in roles}
    assert got == expected, {"granted too": got - expected, "refused wrongly": expected - got}


def test_an_inactive_city_account_has_no_right(world, supply_world):
    city = world.user("city")
    city.is_active = False
    assert not any(can(city, right, MODELS.get(t) or supply_world[t]) for right, t in RIGHTS)


def test_the_rights_are_registered_by_the_app():
    from industry_brain.core.permissions import _rule_for

    names = {(r, t) for r, t in RIGHTS if r != "add"}
    for right, target in names:
        model = MODELS.get(target) or {"ent_xihu": Enterprise, "sh": ExternalFirm, "review": MatchReview,
                                       "scenario": Scenario, "result_xihu": ScenarioResult,
                                       "emergency": Emergency}[target]
        assert _rule_for(model, right) is not None, (right, target)


# ---------------------------------------------------------------------------------------------- pages and API

def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.parametrize("role", ALL_ROLES)
def test_pages_open_to_the_roles_with_the_right(world, role):
    c = _client(world.user(role))
    scenarios = c.get("/supply/")
    if role in ANALYSTS:
        assert scenarios.status_code == 200
    elif role in FIRMS:  # a firm's account is sent to its own risk card
        assert scenarios.status_code == 302
        assert scenarios["Location"] == f"/supply/enterprises/{world.user(role).enterprise_id}/risk-card/"
    else:
        assert scenarios.status_code == 404
    assert c.get("/supply/compare/").status_code == (200 if role in ANALYSTS else 404)
    assert c.get("/supply/links/import/").status_code == (200 if role in BUREAUS | FIRMS else 403)
    assert c.get("/supply/match-reviews/").status_code == (200 if role in PARTIES else 404)
    # No emergency concerns anyone yet: only the analysts open emergency mode.
    assert c.get("/supply/emergencies/").status_code == (200 if role in ANALYSTS else 404)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_api_gates_ask_the_rights(api, world, role):
    client = api.as_user(world.user(role))
    assert client.get("/api/v1/supply-prescreen/").status_code == (200 if role in PARTIES else 404)
    assert client.post("/api/v1/supply-risk/analyse/", example_c_payload(), format="json").status_code == (
        200 if role in ANALYSTS else 404)
    # With the right, a request without a file is a 400 (the file is missing); without it, a 403.
    assert client.post("/api/v1/supply-links/import/", {}, format="multipart").status_code == (
        400 if role in BUREAUS | FIRMS else 403)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_scenario_page_offers_raising_a_demand_to_the_bureaus(world, supply_world, role):
    page = _client(world.user(role)).get(f"/supply/scenarios/{supply_world['scenario'].pk}/")
    if role not in ANALYSTS:
        assert page.status_code == 404
        return
    assert page.context["can_raise"] is (role in BUREAUS)


def test_risk_card_offers_recovery_times_to_the_city_and_the_firm_its_own(world, supply_world):
    url = f"/supply/enterprises/{world.ent_xihu.pk}/risk-card/"
    sh_link = f"/supply/recovery/x/{supply_world['sh'].pk}/"
    own = f"/supply/recovery/e/{world.ent_xihu.pk}/"
    city = _client(world.user("city")).get(url).content.decode()
    assert sh_link in city and own not in city and 'id="edit-profile"' in city
    firm = _client(world.user("enterprise")).get(url).content.decode()
    assert sh_link not in firm and own in firm and 'id="edit-profile"' in firm
    team = _client(world.user("chain_team")).get(url).content.decode()
    assert sh_link not in team and own not in team and 'id="edit-profile"' not in team
    for role, code in {"city": 200, "enterprise": 200, "enterprise_other": 404, "district": 404}.items():
        assert _client(world.user(role)).get(own).status_code == code, role
    assert _client(world.user("enterprise")).get(sh_link).status_code == 404
    # The default source of a new estimate: the bureau for the city, the supplier for a firm.
    assert 'value="bureau" selected' in _client(world.user("city")).get(own).content.decode()
    assert 'value="supplier" selected' in _client(world.user("enterprise")).get(own).content.decode()


# ---------------------------------------------------------------------------------------------- services

@pytest.mark.parametrize("role", ALL_ROLES)
def test_services_refuse_without_the_right(world, supply_world, role):
    user = world.user(role)
    checks = {
        "register_material": (PARTIES, lambda: services.material_create(actor=user, name=f"材料{role}")),
        "register_external": (PARTIES, lambda: services.external_firm_create(actor=user, name=f"外地{role}",
                                                                             region="320500")),
        "propose_whitelist": (CITY, lambda: services.whitelist_propose(actor=user,
                                                                      emergency=supply_world["emergency"])),
        "activate": (CITY, lambda: services.emergency_activate(
            actor=user, name="二号", started_on=dt.date(2026, 5, 1), reason="测试", coordinator=world.department)),
    }
    for name, (roles, call) in checks.items():
        try:
            call()
        except PermissionDenied:
            assert role not in roles, f"{name} refused"
        else:
            assert role in roles, f"{name} allowed"
    review = supply_world["review"]
    if role in {"city", "enterprise"}:
        assert services.match_reject(actor=user, review=review).status == "rejected"
    else:
        with pytest.raises(PermissionDenied):
            services.match_reject(actor=user, review=review)


def test_a_firms_emergency_request_is_routed_on_the_citys_behalf(world, supply_world):
    em = supply_world["emergency"]
    WhitelistEntry.objects.create(emergency=em, enterprise=world.ent_xihu, status="confirmed", reason="链主")
    req = services.emergency_request_create(actor=world.user("enterprise"), emergency=em, enterprise=world.ent_xihu,
                                            kind="transport_pass", title="通行证", description="运输受阻")
    accepted = DemandStep.objects.get(demand=req.demand, action="accepted")
    assert accepted.actor == world.user("city") and req.demand.department == world.department


def test_a_firms_daily_report_is_for_its_own_firm(world, supply_world):
    em = supply_world["emergency"]
    for ent in (world.ent_xihu, world.ent_xiaoshan):
        WhitelistEntry.objects.create(emergency=em, enterprise=ent, status="confirmed", reason="重点")
    report = services.daily_report_submit(actor=world.user("enterprise"), emergency=em, date=dt.date(2026, 4, 2),
                                          status="operating", capacity_use="0.8", enterprise=world.ent_xiaoshan)
    assert report.enterprise == world.ent_xihu
