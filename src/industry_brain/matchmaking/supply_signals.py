"""What the recommendations read from the supply network (the `supply` app's records, read only):

- the supply risk of the latest completed scenario run: for each material some local firm would run short of, the
  alternative suppliers the supply module listed for it (`ScenarioResult.alternatives`), and the chain nodes of
  those materials (nodes whose local supply is at risk);
- the in-province outside suppliers (`ExternalFirm`, region 33xxxx) of a material or a chain node, with what they
  supply, how many local firms they serve and their spare capacity (capacity less all the volume they supply).

Both are facts about the network as a whole. What a recommendation shows of them is a reason in words: never the
firms at risk, the scenario, an outside firm's capacity or volumes, nor a count of its customers under MIN_GROUP.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict

from django.core.cache import cache
from django.db.models import Count, Q, Sum

RISK_CACHE_SECONDS = 3600  # a run's results never change once stored; the key names the run and when it finished


@dataclasses.dataclass(frozen=True)
class SupplyRisk:
    """Alternatives for the materials at risk in one scenario run, by material name (lower case) and by node."""

    run: int | None = None
    by_material: dict[str, tuple[frozenset[int], frozenset[int]]] = dataclasses.field(default_factory=dict)
    by_node: dict[int, tuple[frozenset[int], frozenset[int]]] = dataclasses.field(default_factory=dict)
    nodes: frozenset[int] = frozenset()  # nodes of the materials at risk
    material_node: dict[str, int] = dataclasses.field(default_factory=dict)  # every material on a node

    def alternative(self, *, material: str, node_id: int | None, enterprise_id: int | None = None,
                    external_id: int | None = None) -> str | None:
        """The material (or '' for the node) for which the supply module lists this supplier as an alternative,
        or None. The need's own material comes first, then any material at risk on the need's node."""
        key = (material or "").strip().lower()
        for found, label in ((self.by_material.get(key), material.strip()),
                             (self.by_node.get(node_id) if node_id else None, "")):
            if found and ((enterprise_id is not None and enterprise_id in found[0])
                          or (external_id is not None and external_id in found[1])):
                return label
        return None

    def node_at_risk(self, *, material: str, node_id: int | None) -> int | None:
        """The need's node (given, or that of its material) when the local supply of that node is at risk."""
        for n in (node_id, self.material_node.get((material or "").strip().lower())):
            if n and n in self.nodes:
                return n
        return None


NO_RISK = SupplyRisk()
_memo: list = []  # [cache key, SupplyRisk] of the run this process read last (the key names the run and its end)


def supply_risk() -> SupplyRisk:
    """The alternatives of the latest completed scenario run (read once per run, then cached)."""
    from industry_brain.supply.choices import RunStatus
    from industry_brain.supply.models import Material, ScenarioResult, ScenarioRun

    latest = ScenarioRun.objects.filter(status=RunStatus.DONE).order_by("-id").values_list("pk", "finished_at").first()
    if latest is None:
        return NO_RISK
    run, finished = latest
    key = f"mm:risk:{run}:{finished.timestamp() if finished else 0}"
    if _memo and _memo[0] == key:  # this process read it already: no unpickling from the cache on every request
        return _memo[1]
    found = cache.get(key)
    if found is not None:
        _memo[:] = [key, found]
        return found
    material_node = {name.strip().lower(): node for name, node in
                     Material.objects.filter(node__isnull=False).values_list("name", "node_id")}
    names = dict(Material.objects.values_list("pk", "name"))
    nodes_of = dict(Material.objects.filter(node__isnull=False).values_list("pk", "node_id"))
    local, external = defaultdict(set), defaultdict(set)
    node_local, node_external = defaultdict(set), defaultdict(set)
    at_risk = set()
    for material, alternatives in ScenarioResult.objects.filter(run_id=run, flagged=True,
                                                                missing_material__isnull=False).values_list(
            "missing_material_id", "alternatives").iterator(5000):
        name = names.get(material, "").strip().lower()
        node = nodes_of.get(material)
        if node:
            at_risk.add(node)
        for alt in alternatives or []:
            if alt.get("supplier_enterprise"):
                local[name].add(alt["supplier_enterprise"])
                if node:
                    node_local[node].add(alt["supplier_enterprise"])
            elif alt.get("supplier_external"):
                external[name].add(alt["supplier_external"])
                if node:
                    node_external[node].add(alt["supplier_external"])
    risk = SupplyRisk(
        run=run,
        by_material={m: (frozenset(local[m]), frozenset(external[m])) for m in set(local) | set(external)},
        by_node={n: (frozenset(node_local[n]), frozenset(node_external[n]))
                 for n in set(node_local) | set(node_external)},
        nodes=frozenset(at_risk), material_node=material_node)
    cache.set(key, risk, RISK_CACHE_SECONDS)
    _memo[:] = [key, risk]
    return risk


