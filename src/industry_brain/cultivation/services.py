"""Writes of tier cultivation: rule-set versions, tier figures (self-reported, verified), evaluation runs and the
recognition-round workflow. Keyword-only, atomic, each naming its actor."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import logging
import time
from decimal import Decimal
from typing import Any

import numpy as np
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from industry_brain.core.events import event_record
from industry_brain.core.permissions import can, ensure_can_after_write
from industry_brain.core.querysets import ensure_permitted
from industry_brain.core.workdays import add_working_days

from . import engine
from .choices import ENTERPRISE_TIERS, ApplicationStatus, ApplicationType, FigureState, ObjectionStatus, RuleKind
from .models import (
    ApplicationEvidence,
    EnterpriseTierFigures,
    EvaluationRun,
    Objection,
    RecognitionApplication,
    RecognitionRound,
    TierEvaluation,
    TierRule,
    TierRuleSet,
)
from .workflows import APPLICATION_WORKFLOW

logger = logging.getLogger(__name__)

# --- rule sets -------------------------------------------------------------------------------------------------


def rulesets_ensure_defaults() -> int:
    """The shipped rule sets (the data migration loads them; a flushed test database gets them back here)."""
    from .rules_data import load_rule_sets

    return load_rule_sets(TierRuleSet, TierRule)


def ruleset_for(tier: str, on: dt.date, application_type: str = ApplicationType.NEW) -> TierRuleSet | None:
    """The version in force on `on` for this application type: the latest effective date not after `on`; a version
    made for this type wins over one for both types of the same date."""
    candidates = list(TierRuleSet.objects.filter(tier=tier, effective_from__lte=on,
                                                 application_type__in=[application_type, ApplicationType.ANY])
                      .order_by("-effective_from"))
    if not candidates:
        return None
    latest = candidates[0].effective_from
    same_day = [c for c in candidates if c.effective_from == latest]
    return next((c for c in same_day if c.application_type == application_type), same_day[0])


RULE_FIELDS = ("code", "indicator", "kind", "figure", "operator", "threshold", "bands", "direction", "inclusive",
               "max_points", "group", "applies_if", "application_type", "source", "verification", "note")


@transaction.atomic
def ruleset_create(*, actor, data: dict[str, Any], rules: list[dict[str, Any]],
                   copy_from: TierRuleSet | None = None) -> TierRuleSet:
    """A new version of a tier's criteria (the city bureau only): either the rules given, or a copy of an earlier
    version's rules (then edited rule by rule). Earlier evaluations keep the version they used."""
    if not can(actor, "add", TierRuleSet):
        raise PermissionDenied(_("Only the city bureau adds rule-set versions."))
    rs = TierRuleSet(**{k: v for k, v in data.items() if k in (
        "tier", "level", "version", "name", "effective_from", "application_type", "source", "verification", "note")})
    rs.full_clean()
    rs.save()
    if copy_from is not None and not rules:
        rules = [{f: getattr(r, f) for f in RULE_FIELDS} for r in copy_from.rules.all()]
    errors = {}
    objs = []
    for i, spec in enumerate(rules):
        rule = TierRule(rule_set=rs, order=i, **{k: v for k, v in spec.items() if k in RULE_FIELDS})
        try:
            rule.full_clean(exclude=["rule_set"])
            _check_rule(rule)
        except ValidationError as exc:
            errors[f"rules[{i}]"] = [f"{k}: {'; '.join(v)}" for k, v in exc.message_dict.items()]
        objs.append(rule)
    if errors:
        raise ValidationError(errors)
    TierRule.objects.bulk_create(objs)
    event_record(kind="cultivation.ruleset_added", message=f"{rs}", obj=rs, actor=actor,
                 data={"effective_from": str(rs.effective_from), "rules": len(objs)})
    return rs


