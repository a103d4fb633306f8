"""Reads for ecosystems and chains. Counts and sizes are computed live from the registry, never drawn
by hand (DESIGN principle 2)."""

from __future__ import annotations

from django.db.models import Count, Max, Q, Sum

from industry_brain.enterprises.models import Enterprise, YearlyFigures

from .choices import segment_order
from .models import Chain, ChainMaster, ChainMembership, ChainNode, Ecosystem, NodeLink


def latest_figures_year() -> int | None:
    return YearlyFigures.objects.aggregate(y=Max("year"))["y"]


def ecosystem_overview() -> list[dict]:
    """Per ecosystem: chains, nodes, member enterprises (distinct), above-scale members, chain-masters."""
    rows = []
    chain_counts = dict(Ecosystem.objects.annotate(n=Count("chains")).values_list("pk", "n"))
    node_counts = dict(ChainNode.objects.values("chain__ecosystem").annotate(n=Count("pk")).values_list(
        "chain__ecosystem", "n"))
    member_rows = ChainMembership.objects.values("node__chain__ecosystem").annotate(
        n=Count("enterprise", distinct=True),
        above=Count("enterprise", filter=Q(enterprise__is_above_scale=True), distinct=True))
    members = {r["node__chain__ecosystem"]: r for r in member_rows}
    masters = dict(ChainMaster.objects.filter(status="designated").values("chain__ecosystem").annotate(
        n=Count("pk")).values_list("chain__ecosystem", "n"))
    for eco in Ecosystem.objects.prefetch_related("chains"):
        m = members.get(eco.pk, {})
        rows.append({"ecosystem": eco, "chains": chain_counts.get(eco.pk, 0), "nodes": node_counts.get(eco.pk, 0),
                     "enterprises": m.get("n", 0), "above_scale": m.get("above", 0),
                     "masters": masters.get(eco.pk, 0)})
    return rows


def chain_graph(chain: Chain) -> dict:
    """Nodes with segment, local enterprise count and output (sum of members' latest-year revenue), and the
    supply links between nodes."""
    year = latest_figures_year()
    nodes = list(chain.nodes.order_by(segment_order(), "order", "id"))
    counts = dict(ChainMembership.objects.filter(node__chain=chain).values("node").annotate(
        n=Count("pk")).values_list("node", "n"))
    output = {}
    if year is not None:
        output = dict(YearlyFigures.objects.filter(
            year=year, enterprise__memberships__node__chain=chain).values(
            "enterprise__memberships__node").annotate(s=Sum("revenue")).values_list(
            "enterprise__memberships__node", "s"))
    links = list(NodeLink.objects.filter(supplier__chain=chain).values_list("supplier_id", "customer_id"))
    return {
        "year": year,
        "nodes": [{"id": n.pk, "name": n.name, "segment": n.segment, "is_key": n.is_key,
                   "enterprises": counts.get(n.pk, 0), "output": float(output.get(n.pk) or 0)} for n in nodes],
        "links": [{"source": s, "target": t} for s, t in links],
    }


def node_enterprises(node: ChainNode, limit: int = 8):
    """The largest members of a node (above-scale first), for the chain page."""
    ids = ChainMembership.objects.filter(node=node).values("enterprise_id")
    return Enterprise.objects.filter(pk__in=ids).select_related("district").order_by("-is_above_scale", "name")[:limit]
