"""The demand workflow steps (accept, start, transfer, co-handle, resolve, rate) and the co-handling answer, run
by the core engine over the workflows declared in `demands/workflows.py`: the engine locks the row, refuses
uniformly (403/409), sets the status, writes the timeline step and the event; each service here validates its
input and applies the step's own effects (due dates, counters, notifications, statistics)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from industry_brain.accounts.models import User
from industry_brain.core.events import event_record
from industry_brain.core.workdays import add_working_days, working_days_between

from ..choices import DemandStatus, EscalationLevel, NotificationKind, Satisfaction, StepAction
from ..models import CoHandlingTask, Demand
from ..notifications import notify
from ..workflows import COHANDLING, DEMAND
from ._common import (
    _after_step,
    _department,
    _local_date,
    _now,
    _require_text,
    _step,
    _users_of_department,
    _users_of_enterprise,
    due_working_days,
)


def _refresh_stats(demand: Demand, t) -> None:
    _after_step(demand)


def demand_accept(*, actor, demand: Demand, department, handler: User | None = None, note: str = "",
                  at: dt.datetime | None = None) -> Demand:
    """Accept a demand: name its one coordinating department (and optionally the handler) and set the due
    date in official working days by urgency, counted from the day of acceptance."""
    at = _now(at)
    step: dict[str, Any] = {}

    def apply(d: Demand, t):
        dept = _department(department)
        if handler is not None and not _users_of_department(dept.pk).filter(pk=handler.pk).exists():
            raise ValidationError({"handler": [_("The handler must be a user of the coordinating department.")]})
        d.department, d.handler, d.accepted_at = dept, handler, at
        d.due_date = add_working_days(_local_date(at), due_working_days(d.urgency))
        step["department"] = dept

    def after(d: Demand, t):
        notify(users=[handler] if handler else _users_of_department(d.department_id),
               kind=NotificationKind.NEW_ASSIGNMENT,
               text=_("New demand to coordinate: %(title)s (due %(date)s)") % {
                   "title": d.title, "date": d.due_date.isoformat()},
               link=d.get_absolute_url(), demand=d)
        notify(users=_users_of_enterprise(d.enterprise_id), kind=NotificationKind.PROGRESS,
               text=_("Your demand #%(id)s “%(title)s” is accepted; coordinated by %(dept)s, due %(date)s") % {
                   "id": d.pk, "title": d.title, "dept": d.department, "date": d.due_date.isoformat()},
               link=d.get_absolute_url(), demand=d)
        _after_step(d)

    return DEMAND.run(
        "accept", demand, actor=actor, at=at, apply=apply, after=after, step=step,
        extra_fields=["department", "handler", "accepted_at", "due_date"],
        note=lambda d: note or _("Due %(date)s") % {"date": d.due_date.isoformat()},
        message=lambda d: _("Demand %(id)s accepted, coordinated by %(dept)s") % {"id": d.pk, "dept": d.department},
        data=lambda d: {"department": d.department_id, "due_date": d.due_date.isoformat()})


def demand_start(*, actor, demand: Demand, note: str = "", at: dt.datetime | None = None) -> Demand:
    at = _now(at)
    fields = ["started_at"]

    def apply(d: Demand, t):
        d.started_at = d.started_at or at
        if d.handler_id is None and _users_of_department(d.department_id).filter(pk=actor.pk).exists():
            d.handler = actor
            fields.append("handler")

    def after(d: Demand, t):
        notify(users=_users_of_enterprise(d.enterprise_id), kind=NotificationKind.PROGRESS,
               text=_("Your demand #%(id)s “%(title)s” is being handled by %(dept)s") % {
                   "id": d.pk, "title": d.title, "dept": d.department},
               link=d.get_absolute_url(), demand=d)
        _refresh_stats(d, t)

    return DEMAND.run("start", demand, actor=actor, at=at, apply=apply, after=after, note=note,
                      extra_fields=fields, message=lambda d: _("Demand %(id)s in progress") % {"id": d.pk})


def demand_transfer(*, actor, demand: Demand, department, reason: str, at: dt.datetime | None = None) -> Demand:
    """Hand the coordination to another department, with a reason; transfers are counted. The due date
    stays: the enterprise's clock does not restart because the government moved the file."""
    at = _now(at)
    step: dict[str, Any] = {}
    moved: dict[str, Any] = {}

    def apply(d: Demand, t):
        why = _require_text("reason", reason, _("A transfer needs a reason."))
        dept = _department(department)
        if dept.pk == d.department_id:
            raise ValidationError({"department": [_("The demand is already coordinated by this department.")]})
        moved.update(previous=d.department, reason=why)
        d.department, d.handler = dept, None
        d.transfer_count += 1
        step["department"] = dept

    def after(d: Demand, t):
        notify(users=_users_of_department(d.department_id), kind=NotificationKind.NEW_ASSIGNMENT,
               text=_("Demand transferred to you: %(title)s (due %(date)s)") % {
                   "title": d.title, "date": d.due_date.isoformat() if d.due_date else "—"},
               link=d.get_absolute_url(), demand=d)
        _after_step(d)

    return DEMAND.run(
        "transfer", demand, actor=actor, at=at, apply=apply, after=after, step=step,
        extra_fields=["department", "handler", "transfer_count"],
        note=lambda d: _("From %(old)s: %(reason)s") % {"old": moved["previous"], "reason": moved["reason"]},
        message=lambda d: _("Demand %(id)s transferred from %(old)s to %(new)s") % {
            "id": d.pk, "old": moved["previous"], "new": d.department},
        data=lambda d: {"from_department": moved["previous"].pk if moved["previous"] else None,
                        "to_department": d.department_id, "reason": moved["reason"]})