def _check_rule(rule: TierRule) -> None:
    if rule.kind in (RuleKind.GATE, RuleKind.ROUTE, RuleKind.EXCLUSION):
        if not rule.operator:
            raise ValidationError({"operator": [_("A gate, route or exclusion needs an operator.")]})
        if rule.operator not in ("true", "false") and rule.threshold is None:
            raise ValidationError({"threshold": [_("This operator needs a threshold.")]})
    if rule.kind == RuleKind.SCORE and not rule.bands:
        raise ValidationError({"bands": [_("A scored indicator needs point bands.")]})
    known = set(engine.FIGURES) | set(engine.TIER_FIGURE_FIELDS) | {"credit_good", "digital_level", "investment_5y",
                                                                     "mountain_island", "completion_year"}
    if rule.figure not in known:
        raise ValidationError({"figure": [_("Unknown figure %(f)s.") % {"f": rule.figure}]})


def ruleset_used(rule_set: TierRuleSet) -> bool:
    """Whether any evaluation has used this version: a run (stored rows or not, its counts name the version), an
    application's pre-check, a factory's evaluation. A used version is history and is not edited."""
    from industry_brain.factories.models import FactoryApplication

    pk = rule_set.pk
    if TierEvaluation.objects.filter(rule_set=pk).exists() or RecognitionApplication.objects.filter(
            rule_set=pk).exists() or FactoryApplication.objects.filter(rule_set=pk).exists():
        return True
    return any(c.get("rule_set") == pk for counts in EvaluationRun.objects.values_list("counts", flat=True)
               for c in (counts or {}).values() if isinstance(c, dict))


def _ensure_editable(actor, rule_set: TierRuleSet) -> None:
    if not can(actor, "change", rule_set):
        raise PermissionDenied(_("Only the city bureau changes rules."))
    if ruleset_used(rule_set):
        raise ValidationError({"rule_set": [_("Evaluations have used this version; add a new version instead.")]})


@transaction.atomic
def rule_update(*, actor, rule: TierRule, data: dict[str, Any]) -> TierRule:
    """Change a rule of a version no evaluation has used yet (a used version is history: add a new one)."""
    _ensure_editable(actor, rule.rule_set)
    for k, v in data.items():
        if k in (*RULE_FIELDS, "order"):
            setattr(rule, k, v)
    rule.full_clean()
    _check_rule(rule)
    rule.save()
    event_record(kind="cultivation.rule_changed", message=f"{rule.rule_set}: {rule.code}", obj=rule.rule_set,
                 actor=actor, data={"rule": rule.code})
    return rule


@transaction.atomic
def rule_add(*, actor, rule_set: TierRuleSet, data: dict[str, Any]) -> TierRule:
    """Add a criterion to a version no evaluation has used yet."""
    _ensure_editable(actor, rule_set)
    if "order" not in data or data["order"] is None:
        data = {**data, "order": rule_set.rules.count()}
    rule = TierRule(rule_set=rule_set, **{k: v for k, v in data.items() if k in (*RULE_FIELDS, "order")})
    rule.full_clean()
    _check_rule(rule)
    rule.save()
    event_record(kind="cultivation.rule_added", message=f"{rule_set}: {rule.code}", obj=rule_set, actor=actor,
                 data={"rule": rule.code})
    return rule


# --- tier figures ----------------------------------------------------------------------------------------------

