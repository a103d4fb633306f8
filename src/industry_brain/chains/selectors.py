"""Reads for ecosystems and chains. Counts and sizes are computed from the registry, never drawn by hand
(DESIGN principle 2): the chain map live on every request, the ecosystem overview from the pre-aggregated
`EcosystemStats` that `ecosystem_stats_refresh` rebuilds from the memberships (docs/decisions.md)."""

from __future__ import annotations

from django.db.models import Count, F, Max, OuterRef, Q, Subquery, Sum, Window
from django.db.models.functions import RowNumber

from industry_brain.enterprises.models import Enterprise, YearlyFigures

from .choices import segment_order
from .models import Chain, ChainMaster, ChainMembership, ChainNode, Ecosystem, EcosystemStats, NodeLink


def latest_figures_year() -> int | None:
    return YearlyFigures.objects.aggregate(y=Max("year"))["y"]  # the first entry of figures_year_enterprise_idx


def ecosystem_member_counts() -> dict[int, tuple[int, int]]:
    """Per ecosystem: distinct member enterprises and the above-scale ones among them, counted over every
    membership. A whole-table aggregate: for `ecosystem_stats_refresh`, not for a page."""
    rows = ChainMembership.objects.order_by().values("node__chain__ecosystem").annotate(
        n=Count("enterprise", distinct=True),
        above=Count("enterprise", filter=Q(enterprise__is_above_scale=True), distinct=True))
    return {r["node__chain__ecosystem"]: (r["n"], r["above"]) for r in rows}


def ecosystem_overview() -> list[dict]:
    """Per ecosystem: chains, nodes, member enterprises (distinct), above-scale members, chain-masters, and when
    the member counts were computed. Member counts come from `EcosystemStats`; until the first refresh they are
    counted here."""
    rows = []
    chain_counts = dict(Ecosystem.objects.annotate(n=Count("chains")).values_list("pk", "n"))
    node_counts = dict(ChainNode.objects.order_by().values("chain__ecosystem").annotate(n=Count("pk")).values_list(
        "chain__ecosystem", "n"))
    masters = dict(ChainMaster.objects.filter(status="designated").order_by().values("chain__ecosystem").annotate(
        n=Count("pk")).values_list("chain__ecosystem", "n"))
    ecosystems = list(Ecosystem.objects.prefetch_related("chains"))
    stats = {s.ecosystem_id: s for s in EcosystemStats.objects.all()}
    live = ecosystem_member_counts() if any(eco.pk not in stats for eco in ecosystems) else {}
    for eco in ecosystems:
        s = stats.get(eco.pk)
        enterprises, above = (s.enterprises, s.above_scale) if s is not None else live.get(eco.pk, (0, 0))
        rows.append({"ecosystem": eco, "chains": chain_counts.get(eco.pk, 0), "nodes": node_counts.get(eco.pk, 0),
                     "enterprises": enterprises, "above_scale": above, "masters": masters.get(eco.pk, 0),
                     "computed_at": s.computed_at if s is not None else None})
    return rows


def chain_graph(chain: Chain) -> dict:
    """Nodes with segment, local enterprise count and output (sum of members' latest-year revenue), and the
    supply links between nodes. Live: a few indexed queries over the chain's own memberships."""
    year = latest_figures_year()
    nodes = list(chain.nodes.order_by(segment_order(), "order", "id"))
    members = ChainMembership.objects.filter(node_id__in=[n.pk for n in nodes]).order_by()
    counts = dict(members.values("node").annotate(n=Count("pk")).values_list("node", "n"))
    output = {}
    if year is not None:
        # One figures row per enterprise and year (figures_one_row_per_year): each member's revenue that year,
        # read from figures_year_enterprise_idx; members without figures that year add nothing.
        revenue = YearlyFigures.objects.filter(year=year, enterprise_id=OuterRef("enterprise_id")).order_by().values(
            "revenue")
        output = dict(members.values("node").annotate(s=Sum(Subquery(revenue[:1]))).values_list("node", "s"))
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


def nodes_enterprises(nodes: list[ChainNode], limit: int = 8) -> dict[int, list[Enterprise]]:
    """`node_enterprises` for several nodes in one query (a window ranking members per node)."""
    ranked = (ChainMembership.objects.filter(node_id__in=[n.pk for n in nodes])
              .annotate(rank=Window(RowNumber(), partition_by=[F("node_id")],
                                    order_by=[F("enterprise__is_above_scale").desc(), F("enterprise__name").asc(),
                                              F("enterprise_id").asc()]))
              .filter(rank__lte=limit).select_related("enterprise", "enterprise__district")
              .order_by("node_id", "rank"))
    result: dict[int, list[Enterprise]] = {n.pk: [] for n in nodes}
    for membership in ranked:
        result[membership.node_id].append(membership.enterprise)
    return result
