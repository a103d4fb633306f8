"""Matchmaking through the API: recommendations on crafted firms, an event from registration to a signed and
delivered order, the statistics sentence, follow-up steps allowed and refused, targets turning into projects, and
scope for every role."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from industry_brain.core.models import Event as BusinessEvent
from industry_brain.matchmaking import services
from industry_brain.matchmaking.models import Intention, Listing, Meeting
from industry_brain.matchmaking.services import schedule_without_clashes
from industry_brain.testing import ALL_ROLES, make_enterprise

pytestmark = pytest.mark.django_db


def client_for(user):
    """A client of its own per user (the `api` fixture is one client whose credentials change)."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client

TODAY = timezone.localdate()
LATER = TODAY + dt.timedelta(days=90)


def offer(enterprise, title, *, material="", node=None, capacity=100, unit="吨", description=""):
    return Listing.objects.create(enterprise=enterprise, kind="offer", title=title, material=material, node=node,
                                  capacity=capacity, unit=unit, description=description, expires_on=LATER,
                                  terms=" ".join(services.listing_terms(title=title, material=material,
                                                                        description=description)))


def index(listing):
    services._write_terms(listing)
    return listing


@pytest.fixture
def market(world):
    node = world.chain.nodes.get(segment="upstream")
    other_node = world.chain.nodes.get(segment="downstream")
    a = make_enterprise("杭州甲铜箔有限公司", "330106", node=node)
    c = make_enterprise("杭州丙铜箔有限公司", "330106", node=node)
    b = make_enterprise("杭州乙电路有限公司", "330106", node=other_node)
    d = make_enterprise("杭州丁材料有限公司", "330106", node=node)
    firms = {"a": a, "b": b, "c": c, "d": d}
    offers = {
        # A and C: the same material; C has more spare capacity. B: only words in common. D: nothing spare.
        "a": index(offer(a, "电解铜箔供应", material="电解铜箔", capacity=120)),
        "c": index(offer(c, "电解铜箔供应", material="电解铜箔", capacity=500)),
        "b": index(offer(b, "高频电路板 铜箔 覆铜板 加工", material="覆铜板", node=other_node,
                         description="铜箔 电解 高频")),
        "d": index(offer(d, "电解铜箔", material="电解铜箔", capacity=0)),
        "own": index(offer(world.ent_xihu, "电解铜箔 自产", material="电解铜箔", capacity=900)),
    }
    return {"firms": firms, "offers": offers, "node": node}


def test_a_need_gets_ranked_suppliers_with_reasons(api, world, market):
    client = api.as_user(world.user("enterprise"))
    r = client.post("/api/v1/listings/", {"enterprise": world.ent_xihu.pk, "kind": "need", "title": "采购电解铜箔",
                                          "material": "电解铜箔", "volume": "100", "unit": "吨",
                                          "expires_on": LATER.isoformat()}, format="json")
    assert r.status_code == 201, r.json()
    rows = client.get(f"/api/v1/listings/{r.json()['id']}/recommendations/").json()
    firms = [row["enterprise"] for row in rows]
    f = market["firms"]
    # Material match beats a text match; spare capacity breaks the tie between the two material matches.
    assert firms[:2] == [f["c"].pk, f["a"].pk]
    assert f["b"].pk in firms and firms.index(f["b"].pk) > 1
    # No recommendation of the firm to itself, nor of a firm with no spare capacity.
    assert world.ent_xihu.pk not in firms and f["d"].pk not in firms
    reasons = " ".join(rows[0]["reasons"])
    assert "电解铜箔" in reasons and "%" in reasons


def test_recommendations_are_the_firms_own(api, world, market):
    need = services.listing_publish(actor=world.user("enterprise"), enterprise=world.ent_xihu, data={
        "kind": "need", "title": "采购电解铜箔", "material": "电解铜箔", "volume": Decimal(100), "unit": "吨",
        "expires_on": LATER})
    other = api.as_user(world.user("enterprise_other"))
    assert other.get(f"/api/v1/listings/{need.pk}/").status_code == 404
    assert other.get(f"/api/v1/listings/{need.pk}/recommendations/").status_code == 404
    assert api.as_user(world.user("department")).get("/api/v1/listings/").json()["count"] == 0
    r = api.as_user(world.user("enterprise_other")).post("/api/v1/listings/", {
        "enterprise": world.ent_xihu.pk, "kind": "offer", "title": "冒名发布", "material": "铜", "capacity": "1",
        "expires_on": LATER.isoformat()}, format="json")
    assert r.status_code == 400 and "enterprise" in r.json()
    assert not Listing.objects.filter(title="冒名发布").exists()