@transaction.atomic
def tier_figures_report(*, actor, enterprise, year: int, values: dict[str, Any]) -> EnterpriseTierFigures:
    """Record figures for a year. The enterprise's own report marks each given figure self-reported; a bureau's
    entry marks it verified (a bureau confirming a figure gives the same value)."""
    row = EnterpriseTierFigures.objects.filter(enterprise=enterprise, year=year).first()
    is_new = row is None
    row = row or EnterpriseTierFigures(enterprise=enterprise, year=year)
    if not is_new:
        ensure_permitted(actor, row, "change", _("You may not change these figures."))
    state = FigureState.REPORTED if actor.enterprise_id == enterprise.pk else FigureState.VERIFIED
    unknown = [k for k in values if k not in engine.TIER_FIGURE_FIELDS]
    if unknown:
        raise ValidationError({k: [_("Not a tier figure.")] for k in unknown})
    states = dict(row.states or {})
    for k, v in values.items():
        setattr(row, k, v)
        states[k] = state
    row.states = states
    row.full_clean()
    row.save()
    if is_new:
        ensure_can_after_write(actor, row, "add", _("You may not record figures for this enterprise."))
    event_record(kind="cultivation.figures_reported" if state == FigureState.REPORTED else
                 "cultivation.figures_verified", message=f"{enterprise} {year}: {', '.join(sorted(values))}",
                 obj=enterprise, actor=actor, data={"year": year, "fields": sorted(values)})
    return row


@transaction.atomic
def tier_figures_verify(*, actor, figures: EnterpriseTierFigures, fields: list[str]) -> EnterpriseTierFigures:
    """The district (or city) bureau confirms self-reported figures as they stand."""
    if not can(actor, "verify_figures", figures.enterprise):
        raise PermissionDenied(_("Only a bureau verifies figures."))
    ensure_permitted(actor, figures, "change", _("You may not verify these figures."))
    bad = [f for f in fields if f not in engine.TIER_FIGURE_FIELDS]
    if bad:
        raise ValidationError({"fields": [_("Not a tier figure: %(f)s") % {"f": ", ".join(bad)}]})
    states = dict(figures.states or {})
    for f in fields:
        states[f] = FigureState.VERIFIED
    figures.states = states
    figures.save(update_fields=["states", "updated"])
    event_record(kind="cultivation.figures_verified", message=f"{figures}: {', '.join(fields)}",
                 obj=figures.enterprise, actor=actor, data={"year": figures.year, "fields": fields})
    return figures


# --- evaluation runs -------------------------------------------------------------------------------------------

EVAL_COLUMNS = ["run_id", "enterprise_id", "tier", "rule_set_id", "eligible", "score", "failed", "missing",
                "nearness", "excluded", "failed_mask", "missing_mask", "route_mask"]


def evaluation_run(*, actor, as_of: dt.date | None = None, application_type: str = ApplicationType.NEW,
                   tiers: list[str] | None = None) -> EvaluationRun:
    """Evaluate every firm of the registry for every tier (columnar), store one row per firm and tier."""
    if actor is not None and not can(actor, "add", EvaluationRun):
        raise PermissionDenied(_("Only the city bureau runs the evaluation."))
    started = time.monotonic()
    as_of = as_of or timezone.localdate()
    frame = engine.registry_frame(as_of)
    with transaction.atomic():
        run = EvaluationRun.objects.create(as_of=as_of, application_type=application_type,
                                           actor_label=getattr(actor, "username", "") or "job")
        counts = {}
        for tier in tiers or ENTERPRISE_TIERS:
            rs = ruleset_for(tier, as_of, application_type)
            if rs is None:
                continue
            rules = [engine.Rule.from_row(r) for r in rs.rules.all()]
            if not rules:  # no published criteria (雄鹰): undecided for every firm, nothing worth storing
                counts[tier] = {"eligible": 0, "unknown": frame.n, "ineligible": 0, "stored": 0, "no_criteria": True,
                                "rule_set": rs.pk, "version": rs.version}
                continue
            res = engine.evaluate(rules, frame.figures, frame.n, application_type)
            keep = in_play(res)
            _write_evaluations(run, tier, rs, frame, res, keep)
            counts[tier] = {"eligible": int((res.eligible == 1).sum()), "unknown": int((res.eligible == -1).sum()),
                            "ineligible": int((res.eligible == 0).sum()), "stored": int(keep.sum()),
                            "rule_set": rs.pk, "version": rs.version}
        if connection.vendor == "postgresql":  # fresh statistics for the pool's plans after millions of new rows
            with connection.cursor() as cur:
                cur.execute(f"ANALYZE {TierEvaluation._meta.db_table}")
        run.counts = counts
        run.seconds = round(time.monotonic() - started, 3)
        run.save(update_fields=["counts", "seconds", "updated"])
        event_record(kind="cultivation.evaluated", message=_("Tier evaluation as of %(d)s") % {"d": as_of},
                     obj=run, actor=actor, data={"counts": counts})
    try:
        with transaction.atomic():
            evaluation_runs_prune()
    except Exception:  # the run stands; the next run prunes again
        logger.exception("pruning old evaluation runs failed after run %s", run.pk)
    return run


