"""Writes of the investment project platform: projects and their lifecycle, plans, progress reports, the
warning evaluation and the supervision (督办) workflow. Every function is keyword-only, validates before
saving, runs atomically and names its actor; business events go to the event log."""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max, Q, Sum, Window
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from industry_brain.accounts.choices import OrganisationKind, Role
from industry_brain.accounts.models import Organisation
from industry_brain.core import context
from industry_brain.core.events import event_record
from industry_brain.core.exceptions import TransitionNotAllowed
from industry_brain.core.models import Event
from industry_brain.core.querysets import ensure_permitted
from industry_brain.core.workdays import add_working_days  # noqa: F401  (re-exported for callers)

from . import rules as rule_engine
from .choices import (
    LEVEL_RANK,
    MILESTONE_ORDER,
    MILESTONE_STAGE,
    SUPERVISION_AWAITING_RESPONSE,
    SUPERVISION_LADDER,
    Milestone,
    Stage,
    SupervisionStatus,
)
from .models import (
    MilestoneRecord,
    ProgressReport,
    Project,
    ProjectWarning,
    SupervisionOrder,
    SupervisionResponse,
    WarningRule,
    WarningRuleVersion,
    YearlyPlan,
)

# A supervision order is answered within this many official working days (an unnamed bureau's 12345 rules
# give 3 working days for consultations; 枣庄 gives 2 for a reply): issued, rejected and escalated alike.
RESPONSE_WORKING_DAYS = 3

PLANNED_FIELDS = tuple(f"planned_{m}" for m in MILESTONE_ORDER)
ACTUAL_FIELDS = tuple(f"actual_{m}" for m in MILESTONE_ORDER)
PROFILE_FIELDS = ("code", "name", "enterprise", "investor_name", "investor_uscc", "investor_origin", "ecosystem",
                  "chain", "industry", "district", "street", "address", "lat", "lon", "total_investment",
                  "fixed_investment", "funding", "project_type", "key_level", "responsible_org", "responsible_unit",
                  "contact_name", "contact_phone")
FK_FIELDS = ("enterprise", "ecosystem", "chain", "industry", "district", "responsible_org")
# What the investor enterprise's own users may write on its projects: the milestones it reached.
ENTERPRISE_WRITABLE = frozenset(ACTUAL_FIELDS)


def today_local() -> dt.date:
    return timezone.localdate()


def _fk_id(value):
    return getattr(value, "pk", value)


# ---------------------------------------------------------------------------------------------------------
# Projects and their lifecycle
# ---------------------------------------------------------------------------------------------------------

def default_responsible_org(district_code: str) -> Organisation | None:
    """The district bureau of the project's district answers for it unless another unit is named."""
    return Organisation.objects.filter(kind=OrganisationKind.DISTRICT, district_id=district_code).order_by("pk").first()