def test_listing_input_is_checked_field_by_field(api, world):
    client = api.as_user(world.user("enterprise"))
    r = client.post("/api/v1/listings/", {"enterprise": world.ent_xihu.pk, "kind": "offer", "title": "无余量",
                                          "material": "铜", "capacity": "0", "expires_on": LATER.isoformat()},
                    format="json")
    assert r.status_code == 400 and "capacity" in r.json()
    r = client.post("/api/v1/listings/", {"enterprise": world.ent_xihu.pk, "kind": "need", "title": "过期",
                                          "material": "铜", "volume": "5",
                                          "expires_on": (TODAY - dt.timedelta(days=1)).isoformat()}, format="json")
    assert r.status_code == 400 and "expires_on" in r.json()
    assert Listing.objects.count() == 0


def test_meetings_are_scheduled_without_clashes():
    pairs = [(1, 10, 0.9), (1, 11, 0.8), (2, 10, 0.7), (2, 11, 0.6), (3, 10, 0.5), (1, 10, 0.4), (4, 4, 1.0)]
    plan = schedule_without_clashes(pairs, slots=2)
    slots_of = {}
    for buyer, seller, slot, _score in plan:
        for firm in (buyer, seller):
            assert (firm, slot) not in slots_of, f"firm {firm} twice in slot {slot}"
            slots_of[(firm, slot)] = True
    assert [(b, s) for b, s, _slot, _sc in plan] == [(1, 10), (1, 11), (2, 10), (2, 11)]
    assert all(b != s for b, s, _slot, _sc in plan)