def run_references() -> list:
    """Querysets of the run ids other records refer to, from every relation to a run or to its stored rows
    besides the rows' own `run`: runs named there keep their rows when pruning. Today none: a pre-check decides
    live and copies its card into the application, rounds and factory applications name a rule-set version."""
    refs = []
    for rel in EvaluationRun._meta.related_objects:
        if rel.related_model is TierEvaluation and rel.field.name == "run":
            continue
        refs.append(rel.related_model._base_manager.filter(**{f"{rel.field.name}__isnull": False}).values(
            rel.field.name))
    for rel in TierEvaluation._meta.related_objects:
        named = rel.related_model._base_manager.filter(**{f"{rel.field.name}__isnull": False}).values(
            rel.field.name)
        refs.append(TierEvaluation.objects.filter(pk__in=named).values("run_id"))
    return refs


def evaluation_runs_prune(keep: int | None = None) -> list[int]:
    """Delete the stored evaluations of every run but the latest `keep` (`settings.CULTIVATION_KEEP_RUNS`, at
    least one) and the runs other records refer to (`run_references`), one DELETE per run. The run's own row stays
    as its record (date, who, its counts naming each tier's rule-set version, so `ruleset_used` still holds and
    the event log still finds it); only the rows, a few hundred thousand per run at province scale, go. Returns
    the ids of the runs whose rows were deleted."""
    keep = max(1, settings.CULTIVATION_KEEP_RUNS if keep is None else keep)
    latest = list(EvaluationRun.objects.order_by("-id").values_list("id", flat=True)[:keep])
    if len(latest) < keep:
        return []
    old = EvaluationRun.objects.filter(id__lt=min(latest))
    for ref in run_references():
        old = old.exclude(id__in=ref)
    with_rows = old.filter(models.Exists(TierEvaluation.objects.filter(run=models.OuterRef("pk")))).order_by("id")
    table = TierEvaluation._meta.db_table
    pruned = []
    for run_id in with_rows.values_list("id", flat=True):
        # Raw SQL: QuerySet.delete() would read every row first (a post_delete receiver is connected, the change
        # log's), and the rows carry no log of their own (written by COPY; the run is the record).
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(f"DELETE FROM {table} WHERE run_id = %s", [run_id])
        pruned.append(run_id)
    if pruned:
        logger.info("pruned the stored evaluations of runs %s (kept the latest %s)", pruned, keep)
    return pruned


# A run stores the firms in play for a tier: eligible, undecided (a figure missing, nothing failing), or near —
# not excluded, at most STORE_MAX_FAILED criteria short, and no failing threshold missed by more than NEAR_GAP of
# its bound (a yes/no criterion not met yet counts as one criterion short). Every other firm is counted in the
# run's counts and decided again on demand (its card, `selectors.evaluations_of`). The cultivation pool and "who
# could qualify next year" are read from these rows, so this is also their definition of "near".
STORE_MAX_FAILED = 3
NEAR_GAP = 0.5


