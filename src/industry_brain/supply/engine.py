"""The TTR/TTS risk-exposure model (Simchi-Levi et al.; multi-tier form) as linear programs solved with HiGHS.

Pure Python + numpy, no Django: the stateless API, the stored scenario runs, the tests and the benchmark all call
these functions. Continuous variables throughout, so PI and TTS are exact fractions (10/3, 1.5, ...).

Network: nodes with capacity per period (inf = unlimited), on-hand inventory, demand per period (products only)
and loss per unit (products only); links supplier → customer for a material with `per_unit` (units of that
material per unit the customer makes) and an optional cap per period (a supplier's usual rate to this customer
times its headroom, plus whatever it holds in stock; inf = uncapped).
A customer needs every material it has links for, from any of that material's suppliers (AND over materials,
OR over suppliers).

One generalisation of the reference LP: a node may both make a product (demand) and ship to customers. Its
final sales z_j then share its stock and production with its shipments (Σ y_out + z_j ≤ u_j + s_j) and the
demand row reads z_j + l_j ≥ d_j·t. For networks where products ship nothing (the reference's case, example C)
this is exactly the reference LP.

TTR LP (performance impact PI over horizon t):
    min Σ f_j l_j
    u_j − Σ_{i∈P_jk} y_ij / r_kj ≤ 0        every consumer j and material k
    Σ_i' y_ji' + z_j − u_j ≤ s_j             every node
    z_j + l_j ≥ d_j t                         products
    0 ≤ u_j ≤ c_j t   (disrupted: ≤ (1−δ_j) c_j t),   0 ≤ y_e ≤ cap_e t + s_supplier
TTS LP: the same rows without loss (z_j ≥ d_j t), t a variable in [0, cap], max t. Several independent blocks
(one per firm: that firm's upstream, only its demand required) go into ONE LP with one t per block; maximising
Σ t_b maximises each t_b because the blocks share no variable.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence

import highspy
import numpy as np

INF = math.inf
TTS_CAP_DEFAULT = 999.0


class SolveError(Exception):
    """HiGHS did not reach an optimum (infeasible input, numerical trouble): the status is in the message."""

    def __init__(self, status: str):
        super().__init__(status)
        self.status = status


@dataclasses.dataclass
class Network:
    """Nodes and links in index form (see the module docstring)."""

    ids: list
    capacity: np.ndarray
    inventory: np.ndarray
    demand: np.ndarray
    unit_value: np.ndarray
    sup: np.ndarray  # link supplier index
    cus: np.ndarray  # link customer index
    mat: np.ndarray  # link material code (int)
    per_unit: np.ndarray
    link_cap: np.ndarray  # per period, inf = uncapped

    @classmethod
    def build(cls, nodes: Sequence[dict], links: Sequence[dict]) -> Network:
        """From dicts: nodes {id, capacity (None = unlimited), inventory, demand, unit_value}; links {supplier,
        customer, material, per_unit, cap (optional, per period)}."""
        ids = [n["id"] for n in nodes]
        index = {v: i for i, v in enumerate(ids)}
        materials: dict = {}
        f = np.array
        return cls(
            ids=ids,
            capacity=f([INF if n.get("capacity") is None else float(n["capacity"]) for n in nodes], dtype=float),
            inventory=f([float(n.get("inventory") or 0) for n in nodes], dtype=float),
            demand=f([float(n.get("demand") or 0) for n in nodes], dtype=float),
            unit_value=f([float(n.get("unit_value") or 0) for n in nodes], dtype=float),
            sup=f([index[e["supplier"]] for e in links], dtype=np.int64),
            cus=f([index[e["customer"]] for e in links], dtype=np.int64),
            mat=f([materials.setdefault(e["material"], len(materials)) for e in links], dtype=np.int64),
            per_unit=f([float(e["per_unit"]) for e in links], dtype=float),
            link_cap=f([INF if e.get("cap") is None else float(e["cap"]) for e in links], dtype=float),
        )

    @property
    def n(self) -> int:
        return len(self.ids)

    def _adjacency(self, reverse: bool) -> list[list[int]]:
        key = "_preds" if reverse else "_succ"
        adj = self.__dict__.get(key)
        if adj is None:
            adj = [[] for _ in range(self.n)]
            src, dst = (self.cus, self.sup) if reverse else (self.sup, self.cus)
            for a, b in zip(src.tolist(), dst.tolist(), strict=True):
                adj[a].append(b)
            self.__dict__[key] = adj
        return adj

    def _reach(self, roots: Iterable[int], reverse: bool) -> np.ndarray:
        adj = self._adjacency(reverse)
        seen = set(roots)
        stack = list(seen)
        while stack:
            for p in adj[stack.pop()]:
                if p not in seen:
                    seen.add(p)
                    stack.append(p)
        return np.array(sorted(seen), dtype=np.int64)

    def upstream(self, roots: Iterable[int]) -> np.ndarray:
        """Indices of the roots and every node that supplies them, directly or through others."""
        return self._reach(roots, reverse=True)

    def upstream_within(self, root: int, expand: np.ndarray) -> np.ndarray:
        """The root, its suppliers, and their suppliers only through nodes marked in `expand` (a boolean mask):
        the upstream of a firm within a disruption's cone, with unreached suppliers as sources."""
        adj = self._adjacency(True)
        seen = {root}
        stack = [root]
        while stack:
            x = stack.pop()
            if x != root and not expand[x]:
                continue
            for p in adj[x]:
                if p not in seen:
                    seen.add(p)
                    stack.append(p)
        return np.array(sorted(seen), dtype=np.int64)

    def downstream(self, roots: Iterable[int]) -> np.ndarray:
        return self._reach(roots, reverse=False)


