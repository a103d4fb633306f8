"""Writes of the supply module (public API for other apps, e.g. matchmaking and brains): keyword-only, `actor=`,
atomic, validated before saving. Scenario computation builds the affected part of the network from the database
with a few set-based queries, solves it with the LP engine and stores the run and its results in bulk."""

from __future__ import annotations

import datetime as dt
import json
import math
import time
import zlib
from collections import defaultdict
from decimal import Decimal

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from industry_brain.chains.models import ChainMembership
from industry_brain.core.changelog import changes_record_bulk, snapshot
from industry_brain.core.events import event_record, events_record_bulk
from industry_brain.core.permissions import can, ensure_can, ensure_can_after_write
from industry_brain.enterprises.models import Enterprise

from . import engine
from .choices import EmergencyStatus, MatchStatus, RunStatus, WhitelistStatus
from .inputs import firm_inputs_refresh
from .models import (
    REGION_RE,
    BomLine,
    DailyReport,
    Emergency,
    EmergencyRequest,
    ExternalFirm,
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
)
from .permissions import city_router, supply_firms
from .regions import region_centroid

DAYS_PER_MONTH = 30.0
ALTERNATIVES_PER_ROW = 3
TTS_BLOCKS_PER_LP = 4000


# ---------------------------------------------------------------------------------------------- network inputs

def _clean_or_raise(obj) -> None:
    obj.full_clean()


@transaction.atomic
def material_create(*, actor, name: str, unit: str = "件", node=None, hs_code: str = "") -> Material:
    """A new material (city bureau and chain teams; importers create unknown materials through this too)."""
    ensure_can(actor, "register", Material, _("You may not add materials."))
    m = Material(name=(name or "").strip(), unit=(unit or "件").strip(), node=node, hs_code=hs_code or "")
    _clean_or_raise(m)
    m.save()
    return m


def _region_ok(region: str) -> bool:
    import re

    return bool(re.match(REGION_RE, region or ""))


@transaction.atomic
def external_firm_create(*, actor, name: str, region: str, uscc: str = "", address: str = "",
                         monthly_capacity: Decimal | None = None, inventory: Decimal = Decimal(0)) -> ExternalFirm:
    """Register a supplier outside the city; the map position defaults to the centre of its region."""
    ensure_can(actor, "register", ExternalFirm, _("You may not add external firms."))
    lat, lon = region_centroid(region)
    firm = ExternalFirm(name=(name or "").strip(), region=(region or "").strip().upper(), uscc=(uscc or "").strip(),
                        address=address or "", lat=lat, lon=lon, monthly_capacity=monthly_capacity,
                        inventory=inventory)
    _clean_or_raise(firm)
    firm.save()
    return firm


@transaction.atomic
def link_create(*, actor, customer: Enterprise, material: Material, share: Decimal, monthly_volume: Decimal,
                supplier_enterprise: Enterprise | None = None, supplier_external: ExternalFirm | None = None
                ) -> SupplyLink:
    """Record that a supplier supplies a local customer; the customer must lie within the actor's scope."""
    link = SupplyLink(customer=customer, material=material, share=share, monthly_volume=monthly_volume,
                      supplier_enterprise=supplier_enterprise, supplier_external=supplier_external)
    _clean_or_raise(link)
    link.save()
    ensure_can_after_write(actor, link, "add", _("You may record supply links only for enterprises in your scope."))
    firm_inputs_refresh(enterprises=[link.customer_id])
    event_record(kind="supply.link_created", message=str(link), obj=link, actor=actor)
    return link


