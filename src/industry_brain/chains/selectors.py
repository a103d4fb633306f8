"""Reads for ecosystems and chains. Counts and sizes are computed from the registry, never drawn by hand
(DESIGN principle 2): the chain map live on every request, the ecosystem overview from the pre-aggregated
`EcosystemStats` that `ecosystem_stats_refresh` rebuilds from the memberships (docs/decisions.md)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, F, Max, OuterRef, Q, Subquery, Sum, Window
from django.db.models.functions import RowNumber

from industry_brain.core.permissions import can, scope_filter
from industry_brain.enterprises.models import Enterprise, YearlyFigures, enterprise_scope, enterprise_scope_ecosystem

from .choices import segment_order
from .models import (
    LEADERS_PER_NODE,
    MIN_GROUP,
    Chain,
    ChainMaster,
    ChainMembership,
    ChainNode,
    ChainNodeLeader,
    ChainNodeOutput,
    Ecosystem,
    EcosystemStats,
    NodeLink,
)


def latest_figures_year() -> int | None:
    return YearlyFigures.objects.aggregate(y=Max("year"))["y"]  # the first entry of figures_year_enterprise_idx


def ecosystem_member_counts() -> dict[int, tuple[int, int]]:
    """Per ecosystem: distinct member enterprises and the above-scale ones among them, counted over the
    confirmed memberships only (`counted()`: a proposal counts once the city confirms it). A whole-table
    aggregate: for `ecosystem_stats_refresh`, not for a page."""
    rows = ChainMembership.objects.counted().order_by().values("node__chain__ecosystem").annotate(
        n=Count("enterprise", distinct=True),
        above=Count("enterprise", filter=Q(enterprise__is_above_scale=True), distinct=True))
    return {r["node__chain__ecosystem"]: (r["n"], r["above"]) for r in rows}


def ecosystem_overview(user) -> list[dict]:
    """Per ecosystem: chains, nodes, member enterprises (distinct), above-scale members, chain-masters, and when
    the member counts were computed. Member counts come from `EcosystemStats`; until the first refresh they are
    counted here.

    A published aggregate (docs/scope.md): counts of firms, hundreds per ecosystem, name nobody and carry no
    confidential figure, so every signed-in role gets the same numbers. `user` is taken so that the decision
    is made here, where the read is, and so that anonymous callers get nothing."""
    if not can(user, "view", Ecosystem):
        return []
    rows = []
    chain_counts = dict(Ecosystem.objects.annotate(n=Count("chains")).values_list("pk", "n"))
    node_counts = dict(ChainNode.objects.order_by().values("chain__ecosystem").annotate(n=Count("pk")).values_list(
        "chain__ecosystem", "n"))
    masters = dict(ChainMaster.objects.filter(status="designated").order_by().values("chain__ecosystem").annotate(
        n=Count("pk")).values_list("chain__ecosystem", "n"))
    ecosystems = list(Ecosystem.objects.restrict(user, "view").prefetch_related("chains"))
    stats = {s.ecosystem_id: s for s in EcosystemStats.objects.all()}
    live = ecosystem_member_counts() if any(eco.pk not in stats for eco in ecosystems) else {}
    for eco in ecosystems:
        s = stats.get(eco.pk)
        enterprises, above = (s.enterprises, s.above_scale) if s is not None else live.get(eco.pk, (0, 0))
        rows.append({"ecosystem": eco, "chains": chain_counts.get(eco.pk, 0), "nodes": node_counts.get(eco.pk, 0),
                     "enterprises": enterprises, "above_scale": above, "masters": masters.get(eco.pk, 0),
                     "computed_at": s.computed_at if s is not None else None})
    return rows


def _members_scope(user, action: str) -> Q | None:
    """Memberships whose enterprise lies in the user's scope for `action` (Q() = all, None = none)."""
    return scope_filter(user, enterprise_scope, action, prefix="enterprise__")


def counted_memberships():
    """The memberships that count for chain maps, figures and scope: confirmed ones (a chain team's proposal
    counts only once the city confirms it)."""
    return ChainMembership.objects.counted()


def chain_graph(chain: Chain, user) -> dict:
    """Nodes with segment, local enterprise count and output (sum of members' latest-year revenue), and the
    supply links between nodes. Live: a few indexed queries over the chain's own confirmed memberships.

    Counts of firms are published to every role. A node's output is shown exactly when the reader may see the
    figures of every member, and otherwise only when at least MIN_GROUP firms make it up (a published aggregate,
    docs/scope.md); below that it is `None` with `suppressed: true`, so that nobody reads one firm's revenue
    off a node with one or two members."""
    nodes = chain_nodes(chain)
    return _graph(chain, user, nodes, member_counts([n.pk for n in nodes], _members_scope(user, "view")))


def chain_nodes(chain: Chain) -> list[ChainNode]:
    """The chain's nodes in page order (segment, then order, then id)."""
    return list(chain.nodes.order_by(segment_order(), "order", "id"))