def demand_cohandle_open(*, actor, demand: Demand, department, request: str,
                         at: dt.datetime | None = None) -> CoHandlingTask:
    """Ask another department to co-handle; the coordinating department stays accountable."""
    at = _now(at)
    step: dict[str, Any] = {}
    made: dict[str, Any] = {}

    def apply(d: Demand, t):
        text = _require_text("request", request, _("Say what the other department is asked to do."))
        dept = _department(department)
        if dept.pk == d.department_id:
            raise ValidationError({"department": [_("The coordinating department cannot co-handle its own demand.")]})
        task = CoHandlingTask(demand=d, department=dept, request=text, opened_by=actor)
        task.full_clean()
        task.save()
        made["task"] = task
        step["department"] = dept

    def after(d: Demand, t):
        notify(users=_users_of_department(made["task"].department_id), kind=NotificationKind.COHANDLING,
               text=_("Please co-handle: %(title)s") % {"title": d.title}, link=d.get_absolute_url(), demand=d)

    DEMAND.run("cohandle", demand, actor=actor, at=at, apply=apply, after=after, step=step,
               note=lambda d: made["task"].request,
               message=lambda d: _("Co-handling of demand %(id)s asked of %(dept)s") % {
                   "id": d.pk, "dept": made["task"].department},
               data=lambda d: {"department": made["task"].department_id})
    return made["task"]


def demand_cohandle_answer(*, actor, task: CoHandlingTask, response: str,
                           at: dt.datetime | None = None) -> CoHandlingTask:
    """The asked department answers its co-handling task (open → done); the step goes to the demand's timeline
    and the coordinating department is told."""
    at = _now(at)

    def apply(tk: CoHandlingTask, t):
        tk.response = _require_text("response", response, _("Write the answer."))
        tk.done_at = at

    def after(tk: CoHandlingTask, t):
        notify(users=_users_of_department(tk.demand.department_id), kind=NotificationKind.COHANDLING,
               text=_("%(dept)s answered on: %(title)s") % {"dept": tk.department, "title": tk.demand.title},
               link=tk.demand.get_absolute_url(), demand=tk.demand)

    return COHANDLING.run("answer", task, actor=actor, at=at, apply=apply, after=after,
                          extra_fields=["response", "done_at"], note=lambda tk: tk.response,
                          message=lambda tk: str(tk), data=lambda tk: {"task": tk.pk})


def demand_resolve(*, actor, demand: Demand, resolution: str, at: dt.datetime | None = None) -> Demand:
    """Record how the problem was solved; the enterprise is asked to rate the result."""
    at = _now(at)

    def apply(d: Demand, t):
        d.resolution = _require_text("resolution", resolution, _("Describe how the problem was solved."))
        today = _local_date(at)
        d.resolved_at, d.resolved_on = at, today
        d.handling_days = working_days_between(d.submitted_on, today)
        d.on_time = d.due_date is not None and today <= d.due_date

    def after(d: Demand, t):
        notify(users=_users_of_enterprise(d.enterprise_id), kind=NotificationKind.PLEASE_RATE,
               text=_("Your demand #%(id)s “%(title)s” is resolved. Please rate the result.") % {
                   "id": d.pk, "title": d.title},
               link=d.get_absolute_url(), demand=d)
        if d.cadre_id and d.cadre.user_id:
            notify(users=[d.cadre.user], kind=NotificationKind.RESOLVED,
                   text=_("Resolved: %(title)s") % {"title": d.title}, link=d.get_absolute_url(), demand=d)
        _after_step(d)

    return DEMAND.run(
        "resolve", demand, actor=actor, at=at, apply=apply, after=after,
        step={"department": demand.department} if demand.department_id else None,
        extra_fields=["resolution", "resolved_at", "resolved_on", "handling_days", "on_time"],
        note=lambda d: d.resolution, message=lambda d: _("Demand %(id)s resolved") % {"id": d.pk},
        data=lambda d: {"on_time": d.on_time, "handling_days": d.handling_days})