@transaction.atomic
def link_update(*, actor, link: SupplyLink, **fields) -> SupplyLink:
    """Correct a link (share, volume, material, supplier); an enterprise corrects only its own inputs."""
    ensure_can(actor, "change", link)
    allowed = {"share", "monthly_volume", "material", "supplier_enterprise", "supplier_external"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError({k: [_("This field cannot be changed here.")] for k in unknown})
    for k, v in fields.items():
        setattr(link, k, v)
    _clean_or_raise(link)
    link.save()
    firm_inputs_refresh(enterprises=[link.customer_id])
    event_record(kind="supply.link_corrected", message=str(link), obj=link, actor=actor,
                 data={k: str(getattr(v, "pk", v)) for k, v in fields.items()})
    return link


@transaction.atomic
def link_delete(*, actor, link: SupplyLink) -> None:
    ensure_can(actor, "change", link)
    event_record(kind="supply.link_deleted", message=str(link), obj=link, actor=actor)
    customer = link.customer_id
    link.delete()
    firm_inputs_refresh(enterprises=[customer])


LINK_FKS = ["customer", "material", "supplier_enterprise", "supplier_external"]


def _link_key(row: dict) -> tuple:
    se, sx = row.get("supplier_enterprise"), row.get("supplier_external")
    return (("e", se.pk) if se is not None else ("x", sx.pk)), row["customer"].pk, row["material"].pk


def _firms_within(actor, pks: set[int], action: str) -> bool:
    q = supply_firms(actor, action)
    if q is None:
        return False
    return not pks or Enterprise.objects.filter(pk__in=pks).filter(q).count() == len(pks)


@transaction.atomic
def links_upsert(*, actor, rows: list[dict]) -> tuple[list[SupplyLink], list[SupplyLink]]:
    """The set-based writer of supply links (and their customers' bill-of-materials lines) for importers, with the
    rules, events and change log of `link_create` / `link_update` / `bom_set`.

    Each row: customer (Enterprise), material (Material), exactly one of supplier_enterprise (Enterprise) and
    supplier_external (ExternalFirm), share, monthly_volume; optionally per_unit and inventory (the customer's
    bill-of-materials line of that material). A link that exists (same supplier, customer, material) is corrected,
    any other is created. Rules: the `import` right; every customer within the actor's supply `add` scope (and its
    `change` scope for links and lines it corrects), else 403; one supplier per link, no firm supplying itself,
    no link twice in one call, the fields' own validation, else 400 and nothing written. Audited like single saves:
    one change-log entry per link and line written (before/after), one `supply.link_created` or
    `supply.link_corrected` event per link. Returns (created, corrected)."""
    ensure_can(actor, "import", SupplyLink, _("You may not import supply links."))
    if not rows:
        return [], []
    seen: set[tuple] = set()
    for r in rows:
        se, sx = r.get("supplier_enterprise"), r.get("supplier_external")
        if (se is None) == (sx is None):
            raise ValidationError({"supplier_enterprise": [_(
                "A link has exactly one supplier: a local enterprise or an external firm.")]})
        if se is not None and se.pk == r["customer"].pk:
            raise ValidationError({"supplier_enterprise": [_("An enterprise cannot supply itself.")]})
        key = _link_key(r)
        if key in seen:
            raise ValidationError({"material": [_("This supplier already supplies this material.")]})
        seen.add(key)
    customers = {r["customer"].pk for r in rows}
    if not _firms_within(actor, customers, "add"):
        raise PermissionDenied(_("You may record supply links only for enterprises in your scope."))
    materials = {r["material"].pk for r in rows}
    existing = {}
    for link in SupplyLink.objects.select_for_update().filter(customer_id__in=customers, material_id__in=materials):
        site = ("e", link.supplier_enterprise_id) if link.supplier_enterprise_id else ("x", link.supplier_external_id)
        existing[(site, link.customer_id, link.material_id)] = link
    lines = {(b.enterprise_id, b.material_id): b for b in BomLine.objects.select_for_update().filter(
        enterprise_id__in=customers, material_id__in=materials)}
    corrected = {link.customer_id for k, link in existing.items() if k in seen}
    corrected |= {r["customer"].pk for r in rows if r.get("per_unit") is not None
                  and (r["customer"].pk, r["material"].pk) in lines}
    if not _firms_within(actor, corrected, "change"):
        raise PermissionDenied(_("You may record supply links only for enterprises in your scope."))
    now = timezone.now()
    new, changed, before = [], [], {}
    for r in rows:
        link = existing.get(_link_key(r))
        if link is None:
            link = SupplyLink(customer=r["customer"], material=r["material"],
                              supplier_enterprise=r.get("supplier_enterprise"),
                              supplier_external=r.get("supplier_external"))
            new.append(link)
        else:
            before[link.pk] = snapshot(link)
            link.customer, link.material = r["customer"], r["material"]  # loaded, for the events' text
            link.supplier_enterprise, link.supplier_external = r.get("supplier_enterprise"), r.get("supplier_external")
            link.updated = now
            changed.append(link)
        link.share, link.monthly_volume = r["share"], r["monthly_volume"]
        # The related objects are loaded instances checked above; uniqueness is the upsert's own key.
        link.full_clean(exclude=LINK_FKS, validate_unique=False, validate_constraints=False)
    new_lines, changed_lines, lines_before = {}, {}, {}
    for r in rows:
        if r.get("per_unit") is None:
            continue
        key = (r["customer"].pk, r["material"].pk)
        line = lines.get(key)
        if line is None:
            line = new_lines.get(key) or BomLine(enterprise=r["customer"], material=r["material"])
            new_lines[key] = line
        else:
            lines_before.setdefault(line.pk, snapshot(line))
            line.updated = now
            changed_lines[key] = line
        line.per_unit, line.inventory = r["per_unit"], r.get("inventory") or Decimal(0)
        if not line.per_unit > 0:
            raise ValidationError({"per_unit": [_("Units per unit made must be positive.")]})
        line.full_clean(exclude=["enterprise", "material"], validate_unique=False, validate_constraints=False)
    SupplyLink.objects.bulk_create(new, batch_size=2000)
    SupplyLink.objects.bulk_update(changed, ["share", "monthly_volume", "updated"], batch_size=2000)
    BomLine.objects.bulk_create(list(new_lines.values()), batch_size=2000)
    BomLine.objects.bulk_update(list(changed_lines.values()), ["per_unit", "inventory", "updated"], batch_size=2000)
    firm_inputs_refresh(enterprises=customers)
    changes_record_bulk(objs=new, action="create", actor=actor)
    changes_record_bulk(objs=changed, action="update", before=before, actor=actor)
    changes_record_bulk(objs=list(new_lines.values()), action="create", actor=actor)
    changes_record_bulk(objs=list(changed_lines.values()), action="update", before=lines_before, actor=actor)
    events_record_bulk(kind="supply.link_created", objs=new, message=str, actor=actor)
    events_record_bulk(kind="supply.link_corrected", objs=changed, message=str, actor=actor,
                       data=lambda link: {"share": str(link.share), "monthly_volume": str(link.monthly_volume)})
    return new, changed


@transaction.atomic
def match_review_queue(*, actor, new_firm: ExternalFirm, score: float, candidate_enterprise: Enterprise | None = None,
                       candidate_external: ExternalFirm | None = None) -> MatchReview:
    """Queue a new external firm whose name resembles a known firm (0.5–0.8) for the uploader (or the city) to
    confirm or reject."""
    ensure_can(actor, "decide", MatchReview, _("You may not decide this match."))
    review = MatchReview(new_firm=new_firm, score=score, uploaded_by=actor if getattr(actor, "pk", None) else None,
                         candidate_enterprise=candidate_enterprise, candidate_external=candidate_external)
    _clean_or_raise(review)
    review.save()
    return review


@transaction.atomic
def profile_set(*, actor, enterprise: Enterprise, product: Material, monthly_capacity: Decimal,
                monthly_output: Decimal, inventory: Decimal = Decimal(0), unit_value: Decimal = Decimal(0)
                ) -> FirmProfile:
    """Create or correct an enterprise's production profile."""
    profile = FirmProfile.objects.filter(enterprise=enterprise).first() or FirmProfile(enterprise=enterprise)
    profile.product, profile.monthly_capacity, profile.monthly_output = product, monthly_capacity, monthly_output
    profile.inventory, profile.unit_value = inventory, unit_value
    _clean_or_raise(profile)
    profile.save()
    ensure_can_after_write(actor, profile, "change")
    return profile


@transaction.atomic
def bom_set(*, actor, enterprise: Enterprise, material: Material, per_unit: Decimal, inventory: Decimal = Decimal(0)
            ) -> BomLine:
    """Create or correct one input of an enterprise's bill of materials."""
    line = BomLine.objects.filter(enterprise=enterprise, material=material).first() or BomLine(
        enterprise=enterprise, material=material)
    line.per_unit, line.inventory = per_unit, inventory
    _clean_or_raise(line)
    line.save()
    ensure_can_after_write(actor, line, "change")
    return line


@transaction.atomic
def recovery_estimate_set(*, actor, ttr_days: Decimal, source: str, supplier_enterprise: Enterprise | None = None,
                          supplier_external: ExternalFirm | None = None, note: str = "") -> RecoveryEstimate:
    """Record a supplier site's time to recover with its source (one estimate per site, replaced when newer): the
    `set_recovery` right on the site, for every channel (the city any site, a firm's account its own)."""
    if (supplier_enterprise is None) == (supplier_external is None):
        raise ValidationError({"supplier_enterprise": [_("An estimate is for exactly one supplier site.")]})
    site = supplier_enterprise or supplier_external
    ensure_can(actor, "set_recovery", site, _("You may not set this supplier's time to recover."))
    key = {"supplier_enterprise": supplier_enterprise} if supplier_enterprise else {
        "supplier_external": supplier_external}
    est = RecoveryEstimate.objects.filter(**key).first() or RecoveryEstimate(**key)
    est.ttr_days, est.source, est.note = ttr_days, source, note
    _clean_or_raise(est)
    est.save()
    return est


# ---------------------------------------------------------------------------------------------- matching review

@transaction.atomic
def match_confirm(*, actor, review: MatchReview) -> MatchReview:
    """The new firm is the candidate: its links move to the candidate and the new firm is removed."""
    review = MatchReview.objects.select_for_update().get(pk=review.pk)
    ensure_can(actor, "decide", review, _("You may not decide this match."))
    if review.status != MatchStatus.PENDING:
        raise ValidationError({"status": [_("This match is already decided.")]})
    firm = review.new_firm
    target = {"supplier_enterprise": review.candidate_enterprise} if review.candidate_enterprise_id else {
        "supplier_external": review.candidate_external}
    key = "supplier_enterprise" if review.candidate_enterprise_id else "supplier_external"
    # The customers whose inputs change: their supplier moves (perhaps into the province) or two links become one.
    customers = set(SupplyLink.objects.filter(supplier_external=firm).values_list("customer_id", flat=True))
    for link in SupplyLink.objects.filter(supplier_external=firm):
        clash = SupplyLink.objects.filter(customer_id=link.customer_id, material_id=link.material_id,
                                          **{key: target[key]}).first()
        if clash:  # the customer already had this supplier for this material: keep one link, the larger volume
            clash.share = max(clash.share, link.share)
            clash.monthly_volume = max(clash.monthly_volume, link.monthly_volume)
            clash.save(update_fields=["share", "monthly_volume", "updated"])
            link.delete()
        else:
            SupplyLink.objects.filter(pk=link.pk).update(**{"supplier_enterprise": None, "supplier_external": None,
                                                             **target})
    firm_inputs_refresh(enterprises=customers)
    review.status, review.decided_by, review.decided_at = MatchStatus.CONFIRMED, actor, timezone.now()
    review.save(update_fields=["status", "decided_by", "decided_at", "updated"])
    MatchReview.objects.filter(new_firm=firm, status=MatchStatus.PENDING).exclude(pk=review.pk).update(
        status=MatchStatus.REJECTED, decided_by=actor, decided_at=timezone.now())
    event_record(kind="supply.match_confirmed", message=str(review), obj=review, actor=actor)
    # The provisional firm goes once nothing refers to it; the review keeps the decision (pointing at the candidate
    # when that is an external firm, since the review's new firm cannot stay empty).
    if review.candidate_external_id:
        MatchReview.objects.filter(new_firm=firm).update(new_firm=review.candidate_external)
        review.new_firm = review.candidate_external
        firm.delete()
    elif not MatchReview.objects.filter(new_firm=firm).exclude(pk=review.pk).exists():
        review.new_firm = firm  # a confirmed local candidate: the provisional firm stays, without links
    return review


@transaction.atomic
def match_reject(*, actor, review: MatchReview) -> MatchReview:
    """The new firm is a different firm: it stays as it is."""
    review = MatchReview.objects.select_for_update().get(pk=review.pk)
    ensure_can(actor, "decide", review, _("You may not decide this match."))
    if review.status != MatchStatus.PENDING:
        raise ValidationError({"status": [_("This match is already decided.")]})
    review.status, review.decided_by, review.decided_at = MatchStatus.REJECTED, actor, timezone.now()
    review.save(update_fields=["status", "decided_by", "decided_at", "updated"])
    event_record(kind="supply.match_rejected", message=str(review), obj=review, actor=actor)
    return review


# ---------------------------------------------------------------------------------------------- scenarios

@transaction.atomic
def scenario_create(*, actor, name: str, periods: int, regions: list[str] = (), districts: list[str] = (),
                    enterprises: list[int] = (), materials: list[int] = (), capacity_loss: Decimal = Decimal(1)
                    ) -> Scenario:
    """Save a scenario (city bureau, district bureaus, chain teams)."""
    ensure_can(actor, "add", Scenario, _("Your role does not run supply-risk scenarios."))
    errors: dict[str, list[str]] = {}
    regions = [str(r).strip().upper() for r in regions or []]
    bad = [r for r in regions if not _region_ok(r)]
    if bad:
        errors["regions"] = [_("Not a prefecture code or country code: %(codes)s") % {"codes": "、".join(bad)}]
    from industry_brain.core.models import District

    districts = [str(d) for d in districts or []]
    unknown = set(districts) - set(District.objects.filter(code__in=districts).values_list("code", flat=True))
    if unknown:
        errors["districts"] = [_("Unknown district codes: %(codes)s") % {"codes": "、".join(sorted(unknown))}]
    enterprises = [int(e) for e in enterprises or []]
    if len(set(enterprises)) != Enterprise.objects.filter(pk__in=enterprises).count():
        errors["enterprises"] = [_("Some enterprise ids do not exist.")]
    materials = [int(m) for m in materials or []]
    if len(set(materials)) != Material.objects.filter(pk__in=materials).count():
        errors["materials"] = [_("Some material ids do not exist.")]
    if not (regions or districts or enterprises or materials):
        errors["regions"] = [_("Name at least one region, district, enterprise or material that goes down.")]
    if errors:
        raise ValidationError(errors)
    sc = Scenario(name=(name or "").strip(), periods=periods, regions=regions, districts=districts,
                  enterprises=enterprises, materials=materials, capacity_loss=capacity_loss, created_by=actor)
    _clean_or_raise(sc)
    sc.save()
    event_record(kind="supply.scenario_created", message=sc.name, obj=sc, actor=actor)
    return sc


def scenario_run(*, actor, scenario: Scenario, background: bool | None = None) -> ScenarioRun:
    """Queue a run of the scenario on the job queue (executed at once when Celery runs eagerly)."""
    ensure_can(actor, "view", scenario)
    ensure_can(actor, "run", Scenario, _("Your role does not run supply-risk scenarios."))
    with transaction.atomic():
        run = ScenarioRun.objects.create(scenario=scenario, status=RunStatus.QUEUED, requested_by=actor)
        Scenario.objects.filter(pk=scenario.pk).update(status=RunStatus.QUEUED)
        event_record(kind="supply.scenario_queued", message=scenario.name, obj=scenario, actor=actor,
                     data={"run": run.pk})
    from django.conf import settings

    from .tasks import compute_scenario

    if background is False:
        scenario_compute(run=run)  # seeders and commands: now, in this process
    elif background is None and getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        compute_scenario.delay(run.pk)  # embedded default: computed now, inside this request
    else:
        transaction.on_commit(lambda: compute_scenario.delay(run.pk))  # a worker must see the committed run
    return run


def _fetch_inputs(scenario: Scenario) -> dict:
    """The network as arrays, read with one query per table (values_list), never per firm."""
    f = float
    profiles = list(FirmProfile.objects.values_list("enterprise_id", "product_id", "monthly_capacity",
                                                    "monthly_output", "inventory", "unit_value"))
    boms = list(BomLine.objects.values_list("enterprise_id", "material_id", "per_unit", "inventory"))
    links = list(SupplyLink.objects.values_list("id", "supplier_enterprise_id", "supplier_external_id", "customer_id",
                                                "material_id", "share", "monthly_volume"))
    externals = list(ExternalFirm.objects.values_list("id", "region", "monthly_capacity", "inventory"))
    places = {e: (d, lat, lon) for e, d, lat, lon in Enterprise.objects.filter(supply_profile__isnull=False)
              .values_list("id", "district_id", "lat", "lon")}
    districts = {e: v[0] for e, v in places.items()}
    ttr = {("e", a): f(d) for a, d in RecoveryEstimate.objects.filter(supplier_enterprise__isnull=False)
           .values_list("supplier_enterprise_id", "ttr_days")}
    ttr.update({("x", a): f(d) for a, d in RecoveryEstimate.objects.filter(supplier_external__isnull=False)
                .values_list("supplier_external_id", "ttr_days")})
    return {"profiles": profiles, "boms": boms, "links": links, "externals": externals, "districts": districts,
            "places": places, "ttr": ttr}


def build_scenario_network(scenario: Scenario, inputs: dict | None = None) -> dict:
    """The affected cone of the scenario as an engine.Network: the disrupted nodes, every local firm downstream
    of them, their input stocks (one stock node per firm and input, holding the BOM inventory) and the direct
    suppliers of those firms (as sources limited by their usual rate times their headroom)."""
    inputs = inputs or _fetch_inputs(scenario)
    f = float
    loss = f(scenario.capacity_loss)
    regions = set(scenario.regions)
    districts_down = set(scenario.districts)
    firms_down = set(scenario.enterprises)
    materials_down = set(scenario.materials)
    profile = {p[0]: p for p in inputs["profiles"]}
    committed: dict[tuple, float] = defaultdict(float)
    for _id, se, sx, _c, _m, _s, vol in inputs["links"]:
        committed[("e", se) if se else ("x", sx)] += f(vol)
    ext = {x[0]: x for x in inputs["externals"]}
    bom = {(e, m): (f(r), f(inv)) for e, m, r, inv in inputs["boms"]}
    # Disrupted nodes.
    down: dict[tuple, float] = {}
    for xid, region, _cap, _inv in inputs["externals"]:
        if region in regions:
            down[("x", xid)] = loss
    for eid, dist in inputs["districts"].items():
        if dist in districts_down or eid in firms_down:
            down[("e", eid)] = loss
    # Links into local firms that have the input in their BOM (others do not constrain production).
    links = [lk for lk in inputs["links"] if lk[3] in profile and (lk[3], lk[4]) in bom]
    cut_links = {lk[0] for lk in links if lk[4] in materials_down}
    succ: dict[tuple, list[int]] = defaultdict(list)
    for lk in links:
        succ[("e", lk[1]) if lk[1] else ("x", lk[2])].append(lk[3])
    affected: set[int] = {k[1] for k in down if k[0] == "e" and k[1] in profile}
    stack = [k for k in down] + [("e", lk[3]) for lk in links if lk[0] in cut_links]
    for k in stack:
        if k[0] == "e" and k[1] in profile:
            affected.add(k[1])
    while stack:
        k = stack.pop()
        for c in succ.get(k, ()):
            if c not in affected:
                affected.add(c)
                stack.append(("e", c))
    cone_links = [lk for lk in links if lk[3] in affected]
    nodes: list[dict] = []
    seen: set = set()

    def headroom(key) -> float:
        if key[0] == "e":
            p = profile.get(key[1])
            if p is None or f(p[3]) <= 0:
                return 1.0
            return max(f(p[2]) / max(f(p[3]), 1e-9), 1.0)
        cap = ext[key[1]][2]
        used = committed.get(key, 0.0)
        return max(f(cap) / used, 1.0) if cap is not None and used > 0 else 1.0

    def add_firm(eid: int) -> None:
        p = profile[eid]
        seen.add(("e", eid))
        nodes.append({"id": f"e{eid}", "capacity": f(p[2]) / DAYS_PER_MONTH, "inventory": f(p[4]), "demand": 0.0,
                      "unit_value": f(p[5]), "_affected": True})

    def add_source(key, lid: int, vol: float) -> str:
        """A supplier the disruption does not reach upstream (no inputs in the cone) as one source node per link:
        its capacity and stock shared among its customers by their usual volumes, as it ships in normal times.
        Each customer then draws only on its share, which also keeps every firm's upstream a tree where the
        suppliers' own suppliers are not shared (see engine.tts_by_blocks)."""
        seen.add(key)
        site = f"{key[0]}{key[1]}"
        used = committed.get(key, 0.0)
        if key[0] == "e" and key[1] in profile:
            p = profile[key[1]]
            base = max(used, f(p[3]), vol, 1e-9)
            cap, inv = f(p[2]) / DAYS_PER_MONTH * vol / base, f(p[4]) * vol / base
        elif key[0] == "e":
            cap, inv = None, 0.0
        else:
            x = ext[key[1]]
            base = max(used, vol, 1e-9)
            total = f(x[2]) if x[2] is not None else used
            cap, inv = total / DAYS_PER_MONTH * vol / base, f(x[3]) * vol / base
        node_id = f"{site}@{lid}"
        nodes.append({"id": node_id, "site": site, "capacity": cap, "inventory": inv, "demand": 0.0,
                      "unit_value": 0.0})
        return node_id

    for e in sorted(affected):
        add_firm(e)
    engine_links: list[dict] = []
    local_out: dict[int, float] = defaultdict(float)
    for lk in links:
        if lk[1]:
            local_out[lk[1]] += f(lk[6])
    for lid, se, sx, cust, mat, _share, vol in cone_links:
        key = ("e", se) if se else ("x", sx)
        site = f"{key[0]}{key[1]}"
        supplier = site if key[0] == "e" and key[1] in affected else add_source(key, lid, f(vol))
        rate = f(vol) / DAYS_PER_MONTH * headroom(key)
        if lid in cut_links:
            rate *= (1.0 - loss)
        engine_links.append({"supplier": supplier, "site": site, "customer": f"e{cust}", "material": mat,
                             "per_unit": bom[(cust, mat)][0], "cap": rate, "_link": lid})
    # Input stocks: one node per affected firm and BOM input with stock on hand.
    for (e, m), (r, inv) in bom.items():
        if e in affected and inv > 0:
            sid = f"s{e}_{m}"
            nodes.append({"id": sid, "capacity": 0.0, "inventory": inv, "demand": 0.0, "unit_value": 0.0})
            engine_links.append({"supplier": sid, "customer": f"e{e}", "material": m, "per_unit": r, "cap": None})
    # Final sales per day of affected firms: output not shipped to local customers.
    for node in nodes:
        if node.get("_affected"):
            eid = int(node["id"][1:])
            p = profile[eid]
            node["demand"] = max(f(p[3]) - local_out.get(eid, 0.0), 0.0) / DAYS_PER_MONTH
    down_sites = {f"{k[0]}{k[1]}": v for k, v in down.items() if k in seen}
    down_ids = {n["id"]: down_sites[n.get("site", n["id"])] for n in nodes if n.get("site", n["id"]) in down_sites}
    ttr = {f"{k[0]}{k[1]}": v for k, v in inputs["ttr"].items()}
    return {"nodes": nodes, "links": engine_links, "down": down_ids, "down_sites": down_sites,
            "affected": sorted(affected), "ttr": ttr, "periods": scenario.periods, "inputs": inputs}


def compute_cone(cone: dict, *, cap: float = engine.TTS_CAP_DEFAULT, per_firm_lps: bool = False) -> dict:
    """Solve the cone: PI over the scenario's days (one LP), TTS of every affected firm (its own block: the
    recursion for tree-shaped upstreams and one LP for the rest, engine.tts_by_blocks; or one LP per firm when
    `per_firm_lps`, the baseline), binding inputs, TTR and flags."""
    t0 = time.perf_counter()
    net = engine.Network.build(cone["nodes"], cone["links"])
    index = {v: i for i, v in enumerate(net.ids)}
    down = {index[k]: v for k, v in cone["down"].items()}
    periods = float(cone["periods"])
    # Only affected firms have demand in the cone network (others are sources), so products = affected firms.
    pi = engine.solve_pi(net, down, periods)
    t_pi = time.perf_counter() - t0
    firms = [index[f"e{e}"] for e in cone["affected"]]
    stats = engine.LpStats()
    if per_firm_lps:
        tts_vals, capped, binding = [], [], []
        for j in firms:
            r = engine.solve_tts(net, down, [engine.TtsBlock(net.upstream([j]), np.array([j], dtype=np.int64))],
                                 cap=cap)
            tts_vals.append(float(r.tts[0]))
            capped.append(bool(r.capped[0]))
            binding.append(r.binding_material[0])
            stats.add(r.stats)
        trees = 0
    else:
        r = engine.tts_by_blocks(net, down, firms, cap=cap, lp_blocks_per_lp=TTS_BLOCKS_PER_LP)
        tts_vals, capped, binding = r.tts.tolist(), r.capped.tolist(), r.binding_material
        stats.add(r.stats)
        trees = int(r.tree.sum())
    # TTR of a firm: the scenario's days, or longer when a disrupted site upstream needs longer to recover: the
    # largest recovery estimate over the disrupted nodes upstream, carried down the links until nothing changes.
    site = [n.get("site", n["id"]) for n in cone["nodes"]]
    ttr_node = np.full(net.n, -np.inf)
    for i in down:
        ttr_node[i] = max(periods, float(cone["ttr"].get(site[i], periods)))
    for _round in range(net.n):
        carried = ttr_node.copy()
        np.maximum.at(carried, net.cus, ttr_node[net.sup])
        if np.array_equal(carried, ttr_node):
            break
        ttr_node = carried
    mat_codes = {}
    for e in cone["links"]:
        mat_codes.setdefault(e["material"], len(mat_codes))
    code_to_material = {v: k for k, v in mat_codes.items()}
    rows = []
    for pos, j in enumerate(firms):
        lost_units = float(pi.lost_units[j])
        bind = binding[pos]
        rows.append({"enterprise": int(net.ids[j][1:]), "tts": float(tts_vals[pos]), "capped": bool(capped[pos]),
                     "ttr": max(periods, float(ttr_node[j])), "lost_units": lost_units,
                     "lost_value": lost_units * float(net.unit_value[j]),
                     "binding": code_to_material.get(bind) if bind is not None else None})
    timings = {"build_solve_seconds": time.perf_counter() - t0, "pi_seconds": t_pi, "tts_trees": trees,
               "tts_lp_blocks": len(firms) - trees}
    return {"rows": rows, "pi": pi.pi, "pi_stats": pi.stats, "tts_stats": stats, "timings": timings}


def _haversine(lat1, lon1, lat2, lon2) -> float | None:
    if None in (lat1, lon1, lat2, lon2):
        return None
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


def _alternatives(rows: list[dict], *, down_keys: set[str], regions_down: set[str], places: dict) -> None:
    """For every flagged row with a missing material: alternative suppliers of that material (or, failing that,
    of its chain node) with spare capacity, first in the city, then in the province, ranked by spare capacity,
    distance and past supply, each with the reason. Candidate lists are built once per material."""
    needed = {r["missing_material"] for r in rows if r["flagged"] and r["missing_material"]}
    if not needed:
        return
    materials = {m.pk: m for m in Material.objects.filter(pk__in=needed)}
    node_of = {pk: m.node_id for pk, m in materials.items()}
    past = defaultdict(int)
    for se, sx, mat in SupplyLink.objects.filter(material_id__in=needed).values_list(
            "supplier_enterprise_id", "supplier_external_id", "material_id"):
        past[(f"e{se}" if se else f"x{sx}", mat)] += 1
    # Local makers of the material (or of a material on the same chain node) with spare capacity.
    node_materials = defaultdict(set)
    for pk, node in Material.objects.filter(node_id__in=[n for n in node_of.values() if n]).values_list("pk", "node"):
        node_materials[node].add(pk)
    local = defaultdict(list)
    for eid, product, cap, out, name, lat, lon in FirmProfile.objects.filter(
            product_id__in=set(needed) | set().union(*node_materials.values()) if node_materials else needed
    ).values_list("enterprise_id", "product_id", "monthly_capacity", "monthly_output", "enterprise__name",
                  "enterprise__lat", "enterprise__lon"):
        spare = float(cap - out)
        if spare > 0 and f"e{eid}" not in down_keys:
            local[product].append({"key": f"e{eid}", "id": eid, "name": name, "spare": spare,
                                   "lat": float(lat) if lat is not None else None,
                                   "lon": float(lon) if lon is not None else None})
    used = dict(SupplyLink.objects.filter(supplier_external__isnull=False).values_list("supplier_external_id")
                .annotate(v=Sum("monthly_volume")).values_list("supplier_external_id", "v"))
    province, beyond = defaultdict(list), defaultdict(list)
    prefix = settings_province_prefix()
    for xid, name, region, cap, lat, lon, mat in ExternalFirm.objects.filter(
            monthly_capacity__isnull=False, supplies__material_id__in=needed).values_list(
            "id", "name", "region", "monthly_capacity", "lat", "lon", "supplies__material_id").distinct():
        spare = float(cap) - float(used.get(xid, 0))
        if spare > 0 and f"x{xid}" not in down_keys and region not in regions_down:
            (province if region.startswith(prefix) else beyond)[mat].append(
                {"key": f"x{xid}", "id": xid, "name": name, "spare": spare, "lat": lat, "lon": lon})
    ent_pos = {e: (float(a) if a is not None else None, float(b) if b is not None else None)
               for e, (_d, a, b) in places.items()}
    # Texts translated once (a run has thousands of rows), filled per chosen alternative only.
    why_same, why_node = _("same material"), _("same chain node")
    where_text = {"city": _("in the city"), "province": _("in the province"),
                  "beyond": _("outside the province, not in a region hit")}
    reason_text = _("%(where)s, %(why)s, spare capacity %(spare)s per month, %(dist)s, supplied %(n)s local firms "
                    "before")
    km_text, no_distance = _("%(km)s km away"), _("distance unknown")
    ranked: dict[tuple, list] = {}  # (scope, material) → candidates by spare capacity, built once per material
    for r in rows:
        m = r["missing_material"]
        if not (r["flagged"] and m):
            continue
        lat, lon = ent_pos.get(r["enterprise"], (None, None))
        current = set(r.get("current_suppliers", ()))
        own = f"e{r['enterprise']}"
        picked = []
        for scope in ("city", "province", "beyond"):
            group = ranked.get((scope, m))
            if group is None:
                if scope == "city":
                    group = [(c, why_same) for c in local.get(m, [])] + [
                        (c, why_node) for pm in node_materials.get(node_of.get(m), ()) if pm != m
                        for c in local.get(pm, [])]
                else:
                    group = [(c, why_same) for c in (province if scope == "province" else beyond).get(m, [])]
                group.sort(key=lambda x: -x[0]["spare"])
                ranked[(scope, m)] = group
            # Ranked by spare capacity, then distance, then past supply: the group is sorted by spare capacity,
            # so only the candidates tied with the last one taken need their distances.
            cands = []
            for c, why in group:
                if c["key"] == own or c["key"] in current:
                    continue
                if len(cands) >= ALTERNATIVES_PER_ROW - len(picked) and c["spare"] < cands[-1][0]["spare"]:
                    break
                cands.append((c, why))
            scored = []
            for c, why in cands:
                d = _haversine(lat, lon, c["lat"], c["lon"])
                scored.append((-c["spare"], d if d is not None else 1e6, -past[(c["key"], m)], scope, c, why, d))
            scored.sort(key=lambda x: (x[0], x[1], x[2]))
            picked += scored[:ALTERNATIVES_PER_ROW - len(picked)]
            if len(picked) >= ALTERNATIVES_PER_ROW:
                break
        alts = []
        for _s, _d, _p, t, c, why, d in picked[:ALTERNATIVES_PER_ROW]:
            reason = reason_text % {"where": where_text[t], "why": why, "spare": f"{c['spare']:,.0f}",
                                    "dist": (km_text % {"km": f"{d:,.0f}"}) if d is not None else no_distance,
                                    "n": past[(c["key"], m)]}
            alts.append({"supplier_enterprise": c["id"] if c["key"][0] == "e" else None,
                         "supplier_external": c["id"] if c["key"][0] == "x" else None, "name": c["name"],
                         "spare_capacity": round(c["spare"], 2),
                         "distance_km": round(d, 1) if d is not None else None, "scope": t, "reason": reason})
        r["alternatives"] = alts


def scenario_compute(*, run: ScenarioRun) -> ScenarioRun:
    """Build, solve and store one run (called by the job). Failures are stored on the run, never half results."""
    ScenarioRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, started_at=timezone.now(), progress=5)
    Scenario.objects.filter(pk=run.scenario_id).update(status=RunStatus.RUNNING)
    scenario = run.scenario
    t0 = time.perf_counter()
    try:
        cone = build_scenario_network(scenario)
        t_build = time.perf_counter() - t0
        ScenarioRun.objects.filter(pk=run.pk).update(progress=30)
        solved = compute_cone(cone)
        t_solve = time.perf_counter() - t0 - t_build
        ScenarioRun.objects.filter(pk=run.pk).update(progress=80)
        with transaction.atomic():
            _store(run, scenario, cone, solved, t_build, t_solve, t0)
    except engine.SolveError as exc:
        _fail(run, scenario, _("The solver stopped with status %(status)s.") % {"status": exc.status}, exc.status)
    except Exception as exc:  # a run must end as failed, with the reason, not stay "running"
        _fail(run, scenario, f"{type(exc).__name__}: {exc}", "error")
        raise
    run.refresh_from_db()
    return run


