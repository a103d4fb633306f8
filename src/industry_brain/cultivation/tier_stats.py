"""Statistics in the source's style ("新增国家专精特新'小巨人'企业X家，累计Y家"), by tier, year, district and chain; the
tier pyramid; conversion between tiers over the years. Read from the registry's recognitions within the reader's
scope (one grouped query each)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone

from industry_brain.enterprises.models import Enterprise, Recognition

from .choices import ENTERPRISE_TIERS, TierKey

SOURCE_NAMES = {"specialised": "省级专精特新中小企业", "hidden_champion": "省级隐形冠军企业",
                "little_giant": "国家专精特新“小巨人”企业", "single_champion": "国家制造业单项冠军企业",
                "eagle": "雄鹰企业", "kunpeng": "“鲲鹏”企业"}


def _valid(user):
    today = timezone.localdate()
    visible = Enterprise.objects.restrict(user, "view").values("pk")
    return Recognition.objects.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today),
                                      enterprise_id__in=visible)


def tier_statistics(*, user, year: int | None = None) -> list[dict]:
    """Per tier: new in the year and valid in total, with the sentence in the source's style."""
    year = year or timezone.localdate().year - 1
    rows = {r["tier"]: r for r in _valid(user).values("tier").annotate(
        total=Count("enterprise", distinct=True), new=Count("enterprise", distinct=True, filter=Q(year=year)))}
    out = []
    for tier in ENTERPRISE_TIERS:
        r = rows.get(tier, {"total": 0, "new": 0})
        out.append({"tier": tier, "label": TierKey(tier).label, "year": year, "new": r["new"], "total": r["total"],
                    "sentence": f"{year}年新增{SOURCE_NAMES[tier]}{r['new']}家，累计{r['total']}家"})
    return out


def pyramid(*, user, by: str = "district") -> list[dict]:
    """Valid recognitions per district (or chain) and tier."""
    key = "enterprise__district__name" if by == "district" else "enterprise__memberships__node__chain__name"
    qs = _valid(user)
    if by != "district":  # a chain counts its confirmed members (a team's proposal counts once confirmed)
        qs = qs.filter(enterprise__memberships__status="confirmed")
    out: dict[str, dict] = {}
    for r in qs.values(key, "tier").annotate(n=Count("enterprise", distinct=True)).order_by(key):
        out.setdefault(r[key] or "—", {})[r["tier"]] = r["n"]
    return [{"key": k, "counts": v} for k, v in out.items()]


def conversion(*, user) -> list[dict]:
    """How many firms holding a tier went on to a higher one in a later year (all recognitions on record)."""
    visible = Enterprise.objects.restrict(user, "view").values("pk")
    first: dict[tuple[int, str], int] = {}
    for pk, tier, year in Recognition.objects.filter(enterprise_id__in=visible).values_list(
            "enterprise_id", "tier", "year"):
        k = (pk, tier)
        first[k] = min(first.get(k, year), year)
    by_firm: dict[int, dict[str, int]] = {}
    for (pk, tier), year in first.items():
        by_firm.setdefault(pk, {})[tier] = year
    counts: dict[tuple[str, str], int] = {}
    order = ENTERPRISE_TIERS
    for tiers in by_firm.values():
        for a, ya in tiers.items():
            for b, yb in tiers.items():
                if a in order and b in order and order.index(b) > order.index(a) and yb > ya:
                    counts[(a, b)] = counts.get((a, b), 0) + 1
    return [{"from": TierKey(a).label, "to": TierKey(b).label, "n": n} for (a, b), n in sorted(counts.items())]


def export_rows(*, user) -> list[list]:
    rows = []
    for r in _valid(user).values("tier", "enterprise__district__name", "year").annotate(
            n=Count("enterprise", distinct=True)).order_by("tier", "enterprise__district__name", "year"):
        rows.append([str(TierKey(r["tier"]).label), r["enterprise__district__name"], r["year"], r["n"], None])
    totals = {}
    for row in rows:
        key = (row[0], row[1])
        totals[key] = totals.get(key, 0) + row[3]
        row[4] = totals[key]
    return rows