def in_play(res: engine.Result) -> np.ndarray:
    worst = np.zeros(res.n)
    for rule, status, gap in zip(res.rules, res.status, res.gaps, strict=True):
        if rule.kind == "gate" and rule.operator not in ("true", "false"):
            worst = np.maximum(worst, np.where(status == 0, gap, 0.0))
    near = (res.failed <= STORE_MAX_FAILED) & ~res.excluded & (worst <= NEAR_GAP)
    return (res.eligible != 0) | near


def _write_evaluations(run, tier, rs, frame, res, keep: np.ndarray | None = None) -> None:
    if keep is not None and not keep.all():
        ids = frame.ids[keep]
        res = dataclasses.replace(res, n=len(ids), **{k: getattr(res, k)[keep] for k in (
            "eligible", "score", "failed", "missing", "nearness", "failed_mask", "missing_mask", "route_mask",
            "excluded")})
        frame = dataclasses.replace(frame, ids=ids)
    n = frame.n
    if n == 0:
        return
    eligible = np.where(res.eligible == 1, "t", np.where(res.eligible == 0, "f", "\\N"))
    score = np.where(np.isnan(res.score), "\\N", np.round(np.nan_to_num(res.score), 2).astype(str))
    cols = [np.full(n, str(run.pk)), frame.ids.astype(str), np.full(n, tier), np.full(n, str(rs.pk)), eligible,
            score, res.failed.astype(str), res.missing.astype(str), np.round(res.nearness, 4).astype(str),
            np.where(res.excluded, "t", "f"), res.failed_mask.astype(str), res.missing_mask.astype(str),
            res.route_mask.astype(str)]
    table = TierEvaluation._meta.db_table
    if connection.vendor == "postgresql":
        import pandas as pd

        frame_out = pd.DataFrame({
            "run_id": run.pk, "enterprise_id": frame.ids, "tier": tier, "rule_set_id": rs.pk,
            "eligible": pd.array(np.where(res.eligible == -1, None, res.eligible == 1), dtype="boolean"),
            "score": np.round(res.score, 2), "failed": res.failed, "missing": res.missing,
            "nearness": np.round(res.nearness, 4), "excluded": res.excluded, "failed_mask": res.failed_mask,
            "missing_mask": res.missing_mask, "route_mask": res.route_mask})
        buf = io.StringIO()
        frame_out.to_csv(buf, sep="\t", header=False, index=False, na_rep="\\N")  # the CSV writer is C
        with connection.cursor() as cur:
            with cur.cursor.copy(f"COPY {table} ({', '.join(EVAL_COLUMNS)}) FROM STDIN") as copy:
                copy.write(buf.getvalue())
        return

    def val(x, k):
        if x == "\\N":
            return None
        if k in (4, 9):
            return x == "t"
        return x

    rows = zip(*[[val(x, k) for x in c.tolist()] for k, c in enumerate(cols)], strict=True)
    with connection.cursor() as cur:
        cur.executemany(f"INSERT INTO {table} ({', '.join(EVAL_COLUMNS)}) VALUES ({', '.join(['%s'] * 13)})",
                        list(rows))


def latest_run() -> EvaluationRun | None:
    return EvaluationRun.objects.order_by("-id").first()


# --- recognition rounds ----------------------------------------------------------------------------------------

@transaction.atomic
def round_create(*, actor, data: dict[str, Any]) -> RecognitionRound:
    if not can(actor, "add", RecognitionRound):
        raise PermissionDenied(_("Only the city bureau opens recognition rounds."))
    rnd = RecognitionRound(**{k: v for k, v in data.items() if k in (
        "name", "tier", "year", "rule_set", "opens_on", "closes_on", "notice_working_days", "validity_years")})
    if rnd.rule_set_id is None and rnd.tier and rnd.opens_on:
        rnd.rule_set = ruleset_for(rnd.tier, rnd.opens_on)
    rnd.full_clean()
    if rnd.rule_set is not None and rnd.rule_set.tier != rnd.tier:
        raise ValidationError({"rule_set": [_("The rule set is of another tier.")]})
    rnd.save()
    event_record(kind="cultivation.round_opened", message=str(rnd), obj=rnd, actor=actor)
    return rnd