def _fail(run, scenario, message: str, status: str) -> None:
    ScenarioRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, error=message, solver_status=status,
                                                 finished_at=timezone.now())
    Scenario.objects.filter(pk=scenario.pk).update(status=RunStatus.FAILED)


def _store(run, scenario, cone, solved, t_build, t_solve, t0) -> None:
    rows = solved["rows"]
    ids = [r["enterprise"] for r in rows]
    ent = cone["inputs"]["places"]
    node_of: dict[int, tuple[int, int]] = {}
    for eid, node, chain in ChainMembership.objects.counted().filter(enterprise__supply_profile__isnull=False).order_by(
            "id").values_list("enterprise_id", "node_id", "node__chain_id"):
        node_of.setdefault(eid, (node, chain))
    current = defaultdict(list)
    for e in cone["links"]:
        if e.get("site", e["supplier"])[0] in "ex":
            current[int(e["customer"][1:])].append(e.get("site", e["supplier"]))
    # The missing material: the scarcest input by the LP duals; otherwise the input with the largest disrupted share.
    disrupted_share = defaultdict(float)
    wanted = set(ids)
    for _lid, se, sx, cust, mat, share, _vol in cone["inputs"]["links"]:
        if cust not in wanted:
            continue
        key = f"e{se}" if se else f"x{sx}"
        if key in cone["down_sites"] or mat in scenario.materials:
            disrupted_share[(cust, mat)] += float(share)
    top_input = {}
    for (cust, mat), s in disrupted_share.items():
        if s > top_input.get(cust, (None, -1))[1]:
            top_input[cust] = (mat, s)
    worst = max((r["lost_value"] for r in rows), default=0.0)
    for r in rows:
        r["flagged"] = (not r["capped"]) and r["tts"] < r["ttr"] - 1e-9
        r["missing_material"] = r["binding"] or (top_input.get(r["enterprise"], (None,))[0])
        r["rei"] = r["lost_value"] / worst if worst > 0 else 0.0
        r["current_suppliers"] = current.get(r["enterprise"], [])
    _alternatives(rows, down_keys=set(cone["down_sites"]), regions_down=set(scenario.regions),
                  places=cone["inputs"]["places"])
    rows.sort(key=lambda r: (-r["rei"], not r["flagged"], r["tts"], r["enterprise"]))
    objs = []
    for rank, r in enumerate(rows, start=1):
        district, _lat, _lon = ent[r["enterprise"]]
        node, chain = node_of.get(r["enterprise"], (None, None))
        tts = round(r["tts"], 4)
        objs.append(ScenarioResult(
            run=run, enterprise_id=r["enterprise"], district_id=district, chain_id=chain, node_id=node, rank=rank,
            tts_days=tts, tts_capped=r["capped"], ttr_days=round(r["ttr"], 4),
            shortfall_days=round(max(r["ttr"] - r["tts"], 0.0), 4) if r["flagged"] else 0.0, flagged=r["flagged"],
            stops_on_day=int(math.floor(r["tts"] + 1e-9)) + 1 if r["flagged"] else None,
            missing_material_id=r["missing_material"], lost_units=round(r["lost_units"], 4),
            lost_value=round(r["lost_value"], 4), rei=round(r["rei"], 6), alternatives=r.get("alternatives", [])))
    _insert_results(objs)
    page_data = _page_data(objs, ent)
    pi_stats, tts_stats = solved["pi_stats"], solved["tts_stats"]
    t_store = time.perf_counter() - t0 - t_build - t_solve
    snapshot = _snapshot_bytes(cone, {
        "scenario": {"regions": scenario.regions, "districts": scenario.districts, "enterprises": scenario.enterprises,
                     "materials": scenario.materials, "periods": scenario.periods,
                     "capacity_loss": str(scenario.capacity_loss)},
        "down": cone["down"], "down_sites": cone["down_sites"], "affected": cone["affected"], "ttr": cone["ttr"],
        "periods": cone["periods"]})
    ScenarioRun.objects.filter(pk=run.pk).update(
        status=RunStatus.DONE, progress=100, finished_at=timezone.now(),
        solver_status=f"PI {pi_stats.status}; TTS {tts_stats.status or 'recursion'}",
        lp_rows=pi_stats.rows + tts_stats.rows, lp_columns=pi_stats.columns + tts_stats.columns,
        lp_nonzeros=pi_stats.nonzeros + tts_stats.nonzeros, snapshot=snapshot, page_data=page_data,
        timings={"build": round(t_build, 4), "solve": round(t_solve, 4), "store": round(t_store, 4),
                 "pi_lp": {"rows": pi_stats.rows, "columns": pi_stats.columns,
                           "solver": round(pi_stats.solve_seconds, 4)},
                 "tts_lp": {"rows": tts_stats.rows, "columns": tts_stats.columns,
                            "solver": round(tts_stats.solve_seconds, 4)},
                 "tts_trees": solved["timings"]["tts_trees"], "tts_lp_blocks": solved["timings"]["tts_lp_blocks"]},
        summary={"affected": len(rows), "flagged": sum(1 for r in rows if r["flagged"]), "pi": round(solved["pi"], 4),
                 "down_nodes": len(cone["down_sites"])})
    Scenario.objects.filter(pk=scenario.pk).update(status=RunStatus.DONE, last_run=run)
    event_record(kind="supply.scenario_done", message=scenario.name, obj=scenario,
                 data={"run": run.pk, "affected": len(rows)})