@dataclasses.dataclass
class LpStats:
    rows: int = 0
    columns: int = 0
    nonzeros: int = 0
    build_seconds: float = 0.0
    solve_seconds: float = 0.0
    status: str = ""

    def add(self, other: LpStats) -> None:
        self.rows += other.rows
        self.columns += other.columns
        self.nonzeros += other.nonzeros
        self.build_seconds += other.build_seconds
        self.solve_seconds += other.solve_seconds
        self.status = other.status if not self.status or self.status == "Optimal" else self.status


def _cat(parts) -> np.ndarray:
    return np.concatenate(parts) if parts else np.zeros(0)


class _Lp:
    """A small builder: columns with bounds and costs, rows as COO triplets with bounds."""

    def __init__(self):
        self.cost: list[np.ndarray] = []
        self.lo: list[np.ndarray] = []
        self.hi: list[np.ndarray] = []
        self.ncol = 0
        self.r: list[np.ndarray] = []
        self.c: list[np.ndarray] = []
        self.v: list[np.ndarray] = []
        self.rlo: list[np.ndarray] = []
        self.rhi: list[np.ndarray] = []
        self.nrow = 0

    def cols(self, k: int, cost=0.0, lo=0.0, hi=INF) -> np.ndarray:
        start = self.ncol
        self.ncol += k
        self.cost.append(np.broadcast_to(np.asarray(cost, dtype=float), (k,)).copy())
        self.lo.append(np.broadcast_to(np.asarray(lo, dtype=float), (k,)).copy())
        self.hi.append(np.broadcast_to(np.asarray(hi, dtype=float), (k,)).copy())
        return np.arange(start, start + k, dtype=np.int64)

    def rows(self, k: int, lo, hi) -> np.ndarray:
        start = self.nrow
        self.nrow += k
        self.rlo.append(np.broadcast_to(np.asarray(lo, dtype=float), (k,)).copy())
        self.rhi.append(np.broadcast_to(np.asarray(hi, dtype=float), (k,)).copy())
        return np.arange(start, start + k, dtype=np.int64)

    def coef(self, rows: np.ndarray, cols: np.ndarray, vals) -> None:
        rows = np.asarray(rows, dtype=np.int64)
        self.r.append(rows)
        self.c.append(np.asarray(cols, dtype=np.int64))
        self.v.append(np.broadcast_to(np.asarray(vals, dtype=float), rows.shape).copy())

    def solve(self, maximize: bool) -> tuple[str, np.ndarray, np.ndarray, LpStats]:
        t0 = time.perf_counter()
        r, c, v = _cat(self.r).astype(np.int64), _cat(self.c).astype(np.int64), _cat(self.v)
        keep = v != 0
        r, c, v = r[keep], c[keep], v[keep]
        order = np.lexsort((r, c))
        r, c, v = r[order], c[order], v[order]
        start = np.zeros(self.ncol + 1, dtype=np.int64)
        np.cumsum(np.bincount(c, minlength=self.ncol), out=start[1:])
        lp = highspy.HighsLp()
        lp.num_col_ = self.ncol
        lp.num_row_ = self.nrow
        lp.col_cost_ = _cat(self.cost)
        lp.col_lower_ = _cat(self.lo)
        lp.col_upper_ = np.where(np.isinf(_cat(self.hi)), highspy.kHighsInf, _cat(self.hi))
        lp.row_lower_ = np.where(np.isneginf(_cat(self.rlo)), -highspy.kHighsInf, _cat(self.rlo))
        lp.row_upper_ = np.where(np.isposinf(_cat(self.rhi)), highspy.kHighsInf, _cat(self.rhi))
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = start
        lp.a_matrix_.index_ = r
        lp.a_matrix_.value_ = v
        lp.a_matrix_.num_col_ = self.ncol
        lp.a_matrix_.num_row_ = self.nrow
        lp.sense_ = highspy.ObjSense.kMaximize if maximize else highspy.ObjSense.kMinimize
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.passModel(lp)
        t1 = time.perf_counter()
        h.run()
        t2 = time.perf_counter()
        status = h.modelStatusToString(h.getModelStatus())
        sol = h.getSolution()
        x = np.asarray(sol.col_value, dtype=float) if status == "Optimal" else np.zeros(self.ncol)
        duals = np.asarray(sol.row_dual, dtype=float) if status == "Optimal" else np.zeros(self.nrow)
        stats = LpStats(rows=self.nrow, columns=self.ncol, nonzeros=int(len(v)), build_seconds=t1 - t0,
                        solve_seconds=t2 - t1, status=status)
        return status, x, duals, stats