@transaction.atomic
def application_create(*, actor, round: RecognitionRound, enterprise, application_type: str = ApplicationType.NEW,
                       statement: str = "") -> RecognitionApplication:
    """An enterprise applies for itself, or a bureau nominates a firm (district: its own district)."""
    if not can(actor, "add", RecognitionApplication):
        raise PermissionDenied(_("Only the enterprise or a bureau may file an application."))
    app = RecognitionApplication(round=round, enterprise=enterprise, application_type=application_type,
                                 statement=statement, nominated=actor.enterprise_id != enterprise.pk)
    app.full_clean()
    app.save()
    ensure_can_after_write(actor, app, "add", _("You may not apply for this enterprise."))
    event_record(kind="cultivation.application_created", message=str(app), obj=enterprise, actor=actor,
                 data={"application": app.pk, "round": round.pk})
    return app


@transaction.atomic
def evidence_add(*, actor, application: RecognitionApplication, title: str, file) -> ApplicationEvidence:
    ensure_permitted(actor, application, "change", _("You may not add evidence to this application."))
    if application.status not in (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED):
        raise ValidationError({"file": [_("Evidence is added before the pre-check.")]})
    ev = ApplicationEvidence(application=application, title=title, file=file)
    ev.full_clean()
    ev.save()
    return ev


def _timeline(app: RecognitionApplication, message: str, actor, **data) -> None:
    """The step also on the firm's own timeline (its event log)."""
    event_record(kind="cultivation.application_step", message=f"{app.round}: {message}", obj=app.enterprise,
                 actor=actor, data={"application": app.pk, **data})


def application_precheck_result(app: RecognitionApplication) -> dict:
    """Run the engine for one firm against the round's rule set, as of the round's opening day."""
    from . import selectors

    rs = app.round.rule_set or ruleset_for(app.round.tier, app.round.opens_on, app.application_type)
    if rs is not None and rs.application_type not in (ApplicationType.ANY, app.application_type):
        rs = ruleset_for(app.round.tier, app.round.opens_on, app.application_type)
    if rs is None:
        return {"rule_set": None, "eligible": None, "indicators": []}
    card = selectors.evaluate_firms(ids=[app.enterprise_id], rule_set=rs, as_of=app.round.opens_on,
                                    application_type=app.application_type)[0]
    return {"rule_set": rs.pk, "version": rs.version, **card}