def _page_data(objs: list[ScenarioResult], places: dict) -> dict:
    """The whole run's map points and losses by chain and district, in the shapes of selectors.scenario_losses
    and scenario_map_points (tested equal to them), computed once from the rows just written."""
    from industry_brain.chains.models import Chain
    from industry_brain.core.models import District

    names = dict(Enterprise.objects.filter(supply_profile__isnull=False).values_list("id", "name"))
    chains = dict(Chain.objects.values_list("id", "name"))
    districts = dict(District.objects.values_list("code", "name"))
    by_chain: dict = {}
    by_district: dict = {}
    total = {"lost": 0.0, "firms": 0, "flagged": 0}
    points = []
    for o in objs:
        for acc, key, label in ((by_chain, "chain", chains.get(o.chain_id)),
                                (by_district, "district", districts.get(o.district_id))):
            row = acc.setdefault(getattr(o, f"{key}_id"), {f"{key}_id": getattr(o, f"{key}_id"),
                                                           f"{key}__name": label, "lost": 0.0, "firms": 0,
                                                           "flagged": 0})
            row["lost"] += o.lost_value
            row["firms"] += 1
            row["flagged"] += int(o.flagged)
        total["lost"] += o.lost_value
        total["firms"] += 1
        total["flagged"] += int(o.flagged)
        _d, lat, lon = places.get(o.enterprise_id, (None, None, None))
        if lat is not None:
            points.append([round(float(lon), 4), round(float(lat), 4), names.get(o.enterprise_id, ""),
                           round(o.tts_days, 1), int(o.tts_capped), o.stops_on_day or 0, round(o.lost_value, 1)])
    return {"losses": {"by_chain": sorted(by_chain.values(), key=lambda r: -r["lost"]),
                       "by_district": sorted(by_district.values(), key=lambda r: -r["lost"]), "total": total},
            "points": points}


