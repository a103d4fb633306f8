"""Duplicate flags (same enterprise and category within 30 days; similar Chinese text across enterprises)
and systemic-problem alerts (≥ 3 enterprises of one district or chain within 7 days)."""

import datetime as dt

import pytest

from industry_brain.demands import similarity
from industry_brain.demands.models import DemandFlag, Notification, SystemicAlert
from industry_brain.testing import make_enterprise

from .helpers import LOGISTICS_TEXT, LOGISTICS_TEXT_2, UNRELATED_TEXT, at, raise_demand

pytestmark = pytest.mark.django_db
DAY = dt.date(2025, 4, 1)


def test_segmentation_keeps_meaningful_words():
    words = similarity.segment("受疫情影响，物流货车无法进出园区，请求协调通行证。")
    assert "物流" in words and "通行证" in words and "货车" in words
    assert "，" not in words and "请求" not in words and "协调" not in words


def test_tfidf_cosine_ranks_similar_text_above_unrelated_text():
    q = similarity.segment(LOGISTICS_TEXT)
    docs = [similarity.segment(LOGISTICS_TEXT_2), similarity.segment(UNRELATED_TEXT), q]
    near, far, same = similarity.similarities(q, docs)
    assert same == pytest.approx(1.0)
    assert near > 0.5 > 0.1 > far
    assert similarity.similarities([], docs) == [0.0, 0.0, 0.0]


def test_same_enterprise_and_category_within_30_days_is_flagged(world):
    first = raise_demand(world, when=at(DAY))
    again = raise_demand(world, code="logistics.port", title="港口提箱难", description="港口提箱困难，请协调",
                         when=at(DAY + dt.timedelta(days=29)))
    assert again.is_flagged
    assert list(DemandFlag.objects.filter(demand=again).values_list("similar_to_id", "kind")) == [
        (first.pk, "same_enterprise")]
    assert again.steps.filter(action="flagged").exists()


def test_same_enterprise_after_30_days_or_other_category_is_not_flagged(world):
    raise_demand(world, when=at(DAY))
    later = raise_demand(world, when=at(DAY + dt.timedelta(days=31)))
    other_category = raise_demand(world, code="finance.loan", title="贷款", description="流动资金贷款授信",
                                  when=at(DAY + dt.timedelta(days=32)))
    assert not DemandFlag.objects.filter(demand=other_category).exists()
    assert not DemandFlag.objects.filter(demand=later, kind="same_enterprise").exists()


def test_similar_text_across_enterprises_is_flagged_and_dissimilar_is_not(world):
    a = raise_demand(world, when=at(DAY))
    b = raise_demand(world, user_key="enterprise_other", description=LOGISTICS_TEXT_2, code="logistics.port",
                     when=at(DAY + dt.timedelta(days=2)))
    flag = DemandFlag.objects.get(demand=b)
    assert (flag.similar_to_id, flag.kind) == (a.pk, "similar_text") and flag.score >= 0.5
    c = raise_demand(world, user_key="enterprise_other", title="认定咨询", description=UNRELATED_TEXT,
                     code="logistics.warehouse", when=at(DAY + dt.timedelta(days=3)))
    assert not DemandFlag.objects.filter(demand=c, kind="similar_text").exists()


def test_flags_never_block_and_the_api_lists_them(api, world):
    a = raise_demand(world)
    client = api.as_user(world.user("enterprise"))
    r = client.post("/api/v1/demands/", {"category": "logistics.road", "title": "再次反映通行证",
                                         "description": LOGISTICS_TEXT}, format="json")
    assert r.status_code == 201
    assert r.json()["is_flagged"] is True
    assert {"demand": a.pk, "kind": "same_enterprise", "score": 1.0} in r.json()["similar"]


def _enterprises(n, district="330106", node=None):
    return [make_enterprise(f"杭州测试物流{district}{i}有限公司", district, node=node) for i in range(n)]


def _raise_for(world, enterprise, when, text=LOGISTICS_TEXT):
    return raise_demand(world, user_key="city", enterprise=enterprise, description=text, when=when)


def test_three_enterprises_of_a_district_within_a_week_raise_an_alert_for_the_city(world):
    e1, e2, e3 = _enterprises(3)
    _raise_for(world, e1, at(DAY))
    _raise_for(world, e2, at(DAY + dt.timedelta(days=2)))
    assert not SystemicAlert.objects.exists()  # two enterprises are not yet a systemic problem
    d3 = _raise_for(world, e3, at(DAY + dt.timedelta(days=6), 16))
    alert = SystemicAlert.objects.get(scope_kind="district")
    assert (alert.district_id, alert.category.code, alert.enterprise_count) == ("330106", "logistics.road", 3)
    assert d3 in alert.demands.all() and alert.demands.count() == 3
    assert Notification.objects.filter(kind="systemic_alert", recipient=world.user("city")).count() == 1
    assert Notification.objects.filter(kind="systemic_alert", recipient=world.user("district")).count() == 1
    # a fourth enterprise extends the same alert instead of opening another
    e4 = _enterprises(1)[0]
    _raise_for(world, e4, at(DAY + dt.timedelta(days=7)))
    alert.refresh_from_db()
    assert SystemicAlert.objects.filter(scope_kind="district").count() == 1 and alert.enterprise_count == 4