REOPEN_FIELDS = ["reopen_count", "due_date", "resolved_at", "resolved_on", "handling_days", "on_time",
                 "escalation_level", "due_soon_notified"]


def demand_rate(*, actor, demand: Demand, satisfaction: str, comment: str = "",
                at: dt.datetime | None = None) -> Demand:
    """The enterprise's verdict. Satisfied or basically satisfied closes the demand; dissatisfied reopens it
    (in progress again, with a fresh due date, counted as reopened)."""
    at = _now(at)
    text = (comment or "").strip()
    fields = ["satisfaction", "rating_comment", "rated_at"]

    def apply(d: Demand, t):
        if satisfaction not in Satisfaction.values:
            raise ValidationError({"satisfaction": [_("Choose satisfied, basically_satisfied or dissatisfied.")]})
        if satisfaction == Satisfaction.DISSATISFIED and not text:
            raise ValidationError({"comment": [_("Tell the department what is still wrong.")]})
        d.satisfaction, d.rating_comment, d.rated_at = satisfaction, text, at
        if satisfaction == Satisfaction.DISSATISFIED:
            d.reopen_count += 1
            d.due_date = add_working_days(_local_date(at), due_working_days(d.urgency))
            d.resolved_at = d.resolved_on = d.handling_days = d.on_time = None
            d.escalation_level = EscalationLevel.NONE
            d.due_soon_notified = False
            fields.extend(REOPEN_FIELDS)
            return DemandStatus.IN_PROGRESS
        d.closed_at = at
        fields.append("closed_at")
        return DemandStatus.CLOSED

    def after(d: Demand, t):
        if d.status == DemandStatus.IN_PROGRESS:
            _step(d, action=StepAction.REOPENED, actor=actor, at=at, from_status=DemandStatus.RESOLVED,
                  to_status=d.status, department=d.department,
                  note=_("Due %(date)s") % {"date": d.due_date.isoformat()})
            event_record(kind="demand.reopened", message=_("Demand %(id)s reopened") % {"id": d.pk}, obj=d,
                         actor=actor)
            notify(users=_users_of_department(d.department_id), kind=NotificationKind.REOPENED,
                   text=_("The enterprise is not satisfied; reopened: %(title)s") % {"title": d.title},
                   link=d.get_absolute_url(), demand=d)
        _after_step(d)

    return DEMAND.run(
        "rate", demand, actor=actor, at=at, apply=apply, after=after, extra_fields=fields,
        note=lambda d: f"{d.get_satisfaction_display()}{'：' + text if text else ''}",
        message=lambda d: _("Demand %(id)s rated %(s)s") % {"id": d.pk, "s": satisfaction},
        data={"satisfaction": satisfaction})


STEPS = {
    "accept": lambda actor, demand, data, at: demand_accept(
        actor=actor, demand=demand, department=data.get("department"), handler=data.get("handler"),
        note=data.get("note", ""), at=at),
    "start": lambda actor, demand, data, at: demand_start(actor=actor, demand=demand, note=data.get("note", ""),
                                                          at=at),
    "transfer": lambda actor, demand, data, at: demand_transfer(
        actor=actor, demand=demand, department=data.get("department"), reason=data.get("reason", ""), at=at),
    "cohandle": lambda actor, demand, data, at: demand_cohandle_open(
        actor=actor, demand=demand, department=data.get("department"), request=data.get("request", ""), at=at),
    "resolve": lambda actor, demand, data, at: demand_resolve(
        actor=actor, demand=demand, resolution=data.get("resolution", ""), at=at),
    "rate": lambda actor, demand, data, at: demand_rate(
        actor=actor, demand=demand, satisfaction=data.get("satisfaction", ""), comment=data.get("comment", ""),
        at=at),
}


def demand_transition(*, actor, demand: Demand, action: str, data: dict[str, Any],
                      at: dt.datetime | None = None):
    """One entry for the edges (API actions, page forms): run the declared step `action` with its validated
    input. Every step of `workflows.DEMAND` has its service here (a test holds the two together)."""
    if action not in STEPS:
        raise ValueError(f"unknown action {action!r}")
    return STEPS[action](actor, demand, data, at)
