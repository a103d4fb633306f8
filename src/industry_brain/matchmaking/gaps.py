"""Chain gaps (补链/强链/延链): where local demand is met from outside, and whom to attract.

For each node of a chain, over the supply links whose material belongs to that node (what local firms buy of it):

    local_share   = Σ volume supplied by local firms      ÷ Σ volume bought by local firms
    outside_share = Σ volume supplied from outside the province (region not 33xxxx, or abroad) ÷ Σ volume bought
    gap           = 1 − local_share  (nodes without any recorded demand have no gap figure)

The nodes are ranked by gap (largest first; ties: fewer local firms first). The chain's completeness score is

    completeness = 50 × (nodes with at least one local firm ÷ nodes)
                 + 50 × (Σ local volume ÷ Σ volume over all the chain's nodes)

so a chain with a firm at every link and all its demand met locally scores 100. Everything is one grouped query
per chain over the links and one over the memberships: set-based, recomputed on every read from the records.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from industry_brain.chains.choices import segment_order
from industry_brain.chains.models import Chain, ChainMembership, ChainNode

ZERO = Value(Decimal(0), output_field=DecimalField(max_digits=20, decimal_places=2))
FORMULA = _("local share = volume supplied by local firms ÷ volume bought by local firms (per node); "
           "completeness = 50 × nodes with a local firm ÷ nodes + 50 × local volume ÷ all volume")


def may_read_gaps(user, chain: Chain | None = None) -> bool:
    """The city, and the work team of the chain's ecosystem (any chain team when no chain is named)."""
    from industry_brain.core.permissions import is_city

    if is_city(user):
        return True
    if getattr(user, "role", None) != "chain_team":
        return False
    return chain is None or chain.ecosystem_id == user.ecosystem_id


def _links():
    from industry_brain.supply.models import SupplyLink

    return SupplyLink.objects.order_by()


def chain_gaps(chain: Chain) -> dict:
    nodes = list(ChainNode.objects.filter(chain=chain).order_by(segment_order(), "order", "id"))
    ids = [n.pk for n in nodes]
    volumes = {r["material__node"]: r for r in _links().filter(material__node_id__in=ids)
               .values("material__node").annotate(
                   total=Coalesce(Sum("monthly_volume"), ZERO),
                   local=Coalesce(Sum("monthly_volume", filter=Q(supplier_enterprise__isnull=False)), ZERO),
                   outside=Coalesce(Sum("monthly_volume", filter=Q(supplier_external__isnull=False)
                                        & ~Q(supplier_external__region__startswith="33")), ZERO),
                   external_suppliers=Count("supplier_external", distinct=True))}
    firms = dict(ChainMembership.objects.counted().filter(node_id__in=ids).order_by().values("node")
                 .annotate(n=Count("enterprise", distinct=True)).values_list("node", "n"))
    rows = []
    for n in nodes:
        v = volumes.get(n.pk)
        total = v["total"] if v else Decimal(0)
        local_share = float(v["local"] / total) if v and total else None
        outside_share = float(v["outside"] / total) if v and total else None
        rows.append({"node": n.pk, "name": n.name, "segment": n.segment, "local_firms": firms.get(n.pk, 0),
                     "demand_volume": total, "local_share": local_share, "outside_share": outside_share,
                     "external_suppliers": v["external_suppliers"] if v else 0,
                     "gap": None if local_share is None else round(1 - local_share, 4)})
    ranked = sorted((r for r in rows if r["gap"] is not None), key=lambda r: (-r["gap"], r["local_firms"], r["node"]))
    for i, r in enumerate(ranked, start=1):
        r["gap_rank"] = i
    for r in rows:
        r.setdefault("gap_rank", None)
    with_firm = sum(1 for r in rows if r["local_firms"])
    total = sum((r["demand_volume"] for r in rows), Decimal(0))
    local = sum((volumes[r["node"]]["local"] for r in rows if r["node"] in volumes), Decimal(0))
    completeness = (50 * with_firm / len(rows) if rows else 0) + (50 * float(local / total) if total else 0)
    return {"chain": chain.pk, "name": chain.name, "completeness": round(completeness, 1), "formula": str(FORMULA),
            "nodes": rows}


def all_chain_gaps() -> list[dict]:
    return [chain_gaps(c) for c in Chain.objects.order_by("ecosystem", "order", "id")]


def suggested_targets(node: ChainNode, limit: int = 20) -> list[dict]:
    """External firms already supplying local firms with this node's materials, by volume supplied: the first
    candidates for attraction (they know the local customers)."""
    rows = (_links().filter(material__node=node, supplier_external__isnull=False)
            .values("supplier_external", "supplier_external__name", "supplier_external__region",
                    "supplier_external__uscc")
            .annotate(volume=Sum("monthly_volume"), customers=Count("customer", distinct=True))
            .order_by("-volume", "supplier_external")[:limit])
    from industry_brain.supply.regions import region_name

    return [{"external_firm": r["supplier_external"], "name": r["supplier_external__name"],
             "region": r["supplier_external__region"], "region_name": region_name(r["supplier_external__region"]),
             "uscc": r["supplier_external__uscc"],
             "volume": r["volume"], "customers": r["customers"]} for r in rows]
