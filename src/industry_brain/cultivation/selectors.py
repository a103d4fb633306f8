"""Reads of tier cultivation. Every read that feeds a page or the API takes the user and restricts (aggregates
too). Two public reads serve other apps (the policies module): `current_tiers` and, in factories,
`factory_levels`."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable

from django.db.models import Count, FilteredRelation, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from industry_brain.chains.choices import MembershipStatus
from industry_brain.enterprises.models import Enterprise, Recognition

from . import engine
from .choices import ENTERPRISE_TIERS, ApplicationType, TierKey
from .models import EvaluationRun, RecognitionApplication, TierEvaluation, TierRuleSet

POOL_SIZE = 1000
LADDER = ["specialised", "hidden_champion", "little_giant", "single_champion", "eagle", "kunpeng"]


def current_tiers(enterprise_ids: Iterable[int], *, user=None, on: dt.date | None = None) -> dict[int, list[dict]]:
    """The valid tier recognitions of these firms on a day: {enterprise id: [{tier, level, year, valid_until}]}.

    Public read for other apps (policies). With `user`, only firms in that user's view scope are answered; a job
    acting for the platform passes no user. Set-based: one query whatever the number of firms."""
    on = on or timezone.localdate()
    ids = list(enterprise_ids)
    qs = Recognition.objects.filter(enterprise_id__in=ids).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
    if user is not None:
        qs = qs.filter(enterprise_id__in=Enterprise.objects.restrict(user, "view").filter(pk__in=ids).values("pk"))
    out: dict[int, list[dict]] = {}
    for pk, tier, level, year, until in qs.order_by("enterprise_id", "-year").values_list(
            "enterprise_id", "tier", "level", "year", "valid_until"):
        out.setdefault(pk, []).append({"tier": tier, "level": level, "year": year, "valid_until": until})
    return out


def rulesets(*, user) -> QuerySet[TierRuleSet]:
    return TierRuleSet.objects.restrict(user, "view").prefetch_related("rules")


def latest_run(*, user) -> EvaluationRun | None:
    return EvaluationRun.objects.restrict(user, "view").order_by("-id").first()


def evaluations(*, user, run: EvaluationRun | None = None) -> QuerySet[TierEvaluation]:
    qs = TierEvaluation.objects.restrict(user, "view").select_related("rule_set", "run", "enterprise")
    if run is not None:
        qs = qs.filter(run=run)
    return qs


def evaluations_of(*, user, enterprise_id: int, run: EvaluationRun, tier: str | None = None) -> list[TierEvaluation]:
    """One firm's evaluations in a run, every tier the run decided: the stored rows, and for the tiers where the
    firm was not in play (so not stored) the same summary decided again by the engine with the run's own rule set
    and date (unsaved rows, `id` None). Empty for a firm outside the reader's confidential scope."""
    if not Enterprise.objects.restrict(user, "view_confidential").filter(pk=enterprise_id).exists():
        return []
    stored = {e.tier: e for e in evaluations(user=user, run=run).filter(enterprise_id=enterprise_id)}
    wanted = [t for t in (run.counts or {}) if tier in (None, t)]
    todo = [t for t in wanted if t not in stored and run.counts[t].get("rule_set")]
    if todo:
        enterprise = Enterprise.objects.get(pk=enterprise_id)
        frame = engine.registry_frame(run.as_of, [enterprise_id])
        sets = TierRuleSet.objects.in_bulk([run.counts[t]["rule_set"] for t in todo])
        for t in todo:
            rs = sets.get(run.counts[t]["rule_set"])
            if rs is None or not frame.n:
                continue
            res = engine.evaluate([engine.Rule.from_row(r) for r in rs.rules.all()], frame.figures, frame.n,
                                  run.application_type)
            score = _num(res.score[0])
            stored[t] = TierEvaluation(
                run=run, enterprise=enterprise, tier=t, rule_set=rs, eligible={1: True, 0: False}.get(
                    int(res.eligible[0])), score=None if score is None else round(score, 2),
                failed=int(res.failed[0]), missing=int(res.missing[0]), nearness=round(float(res.nearness[0]), 4),
                excluded=bool(res.excluded[0]), failed_mask=int(res.failed_mask[0]),
                missing_mask=int(res.missing_mask[0]), route_mask=int(res.route_mask[0]))
    return [stored[t] for t in wanted if t in stored]


# --- indicator detail and gaps in the firm's own terms --------------------------------------------------------

def _num(x) -> float | None:
    if x is None:
        return None
    x = float(x)
    return None if math.isnan(x) else x


