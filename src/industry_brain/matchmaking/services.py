"""Writes of the matchmaking module: listings, events, registrations, meetings, intentions and their follow-up,
investment-attraction targets. Keyword-only, atomic, validating before saving, each naming its actor; create
rights are checked on the saved object inside the transaction (`ensure_can_after_write`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from industry_brain.core.events import event_record
from industry_brain.core.permissions import can, ensure_can, ensure_can_after_write
from industry_brain.core.workdays import add_working_days
from industry_brain.demands.similarity import segment

from .choices import EventStatus, IntentionKind, IntentionStatus, ListingKind, ListingStatus
from .models import AttractionTarget, Event, Intention, Listing, ListingTerm, Meeting, Registration
from .workflows import EVENT, INTENTION, TARGET

LISTING_FIELDS = ("kind", "title", "node", "material", "description", "capacity", "volume", "unit", "certifications",
                  "lead_time_days", "quality_requirements", "needed_by", "expires_on")
MAX_LISTING_DAYS = 366  # a listing lives at most a year before it must be renewed
FOLLOW_UP_WORKING_DAYS = 10  # an intention is followed up within two working weeks
DELIVERY_WORKING_DAYS = 60  # a signed order is checked for delivery after three months


def today() -> dt.date:
    return timezone.localdate()


# Words every listing uses ("产品", "供应", "采购"): they would match everything and say nothing.
LISTING_STOPWORDS = frozenset("产品 供应 采购 长期 要求 提供 优先 考虑 本地 欢迎 合作 稳定 支持 质量 需要 可以".split())


def listing_terms(*, title: str, material: str = "", description: str = "") -> list[str]:
    """The search terms of a listing: its material as one term, then the words of its texts (jieba)."""
    terms: list[str] = []
    if material.strip():
        terms.append(material.strip().lower()[:40])
    for word in segment(f"{title} {material} {description}"):
        if word not in terms and word not in LISTING_STOPWORDS:
            terms.append(word[:40])
    return terms[:40]


def _write_terms(listing: Listing) -> None:
    ListingTerm.objects.filter(listing=listing).delete()
    if listing.status != ListingStatus.ACTIVE:
        return
    ListingTerm.objects.bulk_create([ListingTerm(listing=listing, term=t, kind=listing.kind)
                                     for t in listing.terms.split()])


def _validate_listing(listing: Listing, *, on: dt.date) -> None:
    errors: dict[str, list[str]] = {}
    if listing.expires_on and listing.expires_on < on:
        errors["expires_on"] = [_("The expiry date is in the past.")]
    elif listing.expires_on and listing.expires_on > on + dt.timedelta(days=MAX_LISTING_DAYS):
        errors["expires_on"] = [_("A listing lives at most a year; renew it when it expires.")]
    if listing.kind == ListingKind.OFFER and not listing.capacity:
        errors["capacity"] = [_("A supply listing states its spare capacity (more than zero).")]
    if listing.kind == ListingKind.NEED and not listing.volume:
        errors["volume"] = [_("A need states the volume needed (more than zero).")]
    if not (listing.node_id or listing.material.strip()):
        errors["material"] = [_("Name the product or material, or choose the chain node.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def listing_publish(*, actor, enterprise, data: dict[str, Any], on: dt.date | None = None) -> Listing:
    """Publish a firm's supply or need; its own users publish, and so do bureau staff on its behalf (within their
    scope)."""
    on = on or today()
    listing = Listing(enterprise=enterprise, published_by=actor if getattr(actor, "pk", None) else None)
    for field in LISTING_FIELDS:
        if field in data:
            setattr(listing, field, data[field])
    listing.full_clean(exclude=["terms"])
    _validate_listing(listing, on=on)
    listing.terms = " ".join(listing_terms(title=listing.title, material=listing.material,
                                           description=listing.description))
    listing.save()
    ensure_can_after_write(actor, listing, "add", _("You may publish listings only for firms in your scope."))
    _write_terms(listing)
    event_record(kind="listing.published", message=_("Listing published: %(t)s") % {"t": listing.title},
                 obj=listing, actor=actor, data={"kind": listing.kind, "enterprise": enterprise.pk})
    return listing


@transaction.atomic
def listing_renew(*, actor, listing: Listing, expires_on: dt.date, on: dt.date | None = None) -> Listing:
    ensure_can(actor, "change", listing)
    on = on or today()
    listing.expires_on = expires_on
    listing.status = ListingStatus.ACTIVE
    _validate_listing(listing, on=on)
    listing.save(update_fields=["expires_on", "status", "updated"])
    _write_terms(listing)
    event_record(kind="listing.renewed", message=_("Listing renewed until %(d)s") % {"d": expires_on.isoformat()},
                 obj=listing, actor=actor)
    return listing


@transaction.atomic
def listing_withdraw(*, actor, listing: Listing) -> Listing:
    ensure_can(actor, "change", listing)
    listing.status = ListingStatus.WITHDRAWN
    listing.save(update_fields=["status", "updated"])
    _write_terms(listing)
    event_record(kind="listing.withdrawn", message=_("Listing withdrawn"), obj=listing, actor=actor)
    return listing


@transaction.atomic
def listings_expire(*, on: dt.date | None = None) -> int:
    """Set-based: every active listing past its expiry date expires (and leaves the recommendation index)."""
    on = on or today()
    expired = Listing.objects.filter(status=ListingStatus.ACTIVE, expires_on__lt=on)
    ids = list(expired.values_list("pk", flat=True))
    if ids:
        Listing.objects.filter(pk__in=ids).update(status=ListingStatus.EXPIRED, updated=timezone.now())
        ListingTerm.objects.filter(listing_id__in=ids).delete()
        event_record(kind="listing.expired", message=_("%(n)s listings expired") % {"n": len(ids)},
                     data={"listings": ids[:1000], "count": len(ids)})
    return len(ids)


# --- events --------------------------------------------------------------------------------------------------

EVENT_FIELDS = ("name", "chain", "date", "place", "organiser", "format", "slots", "slot_minutes")


@transaction.atomic
def event_create(*, actor, data: dict[str, Any]) -> Event:
    event = Event(**{k: v for k, v in data.items() if k in EVENT_FIELDS})
    event.full_clean()
    event.save()
    ensure_can_after_write(actor, event, "add", _("Events are organised by the city or the chain's work team."))
    event_record(kind="event.created", message=_("Matchmaking event planned: %(n)s") % {"n": event.name}, obj=event,
                 actor=actor)
    return event


def event_step(*, actor, event: Event, action: str) -> Event:
    return EVENT.run(action, event, actor=actor)


@transaction.atomic
def registration_create(*, actor, event: Event, enterprise, role: str = "both") -> Registration:
    """An enterprise registers itself while registration is open; the organisers invite any firm at any time
    before the event is closed."""
    organiser = can(actor, "change", event)
    if not organiser:
        if event.status != EventStatus.OPEN:
            raise ValidationError({"event": [_("Registration for this event is not open.")]})
        if not can(actor, "view_confidential", enterprise):
            raise PermissionDenied(_("You may register only your own firm."))
    elif event.status == EventStatus.CLOSED:
        raise ValidationError({"event": [_("The event is closed.")]})
    if Registration.objects.filter(event=event, enterprise=enterprise).exists():
        raise ValidationError({"enterprise": [_("The firm is already registered.")]})
    registration = Registration(event=event, enterprise=enterprise, role=role, invited=organiser)
    registration.full_clean()
    registration.save()
    event_record(kind="event.registered", message=_("%(f)s registered for %(e)s") % {"f": enterprise.name,
                                                                                     "e": event.name},
                 obj=event, actor=actor, data={"enterprise": enterprise.pk})
    return registration


@transaction.atomic
def attendance_record(*, actor, event: Event, attended_ids: set[int]) -> int:
    """Mark who came (every registration of the event, set-based)."""
    ensure_can(actor, "change", event)
    regs = Registration.objects.filter(event=event)
    regs.filter(enterprise_id__in=attended_ids).update(attended=True, updated=timezone.now())
    regs.exclude(enterprise_id__in=attended_ids).update(attended=False, updated=timezone.now())
    event_record(kind="event.attendance", message=_("Attendance recorded"), obj=event, actor=actor,
                 data={"attended": len(attended_ids)})
    return len(attended_ids)


def schedule_without_clashes(pairs: list[tuple[int, int, float]], *, slots: int) -> list[tuple[int, int, int, float]]:
    """Greedy one-to-one schedule: the best-scored pairs first, each at the earliest slot where neither firm is
    already in a meeting; a pair that fits no slot is left out. Returns (buyer, seller, slot, score)."""
    busy: set[tuple[int, int]] = set()  # (firm, slot)
    seen: set[tuple[int, int]] = set()
    out = []
    for buyer, seller, score in sorted(pairs, key=lambda p: (-p[2], p[0], p[1])):
        if buyer == seller or (buyer, seller) in seen:
            continue
        for slot in range(1, slots + 1):
            if (buyer, slot) not in busy and (seller, slot) not in busy:
                busy.update({(buyer, slot), (seller, slot)})
                seen.add((buyer, seller))
                out.append((buyer, seller, slot, score))
                break
    return out


@transaction.atomic
def meetings_schedule(*, actor, event: Event) -> int:
    """Pre-match the registered buyers with the registered suppliers by the recommendation score of their
    listings and schedule the meetings without clashes (replacing an earlier schedule)."""
    from .selectors import pair_scores

    ensure_can(actor, "change", event)
    if event.status == EventStatus.CLOSED:
        raise ValidationError({"event": [_("The event is closed.")]})
    pairs = pair_scores(event)
    plan = schedule_without_clashes(pairs, slots=event.slots)
    Meeting.objects.filter(event=event).delete()
    tables: dict[int, int] = {}
    rows = []
    for buyer, seller, slot, score in plan:
        tables[slot] = tables.get(slot, 0) + 1
        rows.append(Meeting(event=event, buyer_id=buyer, seller_id=seller, slot=slot, table=tables[slot],
                            score=round(score, 4)))
    Meeting.objects.bulk_create(rows)
    event_record(kind="event.meetings_scheduled", message=_("%(n)s one-to-one meetings scheduled") % {"n": len(rows)},
                 obj=event, actor=actor, data={"meetings": len(rows)})
    return len(rows)


# --- intentions -------------------------------------------------------------------------------------------------

INTENTION_FIELDS = ("event", "kind", "buyer", "seller", "lender", "product", "amount", "owner")


@transaction.atomic
def intention_declare(*, actor, data: dict[str, Any], on: dt.date | None = None) -> Intention:
    """Record a declared intention (意向). Its follow-up is due in ten working days and belongs to the one who
    recorded it, unless an owner is named. The same pair, kind and amount within a year is marked as a
    possible repeat, so that a re-signing is not counted twice."""
    on = on or today()
    it = Intention(**{k: v for k, v in data.items() if k in INTENTION_FIELDS})
    if it.kind == IntentionKind.FINANCING:
        it.seller = None
    if it.owner_id is None and can(actor, "own_follow_up", Intention):
        it.owner = actor
    it.follow_up_due = add_working_days(on, FOLLOW_UP_WORKING_DAYS)
    it.full_clean()
    if it.kind == IntentionKind.ORDER and it.seller_id == it.buyer_id:
        raise ValidationError({"seller": [_("A firm does not buy from itself.")]})
    earlier = Intention.objects.filter(buyer_id=it.buyer_id, seller_id=it.seller_id, lender=it.lender, kind=it.kind,
                                       amount=it.amount, created__gte=timezone.now() - dt.timedelta(days=365)
                                       ).exclude(status=IntentionStatus.DROPPED).order_by("created").first()
    it.repeat_of = earlier
    it.save()
    ensure_can_after_write(actor, it, "add", _("You may record deals only of firms in your scope."))
    event_record(kind="intention.declared", message=_("Intention declared: %(p)s, %(a)s万元") % {
        "p": it.product, "a": it.amount}, obj=it, actor=actor, data={"amount": str(it.amount),
                                                                    "repeat_of": earlier.pk if earlier else None})
    return it


def _amount(value, field: str, default: Decimal) -> Decimal:
    if value in (None, ""):
        return default
    try:
        amount = Decimal(str(value))
    except ArithmeticError:
        raise ValidationError({field: [_("Enter an amount in 10k yuan.")]}) from None
    if amount < 0 or amount >= Decimal("1e12"):
        raise ValidationError({field: [_("Enter an amount between 0 and 10^12 (10k yuan).")]})
    return amount


def _date(value, field: str, on: dt.date) -> dt.date:
    value = value or on
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            raise ValidationError({field: [_("Enter a date as YYYY-MM-DD.")]}) from None
    if value > on:
        raise ValidationError({field: [_("The date is in the future.")]})
    return value


def intention_sign(*, actor, intention: Intention, amount=None, signed_on=None, on: dt.date | None = None
                   ) -> Intention:
    on = on or today()
    amount = _amount(amount, "amount", intention.amount)
    signed_on = _date(signed_on, "signed_on", on)

    def apply(it, _t):
        it.signed_amount, it.signed_on = amount, signed_on
        it.follow_up_due = add_working_days(signed_on, DELIVERY_WORKING_DAYS) if it.kind == IntentionKind.ORDER \
            else None

    return INTENTION.run("sign", intention, actor=actor, apply=apply, data={"amount": str(amount)},
                         extra_fields=["signed_amount", "signed_on", "follow_up_due"])


def intention_deliver(*, actor, intention: Intention, amount=None, delivered_on=None, on: dt.date | None = None
                      ) -> Intention:
    on = on or today()
    amount = _amount(amount, "amount", intention.signed_amount or intention.amount)
    delivered_on = _date(delivered_on, "delivered_on", on)

    def apply(it, _t):
        if it.signed_on and delivered_on < it.signed_on:
            raise ValidationError({"delivered_on": [_("Delivery cannot come before signing.")]})
        it.delivered_amount, it.delivered_on, it.follow_up_due = amount, delivered_on, None

    return INTENTION.run("deliver", intention, actor=actor, apply=apply, data={"amount": str(amount)},
                         extra_fields=["delivered_amount", "delivered_on", "follow_up_due"])


def intention_drop(*, actor, intention: Intention, reason: str) -> Intention:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the deal was dropped.")]})
    if len(reason) > 300:
        raise ValidationError({"reason": [_("At most 300 characters.")]})

    def apply(it, _t):
        it.drop_reason, it.follow_up_due = reason, None

    return INTENTION.run("drop", intention, actor=actor, apply=apply, note=reason,
                         extra_fields=["drop_reason", "follow_up_due"])


def intentions_remind(*, on: dt.date | None = None) -> int:
    """Remind each owner of the intentions whose follow-up is overdue (one inbox line per owner, with the count)."""
    from django.db.models import Count

    from industry_brain.accounts.models import User
    from industry_brain.demands.choices import NotificationKind
    from industry_brain.demands.notifications import notify

    on = on or today()
    late = (Intention.objects.filter(status__in=[IntentionStatus.DECLARED, IntentionStatus.SIGNED],
                                     follow_up_due__lt=on, owner__isnull=False)
            .values("owner").annotate(n=Count("pk")))
    sent = 0
    with transaction.atomic():
        for row in late:
            owner = User.objects.get(pk=row["owner"])
            notify(users=[owner], kind=NotificationKind.DEAL_FOLLOW_UP,
                   text=_("%(n)s matchmaking deals are waiting for your follow-up") % {"n": row["n"]},
                   link="/matchmaking/intentions/?overdue=true")
            sent += 1
    return sent


# --- investment-attraction targets -----------------------------------------------------------------------------

TARGET_FIELDS = ("chain", "node", "name", "uscc", "region", "source", "score", "note")


@transaction.atomic
def target_create(*, actor, data: dict[str, Any]) -> AttractionTarget:
    target = AttractionTarget(**{k: v for k, v in data.items() if k in TARGET_FIELDS})
    target.full_clean()
    if target.node.chain_id != target.chain_id:
        raise ValidationError({"node": [_("The node belongs to another chain.")]})
    target.save()
    ensure_can_after_write(actor, target, "add", _("Targets are kept by the city or the chain's work team."))
    event_record(kind="target.identified", message=_("Investment target identified: %(n)s") % {"n": target.name},
                 obj=target, actor=actor)
    return target


def target_step(*, actor, target: AttractionTarget, action: str, note: str = "") -> AttractionTarget:
    if action == "sign":
        raise ValidationError({"action": [_("Signing registers the investment project: use the sign step.")]})
    if action == "drop" and not note.strip():
        raise ValidationError({"note": [_("Say why the target was dropped.")]})
    return TARGET.run(action, target, actor=actor, note=note)


def target_sign(*, actor, target: AttractionTarget, project: dict[str, Any]) -> AttractionTarget:
    """The target signed: its investment project is registered in the projects module (through that module's
    service, with all its checks) and linked to the target."""
    from industry_brain.projects.services import project_create

    def apply(t, _transition):
        data = {"chain": t.chain, "ecosystem": t.chain.ecosystem, **project}
        data.setdefault("investor_name", t.name)
        t.project = project_create(actor=actor, data=data)

    return TARGET.run("sign", target, actor=actor, apply=apply, extra_fields=["project"],
                      data={"name": project.get("name", "")})