def check_lifecycle(project: Project, *, before: dict[str, dt.date | None] | None, today: dt.date) -> str:
    """Validate the project's milestone dates and answer the stage they put it in.

    - An actual date cannot be in the future, and a recorded one cannot be removed (stages do not go back).
    - Milestones are reached in order: a later one needs every earlier one that is planned for the project
      (a milestone without a planned date, e.g. land supply for a technical renovation, may be skipped).
    - Planned dates and actual dates are each in lifecycle order.
    A cancelled project's milestones are frozen. Refusals of a step are TransitionNotAllowed (409); wrong dates
    are ValidationError (400)."""
    actual = {m: getattr(project, f"actual_{m}") for m in MILESTONE_ORDER}
    planned = {m: getattr(project, f"planned_{m}") for m in MILESTONE_ORDER}
    changed = [m for m in MILESTONE_ORDER if before is not None and before.get(m) != actual[m]]
    if before is not None and project.stage == Stage.CANCELLED and changed:
        raise TransitionNotAllowed(_("The project is cancelled; its milestones can no longer be recorded."))
    errors: dict[str, list[str]] = {}
    for m in MILESTONE_ORDER:
        if actual[m] is not None and actual[m] > today:
            errors.setdefault(f"actual_{m}", []).append(_("An actual date cannot be in the future."))
    for kind, dates in (("planned", planned), ("actual", actual)):
        previous: tuple[str, dt.date] | None = None
        for m in MILESTONE_ORDER:
            if dates[m] is None:
                continue
            if previous is not None and dates[m] < previous[1]:
                errors.setdefault(f"{kind}_{m}", []).append(
                    _("%(this)s (%(date)s) cannot be earlier than %(prev)s (%(prev_date)s).") % {
                        "this": Milestone(m).label, "date": dates[m].isoformat(),
                        "prev": Milestone(previous[0]).label, "prev_date": previous[1].isoformat()})
            previous = (m, dates[m])
    if errors:
        raise ValidationError(errors)
    if before is not None:
        for m in changed:
            if before.get(m) is not None and actual[m] is None:
                raise TransitionNotAllowed(
                    _("The %(m)s date is recorded and the stage reached; it can be corrected but not removed.")
                    % {"m": Milestone(m).label})
    reached = [m for m in MILESTONE_ORDER if actual[m] is not None]
    if reached:
        last = MILESTONE_ORDER.index(reached[-1])
        for m in MILESTONE_ORDER[:last]:
            if actual[m] is None and planned[m] is not None:
                current = Stage(project.stage).label if before is not None else Stage.RESERVE.label
                raise TransitionNotAllowed(
                    _("From stage %(stage)s the project cannot reach %(target)s before %(missing)s is recorded "
                      "(planned for %(planned)s).") % {
                        "stage": current, "target": Milestone(reached[-1]).label, "missing": Milestone(m).label,
                        "planned": planned[m].isoformat()})
    if project.stage == Stage.CANCELLED:
        return Stage.CANCELLED
    return MILESTONE_STAGE[reached[-1]] if reached else Stage.RESERVE


def _apply(project: Project, data: dict[str, Any]) -> list[str]:
    changed = []
    for field, value in data.items():
        if field in FK_FIELDS:
            if getattr(project, f"{field}_id") != _fk_id(value):
                setattr(project, f"{field}_id", _fk_id(value))
                changed.append(field)
        elif field in PROFILE_FIELDS or field in PLANNED_FIELDS or field in ACTUAL_FIELDS:
            if getattr(project, field) != value:
                setattr(project, field, value)
                changed.append(field)
    return changed