def _wan(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 10 else f"{x:,.1f}"


def gap_text(rule: engine.Rule, value: float | None, fig: dict[str, float | None]) -> str:
    """What failing this criterion means for this firm, in its own figures."""
    t = rule.threshold
    label = rule.indicator
    if value is None:
        return _("%(ind)s: figure missing (report it)") % {"ind": label}
    if rule.operator in ("true", "false"):
        return _("%(ind)s: not met yet") % {"ind": label}
    revenue = fig.get("revenue")
    base = _("%(ind)s %(v)s → needs %(op)s %(t)s") % {"ind": label, "v": engine.fmt(round(value, 2), rule.figure),
                                                     "op": dict(rule_ops()).get(rule.operator, rule.operator),
                                                     "t": engine.fmt(t, rule.figure)}
    extra = ""
    if rule.figure in ("rd_intensity", "rd_intensity_min_2y") and revenue:
        extra = _("about %(x)s万元 more R&D at this revenue") % {"x": _wan((t - value) / 100 * revenue)}
    elif rule.figure == "main_share" and revenue:
        extra = _("about %(x)s万元 more main-business revenue") % {"x": _wan((t - value) / 100 * revenue)}
    elif rule.figure == "debt_ratio" and fig.get("total_assets"):
        extra = _("about %(x)s万元 less debt at these assets") % {"x": _wan((value - t) / 100 * fig["total_assets"])}
    elif rule.figure in ("revenue", "rd_expense", "rd_expense_min_2y", "rd_expense_sum_2y", "main_revenue_avg_3y",
                         "equity_financing_2y", "hz_group_revenue") and rule.operator in (">=", ">"):
        extra = _("%(x)s万元 more") % {"x": _wan(t - value)}
    elif rule.operator in (">=", ">") and rule.figure in ("ip_class1", "invention_patents", "niche_years",
                                                          "standards", "operating_years"):
        extra = _("%(x)s more") % {"x": engine.fmt(t - value, rule.figure)}
    return f"{base}，{extra}" if extra else base


def _display(v: float | None, rule: engine.Rule) -> str:
    if v is None:
        return "—"
    if rule.operator in ("true", "false"):
        return _("yes") if v == 1 else _("no")
    return engine.fmt(round(v, 2), rule.figure) or "—"


def _required(rule: engine.Rule) -> str:
    if rule.operator == "true":
        return _("yes")
    if rule.operator == "false":
        return _("no")
    if rule.threshold is None:
        return ""
    return f"{dict(rule_ops()).get(rule.operator, rule.operator)} {engine.fmt(rule.threshold, rule.figure)}"


def rule_ops():
    return [(">=", "≥"), (">", ">"), ("<=", "≤"), ("<", "<"), ("true", "✓"), ("false", "✗")]


# Rule sets with their rules as the engine reads them, kept per process and read again only when a version or a
# rule was added, changed or removed (one small query compares the tables' counts and latest change). A card or a
# pool page would otherwise load and convert every rule of every version in force on each request.
_RULESETS: dict[str, tuple] = {}


def _rulesets_cached() -> dict[int, TierRuleSet]:
    from django.db import connection

    from .models import TierRule

    sets, rules = TierRuleSet._meta.db_table, TierRule._meta.db_table
    with connection.cursor() as cur:
        cur.execute(f"SELECT (SELECT COUNT(*) FROM {sets}), (SELECT MAX(updated) FROM {sets}), "
                    f"(SELECT COUNT(*) FROM {rules}), (SELECT MAX(updated) FROM {rules}), "
                    f"(SELECT MAX(id) FROM {rules})")
        stamp = (connection.alias, *cur.fetchone())
    hit = _RULESETS.get("all")
    if hit is not None and hit[0] == stamp:
        return hit[1]
    found = {}
    for rs in TierRuleSet.objects.prefetch_related("rules").order_by("tier", "-effective_from", "id"):
        rows = list(rs.rules.all())
        rs.engine_rules = [engine.Rule.from_row(r) for r in rows]
        rs.rules_by_code = {r.code: r for r in rows}
        found[rs.pk] = rs
    _RULESETS["all"] = (stamp, found)
    return found


def evaluate_firms(*, ids: list[int], rule_set: TierRuleSet, as_of: dt.date,
                   application_type: str = ApplicationType.NEW, frame: engine.Frame | None = None,
                   assets: dict | None = None) -> list[dict]:
    """The full indicator detail for a few firms (a card, an API page, a pre-check), by the same engine; a caller
    deciding several tiers for the same firms passes the frame it read once."""
    frame = frame or engine.registry_frame(as_of, ids)
    cached = rule_set if hasattr(rule_set, "engine_rules") else _rulesets_cached().get(rule_set.pk)
    if cached is not None and cached.updated == rule_set.updated:
        rules, rows_by_code = cached.engine_rules, cached.rules_by_code
    else:
        rule_rows = list(rule_set.rules.all())
        rules, rows_by_code = [engine.Rule.from_row(r) for r in rule_rows], {r.code: r for r in rule_rows}
    res = engine.evaluate(rules, frame.figures, frame.n, application_type)
    out = {}
    total_assets = frame.figures.get("total_assets")
    for k, pk in enumerate(frame.ids.tolist()):
        fig = {"revenue": _num(frame.figures["revenue"][k]),
               "total_assets": _num(assets.get(pk)) if assets is not None else (
                   _num(total_assets[k]) if total_assets is not None else None)}
        indicators = []
        for i, r in enumerate(res.rules):
            v = _num(res.values[i][k]) if r.figure != "score" else _num(res.score[k])
            st = int(res.status[i][k])
            passed = {1: True, 0: False, -1: None, 2: None}[st]
            if r.kind == "score":
                passed = None
            row = rows_by_code.get(r.code)
            from_tier = r.figure in engine.TIER_FIGURE_FIELDS
            indicators.append({
                "code": r.code, "indicator": r.indicator, "kind": r.kind, "figure": r.figure,
                "value": v, "operator": r.operator, "threshold": r.threshold,
                "value_display": _display(v, r), "required": _required(r),
                "passed": passed, "not_applicable": st == 2 and r.kind != "score",
                "missing": st == -1, "gap": round(float(res.gaps[i][k]), 4) if st == 0 else None,
                "gap_text": gap_text(r, v, fig) if st in (0, -1) and r.kind != "score" else "",
                "points": _num(res.points[i][k]) if res.points[i] is not None else None,
                "year": int(frame.tier_year[k]) if from_tier and frame.tier_year[k] else (
                    None if from_tier else frame.figures_year),
                "source": engine.figure_source(r.figure),
                "verification": row.verification if row else "", "criterion_source": row.source if row else "",
            })
        el = int(res.eligible[k])
        out[pk] = {"enterprise": pk, "eligible": {1: True, 0: False, -1: None}[el],
                   "score": _num(res.score[k]), "failed": int(res.failed[k]), "excluded": bool(res.excluded[k]),
                   "route": [r.code for i, r in enumerate(res.rules) if int(res.route_mask[k]) >> i & 1],
                   "missing_figures": sorted({r.figure for i, r in enumerate(res.rules)
                                              if int(res.missing_mask[k]) >> i & 1}),
                   "indicators": indicators}
    return [out[pk] for pk in ids if pk in out]


def enterprise_card(*, user, enterprise: Enterprise | int, as_of: dt.date | None = None) -> dict:
    """The firm's own card: its tiers, and for every tier of the ladder the criteria it meets and misses, with the
    gap in its own figures; the next tier it could reach marked. 404 for a firm outside the reader's scope (the one
    scope check: callers pass the firm or its id)."""
    enterprise = Enterprise.objects.get_in_scope(user, getattr(enterprise, "pk", enterprise), "view_confidential")
    as_of = as_of or timezone.localdate()
    held = {t["tier"] for t in current_tiers([enterprise.pk], on=as_of).get(enterprise.pk, [])}
    top = max((LADDER.index(t) for t in held if t in LADDER), default=-1)
    tiers = []
    frame = engine.registry_frame(as_of, [enterprise.pk])
    assets = None  # the frame carries the total assets
    sets = {rs.tier: rs for rs in _rulesets_in_force(as_of)}
    for tier in ENTERPRISE_TIERS:
        rs = sets.get(tier)
        if rs is None:
            continue
        entry = {"tier": tier, "label": TierKey(tier).label, "held": tier in held, "rule_set": rs,
                 "verification": rs.verification}
        if rs.engine_rules:
            entry.update(evaluate_firms(ids=[enterprise.pk], rule_set=rs, as_of=as_of, frame=frame,
                                        assets=assets)[0])
        else:
            entry.update({"eligible": None, "indicators": [], "failed": 0, "no_criteria": True})
        tiers.append(entry)
    next_tier = next((t for t in tiers if LADDER.index(t["tier"]) > top and not t.get("no_criteria")
                      and not t["held"] and not t.get("excluded")), None)
    return {"enterprise": enterprise, "as_of": as_of, "held": sorted(held, key=LADDER.index), "tiers": tiers,
            "next_tier": next_tier["tier"] if next_tier else None}


def _rulesets_in_force(on: dt.date, application_type: str = ApplicationType.NEW) -> list[TierRuleSet]:
    """The version in force of every tier (one query, rules prefetched), by the rule of `services.ruleset_for`."""
    chosen: dict[str, TierRuleSet] = {}
    for rs in _rulesets_cached().values():  # by tier, latest date first
        if rs.effective_from > on or rs.application_type not in (application_type, "any"):
            continue
        best = chosen.get(rs.tier)
        if best is None or (rs.effective_from == best.effective_from and rs.application_type == application_type
                            and best.application_type != application_type):
            chosen[rs.tier] = rs
    return list(chosen.values())


# --- cultivation pool ------------------------------------------------------------------------------------------

def pool(*, user, tier: str, district: str | None = None, chain: int | None = None, max_failed: int = 3,
         run: EvaluationRun | None = None) -> QuerySet[TierEvaluation]:
    """培育库: firms not yet eligible for the tier (and not holding it), ranked by how near they are (fewest failing
    criteria, then the smallest relative gaps); firms with a missing figure come after those with figures."""
    run = run or latest_run(user=user)
    if run is None:
        return TierEvaluation.objects.none()
    qs = evaluations(user=user, run=run).filter(tier=tier, failed__lte=max_failed, excluded=False).exclude(
        eligible=True).exclude(enterprise_id__in=Recognition.objects.filter(
            tier=tier).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=run.as_of)).values("enterprise_id"))
    qs = qs.filter(Q(failed__gte=1) | Q(missing__gte=1))
    if district:
        qs = qs.filter(enterprise__district_id=district)
    if chain:
        from industry_brain.chains.models import ChainMembership

        qs = qs.filter(enterprise_id__in=ChainMembership.objects.counted().filter(node__chain_id=chain)
                       .values("enterprise_id"))
    # the pool is the nearest firms: at most POOL_SIZE of them, read in index order (the count never scans the
    # hundreds of thousands of firms far from the tier)
    return qs.select_related("enterprise", "enterprise__district", "rule_set", "run").order_by(
        "failed", "missing", "nearness", "enterprise_id")[:POOL_SIZE]


