"""Reads of the industry brains. A brain page is made of aggregates over its linked firms; every figure obeys
scope: sums of firms' figures are shown only over groups of at least three firms (MIN_GROUP), records such as
demands and deals are counted within the reader's own scope, and a firm sees its own position, never another's."""

from __future__ import annotations

import statistics

from django.db.models import Count, DecimalField, Max, Q, Sum, Value
from django.db.models.functions import Coalesce

from industry_brain.enterprises.models import YearlyFigures

from .models import Brain, BrainFirm, OperatingReport, OptIn

MIN_GROUP = 3
ZERO = Value(0, output_field=DecimalField(max_digits=20, decimal_places=2))
BIG_PROJECT_WAN = 10_000  # a project of 1亿元 or more


def brain_list(*, user):
    return Brain.objects.restrict(user, "view").order_by("name")


def _latest_year() -> int | None:
    return YearlyFigures.objects.aggregate(y=Max("year"))["y"]


def brain_nodes(brain: Brain) -> list[dict]:
    """The brain's nodes as last computed (`brain_refresh`); live when it was never computed."""
    return brain.node_stats if brain.computed_at and brain.node_stats else brain_nodes_live(brain)


def brain_nodes_live(brain: Brain) -> list[dict]:
    """Per node of the brain: linked local firms and their output (sum of last year's revenue, 万元), the output
    left out (None) for a node of fewer than MIN_GROUP firms."""
    year = _latest_year()
    counts = dict(BrainFirm.objects.filter(brain=brain, node__isnull=False).order_by().values("node")
                  .annotate(n=Count("pk")).values_list("node", "n"))
    output = {}
    if year is not None:
        rows = (BrainFirm.objects.filter(brain=brain, node__isnull=False).order_by().values("node")
                .annotate(s=Sum("enterprise__figures__revenue", filter=Q(enterprise__figures__year=year))))
        output = {r["node"]: r["s"] for r in rows}
    return [{"node": n.pk, "name": n.name, "chain": n.chain.name, "local_firms": counts.get(n.pk, 0),
             "output": output.get(n.pk) if counts.get(n.pk, 0) >= MIN_GROUP else None}
            for n in brain.nodes.select_related("chain").order_by("chain_id", "order", "id")]


def material_balance(brain: Brain) -> list[dict]:
    """Per material of the brain's nodes: what local firms can make (monthly capacity), what local firms buy
    (monthly volume), and how much of it local firms supply."""
    from industry_brain.supply.models import FirmProfile, Material, SupplyLink

    materials = list(Material.objects.filter(node__in=brain.nodes.all()).order_by("name"))
    ids = [m.pk for m in materials]
    capacity = dict(FirmProfile.objects.filter(product_id__in=ids).order_by().values("product")
                    .annotate(s=Sum("monthly_capacity")).values_list("product", "s"))
    bought = {r["material"]: r for r in SupplyLink.objects.filter(material_id__in=ids).order_by().values("material")
              .annotate(total=Coalesce(Sum("monthly_volume"), ZERO),
                        local=Coalesce(Sum("monthly_volume", filter=Q(supplier_enterprise__isnull=False)), ZERO))}
    rows = []
    for m in materials:
        b = bought.get(m.pk)
        rows.append({"material": m.name, "unit": m.unit, "local_capacity": capacity.get(m.pk) or 0,
                     "local_demand": b["total"] if b else 0, "met_locally": b["local"] if b else 0,
                     "local_share": float(b["local"] / b["total"]) if b and b["total"] else None})
    return rows


def brain_aggregates_live(brain: Brain) -> dict:
    """The published aggregates of a brain's firms, city-wide (counts and sums, no rows): what `brain_refresh`
    stores and the page shows to every reader of the brain."""
    from industry_brain.accounts.models import User

    system = User(role="city", is_superuser=True, is_active=True)  # an unsaved reader who sees everything
    projects = brain_projects(user=system, brain=brain)
    work = brain_work(user=system, brain=brain)
    return {"projects": int(projects["n"]), "projects_investment": float(projects["total"]),
            "big_projects": int(projects["big"]), "big_projects_investment": float(projects["big_total"]),
            "open_demands": work["open_demands"], "events": work["events"], "deals": work["deals"],
            "deals_signed": float(work["deals_signed"]), "risks": work["risks"]}


