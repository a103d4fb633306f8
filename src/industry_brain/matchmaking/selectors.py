"""Reads of the matchmaking module. Every read that feeds a page or the API takes the user and restricts,
aggregates included (the statistics sum only the deals the user may see)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from industry_brain.enterprises.choices import Tier

from .choices import EventStatus, IntentionKind, IntentionStatus, ListingKind, ListingStatus
from .models import AttractionTarget, Event, Intention, Listing, ListingTerm, Registration
from .supply_signals import NO_RISK, OutsideSupplier, SupplyRisk, province_suppliers, supply_risk

MAX_CANDIDATES = 1200  # candidates scored for one listing (the inverted index hands over at most this many)
MIN_TEXT = 0.2  # without a node or material match, a partner needs at least this text similarity to be shown

# Weights of the partner score; a material or node match (0.35) outweighs any text similarity (at most 0.25).
W_NODE, W_MATERIAL, W_TEXT, W_CAPACITY, W_DISTANCE, W_TIER, W_DEALS = 0.35, 0.35, 0.25, 0.10, 0.05, 0.03, 0.05
# Supply risk (docs/matchmaking.md): a supplier the supply module lists as an alternative for a material at risk,
# or one on a node whose local supply is at risk.
W_RISK_ALTERNATIVE, W_RISK_NODE = 0.08, 0.04
MAX_OUTSIDE = 10  # in-province outside suppliers listed after the local ones
MIN_GROUP = 3  # a count of an outside firm's local customers is shown from this many on


def listing_list(*, user) -> QuerySet[Listing]:
    return Listing.objects.restrict(user, "view").select_related("enterprise", "node")


def event_list(*, user) -> QuerySet[Event]:
    return Event.objects.restrict(user, "view").select_related("chain")


def intention_list(*, user) -> QuerySet[Intention]:
    return Intention.objects.restrict(user, "view").select_related("event", "buyer", "seller", "owner")


def target_list(*, user) -> QuerySet[AttractionTarget]:
    return AttractionTarget.objects.restrict(user, "view").select_related("chain", "node", "project")


def registrations_for(*, user, event: Event) -> QuerySet[Registration]:
    return Registration.objects.restrict(user, "view").filter(event=event).select_related("enterprise")


def meetings_for(*, user, event: Event):
    from .models import Meeting

    return Meeting.objects.restrict(user, "view").filter(event=event).select_related("buyer", "seller")


# --- partner recommendations -------------------------------------------------------------------------------------

def distance_km(a, b) -> float | None:
    """Great-circle distance between two firms' registered locations (WGS-84), or None when one is unknown."""
    return _km(a.lat, a.lon, b.lat, b.lon)


def _km(*coordinates) -> float | None:
    if None in coordinates:
        return None
    lat1, lon1, lat2, lon2 = map(math.radians, map(float, coordinates))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(min(1.0, h)))


@dataclasses.dataclass
class Recommendation:
    """A recommended partner: a registered firm's listing (`scope` "local"), or an in-province outside supplier
    from the supply network (`scope` "province", `listing` None, `external` set; nothing of its figures shown)."""

    listing: Listing | None
    score: float
    reasons: list[str]
    distance_km: float | None
    spare: Decimal | None
    scope: str = "local"
    external: OutsideSupplier | None = None

    @property
    def enterprise(self):
        return self.listing.enterprise if self.listing is not None else None

    @property
    def enterprise_id(self) -> int | None:
        return self.listing.enterprise_id if self.listing is not None else None

    @property
    def external_firm_id(self) -> int | None:
        return self.external.pk if self.external is not None else None

    @property
    def name(self) -> str:
        return self.listing.enterprise.name if self.listing is not None else self.external.name

    @property
    def title(self) -> str:
        if self.listing is not None:
            return self.listing.title
        return _("Supplies %(m)s") % {"m": self.external.material}


IDF_CACHE_SECONDS = 3600  # term frequencies move slowly; an hour-old idf ranks the same


