"""Scope expectations of the matchmaking routes for the meta-test (tests/test_scope_matrix.py, docs/scope.md).

The objects belong to 西湖 and the team's chain: a supply listing of `ent_xihu`, a planned event of the team's
chain, an order declared at it by `ent_xihu` from another 西湖 firm, and an investment-attraction target of the
chain. The *_other roles are the outsiders."""

import datetime as dt
from decimal import Decimal

from industry_brain.testing.scope_matrix import case

SEES_FIRM = {"city": 200, "district": 200, "chain_team": 200, "cadre": 200, "enterprise": 200}
SEES_EVENT = {"city": 200, "district": 200, "district_other": 200, "chain_team": 200, "cadre": 200}


def _cached(w, name, build):
    if not hasattr(w, name):
        setattr(w, name, build(w))
    return getattr(w, name)


def listing(w):
    from industry_brain.matchmaking.models import Listing

    return _cached(w, "_mm_listing", lambda w: Listing.objects.create(
        enterprise=w.ent_xihu, kind="offer", title="传感器供应", material="传感器", capacity=Decimal(100),
        expires_on=dt.date.today() + dt.timedelta(days=90), terms="传感器"))


def event(w):
    from industry_brain.matchmaking.models import Event

    return _cached(w, "_mm_event", lambda w: Event.objects.create(
        name="集成电路对接会", chain=w.chain, date=dt.date.today(), place="杭州", organiser="市经信局"))


def intention(w):
    from industry_brain.matchmaking.models import Intention
    from industry_brain.testing import make_enterprise

    def build(w):
        seller = make_enterprise("杭州对接供方有限公司", "330106", figures=False)
        return Intention.objects.create(event=event(w), kind="order", buyer=w.ent_xihu, seller=seller,
                                        product="传感器", amount=Decimal(300))
    return _cached(w, "_mm_intention", build)


def target(w):
    from industry_brain.matchmaking.models import AttractionTarget

    return _cached(w, "_mm_target", lambda w: AttractionTarget.objects.create(
        chain=w.chain, node=w.chain.nodes.get(segment="upstream"), name="某晶圆制造企业", region="320500"))


def seller(w):
    return [intention(w).seller]


COUNTERPARTY = "the supplier of the firm's own deal is named to those who follow the deal up"


def pk(build):
    return lambda w: {"pk": build(w).pk}


def pk_action(build, action):
    return lambda w: {"pk": build(w).pk, "action": action}


def _all(w):
    return listing(w), event(w), intention(w), target(w)


ORGANISER = {"city": 200, "chain_team": 200, "district": 403, "district_other": 403, "cadre": 403}
TEAM = {"city": 200, "chain_team": 200}

