"""Reads of the supply module (public API for other apps): every function takes the user and restricts, aggregates
too. Out of scope is an empty answer here and a 404 at the edge."""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Case, Count, F, FloatField, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Cast
from django.http import Http404

from industry_brain.chains.choices import MembershipStatus, segment_order
from industry_brain.chains.models import ChainMembership
from industry_brain.core.permissions import can
from industry_brain.enterprises.models import Enterprise

from . import engine
from .models import (
    BomLine,
    DailyReport,
    Emergency,
    EmergencyRequest,
    ExternalFirm,
    FirmInputs,
    FirmProfile,
    MatchReview,
    Material,
    RecoveryEstimate,
    Scenario,
    ScenarioResult,
    ScenarioRun,
    SupplyLink,
    WhitelistEntry,
    settings_province_prefix,
    supply_scope,
    supply_scope_covers_chain,
)


def material_list(*, user):
    return Material.objects.restrict(user, "view").select_related("node")


def external_firm_list(*, user):
    return ExternalFirm.objects.restrict(user, "view")


def link_list(*, user):
    return SupplyLink.objects.restrict(user, "view").select_related(
        "supplier_enterprise", "supplier_external", "customer", "material")


def match_review_list(*, user):
    return MatchReview.objects.restrict(user, "view").select_related(
        "new_firm", "candidate_enterprise", "candidate_external")


def scenario_list(*, user):
    return Scenario.objects.restrict(user, "view").select_related("last_run").defer("last_run__snapshot",
                                                                                    "last_run__page_data")


def result_list(*, user, run: ScenarioRun | None):
    """Results of one run that lie within the user's scope, in rank order."""
    if run is None:
        return ScenarioResult.objects.none()
    return ScenarioResult.objects.restrict(user, "view").filter(run=run).select_related(
        "enterprise", "district", "chain", "missing_material").order_by("rank")


def scenario_losses(*, user, run: ScenarioRun | None, live: bool = False) -> dict:
    """Lost value, affected and flagged firms summed by chain and by district, over the rows the user may see
    (the city's view: the figures stored with the run)."""
    if not live and run is not None and can(user, "view_network", SupplyLink) and run.page_data.get("losses"):
        return run.page_data["losses"]
    qs = result_list(user=user, run=run).order_by()
    measures = {"lost": Sum("lost_value"), "firms": Count("id"),
                "flagged": Sum(Case(When(flagged=True, then=1), default=0, output_field=IntegerField()))}
    by_chain = list(qs.values("chain_id", "chain__name").annotate(**measures).order_by("-lost"))
    by_district = list(qs.values("district_id", "district__name").annotate(**measures).order_by("-lost"))
    total = qs.aggregate(**measures)
    return {"by_chain": by_chain, "by_district": by_district, "total": total}


def scenario_map_points(*, user, run: ScenarioRun | None, live: bool = False) -> list[list]:
    """Affected local firms with a position, for the map coloured by TTS, as compact rows
    [lon, lat, name, tts, capped (0/1), stops on day (0 = no), lost value] (thousands of points per page; the
    city's view: the points stored with the run)."""
    if not live and run is not None and can(user, "view_network", SupplyLink) and "points" in run.page_data:
        return run.page_data["points"]
    rows = result_list(user=user, run=run).filter(enterprise__lat__isnull=False).values_list(
        "enterprise__lon", "enterprise__lat", "enterprise__name", "tts_days", "tts_capped", "stops_on_day",
        "lost_value")
    return [[round(float(lo), 4), round(float(la), 4), n, round(t, 1), int(c), d or 0, round(v, 1)]
            for lo, la, n, t, c, d, v in rows]


def compare_runs(*, user, runs: list[ScenarioRun]) -> list[dict]:
    """Side-by-side figures of several runs over the rows the user may see."""
    out = []
    for run in runs:
        agg = result_list(user=user, run=run).order_by().aggregate(
            lost=Sum("lost_value"), firms=Count("id"),
            flagged=Sum(Case(When(flagged=True, then=1), default=0, output_field=IntegerField())))
        out.append({"run": run, "scenario": run.scenario, **agg})
    return out


# ---------------------------------------------------------------------------------------------- pre-screen

