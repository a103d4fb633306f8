"""The demand workflow steps (accept, start, transfer, co-handle, resolve, rate)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from industry_brain.accounts.choices import Role
from industry_brain.accounts.models import User
from industry_brain.core.events import event_record
from industry_brain.core.workdays import add_working_days, working_days_between

from .. import workflow
from ..choices import (
    CoHandlingStatus,
    DemandStatus,
    EscalationLevel,
    NotificationKind,
    Satisfaction,
    StepAction,
)
from ..models import (
    CoHandlingTask,
    Demand,
)
from ..notifications import notify
from ._common import (
    _after_step,
    _department,
    _local_date,
    _locked,
    _now,
    _require_text,
    _step,
    _users_of_department,
    _users_of_enterprise,
    due_working_days,
)

# -------------------------------------------------------------------------------------- the workflow steps

@transaction.atomic
def demand_accept(*, actor, demand: Demand, department, handler: User | None = None, note: str = "",
                  at: dt.datetime | None = None) -> Demand:
    """Accept a demand: name its one coordinating department (and optionally the handler) and set the due
    date in official working days by urgency, counted from the day of acceptance."""
    at = _now(at)
    demand = _locked(demand)
    workflow.check("accept", demand=demand, actor=actor)
    department = _department(department)
    if handler is not None and (handler.role != Role.DEPARTMENT or handler.organisation_id != department.pk):
        raise ValidationError({"handler": [_("The handler must be a user of the coordinating department.")]})
    before = demand.status
    demand.status = DemandStatus.ACCEPTED
    demand.department = department
    demand.handler = handler
    demand.accepted_at = at
    demand.due_date = add_working_days(_local_date(at), due_working_days(demand.urgency))
    demand.save(update_fields=["status", "department", "handler", "accepted_at", "due_date", "updated"])
    _step(demand, action=StepAction.ACCEPTED, actor=actor, at=at, from_status=before, to_status=demand.status,
          department=department, note=note or _("Due %(date)s") % {"date": demand.due_date.isoformat()})
    event_record(kind="demand.accepted", message=_("Demand %(id)s accepted, coordinated by %(dept)s") % {
        "id": demand.pk, "dept": department}, obj=demand, actor=actor,
        data={"department": department.pk, "due_date": demand.due_date.isoformat()})
    notify(users=[handler] if handler else _users_of_department(department.pk), kind=NotificationKind.NEW_ASSIGNMENT,
           text=_("New demand to coordinate: %(title)s (due %(date)s)") % {
               "title": demand.title, "date": demand.due_date.isoformat()},
           link=demand.get_absolute_url(), demand=demand)
    _after_step(demand)
    return demand


@transaction.atomic
def demand_start(*, actor, demand: Demand, note: str = "", at: dt.datetime | None = None) -> Demand:
    at = _now(at)
    demand = _locked(demand)
    workflow.check("start", demand=demand, actor=actor)
    before = demand.status
    demand.status = DemandStatus.IN_PROGRESS
    demand.started_at = demand.started_at or at
    fields = ["status", "started_at", "updated"]
    if demand.handler_id is None and actor.role == Role.DEPARTMENT:
        demand.handler = actor
        fields.append("handler")
    demand.save(update_fields=fields)
    _step(demand, action=StepAction.STARTED, actor=actor, at=at, from_status=before, to_status=demand.status,
          note=note)
    event_record(kind="demand.started", message=_("Demand %(id)s in progress") % {"id": demand.pk}, obj=demand,
                 actor=actor)
    _after_step(demand)
    return demand


@transaction.atomic
def demand_transfer(*, actor, demand: Demand, department, reason: str, at: dt.datetime | None = None) -> Demand:
    """Hand the coordination to another department, with a reason; transfers are counted. The due date
    stays: the enterprise's clock does not restart because the government moved the file."""
    at = _now(at)
    demand = _locked(demand)
    workflow.check("transfer", demand=demand, actor=actor)
    reason = _require_text("reason", reason, _("A transfer needs a reason."))
    department = _department(department)
    if department.pk == demand.department_id:
        raise ValidationError({"department": [_("The demand is already coordinated by this department.")]})
    before, previous = demand.status, demand.department
    demand.status = DemandStatus.ACCEPTED
    demand.department = department
    demand.handler = None
    demand.transfer_count += 1
    demand.save(update_fields=["status", "department", "handler", "transfer_count", "updated"])
    _step(demand, action=StepAction.TRANSFERRED, actor=actor, at=at, from_status=before, to_status=demand.status,
          department=department, note=_("From %(old)s: %(reason)s") % {"old": previous, "reason": reason})
    event_record(kind="demand.transferred", message=_("Demand %(id)s transferred from %(old)s to %(new)s") % {
        "id": demand.pk, "old": previous, "new": department}, obj=demand, actor=actor,
        data={"from": previous.pk if previous else None, "to": department.pk, "reason": reason})
    notify(users=_users_of_department(department.pk), kind=NotificationKind.NEW_ASSIGNMENT,
           text=_("Demand transferred to you: %(title)s (due %(date)s)") % {
               "title": demand.title, "date": demand.due_date.isoformat() if demand.due_date else "—"},
           link=demand.get_absolute_url(), demand=demand)
    _after_step(demand)
    return demand


