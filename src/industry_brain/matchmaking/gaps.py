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

Leading firms per node (for a reader): the confirmed members the reader may see, by output (last year's revenue),
at most LEADING per node, from one window query. A firm's output is shown only to a reader who may see its figures;
for any other reader the firm is a name only, and only on a node of at least MIN_GROUP firms (docs/scope.md,
published aggregates), so that nobody reads the order of one or two firms' revenues off the list.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import connection
from django.db.models import BooleanField, Case, Count, DecimalField, F, OuterRef, Q, Subquery, Sum, Value, When, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils.translation import gettext_lazy as _

from industry_brain.chains.choices import MembershipStatus, segment_order
from industry_brain.chains.models import MIN_GROUP, Chain, ChainMembership, ChainNode

ZERO = Value(Decimal(0), output_field=DecimalField(max_digits=20, decimal_places=2))
LEADING = 3  # leading firms listed per node
WALK_FROM = 200  # members from which a node's leading firms are read down the revenue index (PostgreSQL)
FORMULA = _("local share = volume supplied by local firms ÷ volume bought by local firms (per node); "
           "completeness = 50 × nodes with a local firm ÷ nodes + 50 × local volume ÷ all volume")


def _links():
    from industry_brain.supply.models import SupplyLink

    return SupplyLink.objects.order_by()


def chain_gaps(chain: Chain, *, user=None) -> dict:
    """The gap figures of every node of a chain; with `user`, each node's leading firms as that user may see them."""
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
    if user is not None:
        leading = leading_firms(user=user, node_ids=ids, sizes=firms)
        for r in rows:
            r["leading_firms"] = leading.get(r["node"], [])
    return {"chain": chain.pk, "name": chain.name, "completeness": round(completeness, 1), "formula": str(FORMULA),
            "nodes": rows}


def _members_q(user, action: str) -> Q | None:
    from industry_brain.core.permissions import scope_filter
    from industry_brain.enterprises.models import enterprise_scope

    return scope_filter(user, enterprise_scope, action, prefix="enterprise__")


def leading_firms(*, user, node_ids: list[int], sizes: dict[int, int] | None = None,
                  limit: int = LEADING) -> dict[int, list[dict]]:
    """Per node, its largest confirmed members by last year's revenue among the firms `user` may see: `output`
    (万元) for the firms whose figures the user may see, None otherwise; a firm whose figures the user may not see
    is listed only on a node of at least MIN_GROUP firms. `sizes` (members per node) when already counted."""
    from industry_brain.chains.selectors import latest_figures_year
    from industry_brain.enterprises.models import YearlyFigures

    visible, confidential = _members_q(user, "view"), _members_q(user, "view_confidential")
    if visible is None or not node_ids:
        return {}
    members = ChainMembership.objects.counted().filter(node_id__in=node_ids).order_by()
    if sizes is None:
        sizes = dict(members.values("node").annotate(n=Count("enterprise", distinct=True)).values_list("node", "n"))
    if confidential is None:
        may_see = Value(False, output_field=BooleanField())
    elif not confidential:  # Q(): every firm's figures
        may_see = Value(True, output_field=BooleanField())
    else:
        may_see = Case(When(confidential, then=Value(True)), default=Value(False), output_field=BooleanField())
    year = latest_figures_year()
    result: dict[int, list[dict]] = {}
    if not visible and not confidential and year is not None and connection.vendor == "postgresql":
        # A reader who sees every firm and its figures: walk the year's figures from the largest revenue down and
        # stop at the limit (figures_year_revenue_idx), on the nodes large enough for that walk to be short.
        walked = [n for n in node_ids if sizes.get(n, 0) >= WALK_FROM]
        result = _walk_leading(walked, year, limit)
        node_ids = [n for n in node_ids if n not in result]
        if not node_ids:
            return result
        members = members.filter(node_id__in=node_ids)
    rows = members.filter(visible)
    small = [n for n in node_ids if sizes.get(n, 0) < MIN_GROUP]
    if small and (confidential is None or confidential):
        # Below the group size, a firm whose figures the reader may not see is not ranked at all.
        rows = rows.exclude(Q(node_id__in=small) if confidential is None else Q(node_id__in=small) & ~confidential)
    revenue = (YearlyFigures.objects.filter(year=year, enterprise_id=OuterRef("enterprise_id")).order_by()
               .values("revenue")[:1])
    ranked = (rows.annotate(output=Subquery(revenue), shown=may_see)
              .annotate(rank=Window(RowNumber(), partition_by=[F("node_id")],
                                    order_by=[F("output").desc(nulls_last=True), F("enterprise_id").asc()]))
              .filter(rank__lte=limit).order_by("node_id", "rank")
              .values_list("node_id", "enterprise_id", "enterprise__name", "output", "shown"))
    for node, enterprise, name, output, figures_shown in ranked:
        result.setdefault(node, []).append({"enterprise": enterprise, "name": name,
                                            "output": float(output) if figures_shown and output is not None else None})
    return result


def _walk_leading(node_ids: list[int], year: int, limit: int) -> dict[int, list[dict]]:
    """Per node, its `limit` confirmed members with the largest revenue of `year` (ties: lower id first), read from
    the figures index downwards until found: about limit × firms ÷ members index entries per node, not every
    member. A node with fewer than `limit` members with figures that year is left out (the caller ranks it with the
    window query, which also places members without figures)."""
    from industry_brain.enterprises.models import Enterprise, YearlyFigures

    if not node_ids:
        return {}
    figures, membership = YearlyFigures._meta.db_table, ChainMembership._meta.db_table
    sql = f"""
        SELECT n.id, f.enterprise_id, e.name, f.revenue
          FROM unnest(%s::bigint[]) AS n(id)
          CROSS JOIN LATERAL (
                SELECT f.enterprise_id, f.revenue FROM {figures} f
                 WHERE f.year = %s AND EXISTS (
                       SELECT 1 FROM {membership} m
                        WHERE m.enterprise_id = f.enterprise_id AND m.node_id = n.id AND m.status = %s)
                 ORDER BY f.revenue DESC, f.enterprise_id
                 LIMIT %s) f
          JOIN {Enterprise._meta.db_table} e ON e.id = f.enterprise_id
         ORDER BY n.id, f.revenue DESC, f.enterprise_id"""
    found: dict[int, list[dict]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [list(node_ids), year, MembershipStatus.CONFIRMED, limit])
        for node, enterprise, name, revenue in cursor.fetchall():
            found.setdefault(node, []).append({"enterprise": enterprise, "name": name, "output": float(revenue)})
    return {node: firms for node, firms in found.items() if len(firms) == limit}


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