def _term_stats(terms: list[str], kind: str) -> tuple[int, dict[str, int]]:
    """How many active listings of a kind there are, and in how many of them each term occurs (cached)."""
    from django.core.cache import cache

    total_key = f"mm:n:{kind}"
    keys = {t: f"mm:df:{kind}:{hash(t)}" for t in terms}
    found = cache.get_many([total_key, *keys.values()])
    total = found.get(total_key)
    if total is None:
        total = Listing.objects.filter(kind=kind, status=ListingStatus.ACTIVE).count()
        cache.set(total_key, total, IDF_CACHE_SECONDS)
    df = {t: found[k] for t, k in keys.items() if k in found}
    missing = [t for t in terms if t not in df]
    if missing:
        counted = dict(ListingTerm.objects.filter(term__in=missing, kind=kind).values("term").annotate(n=Count("pk"))
                       .values_list("term", "n"))
        for t in missing:
            df[t] = counted.get(t, 0)
        cache.set_many({keys[t]: df[t] for t in missing}, IDF_CACHE_SECONDS)
    return total, df


def _idf(terms: list[str], kind: str, stats: tuple[int, dict[str, int]] | None = None) -> dict[str, float]:
    """Inverse document frequency of each term among the active listings of a kind (the index's own counts);
    `stats` when the caller has already read them."""
    total, df = stats or _term_stats(terms, kind)
    return {t: math.log((1 + total) / (1 + df.get(t, 0))) + 1 for t in terms}


def _cosine(a: set[str], b: set[str], idf: dict[str, float]) -> tuple[float, list[str]]:
    common = a & b
    if not common:
        return 0.0, []
    weight = lambda terms: math.sqrt(sum(idf.get(t, 1.0) ** 2 for t in terms))  # noqa: E731
    num = sum(idf.get(t, 1.0) ** 2 for t in common)
    return num / (weight(a) * weight(b)), sorted(common, key=lambda t: -idf.get(t, 1.0))


def score_pair(need: Listing, offer: Listing, idf: dict[str, float], deals: int = 0, *, explain: bool = True,
               risk: SupplyRisk = NO_RISK) -> tuple[float, list[str], float | None]:
    """How well `offer` serves `need` (0–1.21) and, when `explain`, why, in words a firm can check. Ranking calls
    it without the words (they are written for the rows shown only)."""
    score, reasons = 0.0, []
    if need.node_id and need.node_id == offer.node_id:
        score += W_NODE
        if explain:
            reasons.append(_("Same chain node: %(n)s") % {"n": offer.node.name})
    if need.material and need.material.strip().lower() == offer.material.strip().lower():
        score += W_MATERIAL
        if explain:
            reasons.append(_("Same product or material: %(m)s") % {"m": offer.material})
    cos, common = _cosine(_terms_of(need), _terms_of(offer), idf)
    if cos > 0:
        score += W_TEXT * cos
        if explain and cos >= 0.1:
            reasons.append(_("Similar description (%(c).2f), shared words: %(w)s") % {"c": cos,
                                                                                    "w": "、".join(common[:4])})
    if need.volume and offer.capacity:
        if (need.unit or "") == (offer.unit or ""):
            cover = min(float(offer.capacity) / float(need.volume), 1.0)
            score += W_CAPACITY * cover
            if explain:
                reasons.append(_("Spare capacity %(c)s %(u)s a month covers %(p).0f%% of the need") % {
                    "c": f"{offer.capacity.normalize():f}", "u": offer.unit, "p": cover * 100})
        else:
            score += W_CAPACITY / 2
            if explain:
                reasons.append(_("Capacity in %(a)s, need in %(b)s: check the quantities") % {
                    "a": offer.unit or "—", "b": need.unit or "—"})
    km = distance_km(need.enterprise, offer.enterprise)
    if km is not None:
        score += W_DISTANCE * math.exp(-km / 30)
        if explain:
            reasons.append(_("About %(k).0f km away") % {"k": km})
    tier = offer.enterprise.top_tier if offer.kind == ListingKind.OFFER else need.enterprise.top_tier
    if tier:
        score += W_TIER
        if explain:
            reasons.append(Tier(tier).label)
    if deals:
        score += W_DEALS
        if explain:
            reasons.append(_("%(n)s earlier deals between the two firms") % {"n": deals})
    bonus, why = _risk_part(need, risk, enterprise_id=offer.enterprise_id, node_id=offer.node_id)
    score += bonus
    if explain and why:
        reasons.append(why)
    return score, [str(r) for r in reasons], km