def chain_page(chain: Chain, user) -> dict:
    """What the chain page shows of the chain's nodes, read once for the map and the node cards: `nodes` (page
    order), `graph` (`chain_graph`) and `members` (`nodes_enterprises`). One count of each node's members serves
    both (docs/decisions.md)."""
    nodes = chain_nodes(chain)
    visible = _members_scope(user, "view")  # asked once: a department's scope is a query of its own
    members = visible
    if visible and enterprise_scope_ecosystem(user, "view") == chain.ecosystem_id:
        # A work team's scope is exactly its ecosystem's confirmed member firms, and every confirmed member of
        # this chain is one of them: it sees each node whole, without matching the chain against its ecosystem.
        members = Q()
    counts = member_counts([n.pk for n in nodes], members)
    return {"nodes": nodes, "graph": _graph(chain, user, nodes, counts), "visible": visible,
            "members": nodes_enterprises(nodes, user, counts=counts, visible=members)}


def member_counts(node_ids: list[int], visible: Q | None) -> dict[int, tuple[int, int]]:
    """Per node (every one of `node_ids`): its confirmed members and how many of them lie within `visible` (a
    membership filter: Q() = all, None = none). One GROUP BY; without a filter (the city, a district officer)
    the count of rows is answered by `membership_status_node_idx` alone."""
    counts = {pk: (0, 0) for pk in node_ids}
    if not node_ids:
        return counts
    members = counted_memberships().filter(node_id__in=node_ids).order_by().values("node")
    if visible is not None and not visible:  # Q(): every member is visible
        counts.update({node: (n, n) for node, n in members.annotate(n=Count("*")).values_list("node", "n")})
    elif visible is None:
        counts.update({node: (n, 0) for node, n in members.annotate(n=Count("*")).values_list("node", "n")})
    else:
        counts.update({node: (n, seen) for node, n, seen in members.annotate(
            n=Count("*"), seen=Count("enterprise_id", filter=visible)).values_list("node", "n", "seen")})
    return counts


def _graph(chain: Chain, user, nodes: list[ChainNode], counts: dict[int, tuple[int, int]]) -> dict:
    """`chain_graph` over nodes and member counts already read."""
    year = latest_figures_year()
    members = counted_memberships().filter(node_id__in=[n.pk for n in nodes]).order_by()
    # COUNT(*), not COUNT(id): the id is not in membership_status_node_idx, so counting it read every member's
    # row from the table; counting rows is answered by an index-only scan (docs/decisions.md).
    stats = {node: {"n": n, "hidden": 0} for node, (n, _seen) in counts.items() if n}
    # Whether the reader may see every member's figures matters only where fewer than MIN_GROUP firms make up a
    # node's output: ask there only, so that the count above reads the membership index alone (no join to the
    # registry for each of the largest chain's members).
    small = [node for node, st in stats.items() if st["n"] < MIN_GROUP]
    # Asked only where it matters: a department's scope is a query of its own.
    confidential = _members_scope(user, "view_confidential") if small else Q()
    if confidential is None:
        for node in small:
            stats[node]["hidden"] = stats[node]["n"]
    elif confidential and small:  # Q() would mean every member's figures are visible
        for r in members.filter(node_id__in=small).values("node").annotate(hidden=Count("pk", filter=~confidential)):
            stats[r["node"]]["hidden"] = r["hidden"]
    output = node_outputs(counts, year) if year is not None else {}
    links = list(NodeLink.objects.filter(supplier__chain=chain).values_list("supplier_id", "customer_id"))
    rows = []
    for n in nodes:
        st = stats.get(n.pk, {"n": 0, "hidden": 0})
        shown = st["hidden"] == 0 or st["n"] >= MIN_GROUP
        rows.append({"id": n.pk, "name": n.name, "segment": n.segment, "is_key": n.is_key, "enterprises": st["n"],
                     "output": float(output.get(n.pk) or 0) if shown else None, "suppressed": not shown})
    return {"year": year, "min_group": MIN_GROUP, "nodes": rows,
            "links": [{"source": s, "target": t} for s, t in links]}


def node_outputs(counts: dict[int, tuple[int, int]], year: int) -> dict[int, Decimal]:
    """Per node with confirmed members (`counts`, as `member_counts` gives them): the sum of its confirmed members'
    revenue in `year`, over every member whoever reads (the map decides what it shows).

    Read from the stored outputs (`ChainNodeOutput`, one index range) where a node's row was summed over as many
    members as it has now; any other node (no member with figures that year, or memberships written around the
    services since the last refresh) is summed live (`live_node_outputs`), so the figure is the live sum's
    (docs/decisions.md)."""
    counted = [pk for pk, (n, _seen) in counts.items() if n]
    result: dict[int, Decimal] = {}
    if not counted:
        return result
    for node, members, output in ChainNodeOutput.objects.filter(node_id__in=counted, year=year).order_by().values_list(
            "node_id", "members", "output"):
        if members == counts[node][0]:
            result[node] = output
    live = [pk for pk in counted if pk not in result]
    if live:
        result.update(live_node_outputs(live, year))
    return result