EXPECTATIONS = {
    # API: listings
    "listing-list": [case(setup=_all, everyone=200), case("post", everyone=400)],
    "listing-detail": case(kwargs=pk(listing), everyone=404, **SEES_FIRM),
    "listing-recommendations": case(kwargs=pk(listing), everyone=404, **SEES_FIRM),
    "listing-renew": case("post", kwargs=pk(listing), everyone=404,
                          **{r: 400 for r in SEES_FIRM}, note="visible: the empty body is refused"),
    "listing-withdraw": case("post", kwargs=pk(listing), everyone=404, **SEES_FIRM),
    # API: events
    "event-list": [case(setup=_all, everyone=200), case("post", everyone=400)],
    "event-detail": case(kwargs=pk(event), everyone=404, **SEES_EVENT),
    "event-open-registration": case("post", kwargs=pk(event), everyone=404, **ORGANISER),
    "event-hold": case("post", kwargs=pk(event), everyone=404, **dict(ORGANISER, city=409, chain_team=409)),
    "event-close": case("post", kwargs=pk(event), everyone=404, **dict(ORGANISER, city=409, chain_team=409)),
    "event-registrations": [
        case(kwargs=pk(event), everyone=404, **SEES_EVENT),
        case("post", kwargs=pk(event), everyone=404, **{r: 400 for r in SEES_EVENT}),
    ],
    "event-attendance": case("post", kwargs=pk(event), everyone=404, **{r: 400 for r in SEES_EVENT}),
    "event-meetings": [
        case(kwargs=pk(event), everyone=404, **SEES_EVENT),
        case("post", kwargs=pk(event), everyone=404, **ORGANISER),
    ],
    "event-intentions": [
        case(kwargs=pk(event), everyone=404, shows=seller, note=COUNTERPARTY, **SEES_EVENT),
        case("post", kwargs=pk(event), everyone=404, **{r: 400 for r in SEES_EVENT}),
    ],
    "event-stats": case(setup=_all, everyone=200),
    # API: intentions (the buyer is ent_xihu: its district, chain team, cadre and users follow it up)
    "intention-list": [case(setup=_all, everyone=200, shows=seller, note=COUNTERPARTY),
                       case("post", everyone=400)],
    "intention-detail": case(kwargs=pk(intention), everyone=404, shows=seller, note=COUNTERPARTY, **SEES_FIRM),
    "intention-sign": case("post", kwargs=pk(intention), everyone=404, **SEES_FIRM),
    "intention-deliver": case("post", kwargs=pk(intention), everyone=404, **{r: 409 for r in SEES_FIRM}),
    "intention-drop": case("post", kwargs=pk(intention), everyone=404, **{r: 400 for r in SEES_FIRM}),
    # API: investment-attraction targets (the city and the chain's team only)
    "attraction-target-list": [case(setup=_all, everyone=200), case("post", everyone=400)],
    "attraction-target-detail": case(kwargs=pk(target), everyone=404, **TEAM),
    "attraction-target-contact": case("post", kwargs=pk(target), everyone=404, **TEAM),
    "attraction-target-visit": case("post", kwargs=pk(target), everyone=404, city=409, chain_team=409),
    "attraction-target-negotiate": case("post", kwargs=pk(target), everyone=404, city=409, chain_team=409),
    "attraction-target-drop": case("post", kwargs=pk(target), everyone=404, city=400, chain_team=400),
    "attraction-target-sign": case("post", kwargs=pk(target), everyone=404, city=400, chain_team=400),
    # Pages
    "matchmaking:listing_list": case(setup=_all, everyone=200),
    "matchmaking:listing_create": [
        case(everyone=200, department=403, department_other=403),
        case("post", everyone=400, department=403, department_other=403),
    ],
    "matchmaking:listing_detail": case(kwargs=pk(listing), everyone=404, **SEES_FIRM),
    "matchmaking:listing_action": case("post", kwargs=pk_action(listing, "withdraw"), everyone=404,
                                       **{r: 302 for r in SEES_FIRM}),
    "matchmaking:event_list": case(setup=_all, everyone=200, department=404, department_other=404),
    "matchmaking:event_create": [
        case(everyone=403, city=200, chain_team=200),
        case("post", everyone=403, city=400, chain_team=400),
    ],
    "matchmaking:event_detail": case(kwargs=pk(event), everyone=404, shows=seller, note=COUNTERPARTY, **SEES_EVENT),
    "matchmaking:event_action": case("post", kwargs=pk_action(event, "open"), everyone=404,
                                     **dict(ORGANISER, city=302, chain_team=302)),
    "matchmaking:intention_list": case(setup=_all, everyone=200, department=404, department_other=404, shows=seller,
                                       note=COUNTERPARTY),
    "matchmaking:intention_detail": case(kwargs=pk(intention), everyone=404, shows=seller, note=COUNTERPARTY,
                                         **SEES_FIRM),
    "matchmaking:intention_action": case("post", kwargs=pk_action(intention, "drop"), everyone=404,
                                         **{r: 302 for r in SEES_FIRM}),
    "matchmaking:target_list": [
        case(setup=_all, everyone=404, **TEAM),
        case("post", everyone=404, city=302, chain_team=302),
    ],
    "matchmaking:target_detail": case(kwargs=pk(target), everyone=404, **TEAM),
    "matchmaking:target_action": case("post", kwargs=pk_action(target, "contact"), everyone=404, city=302,
                                      chain_team=302),
    "chain-gaps": [
        case(kwargs=lambda w: {"pk": w.chain.pk}, everyone=404, **TEAM),
        case(kwargs=lambda w: {"pk": w.other_chain.pk}, everyone=404, city=200),
    ],
    "matchmaking:gap_overview": case(everyone=404, **TEAM),
    "matchmaking:gap_detail": [
        case(kwargs=lambda w: {"pk": w.chain.pk}, everyone=404, **TEAM),
        case(kwargs=lambda w: {"pk": w.other_chain.pk}, everyone=404, city=200),
    ],
    "matchmaking:stats": case(setup=_all, everyone=200, department=404, department_other=404),
}
