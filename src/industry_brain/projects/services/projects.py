"""Projects and their lifecycle, milestones and yearly plans."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from industry_brain.accounts.choices import OrganisationKind
from industry_brain.accounts.models import Organisation
from industry_brain.core.events import event_record
from industry_brain.core.exceptions import TransitionNotAllowed
from industry_brain.core.geo import location_errors
from industry_brain.core.permissions import can, ensure_can
from industry_brain.core.querysets import ensure_permitted

from ..choices import (
    MILESTONE_ORDER,
    MILESTONE_STAGE,
    Milestone,
    Stage,
)
from ..models import (
    MilestoneRecord,
    Project,
    YearlyPlan,
)
from ._common import (
    ACTUAL_FIELDS,
    ENTERPRISE_WRITABLE,
    FK_FIELDS,
    PLANNED_FIELDS,
    PROFILE_FIELDS,
    _fk_id,
    _user,
    today_local,
)

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


def _check_in_scope(actor, project: Project, action: str) -> None:
    """After the write, inside the transaction: the saved project must lie within the author's scope for
    `action` (the model's scope, as for every create); otherwise the district is refused (400 naming the field)
    and the transaction rolls back."""
    if not Project.objects.permits(actor, project, action):
        raise ValidationError({"district": [_("You may register and keep projects only in your own district.")]})


def _check_placement(actor, project: Project, *, location: bool = True) -> None:
    errors = {}
    if project.chain_id and project.ecosystem_id and project.chain.ecosystem_id != project.ecosystem_id:
        errors["chain"] = [_("The chain belongs to another ecosystem.")]
    # The map places a project by its coordinates and counts it by its district: the two must agree (checked when
    # either is written; a correction of another field does not wait for an old location to be fixed).
    if location:
        errors.update(location_errors(project.lat, project.lon, project.district_id,
                                      project.district.name if project.district_id else ""))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def project_create(*, actor, data: dict[str, Any], today: dt.date | None = None) -> Project:
    """Register a project. A project registered midway is created with the actual dates it already has
    (checked like any other transition); `annual_plan` records this year's planned investment."""
    today = today or today_local()
    ensure_can(actor, "add", Project, _("Projects are registered by the city or district bureaus."))
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
    _check_in_scope(actor, project, "add")
    if data.get("annual_plan") is not None:
        _plan_set(project=project, year=today.year, amount=data["annual_plan"])
    for m in MILESTONE_ORDER:
        if getattr(project, f"actual_{m}"):
            MilestoneRecord.objects.create(project=project, milestone=m, date=getattr(project, f"actual_{m}"),
                                           note=_("Recorded at registration"), recorded_by=_user(actor))
    event_record(kind="project.registered", message=_("Project %(code)s registered") % {"code": project.code},
                 obj=project, actor=actor, data={"stage": project.stage})
    return project


@transaction.atomic
def project_update(*, actor, project: Project, data: dict[str, Any], today: dt.date | None = None,
                   evidence=None, note: str = "") -> Project:
    """Change a project. Setting an `actual_*` date records that milestone and moves the stage (checked);
    `stage="cancelled"` cancels it; any other stage is reached only through the actual dates."""
    today = today or today_local()
    ensure_permitted(actor, project, "change", _("You may not change this project."))
    project = Project.objects.select_for_update(no_key=True).get(pk=project.pk)
    if not can(actor, "change_profile", project):  # the investor: milestones and progress only
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
        _check_placement(actor, project, location=bool({"lat", "lon", "district"} & set(changed)))
        old_stage = project.stage
        project.stage = check_lifecycle(project, before=before, today=today)
        project.save(update_fields=[*{*changed, "stage"}, "updated"])
        _check_in_scope(actor, project, "change")
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
    ensure_can(actor, "cancel", project, _("Only the bureau can cancel a project."))
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
    ensure_can(actor, "change_profile", project, _("The investment plan is set by the responsible bureau."))
    return _plan_set(project=project, year=year, amount=amount)