def test_an_event_from_registration_to_a_delivered_order(api, world, market):
    city = client_for(world.user("city"))
    r = city.post("/api/v1/events/", {"name": "集成电路供需对接会", "chain": world.chain.pk, "date": TODAY.isoformat(),
                                      "place": "杭州国际博览中心", "organiser": "市经信局"}, format="json")
    assert r.status_code == 201, r.json()
    event_id = r.json()["id"]
    seller = market["firms"]["c"]
    # A planned event is not announced yet: firms do not see it; then the city opens registration.
    ent = client_for(world.user("enterprise"))
    assert ent.post(f"/api/v1/events/{event_id}/registrations/", {"enterprise": world.ent_xihu.pk},
                    format="json").status_code == 404
    r = city.post(f"/api/v1/events/{event_id}/open/")
    assert r.status_code == 200 and r.json()["status"] == "open", r.content
    assert ent.post(f"/api/v1/events/{event_id}/registrations/", {"enterprise": world.ent_xihu.pk, "role": "buyer"},
                    format="json").status_code == 201
    assert city.post(f"/api/v1/events/{event_id}/registrations/", {"enterprise": seller.pk, "role": "seller"},
                     format="json").status_code == 201
    services.listing_publish(actor=world.user("enterprise"), enterprise=world.ent_xihu, data={
        "kind": "need", "title": "采购电解铜箔", "material": "电解铜箔", "volume": Decimal(100), "unit": "吨",
        "expires_on": LATER})
    meetings = city.post(f"/api/v1/events/{event_id}/meetings/").json()
    assert [(m["buyer"], m["seller"]) for m in meetings] == [(world.ent_xihu.pk, seller.pk)]
    assert city.post(f"/api/v1/events/{event_id}/hold/").json()["status"] == "held"
    # Intentions at the event: an order and a financing deal.
    r = city.post(f"/api/v1/events/{event_id}/intentions/", {"kind": "order", "buyer": world.ent_xihu.pk,
                                                             "seller": seller.pk, "product": "电解铜箔年度采购",
                                                             "amount": "3000"}, format="json")
    assert r.status_code == 201, r.json()
    order = r.json()["id"]
    fin = city.post(f"/api/v1/events/{event_id}/intentions/", {"kind": "financing", "buyer": seller.pk,
                                                               "lender": "杭州银行", "product": "扩产贷款",
                                                               "amount": "5000"}, format="json").json()["id"]
    assert city.post(f"/api/v1/intentions/{order}/deliver/").status_code == 409  # not signed yet
    r = city.post(f"/api/v1/intentions/{order}/sign/", {"amount": "2800"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "signed" and r.json()["signed_amount"] == "2800.00"
    assert r.json()["follow_up_due"] is not None  # the delivery is followed up
    r = city.post(f"/api/v1/intentions/{order}/deliver/", {"amount": "1200"}, format="json")
    assert r.json()["status"] == "delivered" and r.json()["follow_up_due"] is None
    assert city.post(f"/api/v1/intentions/{fin}/drop/", {}, format="json").status_code == 400  # a reason is needed
    assert city.post(f"/api/v1/intentions/{fin}/drop/", {"reason": "企业另选融资渠道"},
                     format="json").json()["status"] == "dropped"
    assert city.post(f"/api/v1/intentions/{fin}/sign/").status_code == 409
    stats = city.get("/api/v1/events/stats/").json()
    assert stats["events"] == 1 and stats["participants"] == 2
    assert stats["orders_declared"] == "3000.00" and stats["orders_signed"] == "2800.00"
    assert stats["financing_declared"] == "5000.00" and stats["financing_signed"] == "0.00"
    assert "0.3" in stats["summary"] and "0.5" in stats["summary"]  # 3000万 → 0.3亿, 5000万 → 0.5亿
    kinds = set(BusinessEvent.objects.filter(object_id=str(order)).values_list("kind", flat=True))
    assert {"intention.declared", "intention.signed", "intention.delivered"} <= kinds


def test_a_repeated_signing_is_marked(world):
    city = world.user("city")
    seller = make_enterprise("杭州重复签约有限公司", "330106")
    data = {"kind": "order", "buyer": world.ent_xihu, "seller": seller, "product": "铜箔", "amount": Decimal(100)}
    first = services.intention_declare(actor=city, data=data)
    second = services.intention_declare(actor=city, data=dict(data))
    assert second.repeat_of == first and first.repeat_of is None


def test_a_signed_target_becomes_an_investment_project(api, world):
    node = world.chain.nodes.get(segment="upstream")
    team = client_for(world.user("chain_team"))
    r = team.post("/api/v1/attraction-targets/", {"chain": world.chain.pk, "node": node.pk, "name": "苏州某晶圆厂",
                                                  "region": "320500", "source": "已向本地企业供货"}, format="json")
    assert r.status_code == 201, r.json()
    tid = r.json()["id"]
    for step in ("contact", "visit", "negotiate"):
        assert team.post(f"/api/v1/attraction-targets/{tid}/{step}/", {"note": step}, format="json").status_code == 200
    project = {"code": "ZS-2026-001", "name": "晶圆制造基地", "district": "330106", "total_investment": "150000",
               "actual_signed": TODAY.isoformat()}
    assert team.post(f"/api/v1/attraction-targets/{tid}/sign/", project, format="json").status_code == 403
    r = client_for(world.user("city")).post(f"/api/v1/attraction-targets/{tid}/sign/", project, format="json")
    assert r.status_code == 200, r.json()
    assert r.json()["status"] == "signed" and r.json()["project"]
    from industry_brain.projects.models import Project

    p = Project.objects.get(pk=r.json()["project"])
    assert p.chain_id == world.chain.pk and p.stage == "signed" and p.investor_name == "苏州某晶圆厂"


# Scope for every role: what each sees of listings, events and intentions of the crafted world.
EXPECTED_LISTINGS = {"city": 1, "district": 1, "district_other": 0, "chain_team": 1, "department": 0, "cadre": 1,
                     "enterprise": 1, "enterprise_other": 0, "department_other": 0}


@pytest.mark.parametrize("role", ALL_ROLES)
def test_scope_for_every_role(api, world, role):
    listing = services.listing_publish(actor=world.user("city"), enterprise=world.ent_xihu, data={
        "kind": "offer", "title": "传感器", "material": "传感器", "capacity": Decimal(10), "expires_on": LATER})
    event = services.event_create(actor=world.user("city"), data={
        "name": "对接会", "chain": world.chain, "date": TODAY, "place": "杭州", "organiser": "市经信局"})
    services.event_step(actor=world.user("city"), event=event, action="open")
    services.event_step(actor=world.user("city"), event=event, action="hold")
    seller = make_enterprise("杭州乙方有限公司", "330109")
    it = services.intention_declare(actor=world.user("city"), data={
        "event": event, "kind": "order", "buyer": world.ent_xihu, "seller": seller, "product": "传感器",
        "amount": Decimal(10)})
    client = api.as_user(world.user(role))
    expected = EXPECTED_LISTINGS[role]
    assert client.get("/api/v1/listings/").json()["count"] == expected
    assert client.get(f"/api/v1/listings/{listing.pk}/").status_code == (200 if expected else 404)
    # The buyer is in 西湖 (its district, its chain team, its cadre, its users), the seller in 萧山.
    sees_deal = role in ("city", "district", "district_other", "chain_team", "cadre", "enterprise")
    assert client.get(f"/api/v1/intentions/{it.pk}/").status_code == (200 if sees_deal else 404)
    sees_event = role not in ("department", "department_other")  # a held event is public; its deals are not
    assert client.get(f"/api/v1/events/{event.pk}/").status_code == (200 if sees_event else 404)
    # Sums obey scope: the 10万元 order counts only for those who may see the deal.
    stats = client.get("/api/v1/events/stats/").json()
    assert stats["orders_declared"] == ("10.00" if sees_deal and sees_event else "0.00")
    if not sees_deal:
        assert client.post(f"/api/v1/intentions/{it.pk}/sign/").status_code == 404
    assert Intention.objects.get(pk=it.pk).status == "declared" or role == "city"
    assert Meeting.objects.count() == 0