@transaction.atomic
def demand_cohandle_open(*, actor, demand: Demand, department, request: str,
                         at: dt.datetime | None = None) -> CoHandlingTask:
    """Ask another department to co-handle; the coordinating department stays accountable."""
    at = _now(at)
    demand = _locked(demand)
    workflow.check("cohandle", demand=demand, actor=actor)
    request = _require_text("request", request, _("Say what the other department is asked to do."))
    department = _department(department)
    if department.pk == demand.department_id:
        raise ValidationError({"department": [_("The coordinating department cannot co-handle its own demand.")]})
    task = CoHandlingTask(demand=demand, department=department, request=request, opened_by=actor)
    task.full_clean()
    task.save()
    _step(demand, action=StepAction.COHANDLING_OPENED, actor=actor, at=at, department=department, note=request)
    event_record(kind="demand.cohandling_opened", message=_("Co-handling of demand %(id)s asked of %(dept)s") % {
        "id": demand.pk, "dept": department}, obj=demand, actor=actor, data={"department": department.pk})
    notify(users=_users_of_department(department.pk), kind=NotificationKind.COHANDLING,
           text=_("Please co-handle: %(title)s") % {"title": demand.title}, link=demand.get_absolute_url(),
           demand=demand)
    return task


@transaction.atomic
def demand_cohandle_answer(*, actor, task: CoHandlingTask, response: str,
                           at: dt.datetime | None = None) -> CoHandlingTask:
    at = _now(at)
    task = CoHandlingTask.objects.select_for_update().select_related("demand").get(pk=task.pk)
    if not (actor.is_city or (actor.role == Role.DEPARTMENT and actor.organisation_id == task.department_id)):
        raise PermissionDenied(_("Only the asked department answers its co-handling task."))
    if task.status != CoHandlingStatus.OPEN:
        from industry_brain.core.exceptions import TransitionNotAllowed

        raise TransitionNotAllowed(_("This co-handling task is already answered."))
    task.response = _require_text("response", response, _("Write the answer."))
    task.status = CoHandlingStatus.DONE
    task.done_at = at
    task.save(update_fields=["response", "status", "done_at", "updated"])
    _step(task.demand, action=StepAction.COHANDLING_DONE, actor=actor, at=at, department=task.department,
          note=task.response)
    event_record(kind="demand.cohandling_done", message=str(task), obj=task.demand, actor=actor)
    notify(users=_users_of_department(task.demand.department_id), kind=NotificationKind.COHANDLING,
           text=_("%(dept)s answered on: %(title)s") % {"dept": task.department, "title": task.demand.title},
           link=task.demand.get_absolute_url(), demand=task.demand)
    return task


@transaction.atomic
def demand_resolve(*, actor, demand: Demand, resolution: str, at: dt.datetime | None = None) -> Demand:
    """Record how the problem was solved; the enterprise is asked to rate the result."""
    at = _now(at)
    demand = _locked(demand)
    workflow.check("resolve", demand=demand, actor=actor)
    resolution = _require_text("resolution", resolution, _("Describe how the problem was solved."))
    before = demand.status
    today = _local_date(at)
    demand.status = DemandStatus.RESOLVED
    demand.resolution = resolution
    demand.resolved_at = at
    demand.resolved_on = today
    demand.handling_days = working_days_between(demand.submitted_on, today)
    demand.on_time = demand.due_date is not None and today <= demand.due_date
    demand.save(update_fields=["status", "resolution", "resolved_at", "resolved_on", "handling_days", "on_time",
                               "updated"])
    _step(demand, action=StepAction.RESOLVED, actor=actor, at=at, from_status=before, to_status=demand.status,
          department=demand.department, note=resolution)
    event_record(kind="demand.resolved", message=_("Demand %(id)s resolved") % {"id": demand.pk}, obj=demand,
                 actor=actor, data={"on_time": demand.on_time, "handling_days": demand.handling_days})
    notify(users=_users_of_enterprise(demand.enterprise_id), kind=NotificationKind.PLEASE_RATE,
           text=_("Your demand “%(title)s” is resolved. Please rate the result.") % {"title": demand.title},
           link=demand.get_absolute_url(), demand=demand)
    if demand.cadre_id and demand.cadre.user_id:
        notify(users=[demand.cadre.user], kind=NotificationKind.RESOLVED,
               text=_("Resolved: %(title)s") % {"title": demand.title}, link=demand.get_absolute_url(),
               demand=demand)
    _after_step(demand)
    return demand