def input_suppliers(*, user):
    """Per local customer and input material the user may see: number of suppliers and how many of them are
    inside the province (0: sourced only outside it). One GROUP BY over the links; `input_concentration` adds
    the volumes."""
    prov = settings_province_prefix()
    return (SupplyLink.objects.restrict(user, "view").order_by()
            .values("customer_id", "material_id")
            .annotate(suppliers=Count("id"),
                      in_province=Sum(Case(When(Q(supplier_enterprise__isnull=False)
                                                | Q(supplier_external__region__startswith=prov), then=1),
                                           default=0, output_field=IntegerField()))))


def input_concentration(*, user):
    """Per local customer and input material, set-based: number of suppliers, HHI of volume shares, and how many
    suppliers are inside the province (0: sourced only outside it). One GROUP BY over the links."""
    vol = Cast(F("monthly_volume"), FloatField())
    return (input_suppliers(user=user)
            .annotate(volume=Sum(vol), volume_sq=Sum(vol * vol))
            .annotate(hhi=Case(When(volume__gt=0, then=F("volume_sq") / (F("volume") * F("volume"))),
                               default=Value(1.0), output_field=FloatField())))


def prescreen_summary(*, user) -> dict:
    """Counts of the structural pre-screen over the inputs the user may see."""
    rows = input_concentration(user=user)
    agg = {"inputs": 0, "single_source": 0, "concentrated": 0, "outside_province_only": 0}
    for r in rows.values_list("suppliers", "hhi", "in_province"):
        agg["inputs"] += 1
        agg["single_source"] += r[0] == 1
        agg["concentrated"] += r[1] > 0.4
        agg["outside_province_only"] += r[2] == 0
    return agg


def network_arrays() -> dict:
    """The whole link graph as index arrays (firms 'e<id>', external firms 'x<id>')."""
    links = list(SupplyLink.objects.order_by().values_list("supplier_enterprise_id", "supplier_external_id",
                                                           "customer_id", "material_id"))
    ids: dict[str, int] = {}
    sup, cus, mat = [], [], []
    for se, sx, c, m in links:
        s = f"e{se}" if se else f"x{sx}"
        sup.append(ids.setdefault(s, len(ids)))
        cus.append(ids.setdefault(f"e{c}", len(ids)))
        mat.append(m)
    return {"ids": list(ids), "sup": sup, "cus": cus, "mat": mat}


def chain_break_points(*, user, enterprises: list[int] | None = None) -> dict[int, list[str]]:
    """AND/OR structural chain-break points (reference §2.2) of the local firms the user may see: the suppliers
    (anywhere upstream) whose loss alone stops the firm. Keys 'e<id>' / 'x<id>'."""
    arrays = network_arrays()
    breaks = engine.structural_breaks(len(arrays["ids"]), arrays["sup"], arrays["cus"], arrays["mat"])
    allowed = None if can(user, "view_network", SupplyLink) else set(
        Enterprise.objects.restrict(user, "view").values_list("pk", flat=True))
    out = {}
    for i, key in enumerate(arrays["ids"]):
        if key[0] != "e":
            continue
        eid = int(key[1:])
        if (allowed is not None and eid not in allowed) or (enterprises is not None and eid not in enterprises):
            continue
        points = sorted(arrays["ids"][b] for b in breaks[i] if b != i)
        if points:
            out[eid] = points
    return out


# ---------------------------------------------------------------------------------------------- risk card

def latest_run_for(enterprise_id: int) -> ScenarioRun | None:
    r = ScenarioResult.objects.filter(enterprise_id=enterprise_id).order_by("-run_id").select_related("run").defer(
        "run__snapshot", "run__page_data").first()
    return r.run if r else None