def live_node_outputs(node_ids: list[int], year: int) -> dict[int, Decimal]:
    """The plain sum: per node, its confirmed members' revenue in `year`. One figures row per enterprise and year
    (figures_one_row_per_year), read from figures_year_enterprise_idx; members without figures that year add
    nothing, and a node none of whose members has any is absent."""
    revenue = YearlyFigures.objects.filter(year=year, enterprise_id=OuterRef("enterprise_id")).order_by().values(
        "revenue")
    return {node: s for node, s in counted_memberships().filter(node_id__in=node_ids).order_by().values("node")
            .annotate(s=Sum(Subquery(revenue[:1]))).values_list("node", "s") if s is not None}


def node_enterprises(node: ChainNode, user, limit: int = LEADERS_PER_NODE):
    """The largest members of a node (above-scale first) among the enterprises the user may see."""
    return nodes_enterprises([node], user, limit)[node.pk]


def nodes_enterprises(nodes: list[ChainNode], user, limit: int = LEADERS_PER_NODE,
                      counts: dict[int, tuple[int, int]] | None = None,
                      visible: Q | None | bool = False) -> dict[int, list[Enterprise]]:
    """`node_enterprises` for several nodes at once; only confirmed memberships of enterprises within the user's
    view scope are listed, the largest first (above-scale, then by name, then by id).

    Where the reader may see every confirmed member of a node (the city and a district officer everywhere, since
    their `view` scope is every firm; a work team on its own ecosystem's chains; anyone whose scope happens to
    cover a node's members), the node's card is the stored ranking (`ChainNodeLeader`): the same ranking over
    the same members. Which nodes those are is one count per node of all members and of the visible ones
    (`member_counts`, passed in as `counts` when the page has read it already). A node whose stored leaders do
    not number min(members, limit) (memberships written around the services since the last refresh) is ranked
    live, and so is every node where the reader sees only some members: a stored whole-node top list cannot
    answer that (docs/decisions.md). `visible` is the user's membership filter when the caller has asked it
    already (`chain_page`)."""
    result: dict[int, list[Enterprise]] = {n.pk: [] for n in nodes}
    if visible is False:
        visible = _members_scope(user, "view")
    if visible is None or not nodes:
        return result
    live = [n.pk for n in nodes]
    if limit <= LEADERS_PER_NODE:
        if counts is None:
            counts = member_counts(live, visible)
        whole = [pk for pk in live if counts[pk][0] == counts[pk][1]]  # every member visible (or none at all)
        stored = stored_leaders(whole, limit) if whole else {}
        fresh = {pk: leaders for pk, leaders in stored.items() if len(leaders) == min(counts[pk][0], limit)}
        result.update(fresh)
        # A node none of whose members the reader sees lists nobody: nothing to rank (a work team on another
        # ecosystem's chain ranked the whole chain against its own members to find no one).
        live = [pk for pk in live if pk not in fresh and counts[pk][1]]
    if live:
        result.update(ranked_members(live, visible, limit))
    return result


def stored_leaders(node_ids: list[int], limit: int = LEADERS_PER_NODE) -> dict[int, list[Enterprise]]:
    """The stored leaders of these nodes (rank ≤ limit, best first), read by the (node, rank) index with each
    enterprise and its district. Unrestricted: for `nodes_enterprises`, which decides who may read them."""
    result: dict[int, list[Enterprise]] = {pk: [] for pk in node_ids}
    for leader in (ChainNodeLeader.objects.filter(node_id__in=node_ids, rank__lte=limit)
                   .select_related("enterprise", "enterprise__district").order_by("node_id", "rank")):
        result[leader.node_id].append(leader.enterprise)
    return result


def ranked_members(node_ids: list[int], visible: Q, limit: int = LEADERS_PER_NODE) -> dict[int, list[Enterprise]]:
    """The live ranking: a window over the nodes' confirmed memberships within `visible` (a membership filter),
    the `limit` largest per node.

    The window ranks narrow rows (membership id, node, the two sort keys) and only the winners of each node are
    read whole: ranking the members with every enterprise column selected sorted some megabytes per request on
    the largest chain, past `work_mem`, onto disk (docs/decisions.md). `leaders.chain_leaders_refresh` stores the
    same ranking (same sort keys) for readers who see every member."""
    result: dict[int, list[Enterprise]] = {pk: [] for pk in node_ids}
    order = [F("enterprise__is_above_scale").desc(), F("enterprise__name").asc(), F("enterprise_id").asc()]
    winners = (counted_memberships().filter(visible, node_id__in=node_ids)
               .annotate(rank=Window(RowNumber(), partition_by=[F("node_id")], order_by=order))
               .filter(rank__lte=limit).values("pk"))
    ranked = (ChainMembership.objects.filter(pk__in=winners).select_related("enterprise", "enterprise__district")
              .order_by("node_id", *order))
    for membership in ranked:
        result[membership.node_id].append(membership.enterprise)
    return result
