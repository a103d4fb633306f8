"""The issue's "Done when", through the API on the seeded demo (its accounts, its firms, its supply network):
a need published by enterprise_demo gets ranked local suppliers with reasons; the event statistics sentence
matches the records; the 化纤 brain shows its linked-firm count from the data; a weak node's target turns into an
investment project; scope holds for enterprise_demo2 and chain_iot. (The event from registration to a signed
order and its follow-up: test_matchmaking_api.test_an_event_from_registration_to_a_delivered_order.)"""

import datetime as dt

import pytest
from django.db.models import Count, Sum
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from industry_brain.brains.models import BrainFirm
from industry_brain.chains.models import Chain
from industry_brain.core.context import acting_as
from industry_brain.matchmaking.models import Event, Intention, Listing
from industry_brain.supply.models import SupplyLink

pytestmark = pytest.mark.django_db

LATER = (timezone.localdate() + dt.timedelta(days=60)).isoformat()


@pytest.fixture
def demo():
    from industry_brain.brains.demo import seed_brains
    from industry_brain.demo.foundation import seed_foundation
    from industry_brain.matchmaking.demo import seed_matchmaking
    from industry_brain.supply.demo import seed_supply

    with acting_as(None, label="command:seed_demo"):
        users = seed_foundation(scale="tiny", seed=2022)["users"]
        seed_supply(scale="tiny", seed=2022, users=users)
        seed_matchmaking(scale="tiny", seed=2022, users=users)
        seed_brains(scale="tiny", seed=2022, users=users)
    return users


def client(user) -> APIClient:
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return c


def test_needs_statistics_and_the_fibre_brain(demo):
    firm = demo["enterprise_demo"].enterprise
    # The material most offered by other firms: enterprise_demo needs it.
    material = (Listing.objects.filter(kind="offer", status="active").exclude(enterprise=firm).values("material")
                .annotate(n=Count("pk")).order_by("-n", "material").first()["material"])
    ent = client(demo["enterprise_demo"])
    r = ent.post("/api/v1/listings/", {"enterprise": firm.pk, "kind": "need", "title": f"采购{material}",
                                       "material": material, "volume": "50", "expires_on": LATER}, format="json")
    assert r.status_code == 201, r.json()
    rows = ent.get(f"/api/v1/listings/{r.json()['id']}/recommendations/").json()
    local = [row for row in rows if row["scope"] == "local"]
    assert local and all(row["reasons"] for row in local)
    assert [row["score"] for row in local] == sorted((row["score"] for row in local), reverse=True)
    assert firm.pk not in {row["enterprise"] for row in rows}
    assert any(material in " ".join(row["reasons"]) for row in local)
    assert all(row["scope"] == "province" for row in rows[len(local):])  # local first

    # The statistics sentence matches the records (the city sees every deal).
    stats = client(demo["city_admin"]).get("/api/v1/events/stats/").json()
    held = Event.objects.filter(status__in=["held", "closed"])
    deals = Intention.objects.filter(event__in=held)
    orders = deals.filter(kind="order").aggregate(s=Sum("amount"))["s"]
    financing = deals.filter(kind="financing").aggregate(s=Sum("amount"))["s"]
    assert stats["events"] == held.count()
    assert f"{float(orders) / 10000:,.1f}亿元" in stats["summary"]
    assert f"{float(financing) / 10000:,.1f}亿元" in stats["summary"]
    assert str(stats["events"]) in stats["summary"] and str(stats["participants"]) in stats["summary"]

    # The 化纤 brain: its linked-firm count is the count of its records (local links and outside suppliers).
    brains = {b["name"]: b for b in client(demo["city_admin"]).get("/api/v1/brains/").json()["results"]}
    fibre = client(demo["xihu_officer"]).get(f"/api/v1/brains/{brains['化纤']['id']}/").json()
    assert fibre["linked_firms"] == brains["化纤"]["linked_firms"] and fibre["nodes"]
    local_firms = BrainFirm.objects.filter(brain_id=fibre["id"])
    outside = (SupplyLink.objects.filter(customer_id__in=local_firms.values("enterprise_id"),
                                         supplier_external__isnull=False)
               .values("supplier_external_id").distinct().count())
    assert fibre["linked_firms"] == local_firms.count() + outside > 0