def risk_card(*, user, enterprise_id: int) -> dict:
    """An enterprise's own risk card: its inputs with suppliers and shares (single-source flagged) and its TTS in
    the last scenario. 404 outside the user's scope."""
    ent = Enterprise.objects.filter(pk=enterprise_id).first()
    if ent is None or not enterprise_in_scope(user, enterprise_id):
        raise Http404
    links = list(SupplyLink.objects.filter(customer_id=enterprise_id).select_related(
        "supplier_enterprise", "supplier_external", "material").order_by("material__name", "-share"))
    by_material: dict[int, dict] = {}
    from industry_brain.core.models import District

    from .regions import region_name

    districts = dict(District.objects.filter(code__in={lk.supplier_enterprise.district_id for lk in links
                                                       if lk.supplier_enterprise_id}).values_list("code", "name"))
    for lk in links:
        entry = by_material.setdefault(lk.material_id, {"material": lk.material_id, "material_name": lk.material.name,
                                                        "unit": lk.material.unit, "suppliers": []})
        s = lk.supplier
        entry["suppliers"].append({"link": lk.pk, "supplier_enterprise": lk.supplier_enterprise_id,
                                   "supplier_external": lk.supplier_external_id, "name": s.name,
                                   "region": region_name(s.region) if lk.supplier_external_id else
                                   districts.get(s.district_id, s.district_id),
                                   "share": float(lk.share), "monthly_volume": float(lk.monthly_volume)})
    ttr_local = dict(RecoveryEstimate.objects.filter(supplier_enterprise_id__in={
        lk.supplier_enterprise_id for lk in links if lk.supplier_enterprise_id}).values_list(
        "supplier_enterprise_id", "ttr_days"))
    ttr_external = dict(RecoveryEstimate.objects.filter(supplier_external_id__in={
        lk.supplier_external_id for lk in links if lk.supplier_external_id}).values_list(
        "supplier_external_id", "ttr_days"))
    for entry in by_material.values():
        for sup in entry["suppliers"]:
            ttr = ttr_local.get(sup["supplier_enterprise"]) if sup["supplier_enterprise"] else ttr_external.get(
                sup["supplier_external"])
            sup["ttr_days"] = float(ttr) if ttr is not None else None
        entry["single_source"] = len(entry["suppliers"]) == 1
        entry["share"] = round(sum(s["share"] for s in entry["suppliers"]), 4)
    last = ScenarioResult.objects.filter(enterprise_id=enterprise_id, run__status="done").order_by(
        "-run_id").select_related("run__scenario", "missing_material").defer("run__snapshot", "run__page_data").first()
    bom = list(BomLine.objects.filter(enterprise_id=enterprise_id).select_related("material"))
    profile = FirmProfile.objects.filter(enterprise_id=enterprise_id).select_related("product").first()
    return {
        "enterprise": ent.pk, "name": ent.name, "inputs": list(by_material.values()),
        "bom": [{"material": b.material_id, "material_name": b.material.name, "per_unit": float(b.per_unit),
                 "inventory": float(b.inventory)} for b in bom],
        "profile": None if profile is None else {
            "product": profile.product_id, "product_name": profile.product.name,
            "monthly_capacity": float(profile.monthly_capacity), "monthly_output": float(profile.monthly_output),
            "inventory": float(profile.inventory), "unit_value": float(profile.unit_value)},
        "tts_days": last.tts_days if last else None, "tts_capped": last.tts_capped if last else None,
        "ttr_days": last.ttr_days if last else None, "stops_on_day": last.stops_on_day if last else None,
        "scenario": last.run.scenario.name if last else None,
        "missing_material": last.missing_material.name if last and last.missing_material_id else None,
    }


# ---------------------------------------------------------------------------------------------- chain pages

def _sql(qs) -> tuple[str, list] | None:
    """A queryset's SQL and parameters, or None where it can match nothing (an empty scope)."""
    try:
        sql, params = qs.query.get_compiler(connection=connection).as_sql()
    except EmptyResultSet:
        return None
    return sql, list(params)


# Per node of the (nid, eid) pairs: its inputs (cid, sup, inp) and the run's results (rid, tts, capped, lost).
_INPUTS_PER_NODE = """LEFT JOIN (
    SELECT p.nid, COUNT(*) AS inputs, SUM(CASE WHEN g.sup = 1 THEN 1 ELSE 0 END) AS single,
           SUM(CASE WHEN g.inp = 0 THEN 1 ELSE 0 END) AS outside
    FROM pairs p JOIN ({sql}) g ON g.cid = p.eid GROUP BY p.nid) i ON i.nid = f.nid"""
_RESULTS_PER_NODE = """LEFT JOIN (
    SELECT p.nid, MIN(CASE WHEN r.capped THEN NULL ELSE r.tts END) AS worst, SUM(r.lost) AS lost
    FROM pairs p JOIN ({sql}) r ON r.rid = p.eid GROUP BY p.nid) rs ON rs.nid = f.nid"""


