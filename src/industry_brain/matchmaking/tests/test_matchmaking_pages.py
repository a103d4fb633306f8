"""Matchmaking pages: a firm publishes a need and sees its recommended suppliers with reasons; the organiser runs
an event page from registration to a signed deal; forms name the wrong field; outsiders get 404."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from industry_brain.matchmaking import services
from industry_brain.matchmaking.models import Intention, Listing, Registration
from industry_brain.testing import make_enterprise

pytestmark = pytest.mark.django_db

LATER = timezone.localdate() + dt.timedelta(days=60)


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def test_a_firm_publishes_a_need_and_reads_its_recommendations(world):
    supplier = make_enterprise("杭州光模块供应有限公司", "330109")
    services.listing_publish(actor=world.user("city"), enterprise=supplier, data={
        "kind": "offer", "title": "光模块供应", "material": "光模块", "capacity": Decimal(5000), "unit": "只",
        "expires_on": LATER})
    c = client_for(world.user("enterprise"))
    r = c.post("/matchmaking/listings/new/", {"kind": "need", "title": "采购光模块", "material": "光模块",
                                              "quantity": "2000", "unit": "只", "expires_on": LATER.isoformat()})
    assert r.status_code == 302, r.content.decode()[:2000]
    page = c.get(r["Location"]).content.decode()
    assert "杭州光模块供应有限公司" in page and "同一产品或原材料：光模块" in page
    assert Listing.objects.get(title="采购光模块").enterprise == world.ent_xihu


def test_the_listing_form_names_the_wrong_field(world):
    c = client_for(world.user("enterprise"))
    r = c.post("/matchmaking/listings/new/", {"kind": "offer", "title": "无余量", "material": "铜", "quantity": "0",
                                              "expires_on": LATER.isoformat()})
    assert r.status_code == 400 and "富余产能" in r.content.decode()
    assert not Listing.objects.exists()


def test_an_event_page_from_registration_to_a_signed_deal(world):
    city = client_for(world.user("city"))
    r = city.post("/matchmaking/events/new/", {"name": "智能物联对接会", "chain": world.chain.pk,
                                               "date": timezone.localdate().isoformat(), "place": "杭州",
                                               "organiser": "市经信局"})
    assert r.status_code == 302
    event_url = r["Location"]
    city.post(f"{event_url}open/")
    ent = client_for(world.user("enterprise"))
    assert "智能物联对接会" in ent.get("/matchmaking/events/").content.decode()
    ent.post(f"{event_url}register/", {"role": "buyer"})
    assert Registration.objects.filter(enterprise=world.ent_xihu).exists()
    city.post(f"{event_url}hold/")
    seller = make_enterprise("杭州供方科技有限公司", "330106")
    city.post(f"{event_url}intention/", {"kind": "order", "buyer": world.ent_xihu.uscc, "seller": seller.uscc,
                                         "product": "传感器", "amount": "800"})
    it = Intention.objects.get(product="传感器")
    r = city.post(f"/matchmaking/intentions/{it.pk}/sign/", {"amount": "750", "date": ""})
    assert r.status_code == 302
    it.refresh_from_db()
    assert it.status == "signed" and it.signed_amount == Decimal("750")
    stats = city.get("/matchmaking/stats/").content.decode()
    assert "举办对接会1场" in stats and "mm-chart-data" in stats


@pytest.mark.parametrize("path", ["/matchmaking/", "/matchmaking/events/", "/matchmaking/intentions/",
                                  "/matchmaking/stats/", "/matchmaking/targets/"])
def test_every_page_answers_each_role(world, path):
    expected = {"city": 200, "district": 200, "chain_team": 200, "cadre": 200, "enterprise": 200, "department": 404}
    if path == "/matchmaking/targets/":
        expected.update(district=404, cadre=404, enterprise=404)
    if path == "/matchmaking/":
        expected["department"] = 200  # an empty list: departments have no listings in their scope
    for role, status in expected.items():
        assert client_for(world.user(role)).get(path).status_code == status, (role, path)


def test_outsiders_get_404_on_a_firms_listing(world):
    listing = services.listing_publish(actor=world.user("enterprise"), enterprise=world.ent_xihu, data={
        "kind": "need", "title": "采购芯片", "material": "芯片", "volume": Decimal(10), "expires_on": LATER})
    for role in ("enterprise_other", "district_other", "department"):
        assert client_for(world.user(role)).get(f"/matchmaking/listings/{listing.pk}/").status_code == 404
    assert client_for(world.user("district")).get(f"/matchmaking/listings/{listing.pk}/").status_code == 200