def _risk_part(need: Listing, risk: SupplyRisk, *, enterprise_id: int | None = None, external_id: int | None = None,
               node_id: int | None = None, supplies_node: bool = False) -> tuple[float, str | None]:
    """The supply-risk part of a supplier's score: listed by the supply module as an alternative for the need's
    material (or a material of its node) at risk; else on the need's node whose local supply is at risk. The words
    name the material or node only, never the firms at risk nor the scenario."""
    if risk is NO_RISK or not risk.run:
        return 0.0, None
    material = risk.alternative(material=need.material, node_id=need.node_id, enterprise_id=enterprise_id,
                                external_id=external_id)
    if material is not None:
        if material:
            return W_RISK_ALTERNATIVE, _("Supply risk: the supply network lists it as an alternative source of "
                                         "%(m)s, whose supply is at risk") % {"m": material}
        return W_RISK_ALTERNATIVE, _("Supply risk: the supply network lists it as an alternative source for a "
                                     "material of %(n)s at risk") % {"n": need.node.name if need.node_id else ""}
    at_risk = risk.node_at_risk(material=need.material, node_id=need.node_id)
    if at_risk and (node_id == at_risk or supplies_node):
        return W_RISK_NODE, _("Supply risk: the local supply of this chain node is at risk; it could fill in")
    return 0.0, None


def _terms_of(listing: Listing) -> frozenset[str]:
    cached = getattr(listing, "_term_set", None)
    if cached is None:
        cached = listing._term_set = frozenset(listing.terms.split())
    return cached


def relevant(need: Listing, offer: Listing, idf: dict[str, float]) -> bool:
    """A partner is shown only for what it makes: the same node, the same material, or a description close
    enough (capacity, distance and tier only rank the relevant ones)."""
    if need.node_id and need.node_id == offer.node_id:
        return True
    if need.material.strip() and need.material.strip().lower() == offer.material.strip().lower():
        return True
    return _cosine(_terms_of(need), _terms_of(offer), idf)[0] >= MIN_TEXT


def _past_deals(firm_id: int, others: list[int], *, as_buyer: bool) -> dict[int, int]:
    """Signed or delivered orders between a firm and each of the others: the firm's own deals (few, by its
    foreign-key index), counted per partner."""
    done = Intention.objects.filter(status__in=[IntentionStatus.SIGNED, IntentionStatus.DELIVERED],
                                    kind=IntentionKind.ORDER).order_by()
    wanted = set(others)
    mine, partner = ("buyer_id", "seller") if as_buyer else ("seller_id", "buyer")
    rows = done.filter(**{mine: firm_id}).values(partner).annotate(n=Count("pk"))
    return {r[partner]: r["n"] for r in rows if r[partner] in wanted}


def recommendations(*, user, listing: Listing, limit: int = 20, on: dt.date | None = None,
                    outside: bool = True) -> list[Recommendation]:
    """Ranked partners for a listing: suppliers for a need, buyers for an offer. Local first: the active listings
    of other registered firms, from the index (same node, same material, shared words); a supplier with no spare
    capacity is never recommended; ties are broken by spare capacity, then distance. Then, for a need and when
    `outside`, the in-province outside suppliers of its material or node from the supply network (at most
    MAX_OUTSIDE). Suppliers the supply module lists as alternatives for a material at risk score higher.

    A firm sees recommendations for its own listings only (`user` must be able to see `listing`); the rows show
    the partners' published listings and names, never their private figures."""
    if not Listing.objects.permits(user, listing, "view"):
        return []
    risk = supply_risk()
    rows = _local_recommendations(listing, limit=limit, on=on or timezone.localdate(), risk=risk)
    if outside and listing.kind == ListingKind.NEED:
        rows += outside_recommendations(listing, limit=MAX_OUTSIDE, risk=risk)
    return rows


