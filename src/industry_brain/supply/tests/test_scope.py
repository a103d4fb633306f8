"""Scope of every supply resource for every role (issue item 8): city all; districts their district's firms; chain
teams their chain; an enterprise only its own risk card and inputs; departments nothing unless on the emergency
team; cadres nothing. Out of scope answers 404."""

import datetime as dt

import pytest

from industry_brain.supply import services
from industry_brain.supply.models import WhitelistEntry
from industry_brain.testing import ALL_ROLES

from .helpers import example_c_payload, small_network

pytestmark = pytest.mark.django_db


@pytest.fixture
def supply_world(world):
    net = small_network(world)
    sc = services.scenario_create(actor=world.user("city"), name="上海管控", regions=["310000"], periods=30)
    services.scenario_run(actor=world.user("city"), scenario=sc)
    sc.refresh_from_db()
    assert sc.last_run.status == "done" and sc.last_run.results.count() == 2
    em = services.emergency_activate(actor=world.user("city"), name="应急保障", started_on=dt.date(2026, 4, 1),
                                     reason="上海管控", coordinator=world.department, regions=["310000"], scenario=sc)
    WhitelistEntry.objects.create(emergency=em, enterprise=world.ent_xihu, status="confirmed", reason="链主")
    WhitelistEntry.objects.create(emergency=em, enterprise=world.ent_xiaoshan, status="confirmed", reason="高风险")
    return {"net": net, "scenario": sc, "emergency": em}


X, S = "ent_xihu", "ent_xiaoshan"
# Which local firms' results, links and risk cards each role sees.
# The department is on the emergency team of the fixture, which white-lists both firms: it sees their inputs and
# risk cards (not the scenarios); the other department and cadres see nothing.
SEES = {"city": {X, S}, "district": {X}, "district_other": {S}, "chain_team": {X}, "department": {X, S},
        "department_other": set(), "cadre": set(), "enterprise": {X}, "enterprise_other": {S}}
ANALYSTS = {"city", "district", "district_other", "chain_team"}


@pytest.mark.parametrize("role", ALL_ROLES)
def test_results_links_and_risk_cards_by_role(api, world, supply_world, role):
    client = api.as_user(world.user(role))
    ids = {X: world.ent_xihu.pk, S: world.ent_xiaoshan.pk}
    sc = supply_world["scenario"]
    r = client.get(f"/api/v1/scenarios/{sc.pk}/results/")
    if role in ANALYSTS:
        assert r.status_code == 200
        assert {x["enterprise"] for x in r.json()["results"]} == {ids[k] for k in SEES[role]}
    else:
        assert r.status_code == 404
        assert client.get(f"/api/v1/scenarios/{sc.pk}/").status_code == 404
    links = client.get("/api/v1/supply-links/")
    assert links.status_code == 200
    assert {x["customer"] for x in links.json()["results"]} == {ids[k] for k in SEES[role]}
    for key, pk in ids.items():
        card = client.get(f"/api/v1/enterprises/{pk}/risk-card/")
        assert card.status_code == (200 if key in SEES[role] else 404), (role, key)
        if card.status_code == 200:
            assert card.json()["tts_days"] is not None and card.json()["inputs"]
    analyse = client.post("/api/v1/supply-risk/analyse/", example_c_payload(), format="json")
    assert analyse.status_code == (200 if role in ANALYSTS else 404)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_emergency_ledger_and_whitelist_by_role(api, world, supply_world, role):
    client = api.as_user(world.user(role))
    em = supply_world["emergency"]
    # The department is on the emergency team; the other department is not; cadres never.
    sees = SEES[role]
    r = client.get(f"/api/v1/emergencies/{em.pk}/whitelist/")
    if role in ("department_other", "cadre"):
        assert r.status_code == 404
        assert client.get(f"/api/v1/emergencies/{em.pk}/ledger/").status_code == 404
        return
    assert r.status_code == 200
    names = {x["enterprise_name"] for x in r.json()}
    assert names == {getattr(world, k).name for k in sees}
    ledger = client.get(f"/api/v1/emergencies/{em.pk}/ledger/", {"date": "2026-04-02"})
    assert ledger.status_code == 200
    assert {x["name"] for x in ledger.json()["rows"]} == {getattr(world, k).name for k in sees}


