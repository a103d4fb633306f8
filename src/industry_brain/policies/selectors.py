"""Reads of the policies app; each takes the user and restricts (aggregates too)."""

from __future__ import annotations

import statistics
from decimal import Decimal

from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from .choices import RELIEF_KINDS, MeasureKind, Mode, Status
from .models import Eligibility, LedgerEntry, LedgerRollup, PolicyItem

ZERO = Value(Decimal(0), output_field=DecimalField(max_digits=16, decimal_places=2))
APPROVED_UNPAID = [Status.CONFIRMED, Status.PAYABLE, Status.HELD]


def eligibility_list(*, user) -> QuerySet[Eligibility]:
    return Eligibility.objects.restrict(user, "view").select_related("item", "item__policy", "enterprise",
                                                                     "version")


def item_list(*, user) -> QuerySet[PolicyItem]:
    return PolicyItem.objects.restrict(user, "view").select_related("policy", "policy__department")


def item_metrics(*, user, items=None) -> dict[int, dict]:
    """Honest metrics per item over the standings the user may see: eligible, unknown, notified, read, confirmed,
    paid, amount paid, approved but unpaid, median days from computation to payment. No push counts."""
    qs = Eligibility.objects.restrict(user, "view")
    if items is not None:
        qs = qs.filter(item__in=items)
    notified_states = [Status.NOTIFIED, Status.CONFIRMED, Status.DECLINED, Status.EXPIRED, Status.PAYABLE,
                       Status.PAID, Status.HELD, Status.CLAWED_BACK]
    rows = qs.values("item_id").annotate(
        eligible=Count("pk", filter=Q(result=True, superseded_by__isnull=True)),
        unknown=Count("pk", filter=Q(result__isnull=True)),
        notified=Count("pk", filter=Q(status__in=notified_states)),
        read=Count("pk", filter=Q(read_at__isnull=False)),
        confirmed=Count("pk", filter=Q(confirmed_at__isnull=False)),
        declined=Count("pk", filter=Q(status=Status.DECLINED)),
        expired=Count("pk", filter=Q(status=Status.EXPIRED)),
        paid=Count("pk", filter=Q(status=Status.PAID)),
        paid_amount=Coalesce(Sum("paid_amount", filter=Q(status=Status.PAID)), ZERO),
        approved_unpaid=Count("pk", filter=Q(status__in=APPROVED_UNPAID)),
    ).order_by("item_id")
    out = {r["item_id"]: {**r, "median_days_to_payment": None} for r in rows}
    durations: dict[int, list[float]] = {}
    for item_id, computed, paid in qs.filter(status=Status.PAID).values_list("item_id", "computed_at", "paid_at"):
        durations.setdefault(item_id, []).append((paid - computed).total_seconds() / 86400)
    for item_id, days in durations.items():
        out[item_id]["median_days_to_payment"] = round(statistics.median(days), 1)
    return out


def overall_metrics(*, user) -> dict:
    """Totals over all items the user sees, with the share of payments made without application (免申比例):
    payments of items in the 免申即享 mode over all payments."""
    per_item = item_metrics(user=user)
    keys = ["eligible", "unknown", "notified", "read", "confirmed", "declined", "expired", "paid", "approved_unpaid"]
    total = {k: sum(m[k] for m in per_item.values()) for k in keys}
    total["paid_amount"] = sum((m["paid_amount"] for m in per_item.values()), Decimal(0))
    paid = Eligibility.objects.restrict(user, "view").filter(status=Status.PAID)
    auto = paid.filter(item__mode=Mode.AUTO).count()
    total["auto_share"] = round(auto / total["paid"] * 100, 1) if total["paid"] else None
    days = [(p - c).total_seconds() / 86400 for c, p in paid.values_list("computed_at", "paid_at")]
    total["median_days_to_payment"] = round(statistics.median(days), 1) if days else None
    total["firms_approved_unpaid"] = Eligibility.objects.restrict(user, "view").filter(
        status__in=APPROVED_UNPAID).values("enterprise_id").distinct().count()
    return total


BY_FIELDS = {"kind": "kind", "district": "district_id", "industry": "industry_id", "size": "size",
             "policy": "policy_id", "month": "month", "basis": "basis"}