def application_step(*, actor, application: RecognitionApplication, action: str, data: dict | None = None,
                     note: str = "") -> RecognitionApplication:
    """Take one step of the recognition workflow (contract actions: submit, precheck, district-approve,
    city-approve, publicise, object, answer-objection, recognise, reject, revoke)."""
    data = data or {}
    name = action.replace("-", "_")
    today = timezone.localdate()

    def apply(app, t):
        if name == "precheck":
            result = application_precheck_result(app)
            app.precheck = result
            app.precheck_eligible = result.get("eligible")
            app.rule_set_id = result.get("rule_set")
        elif name == "city_approve":
            score = data.get("expert_score")
            if score is None:
                raise ValidationError({"expert_score": [_("The city review records the experts' score.")]})
            score = Decimal(str(score))
            if not (0 <= score <= 100):
                raise ValidationError({"expert_score": [_("A score lies between 0 and 100.")]})
            app.expert_score = score
        elif name == "publicise":
            app.notice_from = today
            app.notice_until = add_working_days(today, app.round.notice_working_days)
        elif name == "object":
            text = (data.get("text") or "").strip()
            if not text:
                raise ValidationError({"text": [_("Write the objection.")]})
            Objection.objects.create(application=app, text=text, raised_by=data.get("raised_by", "")[:200])
        elif name == "answer_objection":
            objection = app.objections.filter(pk=data.get("objection"), status=ObjectionStatus.OPEN).first() \
                if data.get("objection") else app.objections.filter(status=ObjectionStatus.OPEN).first()
            answer = (data.get("answer") or "").strip()
            if objection is None:
                raise ValidationError({"objection": [_("No open objection to answer.")]})
            if not answer:
                raise ValidationError({"answer": [_("Write the answer.")]})
            objection.answer, objection.answered_by, objection.status = answer, actor, ObjectionStatus.ANSWERED
            objection.save()
        elif name == "recognise":
            if app.objections.filter(status=ObjectionStatus.OPEN).exists():
                raise ValidationError({"objection": [_("Answer every objection before recognising.")]})
            if app.notice_until and app.notice_until > today:
                raise ValidationError({"notice_until": [
                    _("The public notice runs until %(d)s.") % {"d": app.notice_until.isoformat()}]})
            app.valid_until = dt.date(app.round.year + app.round.validity_years, 12, 31)
            _record_recognition(actor, app)
        elif name in ("reject", "revoke"):
            app.decision_note = (data.get("reason") or note or "").strip()
            if not app.decision_note:
                raise ValidationError({"reason": [_("Give the reason.")]})
            if name == "revoke":
                _revoke_recognition(actor, app)
        return None

    fields = ["precheck", "precheck_eligible", "rule_set", "expert_score", "notice_from", "notice_until",
              "valid_until", "decision_note"]
    app = APPLICATION_WORKFLOW.run(name, application, actor=actor, apply=apply, note=note, data={
        k: str(v) for k, v in data.items() if k in ("expert_score", "reason", "text", "answer")}, extra_fields=fields)
    _timeline(app, str(APPLICATION_WORKFLOW[name].past or name), actor, action=name, status=app.status)
    return app


def _record_recognition(actor, app: RecognitionApplication) -> None:
    """Record the recognition in the registry through the enterprises app's public service."""
    from industry_brain.enterprises import services as registry

    level = app.round.rule_set.level if app.round.rule_set and app.round.rule_set.level else "provincial"
    registry.recognition_record(actor=actor, enterprise=app.enterprise, tier=app.round.tier, level=level,
                                year=app.round.year, valid_until=app.valid_until, batch=app.round.name[:100])


def _revoke_recognition(actor, app: RecognitionApplication) -> None:
    from industry_brain.enterprises.models import Recognition
    from industry_brain.enterprises.services import enterprise_refresh_top_tier

    yesterday = timezone.localdate() - dt.timedelta(days=1)
    for rec in Recognition.objects.filter(enterprise=app.enterprise, tier=app.round.tier, year=app.round.year):
        rec.valid_until = yesterday
        rec.save(update_fields=["valid_until", "updated"])
    enterprise_refresh_top_tier(enterprise=app.enterprise)


def rereview_due(*, within_days: int = 180, today: dt.date | None = None):
    """Recognitions granted through a round that expire within `within_days`: the re-review reminders."""
    today = today or timezone.localdate()
    return RecognitionApplication.objects.filter(
        status=ApplicationStatus.RECOGNISED, valid_until__gte=today,
        valid_until__lte=today + dt.timedelta(days=within_days)).select_related("enterprise", "round")


def rereview_remind(*, today: dt.date | None = None) -> int:
    """Write one reminder event per recognition entering its re-review window (daily job); a recognition is
    reminded once."""
    from industry_brain.core.models import Event

    n = 0
    reminded = set(Event.objects.filter(kind="cultivation.rereview_due").values_list("data__application", flat=True))
    for app in rereview_due(today=today):
        if app.pk in reminded:
            continue
        event_record(kind="cultivation.rereview_due", obj=app.enterprise, actor=None, data={"application": app.pk},
                     message=_("%(tier)s expires on %(d)s: apply for re-review") % {
                         "tier": app.round.get_tier_display(), "d": app.valid_until.isoformat()})
        n += 1
    return n