def _down_factor(net: Network, down: dict[int, float]) -> np.ndarray:
    """Share of capacity left per node (1 − δ for disrupted nodes)."""
    left = np.ones(net.n)
    for i, loss in down.items():
        left[i] = 1.0 - loss
    return left


def _scaled(capacity: np.ndarray, left: np.ndarray) -> np.ndarray:
    """Capacity times the share left; an unlimited node fully down has none (not inf × 0 = nan)."""
    with np.errstate(invalid="ignore"):
        return np.where(left <= 0, 0.0, capacity * left)


def _bom_groups(net: Network, link_idx: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(customer, material) groups of the given links: group id per link, group customer, group per-unit need."""
    keys = net.cus[link_idx] * (int(net.mat.max()) + 1 if len(net.mat) else 1) + net.mat[link_idx]
    uniq, gid = np.unique(keys, return_inverse=True)
    g_cus = np.zeros(len(uniq), dtype=np.int64)
    g_cus[gid] = net.cus[link_idx]
    g_r = np.zeros(len(uniq))
    np.maximum.at(g_r, gid, net.per_unit[link_idx])
    return gid, g_cus, g_r


@dataclasses.dataclass
class PiResult:
    pi: float
    lost_units: np.ndarray  # per node (products; 0 elsewhere)
    stats: LpStats


def solve_pi(net: Network, down: dict[int, float], periods: float, nodes: np.ndarray | None = None) -> PiResult:
    """Performance impact: the least total lost value over `periods` when the `down` nodes lose their share of
    capacity; optionally over a sub-network `nodes` (links inside it only)."""
    nodes = np.arange(net.n) if nodes is None else nodes
    local = -np.ones(net.n, dtype=np.int64)
    local[nodes] = np.arange(len(nodes))
    links = np.nonzero((local[net.sup] >= 0) & (local[net.cus] >= 0))[0]
    lp = _Lp()
    left = _down_factor(net, down)
    cap = _scaled(net.capacity[nodes], left[nodes]) * periods
    # A node that only ships along one link (no inputs, no demand: a source, a stock) needs no production
    # column or shipping row of its own: the link carries at most its stock plus its production over the
    # horizon. Folding it into the link's bound leaves the optimum as it is and the LP much smaller.
    out_deg = np.bincount(local[net.sup[links]], minlength=len(nodes))
    in_deg = np.bincount(local[net.cus[links]], minlength=len(nodes))
    leaf = (out_deg == 1) & (in_deg == 0) & (net.demand[nodes] <= 0)
    u = lp.cols(len(nodes), 0.0, 0.0, np.where(leaf, 0.0, cap))
    # A link carries at most its rate over the horizon plus what the supplier holds in stock.
    y_hi = net.link_cap[links] * periods + net.inventory[net.sup[links]]
    from_leaf = leaf[local[net.sup[links]]]
    y_hi = np.where(from_leaf, np.minimum(y_hi, cap[local[net.sup[links]]] + net.inventory[net.sup[links]]), y_hi)
    y = lp.cols(len(links), 0.0, 0.0, y_hi)
    prod = np.nonzero(net.demand[nodes] > 0)[0]
    z = lp.cols(len(prod))
    loss = lp.cols(len(prod), net.unit_value[nodes][prod])
    if len(links):
        gid, g_cus, g_r = _bom_groups(net, links)
        rows = lp.rows(len(g_cus), -INF, 0.0)
        lp.coef(rows, u[local[g_cus]], 1.0)
        lp.coef(rows[gid], y, -1.0 / g_r[gid])
    shipper = np.nonzero(~leaf)[0]
    ship_of = -np.ones(len(nodes), dtype=np.int64)
    ship_of[shipper] = lp.rows(len(shipper), -INF, net.inventory[nodes][shipper])
    kept = ~from_leaf
    lp.coef(ship_of[local[net.sup[links]]][kept], y[kept], 1.0)
    lp.coef(ship_of[shipper], u[shipper], -1.0)
    lp.coef(ship_of[prod], z, 1.0)
    dem = lp.rows(len(prod), net.demand[nodes][prod] * periods, INF)
    lp.coef(dem, z, 1.0)
    lp.coef(dem, loss, 1.0)
    status, x, _duals, stats = lp.solve(maximize=False)
    if status != "Optimal":
        raise SolveError(status)
    lost = np.zeros(net.n)
    lost[nodes[prod]] = x[loss]
    return PiResult(pi=float(np.dot(net.unit_value[nodes][prod], x[loss])), lost_units=lost, stats=stats)


@dataclasses.dataclass
class TtsBlock:
    nodes: np.ndarray  # node indices of the block
    products: np.ndarray  # node indices whose demand must be met


@dataclasses.dataclass
class TtsResult:
    tts: np.ndarray  # per block
    capped: np.ndarray  # per block: bool
    binding_material: list  # per block: the material code of the first product's scarcest input, or None
    stats: LpStats


def solve_tts(net: Network, down: dict[int, float], blocks: Sequence[TtsBlock], cap: float = TTS_CAP_DEFAULT,
              link_ok: np.ndarray | None = None, in_links: tuple[np.ndarray, np.ndarray] | None = None
              ) -> TtsResult:
    """Time to survive of each block in one LP (see the module docstring). `link_ok` (a mask over the links) keeps
    only some links, e.g. those into firms the disruption reaches, so that the others' suppliers are sources.
    A node that only ships along one link of its block (no inputs there, no demand: a source, a stock) has no
    production column or shipping row: its link carries at most its stock plus min(capacity, link rate)·t,
    which is what those rows allowed (the optimum is the same, the LP smaller)."""
    lp = _Lp()
    left = _down_factor(net, down)
    t_cols = lp.cols(len(blocks), 1.0, 0.0, cap)
    bom_rows_of: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    indptr, csr = in_links if in_links is not None else _in_links(net, link_ok)
    local = -np.ones(net.n, dtype=np.int64)
    for b, block in enumerate(blocks):
        nodes = block.nodes
        t = t_cols[b]
        local[nodes] = np.arange(len(nodes))
        starts, ends = indptr[nodes], indptr[nodes + 1]
        cnt = ends - starts
        into = csr[np.repeat(starts - np.cumsum(cnt) + cnt, cnt) + np.arange(int(cnt.sum()))] if cnt.sum() else \
            np.zeros(0, dtype=np.int64)
        into = into[local[net.sup[into]] >= 0]
        if link_ok is not None:
            into = into[link_ok[into]]
        links = np.sort(into)
        c_rate = _scaled(net.capacity[nodes], left[nodes])
        fixed_zero = (left[nodes] <= 0)  # a node fully down produces nothing, whatever its capacity
        prod_local = local[block.products]
        sup_l, cus_l = local[net.sup[links]], local[net.cus[links]]
        is_prod = np.zeros(len(nodes), dtype=bool)
        is_prod[prod_local] = True
        leaf = (np.bincount(sup_l, minlength=len(nodes)) == 1) & (np.bincount(cus_l, minlength=len(nodes)) == 0) \
            & ~is_prod
        u = lp.cols(len(nodes), 0.0, 0.0, np.where(fixed_zero | leaf, 0.0, INF))
        finite = np.nonzero(np.isfinite(c_rate) & ~fixed_zero & ~leaf)[0]
        if len(finite):
            rows = lp.rows(len(finite), -INF, 0.0)
            lp.coef(rows, u[finite], 1.0)
            lp.coef(rows, np.full(len(finite), t), -c_rate[finite])
        y = lp.cols(len(links))
        from_leaf = leaf[sup_l]
        rate = np.where(from_leaf, np.minimum(np.where(fixed_zero[sup_l], 0.0, c_rate[sup_l]), net.link_cap[links]),
                        net.link_cap[links])
        capped_links = np.nonzero(np.isfinite(rate))[0]
        if len(capped_links):
            rows = lp.rows(len(capped_links), -INF, net.inventory[net.sup[links][capped_links]])
            lp.coef(rows, y[capped_links], 1.0)
            lp.coef(rows, np.full(len(capped_links), t), -rate[capped_links])
        z = lp.cols(len(prod_local))
        if len(links):
            gid, g_cus, g_r = _bom_groups(net, links)
            rows = lp.rows(len(g_cus), -INF, 0.0)
            lp.coef(rows, u[local[g_cus]], 1.0)
            lp.coef(rows[gid], y, -1.0 / g_r[gid])
            g_mat = np.zeros(len(g_cus), dtype=np.int64)
            g_mat[gid] = net.mat[links]
            bom_rows_of.append((rows, g_cus, g_mat))
        else:
            bom_rows_of.append((np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)))
        shipper = np.nonzero(~leaf)[0]
        ship_of = -np.ones(len(nodes), dtype=np.int64)
        ship_of[shipper] = lp.rows(len(shipper), -INF, net.inventory[nodes][shipper])
        lp.coef(ship_of[sup_l][~from_leaf], y[~from_leaf], 1.0)
        lp.coef(ship_of[shipper], u[shipper], -1.0)
        lp.coef(ship_of[prod_local], z, 1.0)
        dem = lp.rows(len(prod_local), 0.0, INF)
        lp.coef(dem, z, 1.0)
        lp.coef(dem, np.full(len(prod_local), t), -net.demand[block.products])
        local[nodes] = -1
    status, x, duals, stats = lp.solve(maximize=True)
    if status != "Optimal":
        raise SolveError(status)
    tts = x[t_cols]
    binding: list = []
    for block, (rows, g_cus, g_mat) in zip(blocks, bom_rows_of, strict=True):
        first = block.products[0] if len(block.products) else -1
        mine = np.nonzero(g_cus == first)[0]
        if len(mine) and np.any(np.abs(duals[rows[mine]]) > 1e-9):
            binding.append(int(g_mat[mine[np.argmax(np.abs(duals[rows[mine]]))]]))
        else:
            binding.append(None)
    return TtsResult(tts=tts, capped=tts >= cap - 1e-6, binding_material=binding, stats=stats)


def covered_by_safe_sources(net: Network, down: dict[int, float], firms: Sequence[int],
                            link_ok: np.ndarray | None = None) -> set[int]:
    """Firms whose TTS is unbounded without an LP: not disrupted, and for every input material the links from
    suppliers outside the disruption's reach (not disrupted, not downstream of a disrupted node, no inputs of their
    own in the network) can carry at least the firm's need rate. Then production at the demand rate can go on
    for ever, so the block LP would answer the cap; skipping it changes no number."""
    reached = set(net.downstream(list(down)).tolist()) if down else set()
    has_inputs = np.zeros(net.n, dtype=bool)
    has_inputs[net.cus if link_ok is None else net.cus[link_ok]] = True
    out: set[int] = set()
    firm_set = set(firms)
    need: dict[tuple[int, int], float] = {}
    safe: dict[tuple[int, int], float] = defaultdict(float)
    for e in range(len(net.sup)):
        c = int(net.cus[e])
        if c not in firm_set:
            continue
        key = (c, int(net.mat[e]))
        need[key] = max(need.get(key, 0.0), float(net.per_unit[e]) * float(net.demand[c]))
        s = int(net.sup[e])
        if s not in reached and not has_inputs[s] and net.capacity[s] > 0:
            safe[key] += float(min(net.link_cap[e], net.capacity[s]))
    short = {c for key, n in need.items() if safe.get(key, 0.0) < n - 1e-9 for c in (key[0],)}
    for j in firms:
        if j not in down and j not in short and net.demand[j] <= net.capacity[j]:
            out.add(j)
    return out


def analyse(nodes: Sequence[dict], links: Sequence[dict], scenarios: Sequence[dict], tts_cap: float = TTS_CAP_DEFAULT
            ) -> list[dict]:
    """The stateless analysis of the API: per scenario PI (TTR LP over `periods`), REI = PI / max PI, TTS of the
    whole network (every product's demand met) and the lost units per product."""
    net = Network.build(nodes, links)
    index = {v: i for i, v in enumerate(net.ids)}
    products = np.nonzero(net.demand > 0)[0]
    out = []
    for sc in scenarios:
        down = {index[d]: 1.0 for d in sc["down"]}
        pi = solve_pi(net, down, float(sc["periods"]))
        tts = solve_tts(net, down, [TtsBlock(np.arange(net.n), products)], cap=tts_cap)
        out.append({"scenario": sc["id"], "pi": _clean(pi.pi), "tts": _clean(float(tts.tts[0])),
                    "tts_capped": bool(tts.capped[0]),
                    "lost_units": {str(net.ids[i]): _clean(float(pi.lost_units[i])) for i in products}})
    worst = max((r["pi"] for r in out), default=0.0)
    for r in out:
        r["rei"] = _clean(r["pi"] / worst) if worst > 0 else 0.0
    return out


def _clean(x: float, digits: int = 9) -> float:
    """Round away solver noise (3.3333333333 stays, 2.0000000001 becomes 2.0, -0.0 becomes 0.0)."""
    v = round(x, digits)
    return 0.0 if v == 0 else v


def structural_breaks(n: int, sup: Sequence[int], cus: Sequence[int], mat: Sequence[int]) -> list[frozenset]:
    """AND/OR chain-break points (reference §2.2) of every node: the nodes whose removal leaves it unable to make
    its product. Break(j) = {j} ∪ ⋃_k ⋂_{i∈P_jk} Break(i) over the materials k it needs, computed in topological
    order (suppliers first); links that close a cycle are ignored (a cycle cannot be the only source)."""
    groups: dict[int, dict[int, list[int]]] = {}
    indeg = [0] * n
    succ: list[list[int]] = [[] for _ in range(n)]
    for s, c, m in zip(sup, cus, mat, strict=True):
        groups.setdefault(c, {}).setdefault(m, []).append(s)
        succ[s].append(c)
        indeg[c] += 1
    order = [i for i in range(n) if indeg[i] == 0]
    k = 0
    while k < len(order):
        for c in succ[order[k]]:
            indeg[c] -= 1
            if indeg[c] == 0:
                order.append(c)
        k += 1
    done: list[frozenset | None] = [None] * n
    for j in order + [i for i in range(n) if indeg[i] > 0]:
        acc = {j}
        for suppliers in groups.get(j, {}).values():
            sets = [done[i] for i in suppliers if done[i] is not None]
            if len(sets) == len(suppliers) and sets:
                acc |= frozenset.intersection(*sets)
        done[j] = frozenset(acc)
    return [d or frozenset() for d in done]


# ---------------------------------------------------------------------------------------------- TTS without an LP

@dataclasses.dataclass
class FastTtsResult:
    tts: np.ndarray  # per root
    capped: np.ndarray  # per root: bool
    binding_material: list  # per root: material code or None
    tree: np.ndarray  # per root: True when solved by the recursion, False when by the LP
    stats: LpStats  # of the LP part only
    entries: int = 0  # size of the unfolded trees


def in_links_of(net: Network, link_ok: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    return _in_links(net, link_ok)


def _in_links(net: Network, link_ok: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """CSR of the (kept) links by customer: indptr over nodes and the link indices."""
    links = np.arange(len(net.cus), dtype=np.int64) if link_ok is None else np.nonzero(link_ok)[0]
    links = links[np.argsort(net.cus[links], kind="stable")]
    indptr = np.zeros(net.n + 1, dtype=np.int64)
    np.cumsum(np.bincount(net.cus[links], minlength=net.n), out=indptr[1:])
    return indptr, links


def _unfold(net: Network, roots: np.ndarray, indptr: np.ndarray, in_links: np.ndarray, expand: np.ndarray | None,
            max_depth: int = 64) -> tuple[np.ndarray, dict]:
    """Each root's upstream, level by level with arrays (no per-root Python): entries (root, node, parent entry,
    link to the parent). A root whose upstream reaches some node twice (shared upstream, or a cycle) is not a
    tree: it is marked and its entries dropped, and the LP answers for it."""
    n = net.n
    nb = len(roots)
    bad = np.zeros(nb, dtype=bool)
    blk = [np.arange(nb, dtype=np.int64)]
    node = [roots.astype(np.int64)]
    parent = [np.full(nb, -1, dtype=np.int64)]
    link = [np.full(nb, -1, dtype=np.int64)]
    level = [np.zeros(nb, dtype=np.int64)]
    seen = np.sort(blk[0] * n + node[0])
    f_blk, f_node, f_idx = blk[0], node[0], np.arange(nb, dtype=np.int64)
    depth = 0
    while len(f_node):
        depth += 1
        go = ~bad[f_blk]
        if expand is not None and depth > 1:
            go &= expand[f_node]
        f_blk, f_node, f_idx = f_blk[go], f_node[go], f_idx[go]
        cnt = indptr[f_node + 1] - indptr[f_node]
        total = int(cnt.sum())
        if total == 0:
            break
        if depth > max_depth:
            bad[np.unique(f_blk[cnt > 0])] = True
            break
        rep = np.repeat(np.arange(len(f_node)), cnt)
        pos = np.arange(total) - np.repeat(np.cumsum(cnt) - cnt, cnt) + indptr[f_node][rep]
        lk = in_links[pos]
        nb_blk, nb_node = f_blk[rep], net.sup[lk]
        keys = nb_blk * n + nb_node
        order = np.argsort(keys, kind="stable")
        ks = keys[order]
        dup = np.zeros(total, dtype=bool)
        same = ks[1:] == ks[:-1]
        dup[order[1:][same]] = True
        dup[order[:-1][same]] = True
        at = np.searchsorted(seen, keys)
        dup |= seen[np.minimum(at, len(seen) - 1)] == keys
        if dup.any():
            bad[nb_blk[dup]] = True
        seen = np.sort(np.concatenate([seen, ks]))
        start = sum(len(x) for x in node)
        blk.append(nb_blk)
        node.append(nb_node)
        parent.append(f_idx[rep])
        link.append(lk)
        level.append(np.full(total, depth, dtype=np.int64))
        f_blk, f_node, f_idx = nb_blk, nb_node, np.arange(start, start + total, dtype=np.int64)
    out = {"blk": np.concatenate(blk), "node": np.concatenate(node), "parent": np.concatenate(parent),
           "link": np.concatenate(link), "level": np.concatenate(level)}
    return bad, out


def _tree_tts(net: Network, left: np.ndarray, roots: np.ndarray, ent: dict, cap: float, tol: float = 1e-10
              ) -> tuple[np.ndarray, list]:
    """TTS of tree-shaped blocks by bisection on t, every block at once. In a tree each node's output goes to one
    customer only, so the block LP's optimum is the recursion u_i(t) = min(c_i·t, min_k Σ_{children of k}
    out_c(t) / r_ki), out_i(t) = s_i + u_i(t), capped by the link (cap_e·t + s_i); the root survives t when
    s_j + u_j(t) ≥ d_j·t. Every function is concave in t and non-negative at 0, so the feasible t form an
    interval [0, TTS] and bisection finds its end. Entries come level by level (roots first), so each level is
    a contiguous slice and every sum or minimum is one bincount or reduceat."""
    nodes, par, lk, lev, blk = ent["node"], ent["parent"], ent["link"], ent["level"], ent["blk"]
    m = len(nodes)
    nr = len(roots)
    cap_rate = _scaled(net.capacity[nodes], left[nodes])
    inv = net.inventory[nodes]
    child = par >= 0
    link_cap = np.where(child, net.link_cap[np.maximum(lk, 0)], INF)
    # (parent entry, material) groups, sorted by parent, hence by the parent's level.
    width = int(net.mat.max()) + 1 if len(net.mat) else 1
    gkey = par[child] * width + net.mat[lk[child]]
    uniq, gid = np.unique(gkey, return_inverse=True)
    g_parent = uniq // width
    g_mat = uniq % width
    g_r = np.zeros(len(uniq))
    np.maximum.at(g_r, gid, net.per_unit[lk[child]])
    bounds = np.searchsorted(lev, np.arange(int(lev.max()) + 2)) if m else np.zeros(1, dtype=np.int64)
    g_bounds = np.searchsorted(lev[g_parent], np.arange(len(bounds))) if len(uniq) else np.zeros(len(bounds), int)
    gid_full = np.zeros(m, dtype=np.int64)
    gid_full[child] = gid
    levels = len(bounds) - 1
    pieces = []
    for k in range(levels):
        lo_e, hi_e = int(bounds[k]), int(bounds[k + 1])
        g0, g1 = int(g_bounds[k]), int(g_bounds[k + 1])  # groups whose parent is at level k
        starts = np.nonzero(np.r_[True, g_parent[g0 + 1:g1] != g_parent[g0:g1 - 1]])[0] if g1 > g0 else None
        pieces.append((lo_e, hi_e, g0, g1, starts, g_parent[g0:g1][starts] if starts is not None else None))
    blk_of = blk
    fixed_zero = cap_rate <= 0
    unlimited = np.isinf(cap_rate)
    link_unl = np.isinf(link_cap)
    roots_demand = net.demand[roots]
    root_inv = net.inventory[roots]

    def evaluate(t_blk: np.ndarray, slopes: bool = False):
        """Whether each root survives its t; with `slopes`, also g(t) = s_j + u_j(t) − d_j·t and a supergradient
        of it (the slope of the piece each minimum picks): g is concave, so its tangent lies above it."""
        t = t_blk[blk_of]
        u = np.where(fixed_zero, 0.0, np.where(unlimited, INF, cap_rate * t))
        du = np.where(fixed_zero | unlimited, 0.0, cap_rate)
        gsum = np.zeros(len(uniq))
        dgsum = np.zeros(len(uniq))
        for k in range(levels - 1, -1, -1):
            lo_e, hi_e, g0, g1, starts, parents = pieces[k]
            if g1 > g0:
                ratio = gsum[g0:g1] / g_r[g0:g1]
                mins = np.minimum.reduceat(ratio, starts)
                if slopes:
                    dratio = dgsum[g0:g1] / g_r[g0:g1]
                    at_min = ratio == np.repeat(mins, np.diff(np.r_[starts, g1 - g0]))
                    dmins = np.minimum.reduceat(np.where(at_min, dratio, INF), starts)
                    du[parents] = np.where(mins < u[parents], dmins, du[parents])
                u[parents] = np.minimum(u[parents], mins)
            if k == 0:
                break
            sl = slice(lo_e, hi_e)
            lc = np.where(link_unl[sl], INF, link_cap[sl] * t[sl])
            out = inv[sl] + np.minimum(u[sl], lc)
            gsum += np.bincount(gid_full[sl], weights=out, minlength=len(uniq))
            if slopes:
                dout = np.where(u[sl] <= lc, du[sl], link_cap[sl])
                dgsum += np.bincount(gid_full[sl], weights=dout, minlength=len(uniq))
        g = root_inv + u[:nr] - roots_demand * t_blk
        ok = g >= -1e-12 * np.maximum(1.0, roots_demand * t_blk)
        if slopes:
            return ok, g, du[:nr] - roots_demand
        return ok, gsum

    hi = np.full(nr, float(cap))
    at_cap, _g = evaluate(hi)
    # Newton's method from the right: at an infeasible t the tangent of the concave g lies above g, so its zero
    # is still ≥ TTS and below t; g is piecewise linear, so a few steps land exactly on TTS.
    t = hi.copy()
    todo = ~at_cap
    for _step in range(60):
        if not todo.any():
            break
        ok, g, dg = evaluate(t, slopes=True)
        step = np.where(todo & ~ok & (dg < 0), g / np.where(dg < 0, dg, -1.0), 0.0)
        new = np.maximum(t - step, 0.0)
        moved = np.abs(new - t) > 1e-13 * np.maximum(1.0, t)
        t = np.where(todo, new, t)
        todo &= moved & ~ok
    # Whatever Newton left infeasible (numerical ties) is bisected below its last point.
    lo = np.zeros(nr)
    hi = t.copy()
    ok, _g = evaluate(t)
    todo = ~at_cap & ~ok
    while todo.any():
        mid = np.where(todo, (lo + hi) / 2, hi)
        ok, _g = evaluate(mid)
        lo = np.where(todo & ok, mid, lo)
        hi = np.where(todo & ~ok, mid, hi)
        todo &= (hi - lo) > tol * np.maximum(1.0, hi)
    t = np.where(~at_cap & ~evaluate(t)[0], lo, t)
    tts = np.where(at_cap, float(cap), t)
    _ok, gsum = evaluate(tts)
    ratio = gsum / np.where(g_r > 0, g_r, 1.0)
    binding: list = [None] * nr
    g0, g1 = int(g_bounds[0]), int(g_bounds[1])
    for b in np.nonzero(~at_cap)[0].tolist():
        a_, z_ = g0 + int(np.searchsorted(g_parent[g0:g1], b)), g0 + int(np.searchsorted(g_parent[g0:g1], b, "right"))
        if a_ == z_:
            continue
        k = a_ + int(np.argmin(ratio[a_:z_]))
        c = cap_rate[b] * tts[b] if np.isfinite(cap_rate[b]) else INF
        if ratio[k] <= c + 1e-9:
            binding[b] = int(g_mat[k])
    return tts, binding


def tts_by_blocks(net: Network, down: dict[int, float], roots: Sequence[int], cap: float = TTS_CAP_DEFAULT,
                  link_ok: np.ndarray | None = None, expand: np.ndarray | None = None,
                  lp_blocks_per_lp: int = 4000, in_links: tuple[np.ndarray, np.ndarray] | None = None
                  ) -> FastTtsResult:
    """TTS of each root as its own block (the root, its upstream through `expand` nodes, only its demand
    required): the same numbers as solve_tts with one block per root. Roots whose upstream is a tree (no node
    reached twice; suppliers without inputs of their own are split per link by the caller) are solved by
    the recursion of _tree_tts, vectorised over all roots; the others by one LP of their blocks."""
    roots = np.asarray(list(roots), dtype=np.int64)
    left = _down_factor(net, down)
    stats = LpStats()
    if not len(roots):
        return FastTtsResult(np.zeros(0), np.zeros(0, dtype=bool), [], np.zeros(0, dtype=bool), stats)
    # `in_links` (from in_links_of) may be built once for many scenarios over the same network; the unfolding
    # follows only the in-links of roots and `expand` nodes, so links into other nodes need no mask there.
    indptr, csr = in_links if in_links is not None else _in_links(net, link_ok)
    bad, ent = _unfold(net, roots, indptr, csr, expand)
    keep = ~bad[ent["blk"]]
    tree_roots = np.nonzero(~bad)[0]
    tts = np.zeros(len(roots))
    binding: list = [None] * len(roots)
    if len(tree_roots):
        # Renumber the kept entries: roots first (entry b = root b of the tree subset), parents re-indexed.
        old = np.nonzero(keep)[0]
        new_of_old = -np.ones(len(ent["node"]), dtype=np.int64)
        new_of_old[old] = np.arange(len(old))
        blk_new = -np.ones(len(roots), dtype=np.int64)
        blk_new[tree_roots] = np.arange(len(tree_roots))
        sub = {"node": ent["node"][old], "level": ent["level"][old], "link": ent["link"][old],
               "blk": blk_new[ent["blk"][old]],
               "parent": np.where(ent["parent"][old] >= 0, new_of_old[np.maximum(ent["parent"][old], 0)], -1)}
        t_tree, b_tree = _tree_tts(net, left, roots[tree_roots], sub, cap)
        tts[tree_roots] = t_tree
        for k, b in zip(tree_roots.tolist(), b_tree, strict=True):
            binding[k] = b
    lp_roots = np.nonzero(bad)[0]
    if len(lp_roots):
        for k in range(0, len(lp_roots), lp_blocks_per_lp):
            part = lp_roots[k:k + lp_blocks_per_lp]
            blocks = [TtsBlock(net.upstream([int(roots[b])]) if expand is None else
                               net.upstream_within(int(roots[b]), expand), np.array([roots[b]])) for b in part]
            r = solve_tts(net, down, blocks, cap=cap, link_ok=link_ok, in_links=(indptr, csr))
            tts[part] = r.tts
            for b, m in zip(part.tolist(), r.binding_material, strict=True):
                binding[b] = m
            stats.add(r.stats)
    return FastTtsResult(tts=tts, capped=tts >= cap - 1e-6, binding_material=binding, tree=~bad, stats=stats,
                         entries=int(keep.sum()))