def _insert_results(objs: list[ScenarioResult]) -> None:
    """Result rows in bulk: COPY on PostgreSQL (thousands of rows with their alternatives, without binding each
    value into the statement text), bulk_create elsewhere."""
    from django.db import connection

    if connection.vendor != "postgresql" or not objs:
        ScenarioResult.objects.bulk_create(objs, batch_size=2000)
        return
    now = timezone.now()
    fields = [f for f in ScenarioResult._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(ScenarioResult._meta.db_table)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for o in objs:
                o.created = o.updated = now
                copy.write_row([json.dumps(v, ensure_ascii=False) if f.name == "alternatives" else v
                                for f in fields for v in (getattr(o, f.attname),)])


def _columns(rows: list[dict]) -> dict[str, list]:
    """Rows of dicts as one list per key (a third of the size, and quicker to write, for thousands of rows)."""
    keys = list(dict.fromkeys(k for r in rows[:1] for k in r)) + sorted({k for r in rows for k in r} - set(
        rows[0] if rows else ()))
    return {k: [r.get(k) for r in rows] for k in keys}


def _rows(columns: dict[str, list]) -> list[dict]:
    keys = list(columns)
    n = len(columns[keys[0]]) if keys else 0
    return [{k: columns[k][i] for k in keys if columns[k][i] is not None} for i in range(n)]  # None = absent


def _snapshot_bytes(cone: dict, meta: dict) -> bytes:
    """The cone network as arrays in an .npz (numbers as float64, ids as text; absent numbers as NaN) plus the
    scenario's small facts as JSON, zlib-compressed: hundreds of thousands of nodes and links are written in
    well under a second, where JSON text took seconds."""
    import io

    arrays = {"meta": np.array(json.dumps(meta, ensure_ascii=False, default=str))}
    for part in ("nodes", "links"):
        for key, values in _columns(cone[part]).items():
            if all(v is None or isinstance(v, (int, float)) for v in values):
                arrays[f"{part}.{key}"] = np.array([np.nan if v is None else v for v in values], dtype=np.float64)
            else:
                arrays[f"{part}.{key}"] = np.array(["" if v is None else str(v) for v in values])
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return zlib.compress(buffer.getvalue(), 1)


SNAPSHOT_INTEGERS = {"material", "_link"}  # numbers stored as float64 that are ids
SNAPSHOT_FLAGS = {"_affected"}


def _snapshot_read(raw: bytes) -> dict:
    import io

    data = zlib.decompress(raw)
    if not data.startswith(b"PK"):  # runs stored before the .npz form: JSON with columns
        out = json.loads(data)
        out["nodes"], out["links"] = _rows(out["nodes"]), _rows(out["links"])
        return out
    with np.load(io.BytesIO(data), allow_pickle=False) as npz:
        out = json.loads(str(npz["meta"]))
        for part in ("nodes", "links"):
            columns = {}
            for name in npz.files:
                if not name.startswith(f"{part}."):
                    continue
                key, values = name.split(".", 1)[1], npz[name]
                if values.dtype.kind == "f":
                    conv = int if key in SNAPSHOT_INTEGERS else bool if key in SNAPSHOT_FLAGS else float
                    columns[key] = [None if np.isnan(v) else conv(v) for v in values.tolist()]
                else:
                    columns[key] = [v or None for v in values.tolist()]
            out[part] = _rows(columns)
    return out


def stored_snapshot(run: ScenarioRun) -> dict:
    """The inputs a run was computed from (for explaining its numbers later): the cone network as compute_cone
    takes it, so that `compute_cone(stored_snapshot(run))` gives the run's numbers again."""
    if not run.snapshot:
        return {}
    return _snapshot_read(bytes(run.snapshot))


@transaction.atomic
def result_raise_demand(*, actor, result: ScenarioResult, alternative: int):
    """Turn a chosen alternative supplier into a demand (category 供应链断链) carrying the evidence."""
    from industry_brain.demands.models import DemandCategory
    from industry_brain.demands.services import demand_create

    alts = result.alternatives or []
    if not isinstance(alternative, int) or not 0 <= alternative < len(alts):
        raise ValidationError({"alternative": [_("Choose one of the listed alternatives (0 to %(n)s).") % {
            "n": max(len(alts) - 1, 0)}]})
    alt = alts[alternative]
    category = (DemandCategory.objects.filter(code="supply_chain.parts").first()
                or DemandCategory.objects.filter(code="supply_chain").first())
    if category is None:
        raise ValidationError({"category": [_("The demand category 供应链断链 is missing.")]})
    run = result.run
    material = result.missing_material.name if result.missing_material_id else "—"
    title = _("Chain-break risk: replace %(material)s") % {"material": material}
    evidence = _("Scenario %(scenario)s (run %(run)s): time to survive %(tts)s days, time to recover %(ttr)s days, "
                 "stops on day %(day)s for lack of %(material)s; lost output value %(value)s (10k yuan). "
                 "Proposed alternative: %(alt)s — %(reason)s") % {
        "scenario": run.scenario.name, "run": run.pk, "tts": f"{result.tts_days:g}", "ttr": f"{result.ttr_days:g}",
        "day": result.stops_on_day or "—", "material": material, "value": f"{result.lost_value:,.1f}",
        "alt": alt.get("name", ""), "reason": alt.get("reason", "")}
    urgency = "urgent" if (result.stops_on_day or 99) <= 7 else "normal"
    demand = demand_create(actor=actor, category=category, title=title[:200], description=evidence,
                           urgency=urgency, enterprise=result.enterprise, chain_node=result.node)
    event_record(kind="supply.demand_raised", message=title, obj=result, actor=actor,
                 data={"demand": demand.pk, "alternative": alt, "run": run.pk})
    return demand


@transaction.atomic
def result_post_need(*, actor, result: ScenarioResult, alternatives: list[int] | None = None):
    """Turn a flagged firm's missing material into a matchmaking need (through matchmaking's public service
    `listing_publish`): the material and its chain node, the monthly volume lost with the disrupted suppliers,
    needed by the day the firm stops, and the evidence — the scenario's numbers and the chosen alternatives with
    their reasons — so that the matchmaking recommendations can rank offers for it."""
    from industry_brain.matchmaking.services import listing_publish

    alts = result.alternatives or []
    chosen = list(range(len(alts))) if alternatives is None else list(alternatives)
    if any(not isinstance(i, int) or not 0 <= i < len(alts) for i in chosen):
        raise ValidationError({"alternatives": [_("Choose among the listed alternatives (0 to %(n)s).") % {
            "n": max(len(alts) - 1, 0)}]})
    if not result.missing_material_id:
        raise ValidationError({"missing_material": [_("This firm has no missing material in the run.")]})
    run, material = result.run, result.missing_material
    down = set(stored_snapshot(run).get("down_sites", {})) if run.snapshot else set()
    volume = Decimal(0)
    total = Decimal(0)
    for lk in SupplyLink.objects.filter(customer_id=result.enterprise_id, material=material):
        total += lk.monthly_volume
        site = f"e{lk.supplier_enterprise_id}" if lk.supplier_enterprise_id else f"x{lk.supplier_external_id}"
        if site in down or material.pk in (run.scenario.materials or []):
            volume += lk.monthly_volume
    volume = volume or total
    if volume <= 0:
        raise ValidationError({"volume": [_("No supply volume of %(material)s is recorded for this firm.") % {
            "material": material.name}]})
    today = timezone.localdate()
    stops = result.stops_on_day or run.scenario.periods
    lines = [_("Scenario %(scenario)s (run %(run)s): time to survive %(tts)s days, time to recover %(ttr)s days, "
               "stops on day %(day)s for lack of %(material)s; lost output value %(value)s (10k yuan).") % {
        "scenario": run.scenario.name, "run": run.pk, "tts": f"{result.tts_days:g}", "ttr": f"{result.ttr_days:g}",
        "day": result.stops_on_day or "—", "material": material.name, "value": f"{result.lost_value:,.1f}"}]
    if chosen:
        lines.append(_("Alternatives found by the risk analysis:"))
        lines += [f"{k + 1}. {alts[i].get('name', '')} — {alts[i].get('reason', '')}" for k, i in enumerate(chosen)]
    listing = listing_publish(actor=actor, enterprise=result.enterprise, data={
        "kind": "need", "title": (_("Replacement supply of %(material)s (chain-break risk)") % {
            "material": material.name})[:200],
        "node": material.node if material.node_id else result.node, "material": material.name[:100],
        "description": "\n".join(lines)[:2000], "volume": volume.quantize(Decimal("0.01")), "unit": material.unit,
        "needed_by": today + dt.timedelta(days=max(stops - 1, 0)),
        "expires_on": today + dt.timedelta(days=max(min(int(run.scenario.periods), 365), 30))})
    event_record(kind="supply.need_posted", message=listing.title, obj=result, actor=actor,
                 data={"listing": listing.pk, "alternatives": [alts[i] for i in chosen], "run": run.pk})
    return listing


# ---------------------------------------------------------------------------------------------- emergency mode

@transaction.atomic
def emergency_activate(*, actor, name: str, started_on: dt.date, reason: str, coordinator, team=(),
                       regions: list[str] = (), districts: list[str] = (), scenario: Scenario | None = None
                       ) -> Emergency:
    """The city activates an emergency (regions/districts, start, reason, the team that handles its requests)."""
    ensure_can(actor, "add", Emergency, _("Only the city bureau does this."))
    bad = [r for r in regions or [] if not _region_ok(r)]
    if bad:
        raise ValidationError({"regions": [_("Not a prefecture code or country code: %(codes)s") % {
            "codes": "、".join(bad)}]})
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Give the reason.")]})
    em = Emergency(name=(name or "").strip(), started_on=started_on, reason=reason.strip(), coordinator=coordinator,
                   regions=list(regions or []), districts=list(districts or []), scenario=scenario)
    _clean_or_raise(em)
    em.save()
    em.team.set({coordinator.pk, *[getattr(t, "pk", t) for t in team]})
    event_record(kind="supply.emergency_activated", message=em.name, obj=em, actor=actor)
    return em


def emergency_deactivate(*, actor, emergency: Emergency, ended_on: dt.date | None = None) -> Emergency:
    from .workflows import emergency_workflow

    def apply(obj, _t):
        obj.ended_on = ended_on or timezone.localdate()

    return emergency_workflow.run("deactivate", emergency, actor=actor, apply=apply, extra_fields=["ended_on"])


@transaction.atomic
def whitelist_propose(*, actor, emergency: Emergency, limit: int = 50) -> int:
    """Propose key firms from the risk results: chain masters among the affected, then the highest REI, then
    above-scale firms that are flagged. Entries already on the list are kept."""
    ensure_can(actor, "propose_whitelist", emergency, _("Only the city bureau does this."))
    from industry_brain.chains.models import ChainMaster

    run = emergency.scenario.last_run if emergency.scenario_id else None
    if run is None:
        raise ValidationError({"scenario": [_("Run a risk scenario for this emergency first.")]})
    results = list(ScenarioResult.objects.filter(run=run).select_related("enterprise")
                   .order_by("rank")[: limit * 4])
    masters = set(ChainMaster.objects.filter(status="designated").values_list("enterprise_id", flat=True))
    have = set(emergency.whitelist.values_list("enterprise_id", flat=True))
    chosen: list[tuple] = []
    for r in results:
        if r.enterprise_id in masters:
            chosen.append((r, _("chain master")))
    for r in results:
        if r.rei > 0:
            chosen.append((r, _("high risk exposure (REI %(rei)s)") % {"rei": f"{r.rei:.2f}"}))
    for r in results:
        if r.flagged and r.enterprise.is_above_scale:
            chosen.append((r, _("above-scale firm that stops on day %(day)s") % {"day": r.stops_on_day}))
    new = []
    for r, why in chosen:
        if r.enterprise_id in have or len(have) >= limit:
            continue
        have.add(r.enterprise_id)
        new.append(WhitelistEntry(emergency=emergency, enterprise_id=r.enterprise_id, reason=str(why)[:200],
                                  rei=r.rei))
    WhitelistEntry.objects.bulk_create(new)
    event_record(kind="supply.whitelist_proposed", message=emergency.name, obj=emergency, actor=actor,
                 data={"proposed": len(new)})
    return len(new)


def whitelist_decide(*, actor, entry: WhitelistEntry, action: str) -> WhitelistEntry:
    """Confirm or remove a proposed key firm (the city bureau)."""
    from .workflows import whitelist_workflow

    return whitelist_workflow.run(action, entry, actor=actor)


@transaction.atomic
def emergency_request_create(*, actor, emergency: Emergency, enterprise: Enterprise, kind: str, title: str,
                             description: str) -> EmergencyRequest:
    """A transport pass or coordination request, raised as an urgent demand and routed at once to the emergency
    team's coordinating department (due in one working day)."""
    from industry_brain.demands.models import DemandCategory
    from industry_brain.demands.services import demand_accept, demand_create

    if emergency.status != EmergencyStatus.ACTIVE:
        raise ValidationError({"emergency": [_("The emergency is no longer active.")]})
    if kind not in dict(EmergencyRequest.KIND_CHOICES):
        raise ValidationError({"kind": [_("Choose transport pass or coordination.")]})
    code = "logistics.road" if kind == "transport_pass" else "supply_chain.parts"
    category = DemandCategory.objects.get(code=code)
    demand = demand_create(actor=actor, category=category, title=title, description=description, urgency="urgent",
                           enterprise=enterprise)
    router = actor if can(actor, "route_request", emergency) else city_router()
    demand = demand_accept(actor=router, demand=demand, department=emergency.coordinator,
                           note=_("Emergency %(name)s: routed to the emergency team") % {"name": emergency.name})
    req = EmergencyRequest.objects.create(emergency=emergency, demand=demand, kind=kind)
    event_record(kind="supply.emergency_request", message=title, obj=emergency, actor=actor,
                 data={"demand": demand.pk, "kind": kind})
    return req


@transaction.atomic
def daily_report_submit(*, actor, emergency: Emergency, date: dt.date, status: str, capacity_use: Decimal,
                        issue: str = "", enterprise: Enterprise | None = None) -> DailyReport:
    """A white-listed firm's status of the day (one per day; a later report of the same day replaces it)."""
    if actor.enterprise_id:  # a firm's account reports for its own firm
        enterprise = actor.enterprise
    if enterprise is None:
        raise ValidationError({"enterprise": [_("Choose the enterprise.")]})
    if not emergency.whitelist.filter(enterprise=enterprise, status=WhitelistStatus.CONFIRMED).exists():
        raise ValidationError({"enterprise": [_("The enterprise is not on the confirmed white list.")]})
    if emergency.status != EmergencyStatus.ACTIVE:
        raise ValidationError({"emergency": [_("The emergency is no longer active.")]})
    report = DailyReport.objects.filter(emergency=emergency, enterprise=enterprise, date=date).first() or \
        DailyReport(emergency=emergency, enterprise=enterprise, date=date)
    report.status, report.capacity_use, report.issue, report.reported_by = status, capacity_use, issue or "", actor
    _clean_or_raise(report)
    report.save()
    ensure_can_after_write(actor, report, "view")
    return report