# Per node of the (nid, eid) pairs: the firms' stored input summaries, their stored and live link counts and id sums.
_STORED_PER_NODE = """SELECT p.nid, COUNT(*) AS firms, SUM(COALESCE(s.inputs, 0)) AS inputs,
           SUM(COALESCE(s.single_source, 0)) AS single, SUM(COALESCE(s.outside_only, 0)) AS outside,
           SUM(COALESCE(s.links, 0)) AS stored, SUM(COALESCE(s.link_id_sum, 0)) AS stored_ids,
           SUM(COALESCE(lv.n, 0)) AS live, SUM(COALESCE(lv.ids, 0)) AS live_ids
    FROM pairs p
    LEFT JOIN {inputs} s ON s.enterprise_id = p.eid
    LEFT JOIN (SELECT l.customer_id AS cid, COUNT(*) AS n, SUM(l.id) AS ids FROM {link} l
               WHERE l.customer_id IN (SELECT eid FROM pairs) GROUP BY l.customer_id) lv ON lv.cid = p.eid
    GROUP BY p.nid"""


def _node_security_stored(pairs, results) -> dict[int, tuple]:
    """Per node: (firms, inputs, single-sourced, sourced only outside, worst uncapped TTS, lost value, stored links,
    stored link id sum, live links, live link id sum) from the SQL of the visible (nid, eid) pairs, the firms'
    stored input summaries and the run's results; a part that is None matches nothing."""
    if pairs is None:
        return {}
    q = connection.ops.quote_name
    params = list(pairs[1])
    select = ["f.nid", "f.firms", "f.inputs", "f.single", "f.outside"]
    joins = []
    if results is not None:
        select += ["rs.worst", "rs.lost"]
        joins.append(_RESULTS_PER_NODE.format(sql=results[0]))
        params += results[1]
    else:
        select += ["NULL", "NULL"]
    select += ["f.stored", "f.stored_ids", "f.live", "f.live_ids"]
    stored = _STORED_PER_NODE.format(link=q(SupplyLink._meta.db_table), inputs=q(FirmInputs._meta.db_table))
    sql = f"WITH pairs AS ({pairs[0]}) SELECT {', '.join(select)} FROM ({stored}) f {' '.join(joins)}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0]: tuple(row[1:]) for row in cursor.fetchall()}


def _node_security_counts(pairs, inputs, results) -> dict[int, tuple]:
    """Per node: (firms, inputs, single-sourced, sourced only outside, worst uncapped TTS, lost value), from the
    SQL of the visible (nid, eid) pairs, the inputs and the run's results; a part that is None matches nothing."""
    if pairs is None:
        return {}
    params = list(pairs[1])
    select = ["f.nid", "f.firms"]
    joins = []
    if inputs is not None:
        select += ["i.inputs", "i.single", "i.outside"]
        joins.append(_INPUTS_PER_NODE.format(sql=inputs[0]))
        params += inputs[1]
    else:
        select += ["0", "0", "0"]
    if results is not None:
        select += ["rs.worst", "rs.lost"]
        joins.append(_RESULTS_PER_NODE.format(sql=results[0]))
        params += results[1]
    else:
        select += ["NULL", "NULL"]
    sql = (f"WITH pairs AS ({pairs[0]}) SELECT {', '.join(select)} "
           f"FROM (SELECT nid, COUNT(*) AS firms FROM pairs GROUP BY nid) f {' '.join(joins)}")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0]: row[1:] for row in cursor.fetchall()}