@dataclasses.dataclass
class OutsideSupplier:
    """An in-province outside firm that supplies the need's material or a material of its node."""

    pk: int
    name: str
    region: str
    region_name: str
    lat: float | None
    lon: float | None
    material: str  # what it supplies that matches (the need's material first)
    unit: str
    same_material: bool
    same_node: bool
    customers: int  # local firms it supplies with the matching materials
    spare: float  # capacity less all the volume it supplies (for ranking only; never shown)


def province_suppliers(*, material: str, node_id: int | None) -> list[OutsideSupplier]:
    """Outside firms of the province (region 33xxxx) recorded as supplying local firms with the material (same
    name) or with a material of the node, that have spare capacity. A few grouped queries over the links of those
    materials."""
    from industry_brain.supply.models import ExternalFirm, Material, SupplyLink, settings_province_prefix
    from industry_brain.supply.regions import region_name

    name = (material or "").strip()
    wanted = Q(pk__in=[])
    if name:
        wanted |= Q(name__iexact=name)
    if node_id:
        wanted |= Q(node_id=node_id)
    materials = {pk: (n, unit, bool(name) and n.strip().lower() == name.lower(), bool(node_id) and node == node_id)
                 for pk, n, unit, node in Material.objects.filter(wanted).values_list("pk", "name", "unit", "node_id")}
    if not materials:
        return []
    prefix = settings_province_prefix()
    supplied: dict[int, dict] = {}
    for ext, mat, customers in (SupplyLink.objects.filter(material_id__in=list(materials),
                                                          supplier_external__region__startswith=prefix)
                                .order_by().values("supplier_external_id", "material_id")
                                .annotate(n=Count("customer_id", distinct=True))
                                .values_list("supplier_external_id", "material_id", "n")):
        m_name, unit, same_material, same_node = materials[mat]
        row = supplied.setdefault(ext, {"material": m_name, "unit": unit, "same_material": False, "same_node": False,
                                        "customers": 0})
        if same_material and not row["same_material"]:
            row.update(material=m_name, unit=unit)
        row["same_material"] |= same_material
        row["same_node"] |= same_node
        row["customers"] += customers
    if not supplied:
        return []
    used = dict(SupplyLink.objects.filter(supplier_external_id__in=list(supplied)).order_by()
                .values("supplier_external_id").annotate(v=Sum("monthly_volume"))
                .values_list("supplier_external_id", "v"))
    rows = []
    for pk, firm, region, lat, lon, capacity in ExternalFirm.objects.filter(
            pk__in=list(supplied), monthly_capacity__isnull=False).values_list(
            "pk", "name", "region", "lat", "lon", "monthly_capacity"):
        spare = float(capacity) - float(used.get(pk) or 0)
        if spare <= 0:  # never recommend a supplier with nothing to spare
            continue
        s = supplied[pk]
        rows.append(OutsideSupplier(pk=pk, name=firm, region=region, region_name=region_name(region), lat=lat,
                                    lon=lon, material=s["material"], unit=s["unit"],
                                    same_material=s["same_material"], same_node=s["same_node"],
                                    customers=s["customers"], spare=spare))
    return rows
