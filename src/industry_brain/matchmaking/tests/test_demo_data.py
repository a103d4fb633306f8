"""The matchmaking demo data come from the simulation: the statistics sentence matches the records, deals are in
every state, and recommendations work on the seeded listings."""

import pytest
from django.db.models import Sum

from industry_brain.core.context import acting_as
from industry_brain.matchmaking import selectors
from industry_brain.matchmaking.demo import seed_matchmaking
from industry_brain.matchmaking.models import AttractionTarget, Event, Intention, Listing

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    from industry_brain.demo.foundation import seed_foundation
    from industry_brain.supply.demo import seed_supply

    with acting_as(None, label="command:seed_demo"):
        users = seed_foundation(scale="tiny", seed=2022)["users"]
        seed_supply(scale="tiny", seed=2022, users=users)
        result = seed_matchmaking(scale="tiny", seed=2022, users=users)
    return users, result


def test_the_sentence_matches_the_records(demo):
    users, result = demo
    stats = selectors.event_stats(user=users["city_admin"])
    held = Event.objects.filter(status__in=["held", "closed"])
    assert stats["events"] == held.count() == 6 and Event.objects.filter(status="open").count() == 1
    declared = Intention.objects.filter(kind="order").aggregate(s=Sum("amount"))["s"]
    assert stats["orders_declared"] == declared
    assert f"{float(declared) / 10000:,.1f}亿元" in stats["summary"]
    assert {"declared", "signed", "delivered", "dropped"} <= set(Intention.objects.values_list("status", flat=True))
    assert Intention.objects.filter(status="dropped").exclude(drop_reason="").count() == \
        Intention.objects.filter(status="dropped").count()
    assert AttractionTarget.objects.exists()


def test_a_seeded_need_gets_recommendations(demo):
    users, _result = demo
    need = Listing.objects.filter(kind="need", status="active").first()
    rows = selectors.recommendations(user=users["city_admin"], listing=need)
    local = [r for r in rows if r.scope == "local"]
    assert local and all(r.listing.enterprise_id != need.enterprise_id for r in local)
    assert all(r.listing.kind == "offer" and r.listing.capacity > 0 for r in local)
    # Local first, then the in-province outside suppliers (no listing; a region of the province).
    scopes = [r.scope for r in rows]
    assert scopes == sorted(scopes, key=lambda s: s != "local")
    assert all(r.listing is None and r.external.region.startswith("33") for r in rows if r.scope == "province")