ROLLUP_FIELDS = {"year", "month", "kind", "basis", "district", "industry", "size", "policy", "department"}


def _q_fields(q) -> set[str]:
    out = set()
    for child in q.children:
        if isinstance(child, Q):
            out |= _q_fields(child)
        else:
            out.add(child[0].split("__")[0])
    return out


def _rollup_serves(user, by: str | None, filters: dict | None) -> bool:
    """Whether the stored rollup answers this summary: the user's scope and the filters name only its fields
    (city, district bureaus, departments); a firm's or a chain team's scope goes through the entries."""
    fields = {k.split("__")[0].removesuffix("_id") for k in (filters or {})}
    if by in BY_FIELDS:
        fields.add(BY_FIELDS[by].removesuffix("_id"))
    scope = LedgerEntry.scope(user, "view") if getattr(user, "is_authenticated", False) else None
    if scope is not None:
        fields |= {f.removesuffix("_id") for f in _q_fields(scope)}
    return fields <= ROLLUP_FIELDS


def ledger_summary(*, user, year: int, by: str | None = None, filters: dict | None = None) -> dict:
    """The year's burden reduction the user may see: the total of relief (deferrals never in it), the breakdown
    by kind with its basis, deferrals apart, and optionally a breakdown by another dimension."""
    model = LedgerRollup if _rollup_serves(user, by, filters) else LedgerEntry
    qs = model.objects.restrict(user, "view").filter(year=year)
    if filters:
        qs = qs.filter(**filters)
    rows = list(qs.values("kind", "basis").annotate(amount=Sum("amount")).order_by("kind", "basis"))
    labels = dict(MeasureKind.choices)
    by_kind = []
    total = Decimal(0)
    deferrals = Decimal(0)
    for r in rows:
        amount = r["amount"] or Decimal(0)
        by_kind.append({"kind": r["kind"], "label": str(labels.get(r["kind"], r["kind"])), "basis": r["basis"],
                        "amount": amount})
        if r["kind"] in RELIEF_KINDS:
            total += amount
        else:
            deferrals += amount
    order = {k: i for i, k in enumerate(MeasureKind.values)}
    by_kind.sort(key=lambda r: (order.get(r["kind"], 99), r["basis"]))
    out = {"year": year, "total": total, "by_kind": by_kind, "deferrals": deferrals,
           "sentence": summary_sentence(total, by_kind, deferrals)}
    if by and by in BY_FIELDS and by != "kind":
        field = BY_FIELDS[by]
        out["by"] = by
        out["breakdown"] = [
            {"key": r[field], "amount": r["amount"]}
            for r in qs.filter(kind__in=RELIEF_KINDS).values(field).annotate(amount=Sum("amount"))
            .order_by("-amount")]
    return out


def yi(amount_wan: Decimal) -> str:
    """万元 → 亿元 with one decimal, as the source prints it."""
    return f"{(Decimal(amount_wan) / Decimal(10000)).quantize(Decimal('0.1'))}"


def summary_sentence(total: Decimal, by_kind: list[dict], deferrals: Decimal) -> str:
    """"共为企业减负降本X亿元，其中……": the total never stands alone, deferrals are named apart."""
    parts = []
    merged: dict[str, tuple[str, Decimal, set]] = {}
    for r in by_kind:
        if r["kind"] not in RELIEF_KINDS:
            continue
        label, amount, bases = merged.get(r["kind"], (r["label"], Decimal(0), set()))
        merged[r["kind"]] = (label, amount + r["amount"], bases | {r["basis"]})
    for label, amount, bases in merged.values():
        est = _("(estimated)") if bases == {"estimated"} else (_("(partly estimated)") if "estimated" in bases else "")
        parts.append(_("%(label)s %(amount)s亿元%(est)s") % {"label": label, "amount": yi(amount), "est": est})
    sentence = _("In total %(total)s亿元 of burden reduced for enterprises") % {"total": yi(total)}
    if parts:
        sentence += _(", of which ") + _("; ").join(parts)
    if deferrals:
        sentence += _(". Deferrals of %(d)s亿元 are to be repaid and are not counted in the total.") % {
            "d": yi(deferrals)}
    else:
        sentence += _(".")
    return sentence