def _check_placement(actor, project: Project) -> None:
    errors = {}
    if project.chain_id and project.ecosystem_id and project.chain.ecosystem_id != project.ecosystem_id:
        errors["chain"] = [_("The chain belongs to another ecosystem.")]
    if not actor.is_city and actor.role == Role.DISTRICT and project.district_id != actor.district_code:
        errors["district"] = [_("You may register and keep projects only in your own district.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def project_create(*, actor, data: dict[str, Any], today: dt.date | None = None) -> Project:
    """Register a project. A project registered midway is created with the actual dates it already has
    (checked like any other transition); `annual_plan` records this year's planned investment."""
    today = today or today_local()
    if not (actor.is_city or actor.role == Role.DISTRICT):
        raise PermissionDenied(_("Projects are registered by the city or district bureaus."))
    project = Project()
    _apply(project, {k: v for k, v in data.items() if k != "stage"})
    if project.chain_id and not project.ecosystem_id:
        project.ecosystem_id = project.chain.ecosystem_id
    if project.responsible_org_id is None and project.district_id:
        project.responsible_org = default_responsible_org(project.district_id)
    project.full_clean(exclude=["stage"])
    _check_placement(actor, project)
    project.stage = check_lifecycle(project, before=None, today=today)
    if data.get("stage") and data["stage"] != project.stage:  # the stage follows the actual dates
        raise ValidationError({"stage": [_("The stage follows the actual milestone dates (they put the project in "
                                           "%(stage)s).") % {"stage": Stage(project.stage).label}]})
    project.save()
    if data.get("annual_plan") is not None:
        _plan_set(project=project, year=today.year, amount=data["annual_plan"])
    for m in MILESTONE_ORDER:
        if getattr(project, f"actual_{m}"):
            MilestoneRecord.objects.create(project=project, milestone=m, date=getattr(project, f"actual_{m}"),
                                           note=_("Recorded at registration"), recorded_by=_user(actor))
    event_record(kind="project.registered", message=_("Project %(code)s registered") % {"code": project.code},
                 obj=project, actor=actor, data={"stage": project.stage})
    return project


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


@transaction.atomic
def project_update(*, actor, project: Project, data: dict[str, Any], today: dt.date | None = None,
                   evidence=None, note: str = "") -> Project:
    """Change a project. Setting an `actual_*` date records that milestone and moves the stage (checked);
    `stage="cancelled"` cancels it; any other stage is reached only through the actual dates."""
    today = today or today_local()
    ensure_permitted(actor, project, "change", _("You may not change this project."))
    project = Project.objects.select_for_update().get(pk=project.pk)
    if actor.role == Role.ENTERPRISE:
        refused = {f: [_("This is maintained by the responsible bureau; ask it to change it.")] for f, v in data.items()
                   if f not in ENTERPRISE_WRITABLE and f != "stage" and _differs(project, f, v)}
        if data.get("stage") not in (None, project.stage):
            refused["stage"] = [_("Only the bureau can cancel a project.")]
        if refused:
            raise ValidationError(refused)
    stage = data.get("stage")
    if stage not in (None, project.stage):
        if stage == Stage.CANCELLED:
            return project_cancel(actor=actor, project=project, reason=data.get("cancel_reason") or "", today=today)
        raise TransitionNotAllowed(
            _("The stage cannot be set to %(stage)s directly: record the actual date of its milestone instead.")
            % {"stage": Stage(stage).label if stage in Stage.values else stage})
    before = {m: getattr(project, f"actual_{m}") for m in MILESTONE_ORDER}
    changed = _apply(project, data)
    if "chain" in changed and project.chain_id and "ecosystem" not in data:
        project.ecosystem_id = project.chain.ecosystem_id
        changed.append("ecosystem")
    if "district" in changed and "responsible_org" not in data:
        project.responsible_org = default_responsible_org(project.district_id)
        changed.append("responsible_org")
    if changed:
        project.full_clean(exclude=["stage"])
        _check_placement(actor, project)
        old_stage = project.stage
        project.stage = check_lifecycle(project, before=before, today=today)
        project.save(update_fields=[*{*changed, "stage"}, "updated"])
        for m in MILESTONE_ORDER:
            if before[m] != getattr(project, f"actual_{m}"):
                MilestoneRecord.objects.create(project=project, milestone=m, date=getattr(project, f"actual_{m}"),
                                               note=note[:300], evidence=evidence or "", recorded_by=_user(actor))
                event_record(kind="project.milestone_recorded",
                             message=_("%(code)s: %(m)s on %(date)s") % {
                                 "code": project.code, "m": Milestone(m).label,
                                 "date": getattr(project, f"actual_{m}").isoformat()},
                             obj=project, actor=actor, data={"milestone": m, "from": old_stage, "to": project.stage})
    if data.get("annual_plan") is not None:
        _plan_set(project=project, year=today.year, amount=data["annual_plan"])
    return project


def _differs(project: Project, field: str, value) -> bool:
    if field in FK_FIELDS:
        return getattr(project, f"{field}_id") != _fk_id(value)
    if field == "annual_plan":
        plan = project.plans.filter(year=today_local().year).first()
        return value is not None and (plan is None or plan.amount != Decimal(value))
    return getattr(project, field, None) != value


def project_record_milestone(*, actor, project: Project, milestone: str, date: dt.date, note: str = "",
                             evidence=None, today: dt.date | None = None) -> Project:
    """Record a milestone's actual date (with optional evidence): the page's way of entering a stage."""
    if milestone not in MILESTONE_ORDER:
        raise ValidationError({"milestone": [_("Unknown milestone.")]})
    return project_update(actor=actor, project=project, data={f"actual_{milestone}": date}, today=today,
                          evidence=evidence, note=note)


@transaction.atomic
def project_cancel(*, actor, project: Project, reason: str, today: dt.date | None = None) -> Project:
    today = today or today_local()
    ensure_permitted(actor, project, "change", _("You may not change this project."))
    if actor.role not in (Role.CITY, Role.DISTRICT) and not actor.is_city:
        raise PermissionDenied(_("Only the bureau can cancel a project."))
    if project.stage in (Stage.CANCELLED, Stage.FULL_PRODUCTION):
        raise TransitionNotAllowed(_("A project in stage %(stage)s cannot be cancelled.")
                                   % {"stage": Stage(project.stage).label})
    old = project.stage
    project.stage, project.cancelled_on, project.cancel_reason = Stage.CANCELLED, today, reason[:300]
    project.save(update_fields=["stage", "cancelled_on", "cancel_reason", "updated"])
    event_record(kind="project.cancelled", message=_("Project %(code)s cancelled") % {"code": project.code},
                 obj=project, actor=actor, data={"from": old, "reason": reason[:300]})
    return project


def _plan_set(*, project: Project, year: int, amount) -> YearlyPlan:
    plan = YearlyPlan.objects.filter(project=project, year=year).first() or YearlyPlan(project=project, year=year)
    plan.amount = Decimal(amount)
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def plan_set(*, actor, project: Project, year: int, amount) -> YearlyPlan:
    """Record a year's planned investment (bureau only)."""
    ensure_permitted(actor, project, "change", _("You may not change this project."))
    if actor.role == Role.ENTERPRISE:
        raise PermissionDenied(_("The investment plan is set by the responsible bureau."))
    return _plan_set(project=project, year=year, amount=amount)


# ---------------------------------------------------------------------------------------------------------
# Progress reports
# ---------------------------------------------------------------------------------------------------------

def parse_period(value) -> dt.date:
    """'YYYY-MM' (or a date) → the first day of that month."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.replace(day=1)
    try:
        year, month = str(value).strip()[:7].split("-")
        return dt.date(int(year), int(month), 1)
    except (ValueError, TypeError):
        raise ValidationError({"period": [_("Give the month as YYYY-MM.")]}) from None


def _validate_report(project: Project, period: dt.date, investment, physical_progress, today: dt.date) -> None:
    errors = {}
    if period > today.replace(day=1):
        errors["period"] = [_("A month in the future cannot be reported.")]
    if investment is None or Decimal(investment) < 0:
        errors["investment"] = [_("The month's investment is a number of at least 0 (10k yuan).")]
    if physical_progress is not None and not 0 <= int(physical_progress) <= 100:
        errors["physical_progress"] = [_("Physical progress is a percentage between 0 and 100.")]
    if project.stage == Stage.CANCELLED:
        raise TransitionNotAllowed(_("A cancelled project does not report progress."))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def progress_report_submit(*, actor, project: Project, period, investment, milestone: str = "",
                           physical_progress: int | None = None, problems: str = "", note: str = "",
                           today: dt.date | None = None) -> ProgressReport:
    """Submit one month's report (responsible bureau or investor enterprise). The cumulative investment of
    this and the later months follows."""
    today = today or today_local()
    ensure_permitted(actor, project, "change", _("You may not report for this project."))
    period = parse_period(period)
    _validate_report(project, period, investment, physical_progress, today)
    if ProgressReport.objects.filter(project=project, period=period).exists():
        raise ValidationError({"period": [_("%(month)s is already reported for this project.")
                                          % {"month": period.strftime("%Y-%m")}]})
    report = ProgressReport(project=project, period=period, investment=Decimal(investment), milestone=milestone or "",
                            physical_progress=physical_progress, problems=problems or "", note=note or "",
                            reported_by=_user(actor))
    report.full_clean(exclude=["cumulative"])
    report.save()
    refresh_report_totals(project_ids=[project.pk])
    report.refresh_from_db()
    if problems:
        event_record(kind="project.problem_reported", message=f"{project.code} {period:%Y-%m}: {problems[:200]}",
                     obj=project, actor=actor)
    return report


def refresh_report_totals(*, project_ids: Iterable[int] | None = None) -> None:
    """Recompute each report's cumulative investment and each project's total and last reported month,
    set-based (a window sum over the reports, then bulk updates)."""
    reports = ProgressReport.objects.all()
    projects = Project.objects.all()
    if project_ids is not None:
        project_ids = list(project_ids)
        if not project_ids:
            return
        reports = reports.filter(project_id__in=project_ids)
        projects = projects.filter(pk__in=project_ids)
    running = reports.annotate(run=Window(Sum("investment"), partition_by=[F("project_id")],
                                          order_by=F("period").asc())).values_list("id", "run", "cumulative")
    changed = [ProgressReport(id=rid, cumulative=run) for rid, run, cum in running if run != cum]
    ProgressReport.objects.bulk_update(changed, ["cumulative"], batch_size=2000)
    totals = {row["project_id"]: row for row in reports.values("project_id").annotate(
        total=Sum("investment"), last=Max("period"))}
    now = timezone.now()
    updates = []
    for pid, total, last in projects.values_list("id", "invested_total", "last_report_period"):
        row = totals.get(pid)
        new_total, new_last = (row["total"], row["last"]) if row else (Decimal(0), None)
        if new_total != total or new_last != last:
            updates.append(Project(id=pid, invested_total=new_total, last_report_period=new_last, updated=now))
    Project.objects.bulk_update(updates, ["invested_total", "last_report_period", "updated"], batch_size=2000)


# ---------------------------------------------------------------------------------------------------------
# Warning rules (edited by city administrators; every edit is a new version)
# ---------------------------------------------------------------------------------------------------------

@transaction.atomic
def rules_ensure_defaults() -> int:
    """Create the shipped rules that do not exist yet (migration 0002 and the demo call this)."""
    created = 0
    for spec in rule_engine.DEFAULT_RULES:
        if WarningRule.objects.filter(Q(code=spec["code"]) | Q(kind=spec["kind"])).exists():
            continue
        rule = WarningRule.objects.create(code=spec["code"], kind=spec["kind"], name=spec["name"],
                                          description=spec["description"], source=spec["source"],
                                          thresholds=spec["thresholds"], level=spec.get("level", "red"))
        _rule_snapshot(rule, None)
        created += 1
    return created


def _rule_snapshot(rule: WarningRule, actor) -> None:
    WarningRuleVersion.objects.create(rule=rule, version=rule.version, name=rule.name, description=rule.description,
                                      thresholds=rule.thresholds, level=rule.level, is_active=rule.is_active,
                                      changed_by=_user(actor))


@transaction.atomic
def rule_update(*, actor, rule: WarningRule, data: dict[str, Any]) -> WarningRule:
    """Edit a rule's texts, thresholds, maximum level or activation (city bureau); makes a new version."""
    if not actor.is_city:
        raise PermissionDenied(_("Only the city bureau edits warning rules."))
    rule = WarningRule.objects.select_for_update().get(pk=rule.pk)
    changed = []
    for field in ("name", "description", "source", "thresholds", "level", "is_active"):
        if field in data and getattr(rule, field) != data[field]:
            setattr(rule, field, data[field])
            changed.append(field)
    if not changed:
        return rule
    problems = rule_engine.threshold_errors(rule.kind, rule.thresholds)
    if problems:
        raise ValidationError({"thresholds": problems})
    rule.full_clean()
    rule.version += 1
    rule.save()
    _rule_snapshot(rule, actor)
    event_record(kind="warning_rule.changed", message=_("Rule %(code)s is now version %(v)s")
                 % {"code": rule.code, "v": rule.version}, obj=rule, actor=actor,
                 data={"changed": changed, "thresholds": rule.thresholds})
    return rule


# ---------------------------------------------------------------------------------------------------------
# Warning evaluation (set-based) and supervision
# ---------------------------------------------------------------------------------------------------------

def _events_bulk(kind: str, objs: list, message, data=None) -> None:
    """One event per object, written in bulk (the batch counterpart of event_record)."""
    if not objs:
        return
    actor = context.current_actor()
    user = actor if getattr(actor, "pk", None) else None
    label = getattr(user, "username", "") or context.current_actor_label() or "system"
    rid = context.current_request_id()
    ct = ContentType.objects.get_for_model(type(objs[0]))
    Event.objects.bulk_create([
        Event(kind=kind, message=message(o)[:500], user=user, actor_label=label, request_id=rid, content_type=ct,
              object_id=str(o.pk), data=data(o) if data else {}) for o in objs], batch_size=2000)


def _chunks(items: list, size: int = 5000):
    for i in range(0, len(items), size):
        yield items[i:i + size]


@transaction.atomic
def warning_evaluate_all(*, actor=None, today: dt.date | None = None,
                         working_days: int = RESPONSE_WORKING_DAYS) -> dict[str, int]:
    """Run every active rule over all projects, reconcile the warnings (open, escalate, de-escalate, clear),
    store each project's warning level, then open supervision orders for red warnings, close those whose
    warning cleared, and escalate overdue ones. Answers counts."""
    if actor is not None and getattr(actor, "pk", None) and not actor.is_city:
        raise PermissionDenied(_("Only the city bureau runs the warning evaluation."))
    started = time.monotonic()
    today = today or today_local()
    now = timezone.now()
    counts = {"opened": 0, "escalated": 0, "deescalated": 0, "cleared": 0}
    desired_level: dict[int, str] = {}
    rules = list(WarningRule.objects.all())
    for rule in rules:
        result = rule_engine.evaluate_rule(rule, today) if rule.is_active else {}
        for pid, (level, _facts) in result.items():
            if LEVEL_RANK[level] > LEVEL_RANK.get(desired_level.get(pid, "green"), 0):
                desired_level[pid] = level
        active = {pid: (wid, level) for wid, pid, level in ProjectWarning.objects.filter(
            rule=rule, cleared_at__isnull=True).values_list("id", "project_id", "level")}
        new = [ProjectWarning(project_id=pid, rule=rule, rule_version=rule.version, level=level,
                              facts={**facts, "as_of": today.isoformat(), "rule_version": rule.version},
                              opened_at=now)
               for pid, (level, facts) in result.items() if pid not in active]
        created = ProjectWarning.objects.bulk_create(new, batch_size=2000)
        if created and created[0].pk is None:  # a backend without RETURNING: fetch the new rows
            created = list(ProjectWarning.objects.filter(rule=rule, opened_at=now, cleared_at__isnull=True))
        up, down = [], []
        for pid, (level, facts) in result.items():
            if pid in active and active[pid][1] != level:
                w = ProjectWarning(id=active[pid][0], project_id=pid, rule=rule, level=level,
                                   facts={**facts, "as_of": today.isoformat(), "rule_version": rule.version},
                                   rule_version=rule.version)
                if LEVEL_RANK[level] > LEVEL_RANK[active[pid][1]]:
                    w.escalated_at = now
                    up.append(w)
                else:
                    down.append(w)
        ProjectWarning.objects.bulk_update(up, ["level", "facts", "rule_version", "escalated_at"], batch_size=2000)
        ProjectWarning.objects.bulk_update(down, ["level", "facts", "rule_version"], batch_size=2000)
        gone = [wid for pid, (wid, _level) in active.items() if pid not in result]
        for chunk in _chunks(gone):
            ProjectWarning.objects.filter(pk__in=chunk).update(cleared_at=now, updated=now)
        cleared = [ProjectWarning(id=wid, project_id=pid, rule=rule) for pid, (wid, _l) in active.items()
                   if pid not in result]
        code = rule.code
        _events_bulk("warning.raised", created, lambda w, c=code: f"{c} {w.level} #{w.project_id}",
                     lambda w, c=code: {"project": w.project_id, "rule": c, "level": w.level})
        _events_bulk("warning.escalated", up, lambda w, c=code: f"{c} yellow → red #{w.project_id}",
                     lambda w, c=code: {"project": w.project_id, "rule": c})
        _events_bulk("warning.cleared", cleared, lambda w, c=code: f"{c} cleared #{w.project_id}",
                     lambda w, c=code: {"project": w.project_id, "rule": c})
        counts["opened"] += len(created)
        counts["escalated"] += len(up)
        counts["deescalated"] += len(down)
        counts["cleared"] += len(gone)
    # Store each project's level where it changed (three UPDATEs by level, chunked).
    current = dict(Project.objects.filter(~Q(warning_level="green")).values_list("id", "warning_level"))
    targets: dict[str, list[int]] = defaultdict(list)
    for pid in set(current) | set(desired_level):
        level = desired_level.get(pid, "green")
        if current.get(pid, "green") != level:
            targets[level].append(pid)
    for level, ids in targets.items():
        for chunk in _chunks(ids):
            Project.objects.filter(pk__in=chunk).update(warning_level=level, updated=now)
    sup = supervision_sync(today=today, working_days=working_days)
    levels = list(desired_level.values())
    return {"projects": Project.objects.count(), "rules": sum(1 for r in rules if r.is_active), **counts,
            "active_yellow": levels.count("yellow"), "active_red": levels.count("red"),
            "projects_changed": sum(len(v) for v in targets.values()), **sup,
            "duration_ms": round((time.monotonic() - started) * 1000)}


def supervision_sync(*, today: dt.date, working_days: int = RESPONSE_WORKING_DAYS) -> dict[str, int]:
    """Open an order for every active red warning that has none; close open orders whose warning cleared;
    escalate overdue ones."""
    now = timezone.now()
    due = add_working_days(today, working_days)
    # Stored texts are written in the platform's language, whatever language the job runs in.
    with translation.override(settings.LANGUAGE_CODE):
        due_word, cleared_reason = _("due"), _("warning cleared")
    red = (ProjectWarning.objects.filter(level="red", cleared_at__isnull=True, supervision__isnull=True)
           .values_list("id", "project_id", "project__responsible_org_id"))
    orders = [SupervisionOrder(project_id=pid, warning_id=wid, unit_id=org, issued_on=today, due_date=due)
              for wid, pid, org in red]
    created = SupervisionOrder.objects.bulk_create(orders, batch_size=2000)
    if created and created[0].pk is None:
        created = list(SupervisionOrder.objects.filter(issued_on=today, warning_id__in=[o.warning_id for o in orders]))
    _events_bulk("supervision.opened", created, lambda o: f"#{o.project_id} {due_word} {o.due_date:%Y-%m-%d}",
                 lambda o: {"project": o.project_id, "warning": o.warning_id, "due_date": o.due_date.isoformat()})
    closing = list(SupervisionOrder.objects.filter(status__in=["open", "responded", "rejected"],
                                                   warning__cleared_at__isnull=False).only("id", "project_id"))
    for chunk in _chunks([o.pk for o in closing]):
        SupervisionOrder.objects.filter(pk__in=chunk).update(status=SupervisionStatus.CLOSED, closed_at=now,
                                                            close_reason=cleared_reason, updated=now)
    _events_bulk("supervision.closed", closing, lambda o: f"#{o.project_id}: {cleared_reason}",
                 lambda o: {"project": o.project_id, "reason": "warning cleared"})
    escalated = supervision_escalate_overdue(today=today, working_days=working_days)
    return {"supervisions_opened": len(created), "supervisions_closed": len(closing),
            "supervisions_escalated": escalated}


def supervision_escalate_overdue(*, today: dt.date, working_days: int = RESPONSE_WORKING_DAYS) -> int:
    """Orders still awaiting a response after their due date climb one step of the ladder (reminder →
    supervision → interview) and get a new due date; an interview is the last step."""
    now = timezone.now()
    due = add_working_days(today, working_days)
    total = 0
    for current, nxt in zip(SUPERVISION_LADDER, SUPERVISION_LADDER[1:], strict=False):
        orders = list(SupervisionOrder.objects.filter(status__in=SUPERVISION_AWAITING_RESPONSE, level=current,
                                                      due_date__lt=today).only("id", "project_id", "due_date"))
        for chunk in _chunks([o.pk for o in orders]):
            SupervisionOrder.objects.filter(pk__in=chunk).update(level=nxt, due_date=due, escalated_on=today,
                                                                updated=now)
        _events_bulk("supervision.escalated", orders, lambda o, n=nxt: f"#{o.project_id} → {n}",
                     lambda o, c=current, n=nxt: {"project": o.project_id, "from": c, "to": n,
                                                  "overdue_since": o.due_date.isoformat(),
                                                  "new_due_date": due.isoformat()})
        total += len(orders)
    return total


def _is_responder(actor, order: SupervisionOrder) -> bool:
    if actor.is_city:
        return True
    if actor.role == Role.DISTRICT:
        return (order.unit_id is not None and actor.organisation_id == order.unit_id) or (
            order.unit_id is None and actor.district_code == order.project.district_id)
    if actor.role == Role.ENTERPRISE:
        return order.project.enterprise_id is not None and actor.enterprise_id == order.project.enterprise_id
    return False


@transaction.atomic
def supervision_respond(*, actor, order: SupervisionOrder, cause: str, measures: str,
                        expected_recovery: dt.date, today: dt.date | None = None) -> SupervisionResponse:
    """The responsible unit (or the investor enterprise) answers: cause, measures, expected recovery date."""
    today = today or today_local()
    order = SupervisionOrder.objects.select_for_update().select_related("project").get(pk=order.pk)
    if not _is_responder(actor, order):
        raise PermissionDenied(_("Only the responsible unit or the investor enterprise responds to this order."))
    if order.status not in SUPERVISION_AWAITING_RESPONSE:
        raise TransitionNotAllowed(_("The order is %(status)s; it does not await a response.")
                                   % {"status": order.get_status_display()})
    errors = {}
    if not (cause or "").strip():
        errors["cause"] = [_("State the cause of the delay.")]
    if not (measures or "").strip():
        errors["measures"] = [_("State the measures taken.")]
    if expected_recovery is None:
        errors["expected_recovery"] = [_("Give the expected recovery date.")]
    elif expected_recovery < today:
        errors["expected_recovery"] = [_("The expected recovery date cannot be in the past.")]
    if errors:
        raise ValidationError(errors)
    response = SupervisionResponse.objects.create(
        order=order, cause=cause.strip(), measures=measures.strip(), expected_recovery=expected_recovery,
        responded_by=_user(actor), responder_org_id=actor.organisation_id if actor.role != Role.ENTERPRISE else None,
        responded_at=timezone.now())
    order.status = SupervisionStatus.RESPONDED
    order.save(update_fields=["status", "updated"])
    event_record(kind="supervision.responded", message=_("%(code)s: response submitted") % {"code": order.project.code},
                 obj=order, actor=actor, data={"expected_recovery": expected_recovery.isoformat()})
    return response


def can_review(actor, order: SupervisionOrder, response: SupervisionResponse | None) -> bool:
    """Reviewers: the city bureau, or the district bureau of the project's district when the response is not
    its own (nobody reviews their own answer)."""
    if actor.is_city:
        return True
    if actor.role != Role.DISTRICT or actor.district_code != order.project.district_id:
        return False
    return response is None or response.responder_org_id != actor.organisation_id


def _pending_response(order: SupervisionOrder) -> SupervisionResponse | None:
    return order.responses.filter(decision="").order_by("-responded_at", "-id").first()


@transaction.atomic
def supervision_review(*, actor, order: SupervisionOrder, accept: bool, comment: str = "",
                       today: dt.date | None = None, working_days: int = RESPONSE_WORKING_DAYS) -> SupervisionOrder:
    """Accept (the order closes) or reject (it awaits a new response, due again in working days)."""
    today = today or today_local()
    order = SupervisionOrder.objects.select_for_update().select_related("project").get(pk=order.pk)
    if order.status != SupervisionStatus.RESPONDED:
        raise TransitionNotAllowed(_("The order is %(status)s; only a response awaiting review can be accepted or "
                                     "rejected.") % {"status": order.get_status_display()})
    response = _pending_response(order)
    if not can_review(actor, order, response):
        raise PermissionDenied(_("You may not review this response (the city, or the district bureau for responses "
                                 "it did not write itself)."))
    if not accept and not (comment or "").strip():
        raise ValidationError({"comment": [_("Say why the response is rejected.")]})
    now = timezone.now()
    if response is not None:
        response.decision = "accepted" if accept else "rejected"
        response.review_comment, response.reviewed_by, response.reviewed_at = comment or "", _user(actor), now
        response.save(update_fields=["decision", "review_comment", "reviewed_by", "reviewed_at", "updated"])
    if accept:
        order.status, order.closed_at, order.close_reason = SupervisionStatus.ACCEPTED, now, "accepted"
        order.save(update_fields=["status", "closed_at", "close_reason", "updated"])
        event_record(kind="supervision.accepted", message=_("%(code)s: response accepted") % {
            "code": order.project.code}, obj=order, actor=actor)
        event_record(kind="supervision.closed", message=_("%(code)s: order closed (accepted)") % {
            "code": order.project.code}, obj=order, actor=actor, data={"reason": "accepted"})
    else:
        order.status = SupervisionStatus.REJECTED
        order.due_date = max(add_working_days(today, working_days), order.issued_on)
        order.save(update_fields=["status", "due_date", "updated"])
        event_record(kind="supervision.rejected", message=_("%(code)s: response rejected") % {
            "code": order.project.code}, obj=order, actor=actor, data={"comment": comment,
                                                                       "due_date": order.due_date.isoformat()})
    return order