def brain_projects(*, user, brain: Brain) -> dict:
    """Investment projects of the brain's chains or industries (within the reader's scope), and what they bring:
    count and investment of the projects of 1亿元 or more that have landed (signed or further)."""
    from industry_brain.projects.models import Project

    chains = list(brain.nodes.values_list("chain_id", flat=True).distinct())
    industries = list(brain.industries.values_list("pk", flat=True))
    qs = Project.objects.restrict(user, "view").filter(Q(chain_id__in=chains) | Q(industry_id__in=industries))
    landed = qs.exclude(stage__in=["reserve", "cancelled"])
    agg = landed.aggregate(n=Count("pk"), total=Coalesce(Sum("total_investment"), ZERO),
                           big=Count("pk", filter=Q(total_investment__gte=BIG_PROJECT_WAN)),
                           big_total=Coalesce(Sum("total_investment", filter=Q(total_investment__gte=BIG_PROJECT_WAN)),
                                              ZERO))
    return agg


def brain_work(*, user, brain: Brain) -> dict:
    """Open demands, supply risks, events and deals of the brain's firms, counted within the reader's scope."""
    from industry_brain.demands.models import Demand
    from industry_brain.matchmaking.models import Event, Intention

    firms = BrainFirm.objects.filter(brain=brain).values("enterprise_id")
    demands = Demand.objects.restrict(user, "view").filter(enterprise_id__in=firms).exclude(
        status__in=["closed", "resolved"]).count()
    chains = list(brain.nodes.values_list("chain_id", flat=True).distinct())
    events = Event.objects.restrict(user, "view").filter(chain_id__in=chains, status__in=["held", "closed"])
    deals = Intention.objects.restrict(user, "view").filter(Q(buyer_id__in=firms) | Q(seller_id__in=firms)).aggregate(
        n=Count("pk"), signed=Coalesce(Sum("signed_amount", filter=Q(status__in=["signed", "delivered"])), ZERO))
    from industry_brain.supply.models import ScenarioResult

    risks = 0
    latest = ScenarioResult.objects.order_by("-run_id").values_list("run_id", flat=True).first()
    if latest:  # firms of the brain that would stop before their supplier recovers, in the last scenario run
        risks = ScenarioResult.objects.restrict(user, "view").filter(run_id=latest, enterprise_id__in=firms,
                                                                     flagged=True).count()
    return {"open_demands": demands, "events": events.values("pk").distinct().count(), "deals": deals["n"],
            "deals_signed": deals["signed"], "risks": risks}


def position(*, enterprise, brain: Brain) -> dict | None:
    """A firm's last month against the other sharing firms of the brain: its figures, the median and quartiles of
    the group (shown only for groups of at least MIN_GROUP firms)."""
    mine = OperatingReport.objects.filter(brain=brain, enterprise=enterprise).order_by("-period").first()
    if mine is None:
        return None
    peers = list(OperatingReport.objects.filter(brain=brain, period=mine.period).values_list(
        "capacity_use", "price_index"))
    result = {"period": mine.period, "capacity_use": mine.capacity_use, "price_index": mine.price_index,
              "peers": len(peers)}
    if len(peers) >= MIN_GROUP:
        use = sorted(float(p[0]) for p in peers)
        q = statistics.quantiles(use, n=4)
        result |= {"median": statistics.median(use), "p25": q[0], "p75": q[2],
                   "rank_pct": round(100 * sum(1 for u in use if u <= float(mine.capacity_use)) / len(use))}
    return result


def opted_in(*, enterprise, brain: Brain) -> bool:
    return OptIn.objects.filter(brain=brain, enterprise=enterprise).exists()