def test_the_week_is_a_hard_boundary(world):
    e1, e2, e3 = _enterprises(3)
    _raise_for(world, e1, at(DAY, 9))
    _raise_for(world, e2, at(DAY + dt.timedelta(days=3)))
    _raise_for(world, e3, at(DAY + dt.timedelta(days=7), 10))  # the first is now 7 days and 1 hour old
    assert not SystemicAlert.objects.exists()


def test_same_enterprise_twice_or_dissimilar_text_does_not_count(world):
    e1, e2 = _enterprises(2)
    _raise_for(world, e1, at(DAY))
    _raise_for(world, e1, at(DAY + dt.timedelta(days=1)))
    _raise_for(world, e2, at(DAY + dt.timedelta(days=2)), text=UNRELATED_TEXT)
    _raise_for(world, e2, at(DAY + dt.timedelta(days=2)))
    assert not SystemicAlert.objects.exists()


def test_three_enterprises_of_one_chain_across_districts_raise_a_chain_alert(world):
    node = world.chain.nodes.get(segment="upstream")
    ents = [_enterprises(1, d, node=node)[0] for d in ("330106", "330109", "330110")]
    for i, e in enumerate(ents):
        _raise_for(world, e, at(DAY + dt.timedelta(days=i)))
    alert = SystemicAlert.objects.get()
    assert alert.scope_kind == "chain" and alert.chain == world.chain and alert.enterprise_count == 3


def test_alerts_are_seen_by_the_city_and_the_district_only(api, world):
    e1, e2, e3 = _enterprises(3)
    for i, e in enumerate((e1, e2, e3)):
        _raise_for(world, e, at(DAY + dt.timedelta(days=i)))
    assert api.as_user(world.user("city")).get("/api/v1/systemic-alerts/").json()["count"] == 1
    assert api.as_user(world.user("district")).get("/api/v1/systemic-alerts/").json()["count"] == 1
    for role in ("district_other", "department", "enterprise", "cadre"):
        assert api.as_user(world.user(role)).get("/api/v1/systemic-alerts/").json()["count"] == 0
    alert = SystemicAlert.objects.get()
    r = api.as_user(world.user("city")).post(f"/api/v1/systemic-alerts/{alert.pk}/acknowledge/",
                                             {"note": "已成立物流保通专班"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "acknowledged"
    r = api.as_user(world.user("city")).post(f"/api/v1/systemic-alerts/{alert.pk}/acknowledge/", {}, format="json")
    assert r.status_code == 409


def test_a_demand_takes_its_chain_from_the_firms_first_confirmed_membership(world):
    """Each firm's first memberships are a rejected and a proposed one in the other chain, its confirmed one comes
    after: the demands name the confirmed chain (as the plain read gives it) and so does the chain's alert; a firm
    with a proposal only names no chain."""
    from industry_brain.chains.models import ChainMembership

    other_up, other_mid = (world.other_chain.nodes.get(segment=s) for s in ("upstream", "midstream"))
    ents = [_enterprises(1, d)[0] for d in ("330106", "330109", "330110")]
    for e in ents:
        ChainMembership.objects.create(enterprise=e, node=other_up, status="rejected")
        ChainMembership.objects.create(enterprise=e, node=other_mid, status="proposed")
        ChainMembership.objects.create(enterprise=e, node=world.chain.nodes.get(segment="upstream"))
    proposed_only = _enterprises(1, "330108")[0]
    ChainMembership.objects.create(enterprise=proposed_only, node=world.chain.nodes.get(segment="midstream"),
                                   status="proposed")
    demands = [_raise_for(world, e, at(DAY + dt.timedelta(days=i))) for i, e in enumerate([*ents, proposed_only])]
    for d in demands:
        first = ChainMembership.objects.filter(enterprise=d.enterprise, status="confirmed").order_by("id").first()
        assert d.chain_id == (first.node.chain_id if first else None)
    assert [d.chain_id for d in demands] == [world.chain.pk] * 3 + [None]
    alert = SystemicAlert.objects.get(scope_kind="chain")
    assert alert.chain == world.chain and alert.enterprise_count == 3