def test_a_weak_nodes_target_becomes_an_investment_project(demo):
    city, team = client(demo["city_admin"]), client(demo["chain_iot"])
    team_chains = Chain.objects.filter(ecosystem=demo["chain_iot"].ecosystem_id)
    weak = None
    for chain in team_chains:
        gaps = team.get(f"/api/v1/chains/{chain.pk}/gaps/").json()
        ranked = [n for n in gaps["nodes"] if n["gap_rank"] == 1 and n["external_suppliers"]]
        if ranked:
            weak = (chain, ranked[0])
            break
    assert weak, "a chain of the team's ecosystem has a node with a gap and outside suppliers"
    chain, node = weak
    supplier = (SupplyLink.objects.filter(material__node_id=node["node"], supplier_external__isnull=False)
                .values("supplier_external__name", "supplier_external__region")
                .annotate(v=Sum("monthly_volume")).order_by("-v").first())
    r = team.post("/api/v1/attraction-targets/", {"chain": chain.pk, "node": node["node"],
                                                  "name": supplier["supplier_external__name"],
                                                  "region": supplier["supplier_external__region"],
                                                  "source": "已向本地企业供货"}, format="json")
    assert r.status_code == 201, r.json()
    target = r.json()["id"]
    for step in ("contact", "visit", "negotiate"):
        assert team.post(f"/api/v1/attraction-targets/{target}/{step}/", {"note": step},
                         format="json").status_code == 200
    project = {"code": "ZS-DEMO-0001", "name": f"{supplier['supplier_external__name']}落地项目",
               "district": "330106", "total_investment": "120000", "actual_signed": timezone.localdate().isoformat()}
    r = city.post(f"/api/v1/attraction-targets/{target}/sign/", project, format="json")
    assert r.status_code == 200, r.json()
    assert r.json()["status"] == "signed"
    p = city.get(f"/api/v1/projects/{r.json()['project']}/").json()
    assert p["chain"] == chain.pk and p["stage"] == "signed"


def test_scope_for_enterprise_demo2_and_chain_iot(demo):
    own, other = demo["enterprise_demo2"].enterprise, demo["enterprise_demo"].enterprise
    ent2 = client(demo["enterprise_demo2"])
    listings = ent2.get("/api/v1/listings/?page_size=200").json()
    assert {row["enterprise"] for row in listings["results"]} <= {own.pk}
    theirs = Listing.objects.filter(enterprise=other).first()
    assert theirs is not None
    assert ent2.get(f"/api/v1/listings/{theirs.pk}/").status_code == 404
    assert ent2.get(f"/api/v1/listings/{theirs.pk}/recommendations/").status_code == 404
    deals = ent2.get("/api/v1/intentions/?page_size=200").json()["results"]
    assert all(own.pk in (d["buyer"], d["seller"]) for d in deals)
    stranger = Intention.objects.exclude(buyer=own).exclude(seller=own).first()
    assert ent2.get(f"/api/v1/intentions/{stranger.pk}/").status_code == 404
    chain = Chain.objects.first()
    assert ent2.get(f"/api/v1/chains/{chain.pk}/gaps/").status_code == 404
    assert ent2.get("/api/v1/attraction-targets/").json()["count"] == 0

    team = client(demo["chain_iot"])
    eco = demo["chain_iot"].ecosystem_id
    mine = Chain.objects.filter(ecosystem_id=eco).first()
    foreign = Chain.objects.exclude(ecosystem_id=eco).first()
    assert team.get(f"/api/v1/chains/{mine.pk}/gaps/").status_code == 200
    assert team.get(f"/api/v1/chains/{foreign.pk}/gaps/").status_code == 404
    events = team.get("/api/v1/events/?page_size=200").json()["results"]
    assert events and all(Chain.objects.get(pk=e["chain"]).ecosystem_id == eco for e in events)
    foreign_event = Event.objects.exclude(chain__ecosystem_id=eco).first()
    if foreign_event is not None:
        assert team.get(f"/api/v1/events/{foreign_event.pk}/").status_code == 404
    targets = team.get("/api/v1/attraction-targets/?page_size=200").json()["results"]
    assert all(Chain.objects.get(pk=t["chain"]).ecosystem_id == eco for t in targets)
    # Listings: those of the firms of the team's chains only.
    from industry_brain.chains.models import ChainMembership

    members = set(ChainMembership.objects.counted().filter(node__chain__ecosystem_id=eco)
                  .values_list("enterprise_id", flat=True))
    seen = team.get("/api/v1/listings/?page_size=200").json()["results"]
    assert seen and all(row["enterprise"] in members for row in seen)