def test_external_firms_and_materials_by_role(api, world, supply_world):
    net = supply_world["net"]
    for role in ALL_ROLES:
        client = api.as_user(world.user(role))
        firms = {x["id"] for x in client.get("/api/v1/external-firms/").json()["results"]}
        expected = {"city": {net["sh"].pk, net["nb"].pk}, "district": {net["sh"].pk, net["nb"].pk},
                    "district_other": {net["sh"].pk, net["nb"].pk}, "chain_team": {net["sh"].pk, net["nb"].pk},
                    "enterprise": {net["sh"].pk}, "enterprise_other": {net["sh"].pk, net["nb"].pk}}.get(role, set())
        assert firms == expected, role
        materials = client.get("/api/v1/materials/").json()["results"]
        assert (len(materials) > 0) is (role != "cadre"), role


def test_writes_outside_scope_are_refused(api, world, supply_world):
    net = supply_world["net"]
    # A district cannot record links for another district's firm (it sees the firm: 403); an enterprise not for
    # another firm, which it cannot see: that id is answered like one that does not exist (400 on the field).
    answers = {}
    for role, customer in (("district", world.ent_xiaoshan.pk), ("enterprise", world.ent_xiaoshan.pk),
                           ("enterprise", 10 ** 9)):
        r = api.as_user(world.user(role)).post("/api/v1/supply-links/", {
            "supplier_external": net["nb"].pk, "customer": customer, "material": net["chip"].pk, "share": "0.1",
            "monthly_volume": "10"}, format="json")
        answers[role, customer] = r
    assert answers["district", world.ent_xiaoshan.pk].status_code == 403
    other, missing = answers["enterprise", world.ent_xiaoshan.pk], answers["enterprise", 10 ** 9]
    assert other.status_code == missing.status_code == 400
    assert other.json() == {"customer": [m.replace(str(10 ** 9), str(world.ent_xiaoshan.pk))
                                         for m in missing.json()["customer"]]}
    # Chain teams and departments cannot create scenarios of their own accord; cadres neither.
    for role in ("department", "cadre", "enterprise"):
        r = api.as_user(world.user(role)).post("/api/v1/scenarios/", {"name": "x", "regions": ["310000"],
                                                                      "periods": 5}, format="json")
        assert r.status_code == 403, role
    # Only the city confirms the white list and deactivates the emergency.
    em = supply_world["emergency"]
    entry = em.whitelist.first()
    r = api.as_user(world.user("district")).post(f"/api/v1/emergencies/{em.pk}/whitelist/decide/",
                                                 {"entry": entry.pk, "action": "remove"}, format="json")
    assert r.status_code == 403
    assert api.as_user(world.user("department")).post(f"/api/v1/emergencies/{em.pk}/deactivate/").status_code == 403


@pytest.mark.parametrize("decision", ["proposed", "rejected", "confirmed"])
def test_a_teams_proposal_opens_no_supply_facts_until_the_city_confirms(api, world, supply_world, decision):
    """A chain team's supply scope is its ecosystem's confirmed members, as for the firm itself: proposing a firm
    (or a rejected proposal) does not show its links, risk card or scenario results."""
    team = api.as_user(world.user("chain_team"))
    target = world.ent_xiaoshan
    node = world.chain.nodes.get(segment="upstream")
    proposal = team.post("/api/v1/chain-memberships/", {"enterprise": target.pk, "node": node.pk}, format="json")
    assert proposal.status_code == 201 and proposal.json()["status"] == "proposed"
    if decision != "proposed":
        city = api.as_user(world.user("city"))
        answer = city.post(f"/api/v1/chain-memberships/{proposal.json()['id']}/"
                           f"{'confirm' if decision == 'confirmed' else 'reject'}/", {"note": "核实"}, format="json")
        assert answer.status_code == 200 and answer.json()["status"] == decision
    opened = decision == "confirmed"
    team = api.as_user(world.user("chain_team"))
    assert team.get(f"/api/v1/enterprises/{target.pk}/risk-card/").status_code == (200 if opened else 404)
    customers = {x["customer"] for x in team.get("/api/v1/supply-links/").json()["results"]}
    assert (target.pk in customers) is opened
    sc = supply_world["scenario"]
    results = {x["enterprise"] for x in team.get(f"/api/v1/scenarios/{sc.pk}/results/").json()["results"]}
    assert (target.pk in results) is opened