def node_security(user, chain) -> list[dict]:
    """Per chain node, local supply security over the confirmed member firms the user may see: share of inputs
    single-sourced, share sourced only outside the province, worst TTS among its firms and the last scenario's
    losses (for the chain page). A proposed or rejected membership is not (yet) a node's firm.

    One statement aggregates per node in the database: the chain's confirmed (node, firm) pairs within the user's
    supply `view` scope (asked per pair only where the scope does not cover the chain whole), each firm's stored
    input summary (`FirmInputs`), the live count and id sum of its links (the check, index-only) and the last run's
    results. The pairs carry the restriction, so the inputs and results are joined unrestricted (their scope is the
    same firms'). The summaries are used only while every node's stored link count and id sum equal the live ones;
    otherwise a second statement groups the firms' links live. A firm placed in two nodes counts once in each
    (docs/decisions.md)."""
    pairs = ChainMembership.objects.filter(node__chain=chain, status=MembershipStatus.CONFIRMED).order_by()
    if not (can(user, "view_network", SupplyLink) or supply_scope_covers_chain(user, chain)):
        scope = supply_scope(user, "view", prefix="enterprise__")
        pairs = pairs.filter(scope) if scope is not None else pairs.none()
    # (node, firm) is unique among confirmed memberships (constraint membership_unique): no DISTINCT needed.
    pairs = _sql(pairs.values(nid=F("node_id"), eid=F("enterprise_id")))
    last_run = ScenarioRun.objects.filter(status="done").order_by("-id").select_related("scenario").defer(
        "snapshot", "page_data").first()
    results = None if last_run is None else _sql(ScenarioResult.objects.filter(run=last_run).order_by().values(
        rid=F("enterprise_id"), tts=F("tts_days"), capped=F("tts_capped"), lost=F("lost_value")))
    by_node = _node_security_stored(pairs, results)
    if any((s, s_ids) != (live, live_ids) for (*_figures, s, s_ids, live, live_ids) in by_node.values()):
        links = _sql(SupplyLink.objects.order_by().values("customer_id", "material_id").annotate(
            sup=Count("id"), inp=Sum(Case(When(Q(supplier_enterprise__isnull=False)
                                              | Q(supplier_external__region__startswith=settings_province_prefix()),
                                              then=1), default=0, output_field=IntegerField()))).values(
            cid=F("customer_id"), sup=F("sup"), inp=F("inp")))
        by_node = _node_security_counts(pairs, links, results)
    out = []
    for node in chain.nodes.all().order_by(segment_order(), "order", "id"):  # as on the chain map
        firms, n, single, outside, worst, lost = by_node.get(node.pk, (0, 0, 0, 0, None, None))[:6]
        n = n or 0
        out.append({"node": node.pk, "name": node.name, "firms": firms, "inputs": n,
                    "single_source_share": round(single / n, 3) if n else None,
                    "outside_share": round(outside / n, 3) if n else None,
                    "worst_tts": round(worst, 1) if worst is not None else None,
                    "lost_value": round(lost or 0, 1),
                    "scenario": last_run.scenario.name if last_run else None})
    return out


# ---------------------------------------------------------------------------------------------- emergency

def emergency_list(*, user):
    return Emergency.objects.restrict(user, "view").select_related("coordinator", "scenario")


def whitelist(*, user, emergency: Emergency):
    return WhitelistEntry.objects.restrict(user, "view").filter(emergency=emergency).select_related(
        "enterprise", "enterprise__district")


def ledger(*, user, emergency: Emergency, date) -> dict:
    """The daily dispatch ledger (每日调度台账): each confirmed key firm in scope with its status of the day, and
    the emergency's requests raised that day."""
    entries = whitelist(user=user, emergency=emergency).filter(status="confirmed")
    reports = {r.enterprise_id: r for r in DailyReport.objects.restrict(user, "view").filter(
        emergency=emergency, date=date)}
    rows = []
    for e in entries:
        r = reports.get(e.enterprise_id)
        rows.append({"enterprise": e.enterprise_id, "name": e.enterprise.name, "district": e.enterprise.district.name,
                     "status": r.status if r else None, "status_label": r.get_status_display() if r else "",
                     "capacity_use": float(r.capacity_use) if r else None, "issue": r.issue if r else "",
                     "reported": r is not None})
    requests = EmergencyRequest.objects.restrict(user, "view").filter(
        emergency=emergency, demand__submitted_on=date).select_related("demand", "demand__enterprise")
    return {"date": date, "rows": rows, "requests": [
        {"demand": q.demand_id, "kind": q.kind, "kind_label": str(q.get_kind_display()), "title": q.demand.title,
         "enterprise": q.demand.enterprise.name, "status": q.demand.status,
         "due_date": q.demand.due_date} for q in requests],
        "reported": sum(1 for r in rows if r["reported"]), "stopped": sum(1 for r in rows if r["status"] == "stopped")}


def enterprise_in_scope(user, enterprise_id: int) -> bool:
    """Whether the user may see this local enterprise's supply facts and risk results (issue item 8)."""
    if can(user, "view_network", SupplyLink):
        return True
    return Enterprise.objects.filter(pk=enterprise_id).filter(_enterprise_q(user)).exists()


def _enterprise_q(user) -> Q:
    from .models import supply_scope

    q = supply_scope(user, "view", prefix="")
    return q if q is not None else Q(pk__in=[])