@transaction.atomic
def demand_rate(*, actor, demand: Demand, satisfaction: str, comment: str = "",
                at: dt.datetime | None = None) -> Demand:
    """The enterprise's verdict. Satisfied or basically satisfied closes the demand; dissatisfied reopens it
    (in progress again, with a fresh due date, counted as reopened)."""
    at = _now(at)
    demand = _locked(demand)
    workflow.check("rate", demand=demand, actor=actor)
    if satisfaction not in Satisfaction.values:
        raise ValidationError({"satisfaction": [_("Choose satisfied, basically_satisfied or dissatisfied.")]})
    comment = (comment or "").strip()
    if satisfaction == Satisfaction.DISSATISFIED and not comment:
        raise ValidationError({"comment": [_("Tell the department what is still wrong.")]})
    before = demand.status
    demand.satisfaction = satisfaction
    demand.rating_comment = comment
    demand.rated_at = at
    fields = ["status", "satisfaction", "rating_comment", "rated_at", "updated"]
    if satisfaction == Satisfaction.DISSATISFIED:
        demand.status = DemandStatus.IN_PROGRESS
        demand.reopen_count += 1
        demand.due_date = add_working_days(_local_date(at), due_working_days(demand.urgency))
        demand.resolved_at = demand.resolved_on = demand.handling_days = demand.on_time = None
        demand.escalation_level = EscalationLevel.NONE
        demand.due_soon_notified = False
        fields += ["reopen_count", "due_date", "resolved_at", "resolved_on", "handling_days", "on_time",
                   "escalation_level", "due_soon_notified"]
    else:
        demand.status = DemandStatus.CLOSED
        demand.closed_at = at
        fields.append("closed_at")
    demand.save(update_fields=fields)
    _step(demand, action=StepAction.RATED, actor=actor, at=at, from_status=before, to_status=demand.status,
          note=f"{demand.get_satisfaction_display()}{'：' + comment if comment else ''}")
    event_record(kind="demand.rated", message=_("Demand %(id)s rated %(s)s") % {
        "id": demand.pk, "s": satisfaction}, obj=demand, actor=actor, data={"satisfaction": satisfaction})
    if demand.status == DemandStatus.IN_PROGRESS:
        _step(demand, action=StepAction.REOPENED, actor=actor, at=at, from_status=before, to_status=demand.status,
              department=demand.department, note=_("Due %(date)s") % {"date": demand.due_date.isoformat()})
        event_record(kind="demand.reopened", message=_("Demand %(id)s reopened") % {"id": demand.pk}, obj=demand,
                     actor=actor)
        notify(users=_users_of_department(demand.department_id), kind=NotificationKind.REOPENED,
               text=_("The enterprise is not satisfied; reopened: %(title)s") % {"title": demand.title},
               link=demand.get_absolute_url(), demand=demand)
    _after_step(demand)
    return demand


def demand_transition(*, actor, demand: Demand, action: str, data: dict[str, Any],
                      at: dt.datetime | None = None):
    """One entry for the edges (API actions, page forms): dispatch `action` with its validated input."""
    if action == "accept":
        return demand_accept(actor=actor, demand=demand, department=data.get("department"),
                             handler=data.get("handler"), note=data.get("note", ""), at=at)
    if action == "start":
        return demand_start(actor=actor, demand=demand, note=data.get("note", ""), at=at)
    if action == "transfer":
        return demand_transfer(actor=actor, demand=demand, department=data.get("department"),
                               reason=data.get("reason", ""), at=at)
    if action == "cohandle":
        return demand_cohandle_open(actor=actor, demand=demand, department=data.get("department"),
                                    request=data.get("request", ""), at=at)
    if action == "resolve":
        return demand_resolve(actor=actor, demand=demand, resolution=data.get("resolution", ""), at=at)
    if action == "rate":
        return demand_rate(actor=actor, demand=demand, satisfaction=data.get("satisfaction", ""),
                           comment=data.get("comment", ""), at=at)
    raise ValueError(f"unknown action {action!r}")
