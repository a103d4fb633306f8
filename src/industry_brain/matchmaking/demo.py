"""Synthetic matchmaking data: listings of chain firms, 36 events over the last three quarters with about 3,000
distinct participants, intentions simulated from each event's size, signed, delivered or dropped as time passes,
and investment-attraction targets in every status.

The totals are not set: each intention's amount is drawn from a log-normal whose median was chosen so that the
simulation's declared totals land near the source's (orders over 220亿元, financing over 362亿元 at city scale);
what is signed follows from per-deal probabilities. Deterministic for a seed (apart from today's date)."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from industry_brain.chains.models import Chain, ChainMembership, NodeLink
from industry_brain.core.workdays import add_working_days

from .choices import EventStatus, IntentionKind, IntentionStatus, ListingKind, ListingStatus, TargetStatus
from .models import AttractionTarget, Event, Intention, Listing, ListingTerm, Registration
from .services import listing_terms

# scale: (firms with listings, events, registrations per event, orders per event, financing deals per event)
SCALES = {"tiny": (120, 6, 14, 4, 2), "city": (3_000, 36, 110, 34, 11), "province": (30_000, 36, 110, 34, 11)}
ORDER_MEDIAN_WAN = 1_090  # median order 1,090万元 (log-normal, sigma 1.0): mean ≈ 1,800万元
FINANCING_MEDIAN_WAN = 5_800  # median financing deal 5,800万元 (sigma 0.9): mean ≈ 8,700万元
PLACES = ["杭州国际博览中心", "杭州市民中心", "未来科技城会议中心", "钱塘新区管委会", "萧山经济技术开发区",
          "滨江区物联网小镇"]
LENDERS = ["杭州银行", "浙商银行", "工商银行杭州分行", "建设银行浙江省分行", "农业银行杭州分行", "杭州联合银行",
           "国家开发银行浙江分行", "浙江省担保集团"]
BATCH = 2_000


def _lognormal(rng: random.Random, median: float, sigma: float) -> Decimal:
    return Decimal(str(round(median * math.exp(rng.gauss(0, sigma)), 0))).quantize(Decimal("1"))


@transaction.atomic
def seed_matchmaking(*, scale: str, seed: int, users: dict) -> dict:
    from industry_brain.supply.models import ExternalFirm, Material, SupplyLink

    rng = random.Random(seed + 4242)
    n_firms, n_events, per_event, orders_per_event, fin_per_event = SCALES[scale]
    today = timezone.localdate()
    city = users.get("city_admin")

    # ---- listings: a chain firm offers its node's product and needs the products of the nodes upstream of it
    node_material = {n: (pk, name, unit) for pk, name, unit, n in
                     Material.objects.filter(node__isnull=False).values_list("pk", "name", "unit", "node")}
    preds: dict[int, list[int]] = defaultdict(list)
    for s, c in NodeLink.objects.values_list("supplier_id", "customer_id"):
        preds[c].append(s)
    members = list(ChainMembership.objects.order_by("-enterprise__is_above_scale", "enterprise_id", "id")
                   .values_list("enterprise_id", "node_id", "node__chain__ecosystem_id", "node__chain_id"))
    firm_node: dict[int, tuple[int, int, int]] = {}
    for e, n, eco, chain in members:
        firm_node.setdefault(e, (n, eco, chain))
    demo_firms = [u.enterprise_id for k in ("enterprise_demo", "enterprise_demo2") if (u := users.get(k))]
    firms = [e for e in demo_firms if e in firm_node] + [e for e in firm_node if e not in demo_firms]
    firms = firms[:n_firms]
    listings = []
    for e in firms:
        node, _eco, _chain = firm_node[e]
        if node in node_material and rng.random() < 0.8:
            _pk, name, unit = node_material[node]
            listings.append(Listing(
                enterprise_id=e, kind=ListingKind.OFFER, title=f"供应{name}", material=name, node_id=node,
                capacity=Decimal(rng.choice([50, 100, 200, 500, 1000, 2000, 5000])), unit=unit,
                description=rng.choice(["可按图定制，支持小批量试产", "通过ISO9001认证，交期稳定",
                                        "产能富余，欢迎长期合作", "本地配送，48小时到货"]),
                lead_time_days=rng.choice([7, 15, 30, 45]), certifications=rng.choice(["ISO9001", "IATF16949", ""]),
                expires_on=today + dt.timedelta(days=rng.randint(-20, 300)), published_by=city))
        ups = [u for u in preds.get(node, []) if u in node_material]
        if ups and rng.random() < 0.6:
            up = rng.choice(ups)
            _pk, name, unit = node_material[up]
            listings.append(Listing(
                enterprise_id=e, kind=ListingKind.NEED, title=f"采购{name}", material=name, node_id=up,
                volume=Decimal(rng.choice([20, 50, 100, 300, 800])), unit=unit,
                description=rng.choice(["要求质量稳定、可长期供货", "优先考虑本地供应商", "需提供检测报告",
                                        "替代外地供应，缩短交期"]),
                quality_requirements=rng.choice(["", "符合国标", "RoHS"]),
                needed_by=today + dt.timedelta(days=rng.randint(20, 200)),
                expires_on=today + dt.timedelta(days=rng.randint(-20, 300)), published_by=city))
    for x in listings:
        x.terms = " ".join(listing_terms(title=x.title, material=x.material, description=x.description))
        if x.expires_on < today:
            x.status = ListingStatus.EXPIRED
    Listing.objects.bulk_create(listings, batch_size=BATCH)
    active = Listing.objects.filter(status=ListingStatus.ACTIVE).values_list("pk", "kind", "terms")
    ListingTerm.objects.bulk_create([ListingTerm(listing_id=pk, kind=kind, term=t) for pk, kind, terms in active
                                     for t in dict.fromkeys(terms.split())], batch_size=BATCH * 5)

    # ---- events: 36 over the last three quarters, each for one chain; participants from the chain's ecosystem
    chains = list(Chain.objects.select_related("ecosystem").order_by("ecosystem_id", "order", "id"))
    by_eco: dict[int, list[int]] = defaultdict(list)
    for e, (_n, eco, _c) in firm_node.items():
        by_eco[eco].append(e)
    team_user = {u.organisation.ecosystem_id: u for u in users.values()
                 if getattr(u, "role", "") == "chain_team" and u.organisation_id}
    start = today - dt.timedelta(days=270)
    events = []
    for i in range(n_events):
        chain = chains[i % len(chains)]
        day = start + dt.timedelta(days=int(i * 270 / n_events) + rng.randint(0, 5))
        events.append(Event(name=f"{chain.name}产业链供需对接会（第{i // len(chains) + 1}场）", chain=chain, date=day,
                            place=rng.choice(PLACES), organiser="市经信局、" + chain.name + "产业链专班",
                            status=EventStatus.CLOSED if day < today - dt.timedelta(days=14) else EventStatus.HELD))
    # one upcoming event, open for registration, so that firms can register in the demo
    chain = chains[0]
    events.append(Event(name=f"{chain.name}产业链供需对接会（报名中）", chain=chain, date=today + dt.timedelta(days=20),
                        place=PLACES[0], organiser="市经信局", status=EventStatus.OPEN))
    Event.objects.bulk_create(events)
    regs, intentions = [], []
    pool_seen: dict[int, set[int]] = defaultdict(set)
    for ev in events[:n_events]:
        pool = by_eco.get(ev.chain.ecosystem_id) or firms
        # repeat participants come back (about a quarter of each event), the rest are new to the programme
        seen = list(pool_seen[ev.chain.ecosystem_id])
        fresh = [e for e in pool if e not in pool_seen[ev.chain.ecosystem_id]]
        k_repeat = min(len(seen), per_event // 4)
        chosen = rng.sample(seen, k_repeat) + rng.sample(fresh, min(len(fresh), per_event - k_repeat))
        pool_seen[ev.chain.ecosystem_id].update(chosen)
        for e in chosen:
            regs.append(Registration(event=ev, enterprise_id=e, role=rng.choice(["buyer", "seller", "both", "both"]),
                                     invited=rng.random() < 0.6, attended=rng.random() < 0.93))
        owner = team_user.get(ev.chain.ecosystem_id, city)
        age = (today - ev.date).days
        for _ in range(orders_per_event):
            buyer, seller = rng.sample(chosen, 2)
            intentions.append(_deal(rng, ev, IntentionKind.ORDER, buyer, seller, "", owner, age, today))
        for _ in range(fin_per_event):
            intentions.append(_deal(rng, ev, IntentionKind.FINANCING, rng.choice(chosen), None, rng.choice(LENDERS),
                                    owner, age, today))
    Registration.objects.bulk_create(regs, batch_size=BATCH)
    Intention.objects.bulk_create(intentions, batch_size=BATCH)

    # ---- investment-attraction targets: outside suppliers of the nodes most served from outside, every status
    targets = []
    outside = (SupplyLink.objects.filter(supplier_external__isnull=False, material__node__isnull=False)
               .exclude(supplier_external__region__startswith="33")
               .values_list("supplier_external", "material__node", "material__node__chain").distinct()[:400])
    names = dict(ExternalFirm.objects.filter(pk__in={x[0] for x in outside}).values_list("pk", "name"))
    regions = dict(ExternalFirm.objects.filter(pk__in={x[0] for x in outside}).values_list("pk", "region"))
    statuses = [TargetStatus.IDENTIFIED] * 5 + [TargetStatus.CONTACTED] * 4 + [TargetStatus.VISITED] * 3 + \
        [TargetStatus.NEGOTIATING] * 2 + [TargetStatus.SIGNED, TargetStatus.DROPPED]
    seen_pairs = set()
    for ext, node, chain_id in outside:
        if (ext, node) in seen_pairs:
            continue
        seen_pairs.add((ext, node))
        status = rng.choice(statuses)
        targets.append(AttractionTarget(chain_id=chain_id, node_id=node, name=names[ext], region=regions[ext],
                                        source="已向本地企业供货（供应网络）", score=round(rng.uniform(0.3, 0.95), 2),
                                        status=status,
                                        note="企业另有投资安排" if status == TargetStatus.DROPPED else ""))
    if scale == "tiny":
        targets = targets[:30]
    AttractionTarget.objects.bulk_create(targets, batch_size=BATCH)
    return {"listings": len(listings), "events": len(events), "registrations": len(regs),
            "intentions": len(intentions), "targets": len(targets)}


def _deal(rng, ev, kind, buyer, seller, lender, owner, age, today) -> Intention:
    if kind == IntentionKind.ORDER:
        amount = _lognormal(rng, ORDER_MEDIAN_WAN, 1.0)
        product = rng.choice(["年度框架采购", "首台套设备采购", "零部件配套", "原材料长期供应", "联合研发与试产订单"])
    else:
        amount = _lognormal(rng, FINANCING_MEDIAN_WAN, 0.9)
        product = rng.choice(["扩产项目贷款", "技改项目贷款", "供应链融资", "知识产权质押融资", "设备融资租赁"])
    it = Intention(event=ev, kind=kind, buyer_id=buyer, seller_id=seller, lender=lender, product=product,
                   amount=amount, owner=owner, status=IntentionStatus.DECLARED)
    # As time passes after the event, deals are signed (most within two months), delivered or dropped.
    p_sign = min(0.75, age / 80) if kind == IntentionKind.ORDER else min(0.8, age / 60)
    roll = rng.random()
    if roll < p_sign:
        it.status = IntentionStatus.SIGNED
        it.signed_on = min(today, ev.date + dt.timedelta(days=rng.randint(3, 70)))
        it.signed_amount = (amount * Decimal(str(rng.uniform(0.7, 1.0)))).quantize(Decimal("1"))
        delivery_due = add_working_days(it.signed_on, 60)
        if kind == IntentionKind.ORDER and delivery_due < today and rng.random() < 0.7:
            it.status = IntentionStatus.DELIVERED
            it.delivered_on = min(today, delivery_due + dt.timedelta(days=rng.randint(-30, 20)))
            it.delivered_amount = (it.signed_amount * Decimal(str(rng.uniform(0.3, 1.0)))).quantize(Decimal("1"))
        elif kind == IntentionKind.ORDER:
            it.follow_up_due = delivery_due
    elif roll < p_sign + 0.12 and age > 30:
        it.status = IntentionStatus.DROPPED
        it.drop_reason = rng.choice(["价格未谈拢", "技术指标不满足", "企业另选供应商", "项目延期", "融资方案调整"])
    else:
        it.follow_up_due = add_working_days(ev.date, 10)
    return it