def near_next_year(*, user, run: EvaluationRun | None = None, by: str = "district") -> list[dict]:
    """Who could qualify next year: per district (or chain) and tier, firms one criterion short with a gap of at
    most 20 % (and no missing figure)."""
    run = run or latest_run(user=user)
    if run is None:
        return []
    qs = evaluations(user=user, run=run).filter(failed=1, missing=0, nearness__lte=0.2, excluded=False)
    key = "enterprise__district__name"
    if by != "district":  # a firm's chains are those of its confirmed memberships; a firm on none counts under "—"
        confirmed = Q(enterprise__memberships__status=MembershipStatus.CONFIRMED)
        qs = qs.annotate(confirmed=FilteredRelation("enterprise__memberships", condition=confirmed))
        key = "confirmed__node__chain__name"
    rows = qs.values(key, "tier").annotate(n=Count("enterprise", distinct=True)).order_by(key, "tier")
    return [{"key": r[key] or "—", "tier": r["tier"], "label": TierKey(r["tier"]).label, "n": r["n"]}
            for r in rows]


def eligible_counts(*, user, run: EvaluationRun | None = None) -> dict[str, dict]:
    """The engine's counts per tier in the reader's scope (eligible, unknown, ineligible)."""
    run = run or latest_run(user=user)
    if run is None:
        return {}
    rows = evaluations(user=user, run=run).values("tier", "eligible").annotate(n=Count("id"))
    out: dict[str, dict] = {}
    for r in rows:
        key = {True: "eligible", False: "ineligible", None: "unknown"}[r["eligible"]]
        out.setdefault(r["tier"], {"eligible": 0, "ineligible": 0, "unknown": 0})[key] = r["n"]
    return out


def applications(*, user) -> QuerySet[RecognitionApplication]:
    return RecognitionApplication.objects.restrict(user, "view").select_related("enterprise", "round")


def mask_codes(rule_set: TierRuleSet, mask: int) -> list[str]:
    codes = list(rule_set.rules.order_by("order", "id").values_list("code", flat=True))
    return [c for i, c in enumerate(codes) if mask >> i & 1]