def _local_recommendations(listing: Listing, *, limit: int, on: dt.date, risk: SupplyRisk) -> list[Recommendation]:
    want = ListingKind.OFFER if listing.kind == ListingKind.NEED else ListingKind.NEED
    terms = listing.terms.split()
    if not terms and not listing.node_id:
        return []
    active = Listing.objects.filter(kind=want, status=ListingStatus.ACTIVE, expires_on__gte=on).exclude(
        enterprise_id=listing.enterprise_id)
    if want == ListingKind.OFFER:
        active = active.filter(capacity__gt=0)
    # Candidates from the index: the same node, then the listings sharing a distinctive word (one that occurs in at
    # most 5% of the listings: the material's own name, a product word); common words would hand over everything.
    stats = total, df = _term_stats(terms, want)
    distinctive = [t for t in terms if df.get(t, 0) <= max(200, total // 20)]
    ids: list[int] = []
    if listing.node_id:
        ids += list(active.filter(node_id=listing.node_id).order_by("-capacity", "pk")
                    .values_list("pk", flat=True)[: MAX_CANDIDATES // 2])
    if distinctive:
        ids += list(ListingTerm.objects.filter(term__in=distinctive, kind=want).exclude(listing_id__in=ids)
                    .values_list("listing_id", flat=True)[: MAX_CANDIDATES // 2])
    # Read by primary key only (the conditions of `active` are checked below, in Python: a long IN list beside
    # them leads the planner to a scan of the kind's listings).
    candidates = list(Listing.objects.filter(pk__in=set(ids)).select_related("enterprise", "node").only(
        "pk", "kind", "title", "material", "node_id", "node__name", "capacity", "volume", "unit", "terms",
        "enterprise_id", "enterprise__name", "enterprise__lat", "enterprise__lon", "enterprise__top_tier",
        "status", "expires_on"))
    candidates = [c for c in candidates if c.kind == want and c.status == ListingStatus.ACTIVE and c.expires_on >= on
                  and c.enterprise_id != listing.enterprise_id and (want != ListingKind.OFFER or (c.capacity or 0) > 0)]
    if not candidates:
        return []
    idf = _idf(terms, want, stats)
    deals = _past_deals(listing.enterprise_id, [c.enterprise_id for c in candidates],
                        as_buyer=listing.kind == ListingKind.NEED)
    rows = []
    for c in candidates:
        need, offer = (listing, c) if listing.kind == ListingKind.NEED else (c, listing)
        if not relevant(need, offer, idf):
            continue
        score, _reasons, km = score_pair(need, offer, idf, deals.get(c.enterprise_id, 0), explain=False, risk=risk)
        rows.append(Recommendation(c, round(score, 4), [], None if km is None else round(km, 1), offer.capacity))
    rows.sort(key=lambda r: (-r.score, -(r.spare or 0), r.distance_km if r.distance_km is not None else 1e9,
                             r.listing.pk))
    seen, best = set(), []
    for r in rows:  # one row per firm: its best listing
        if r.listing.enterprise_id not in seen:
            seen.add(r.listing.enterprise_id)
            best.append(r)
        if len(best) >= limit:
            break
    for r in best:  # the reasons, for the rows shown
        need, offer = (listing, r.listing) if listing.kind == ListingKind.NEED else (r.listing, listing)
        r.reasons = score_pair(need, offer, idf, deals.get(r.listing.enterprise_id, 0), risk=risk)[1]
    return best


def outside_recommendations(need: Listing, *, limit: int = MAX_OUTSIDE, risk: SupplyRisk = NO_RISK
                            ) -> list[Recommendation]:
    """In-province outside suppliers for a need (after the local ones): the supply network's outside firms of the
    province that supply local firms with the need's material or a material of its node and have spare capacity.
    Scored with the same weights (node, material, capacity, distance, supply risk; no text, tier or past deals:
    they publish no listing and sign no deal here). Their capacity, volumes and customers are never shown."""
    rows = []
    for o in province_suppliers(material=need.material, node_id=need.node_id):
        score, reasons = 0.0, []
        if o.same_node:
            score += W_NODE
            reasons.append(_("Same chain node: %(n)s") % {"n": need.node.name})
        if o.same_material:
            score += W_MATERIAL
            reasons.append(_("Same product or material: %(m)s") % {"m": o.material})
        if not (o.same_node or o.same_material):
            continue
        reasons.append(_("Outside firm in the province (%(r)s), not in the city's registry") % {"r": o.region_name})
        if o.customers >= MIN_GROUP:
            reasons.append(_("Already supplies %(m)s to %(n)s firms in the city") % {"m": o.material,
                                                                                    "n": o.customers})
        else:
            reasons.append(_("Already supplies %(m)s to firms in the city") % {"m": o.material})
        if need.volume:
            cover = min(o.spare / float(need.volume), 1.0) if (o.unit or "") == (need.unit or "") else 0.5
            score += W_CAPACITY * cover
            reasons.append(_("Has spare capacity in the supply network's records"))
        km = _km(need.enterprise.lat, need.enterprise.lon, o.lat, o.lon)
        if km is not None:
            score += W_DISTANCE * math.exp(-km / 30)
            reasons.append(_("About %(k).0f km away") % {"k": km})
        bonus, why = _risk_part(need, risk, external_id=o.pk, supplies_node=True)
        score += bonus
        if why:
            reasons.append(why)
        rows.append(Recommendation(None, round(score, 4), [str(r) for r in reasons],
                                   None if km is None else round(km, 1), None, scope="province", external=o))
    rows.sort(key=lambda r: (-r.score, -r.external.spare, r.distance_km if r.distance_km is not None else 1e9,
                             r.external.pk))
    return rows[:limit]


def recommendations_bruteforce(*, listing: Listing, limit: int = 20, on: dt.date | None = None) -> list[int]:
    """The baseline of the benchmark: score every active listing of the other kind, no index (same scoring)."""
    on = on or timezone.localdate()
    want = ListingKind.OFFER if listing.kind == ListingKind.NEED else ListingKind.NEED
    terms = listing.terms.split()
    idf = _idf(terms, want)
    risk = supply_risk()
    rows = []
    for c in (Listing.objects.filter(kind=want, status=ListingStatus.ACTIVE, expires_on__gte=on)
              .exclude(enterprise_id=listing.enterprise_id).select_related("enterprise", "node").iterator(2000)):
        if want == ListingKind.OFFER and not c.capacity:
            continue
        need, offer = (listing, c) if listing.kind == ListingKind.NEED else (c, listing)
        score, _reasons, _dist = score_pair(need, offer, idf, risk=risk)
        if relevant(need, offer, idf):
            rows.append((score, c.enterprise_id))
    rows.sort(key=lambda r: -r[0])
    return [e for _s, e in rows[:limit]]


def pair_scores(event: Event) -> list[tuple[int, int, float]]:
    """(buyer, supplier, score) for the registered firms of an event, from their active listings."""
    regs = list(Registration.objects.filter(event=event).values_list("enterprise_id", "role"))
    buyers = {e for e, r in regs if r in ("buyer", "both")}
    sellers = {e for e, r in regs if r in ("seller", "both")}
    on = event.date
    needs = list(Listing.objects.filter(enterprise_id__in=buyers, kind=ListingKind.NEED, status=ListingStatus.ACTIVE)
                 .select_related("enterprise", "node"))
    offers = list(Listing.objects.filter(enterprise_id__in=sellers, kind=ListingKind.OFFER,
                                         status=ListingStatus.ACTIVE, capacity__gt=0, expires_on__gte=on)
                  .select_related("enterprise", "node"))
    if not needs or not offers:
        return []
    idf = _idf(sorted({t for x in needs + offers for t in x.terms.split()}), ListingKind.OFFER)
    risk = supply_risk()
    best: dict[tuple[int, int], float] = {}
    for need in needs:
        for offer in offers:
            if need.enterprise_id == offer.enterprise_id:
                continue
            score, _reasons, _dist = score_pair(need, offer, idf, risk=risk)
            if score >= 0.2:
                key = (need.enterprise_id, offer.enterprise_id)
                best[key] = max(best.get(key, 0.0), score)
    return [(b, s, v) for (b, s), v in best.items()]


# --- statistics ---------------------------------------------------------------------------------------------------

def _yi(wan: Decimal | float | None) -> str:
    """万元 → 亿元 with one decimal, as the source writes it."""
    return f"{float(wan or 0) / 10_000:,.1f}"


def event_stats(*, user, date_from: dt.date | None = None, date_to: dt.date | None = None) -> dict:
    """The source's sentence, with declared and signed amounts apart: "举办对接会X场，累计参加企业Y家，对接订单
    额度Z亿元（已签约…）". Events and participants of the events the user may see; amounts of the deals the user
    may see."""
    # Held events only: an event still open for registration has taken place nowhere yet.
    events = Event.objects.restrict(user, "view").filter(status__in=[EventStatus.HELD, EventStatus.CLOSED]).order_by()
    if date_from:
        events = events.filter(date__gte=date_from)
    if date_to:
        events = events.filter(date__lte=date_to)
    event_ids = list(events.values_list("pk", flat=True).distinct())
    participants = (Registration.objects.filter(event_id__in=event_ids).exclude(attended=False)
                    .values("enterprise").distinct().count())
    deals = Intention.objects.restrict(user, "view").filter(event_id__in=event_ids).order_by()
    done = [IntentionStatus.SIGNED, IntentionStatus.DELIVERED]
    sums = deals.aggregate(
        orders_declared=Sum("amount", filter=Q(kind=IntentionKind.ORDER)),
        orders_signed=Sum("signed_amount", filter=Q(kind=IntentionKind.ORDER, status__in=done)),
        orders_delivered=Sum("delivered_amount", filter=Q(kind=IntentionKind.ORDER, status=IntentionStatus.DELIVERED)),
        financing_declared=Sum("amount", filter=Q(kind=IntentionKind.FINANCING)),
        financing_signed=Sum("signed_amount", filter=Q(kind=IntentionKind.FINANCING, status__in=done)),
        intentions=Count("pk"), dropped=Count("pk", filter=Q(status=IntentionStatus.DROPPED)),
        open=Count("pk", filter=Q(status__in=[IntentionStatus.DECLARED, IntentionStatus.SIGNED])))
    result = {"events": len(event_ids), "participants": participants}
    for key in ("orders_declared", "orders_signed", "orders_delivered", "financing_declared", "financing_signed"):
        result[key] = (sums[key] or Decimal(0)).quantize(Decimal("0.01"))
    for key in ("intentions", "dropped", "open"):
        result[key] = sums[key]
    result["summary"] = _(
        "%(e)s matchmaking events held, %(p)s firms took part; orders of %(od)s亿元 declared (%(os)s亿元 signed) and "
        "financing of %(fd)s亿元 declared (%(fs)s亿元 signed).") % {
        "e": result["events"], "p": result["participants"], "od": _yi(result["orders_declared"]),
        "os": _yi(result["orders_signed"]), "fd": _yi(result["financing_declared"]),
        "fs": _yi(result["financing_signed"])}
    return result


def follow_up_overdue(*, user, on: dt.date | None = None) -> QuerySet[Intention]:
    on = on or timezone.localdate()
    return intention_list(user=user).filter(status__in=[IntentionStatus.DECLARED, IntentionStatus.SIGNED],
                                            follow_up_due__lt=on)
