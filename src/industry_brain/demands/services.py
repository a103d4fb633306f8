"""Every write of the enterprise service: cadres, assignments, visits, the demand workflow, duplicate and
systemic-problem detection, escalation, notifications and the statistics refresh.

Each service is keyword-only, atomic, validates before saving, takes `actor=` and writes a timeline step
(for demands) and a business event. Workflow rules live in `workflow.py`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Count, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from industry_brain.accounts.choices import OrganisationKind, Role
from industry_brain.accounts.models import Organisation, User
from industry_brain.chains.models import ChainMembership, ChainNode
from industry_brain.core.events import event_record
from industry_brain.core.workdays import add_working_days, working_days_between
from industry_brain.enterprises.models import Enterprise

from . import similarity, workflow
from .choices import (
    RESOLVED_STATUSES,
    AlertScope,
    AlertStatus,
    Channel,
    CoHandlingStatus,
    DemandStatus,
    EscalationLevel,
    FlagKind,
    NotificationKind,
    Satisfaction,
    StepAction,
    Urgency,
)
from .models import (
    Assignment,
    Cadre,
    CoHandlingTask,
    Demand,
    DemandAttachment,
    DemandCategory,
    DemandDailyStat,
    DemandFlag,
    DemandStatDay,
    DemandStep,
    Notification,
    SystemicAlert,
    Visit,
)
from .notifications import notify

# ---------------------------------------------------------------------------------------------- settings

DEFAULT_DUE_WORKING_DAYS = {Urgency.URGENT: 1, Urgency.NORMAL: 5, Urgency.COMPLEX: 15}


def due_working_days(urgency: str) -> int:
    """Working days allowed per urgency: settings.DEMAND_DUE_WORKING_DAYS overrides the defaults
    (urgent 1, normal 5, complex 15)."""
    table = {**DEFAULT_DUE_WORKING_DAYS, **getattr(settings, "DEMAND_DUE_WORKING_DAYS", {})}
    return int(table[urgency])


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


SAME_ENTERPRISE_WINDOW_DAYS = 30
SYSTEMIC_WINDOW_DAYS = 7


def _now(at: dt.datetime | None) -> dt.datetime:
    return at or timezone.now()


def _local_date(at: dt.datetime) -> dt.date:
    return timezone.localtime(at).date()


# ----------------------------------------------------------------------------------------------- helpers

def _users_of_department(department_id: int | None):
    if department_id is None:
        return User.objects.none()
    return User.objects.filter(role=Role.DEPARTMENT, organisation_id=department_id, is_active=True)


def _users_of_enterprise(enterprise_id: int):
    return User.objects.filter(role=Role.ENTERPRISE, enterprise_id=enterprise_id, is_active=True)


def _users_of_district(code: str):
    return User.objects.filter(role=Role.DISTRICT, organisation__district_id=code, is_active=True)


def _city_users():
    return User.objects.filter(role=Role.CITY, is_active=True)


def _step(demand: Demand, *, action: str, actor, at: dt.datetime, from_status: str = "", to_status: str = "",
          department=None, note: str = "") -> DemandStep:
    from industry_brain.core import context

    label = getattr(actor, "username", "") or context.current_actor_label() or "system"
    return DemandStep.objects.create(
        demand=demand, action=action, actor=actor if getattr(actor, "pk", None) else None, actor_label=label,
        at=at, from_status=from_status, to_status=to_status, department=department, note=note)


def _locked(demand: Demand) -> Demand:
    """Re-read the demand under a row lock so that two concurrent steps cannot both pass the state check."""
    return Demand.objects.select_for_update().get(pk=demand.pk)


def _require_text(field: str, value: str | None, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: [message]})
    return value


def _department(value, field: str = "department") -> Organisation:
    org = value if isinstance(value, Organisation) else Organisation.objects.filter(pk=value).first()
    if org is None or org.kind != OrganisationKind.DEPARTMENT:
        raise ValidationError({field: [_("Choose a department (an organisation of kind department).")]})
    return org


def _after_step(demand: Demand) -> None:
    """Keep the pre-aggregated statistics current for the demand's submission day (synchronously, so that
    /demands/stats/ counts a step the moment it is taken)."""
    demand_stats_refresh(days=[demand.submitted_on])


# ------------------------------------------------------------------------------------ cadres, assignments

def _may_manage_district(actor, district_code: str | None) -> bool:
    return actor.is_city or (actor.role == Role.DISTRICT and district_code is not None
                             and actor.district_code == district_code)


@transaction.atomic
def cadre_create(*, actor, code: str, name: str, organisation: Organisation, phone: str = "", email: str = "",
                 user: User | None = None) -> Cadre:
    """Register a cadre. District bureaus register cadres of organisations in their district."""
    if not (actor.is_city or (actor.role == Role.DISTRICT and organisation.district_id == actor.district_code)):
        raise PermissionDenied(_("You may register cadres only for organisations of your district."))
    cadre = Cadre(code=code.strip(), name=name.strip(), organisation=organisation, phone=phone, email=email,
                  user=user)
    cadre.full_clean()
    cadre.save()
    event_record(kind="cadre.registered", message=_("Cadre %(code)s registered") % {"code": cadre.code},
                 obj=cadre, actor=actor)
    return cadre


@transaction.atomic
def assignment_create(*, actor, cadre: Cadre, enterprise: Enterprise, started_on: dt.date | None = None,
                      notify_cadre: bool = True) -> Assignment:
    """Assign a cadre to serve an enterprise from `started_on` (today by default)."""
    if not _may_manage_district(actor, enterprise.district_id):
        raise PermissionDenied(_("You may assign cadres only to enterprises of your district."))
    assignment = Assignment(cadre=cadre, enterprise=enterprise, started_on=started_on or timezone.localdate())
    assignment.full_clean()
    assignment.save()
    event_record(kind="assignment.created", message=_("%(cadre)s now serves %(enterprise)s") % {
        "cadre": cadre, "enterprise": enterprise.name}, obj=assignment, actor=actor)
    if notify_cadre and cadre.user_id:
        notify(users=[cadre.user], kind=NotificationKind.ENTERPRISE_ASSIGNED,
               text=_("You now serve %(enterprise)s.") % {"enterprise": enterprise.name},
               link=enterprise.get_absolute_url())
    return assignment


@transaction.atomic
def assignment_end(*, actor, assignment: Assignment, ended_on: dt.date | None = None) -> Assignment:
    if not _may_manage_district(actor, assignment.enterprise.district_id):
        raise PermissionDenied(_("You may end assignments only in your district."))
    if assignment.ended_on is not None:
        raise ValidationError({"ended_on": [_("This assignment has already ended.")]})
    assignment.ended_on = ended_on or timezone.localdate()
    assignment.full_clean()
    assignment.save(update_fields=["ended_on", "updated"])
    event_record(kind="assignment.ended", message=str(assignment), obj=assignment, actor=actor)
    return assignment


@transaction.atomic
def visit_create(*, actor, enterprise: Enterprise, date: dt.date, mode: str, notes: str = "",
                 cadre: Cadre | None = None) -> Visit:
    """Log a visit. A cadre logs its own visits to enterprises it serves; district bureaus and the city may
    log visits of cadres in their scope."""
    if actor.role == Role.CADRE:
        own = getattr(actor, "cadre_profile", None)
        if own is None:
            raise PermissionDenied(_("Your account has no cadre profile."))
        if cadre is not None and cadre.pk != own.pk:
            raise ValidationError({"cadre": [_("You may log only your own visits.")]})
        cadre = own
        if not Assignment.objects.filter(cadre=own, enterprise=enterprise, ended_on__isnull=True).exists():
            raise ValidationError({"enterprise": [_("You do not serve this enterprise.")]})
    elif _may_manage_district(actor, enterprise.district_id):
        if cadre is None:
            raise ValidationError({"cadre": [_("Name the cadre who made the visit.")]})
    else:
        raise PermissionDenied(_("You may not log visits."))
    if date > timezone.localdate():
        raise ValidationError({"date": [_("A visit cannot be in the future.")]})
    visit = Visit(date=date, cadre=cadre, enterprise=enterprise, mode=mode, notes=notes)
    visit.full_clean()
    visit.save()
    event_record(kind="visit.logged", message=str(visit), obj=visit, actor=actor)
    return visit


# ---------------------------------------------------------------------------------------- raising demands

def _project_of(project_ref: int, enterprise: Enterprise | None):
    """The enterprise's own investment project with this id, or None."""
    from industry_brain.projects.models import Project

    if enterprise is None:
        return None
    return Project.objects.filter(pk=project_ref, enterprise=enterprise).first()


def _current_cadre(enterprise: Enterprise) -> Cadre | None:
    a = Assignment.objects.filter(enterprise=enterprise, ended_on__isnull=True).order_by("started_on", "id") \
        .select_related("cadre").first()
    return a.cadre if a else None


def _enterprise_chain_id(enterprise: Enterprise) -> int | None:
    m = ChainMembership.objects.filter(enterprise=enterprise).select_related("node").order_by("id").first()
    return m.node.chain_id if m else None


@transaction.atomic
def demand_create(*, actor, category: DemandCategory, title: str, description: str,
                  urgency: str = Urgency.NORMAL, enterprise: Enterprise | None = None, channel: str | None = None,
                  visit: Visit | None = None, chain_node: ChainNode | None = None, project_ref: int | None = None,
                  attachments: Iterable = (), at: dt.datetime | None = None) -> Demand:
    """Raise a demand for an enterprise: by the enterprise itself, by a cadre serving it, by its district
    bureau or the city bureau. Similar demands are flagged (never blocked) and systemic problems alerted."""
    at = _now(at)
    role = actor.role
    cadre = None
    errors: dict[str, list[str]] = {}
    if role == Role.ENTERPRISE:
        if enterprise is not None and enterprise.pk != actor.enterprise_id:
            errors["enterprise"] = [_("You may raise demands only for your own enterprise.")]
        enterprise = actor.enterprise
        default_channel = Channel.ENTERPRISE
    elif role == Role.CADRE:
        cadre = getattr(actor, "cadre_profile", None)
        if cadre is None:
            raise PermissionDenied(_("Your account has no cadre profile."))
        if enterprise is None:
            errors["enterprise"] = [_("Choose the enterprise.")]
        elif not Assignment.objects.filter(cadre=cadre, enterprise=enterprise, ended_on__isnull=True).exists():
            errors["enterprise"] = [_("You do not serve this enterprise.")]
        default_channel = Channel.CADRE
    elif actor.is_city or role == Role.DISTRICT:
        if enterprise is None:
            errors["enterprise"] = [_("Choose the enterprise.")]
        elif not _may_manage_district(actor, enterprise.district_id):
            errors["enterprise"] = [_("You may raise demands only for enterprises of your district.")]
        default_channel = Channel.STAFF
    else:
        raise PermissionDenied(_("Your role does not raise demands."))
    if not category.is_active:
        errors["category"] = [_("This category is no longer in use.")]
    if urgency not in Urgency.values:
        errors["urgency"] = [_("Choose urgent, normal or complex.")]
    if visit is not None and enterprise is not None and visit.enterprise_id != enterprise.pk:
        errors["visit"] = [_("The visit was to another enterprise.")]
    project = _project_of(project_ref, enterprise) if project_ref is not None else None
    if project_ref is not None and project is None:
        errors["project"] = [_("No investment project of this enterprise has this id.")]
    if not (title or "").strip():
        errors["title"] = [_("Give the demand a short title.")]
    if not (description or "").strip():
        errors["description"] = [_("Describe the problem.")]
    if errors:
        raise ValidationError(errors)
    if cadre is None:
        cadre = visit.cadre if visit is not None else _current_cadre(enterprise)
    demand = Demand(
        enterprise=enterprise, district_id=enterprise.district_id,
        chain_id=chain_node.chain_id if chain_node is not None else _enterprise_chain_id(enterprise),
        chain_node=chain_node, project=project, visit=visit, cadre=cadre, category=category,
        category_root_id=category.root_id, urgency=urgency, title=title.strip(), description=description.strip(),
        channel=channel or default_channel, status=DemandStatus.SUBMITTED, raised_by=actor, submitted_at=at,
        submitted_on=_local_date(at), terms=similarity.terms_text(title, description),
        search_text=f"{title.strip()} {enterprise.name}".lower()[:420],
    )
    demand.full_clean()
    demand.save()
    for f in attachments:
        DemandAttachment.objects.create(demand=demand, file=f, name=getattr(f, "name", "file")[:200],
                                        uploaded_by=actor)
    _step(demand, action=StepAction.SUBMITTED, actor=actor, at=at, to_status=DemandStatus.SUBMITTED,
          note=demand.get_channel_display())
    event_record(kind="demand.submitted", message=_("Demand raised: %(title)s") % {"title": demand.title},
                 obj=demand, actor=actor, data={"enterprise": enterprise.pk, "category": category.code})
    demand_detect_similar(demand=demand, at=at)
    _after_step(demand)
    return demand


def demand_detect_similar(*, demand: Demand, at: dt.datetime | None = None) -> dict:
    """Flag possible duplicates of a new demand and open or extend systemic-problem alerts.

    - same enterprise and same category group within 30 days → flag `same_enterprise`;
    - other enterprises' demands of the same category group in the last DEMAND_SIMILARITY_WINDOW_DAYS (60)
      whose TF-IDF cosine with this one is ≥ DEMAND_SIMILARITY_THRESHOLD (0.5) → flag `similar_text`;
    - ≥ DEMAND_SYSTEMIC_MIN_ENTERPRISES (3) distinct enterprises of one district (or one chain) with demands
      of the same category within 7 days whose cosine is ≥ DEMAND_SYSTEMIC_SIMILARITY (0.3) → alert.
    """
    at = _now(at)
    window_days = _setting("DEMAND_SIMILARITY_WINDOW_DAYS", 60)
    threshold = _setting("DEMAND_SIMILARITY_THRESHOLD", 0.5)
    systemic_threshold = _setting("DEMAND_SYSTEMIC_SIMILARITY", 0.3)
    candidates = list(
        Demand.objects.filter(category_root_id=demand.category_root_id,
                              submitted_at__gte=at - dt.timedelta(days=window_days), submitted_at__lte=at)
        .exclude(pk=demand.pk).order_by("-submitted_at", "-id")
        .values("pk", "enterprise_id", "category_id", "district_id", "chain_id", "submitted_at", "terms")[:500])
    flags: list[DemandFlag] = []
    same_since = at - dt.timedelta(days=SAME_ENTERPRISE_WINDOW_DAYS)
    for c in candidates:
        if c["enterprise_id"] == demand.enterprise_id and c["submitted_at"] >= same_since:
            flags.append(DemandFlag(demand=demand, similar_to_id=c["pk"], kind=FlagKind.SAME_ENTERPRISE, score=1.0))
    query = demand.terms.split()
    scores = similarity.similarities(query, [c["terms"].split() for c in candidates])
    for c, score in zip(candidates, scores, strict=True):
        c["score"] = score
    text_matches = sorted((c for c in candidates if c["enterprise_id"] != demand.enterprise_id
                           and c["score"] >= threshold), key=lambda c: -c["score"])[:5]
    flags += [DemandFlag(demand=demand, similar_to_id=c["pk"], kind=FlagKind.SIMILAR_TEXT, score=round(c["score"], 4))
              for c in text_matches]
    if flags:
        DemandFlag.objects.bulk_create(flags, ignore_conflicts=True)
        Demand.objects.filter(pk=demand.pk).update(is_flagged=True)
        demand.is_flagged = True
        kinds = sorted({f.kind for f in flags})
        _step(demand, action=StepAction.FLAGGED, actor=None, at=at,
              note=", ".join(f"#{f.similar_to_id}" for f in flags[:8]) + f" ({', '.join(kinds)})")
    # Systemic problems: the same problem (same category, similar text) in several enterprises within a week.
    week_ago = at - dt.timedelta(days=SYSTEMIC_WINDOW_DAYS)
    recent = [c for c in candidates if c["category_id"] == demand.category_id and c["submitted_at"] >= week_ago
              and c["enterprise_id"] != demand.enterprise_id and c["score"] >= systemic_threshold]
    alerts = []
    groups = [(AlertScope.DISTRICT, "district_id", demand.district_id)]
    if demand.chain_id:
        groups.append((AlertScope.CHAIN, "chain_id", demand.chain_id))
    for scope_kind, key, value in groups:
        matched = [c for c in recent if c[key] == value]
        enterprises = {c["enterprise_id"] for c in matched} | {demand.enterprise_id}
        if len(enterprises) >= _setting("DEMAND_SYSTEMIC_MIN_ENTERPRISES", 3):
            alerts.append(_systemic_alert_record(demand=demand, scope_kind=scope_kind, key=key, value=value,
                                                 demand_ids=[c["pk"] for c in matched], at=at))
    return {"flags": len(flags), "alerts": alerts}


def _systemic_alert_record(*, demand: Demand, scope_kind: str, key: str, value, demand_ids: list[int],
                           at: dt.datetime) -> SystemicAlert:
    today = _local_date(at)
    lookup = {key: value}
    alert = (SystemicAlert.objects.select_for_update()
             .filter(scope_kind=scope_kind, category_id=demand.category_id, status=AlertStatus.OPEN,
                     window_end__gte=today - dt.timedelta(days=SYSTEMIC_WINDOW_DAYS), **lookup)
             .order_by("-window_end").first())
    created = alert is None
    if created:
        first = Demand.objects.filter(pk__in=demand_ids).order_by("submitted_on").values_list(
            "submitted_on", flat=True).first() or today
        alert = SystemicAlert(scope_kind=scope_kind, category_id=demand.category_id, window_start=min(first, today),
                              window_end=today, enterprise_count=0, **lookup)
    alert.window_end = max(alert.window_end, today)
    alert.save()
    alert.demands.add(demand, *demand_ids)
    alert.enterprise_count = alert.demands.values("enterprise_id").distinct().count()
    alert.save(update_fields=["enterprise_count", "window_end", "updated"])
    if created:
        where = str(alert.district or alert.chain)
        text = _("Systemic problem: %(n)s enterprises in %(where)s raised %(category)s demands within a week.") % {
            "n": alert.enterprise_count, "where": where, "category": demand.category}
        event_record(kind="demand.systemic_alert", message=text, obj=alert,
                     data={"category": demand.category.code, "scope": scope_kind, "key": str(value)})
        recipients = list(_city_users())
        if alert.district_id:
            recipients += list(_users_of_district(alert.district_id))
        notify(users=recipients, kind=NotificationKind.SYSTEMIC_ALERT, text=text, link=alert.get_absolute_url())
    return alert


@transaction.atomic
def systemic_alert_acknowledge(*, actor, alert: SystemicAlert, note: str = "") -> SystemicAlert:
    if not actor.is_city:
        raise PermissionDenied(_("Only the city bureau acknowledges systemic alerts."))
    if alert.status != AlertStatus.OPEN:
        from industry_brain.core.exceptions import TransitionNotAllowed

        raise TransitionNotAllowed(_("This alert is already acknowledged."))
    alert.status = AlertStatus.ACKNOWLEDGED
    alert.note = note
    alert.save(update_fields=["status", "note", "updated"])
    event_record(kind="demand.systemic_alert_acknowledged", message=str(alert), obj=alert, actor=actor)
    return alert


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


# --------------------------------------------------------------------------------- escalation and notices

def _city_cutoff(today: dt.date, working_days: int) -> dt.date:
    """The latest due date that is more than `working_days` working days behind `today`."""
    day = today
    while working_days_between(day, today) <= working_days:
        day -= dt.timedelta(days=1)
    return day


@transaction.atomic
def demand_escalate_overdue(*, today: dt.date | None = None) -> dict[str, int]:
    """Escalate overdue demands, set-based: past their due date → the district bureau (level 1); more than
    DEMAND_ESCALATE_TO_CITY_AFTER (3) working days past it → the city bureau (level 2). Each escalation is a
    timeline step and a notice to the district (or city) and the coordinating department."""
    today = today or timezone.localdate()
    now = timezone.now()
    open_q = Q(status__in=[DemandStatus.ACCEPTED, DemandStatus.IN_PROGRESS], due_date__lt=today)
    cutoff = _city_cutoff(today, _setting("DEMAND_ESCALATE_TO_CITY_AFTER", 3))
    counts = {}
    days: set[dt.date] = set()
    for level, q in ((EscalationLevel.CITY, open_q & Q(escalation_level__lt=EscalationLevel.CITY,
                                                       due_date__lte=cutoff)),
                     (EscalationLevel.DISTRICT, open_q & Q(escalation_level=EscalationLevel.NONE))):
        rows = list(Demand.objects.select_for_update().filter(q).values(
            "pk", "title", "district_id", "department_id", "submitted_on", "due_date"))
        counts["city" if level == EscalationLevel.CITY else "district"] = len(rows)
        if not rows:
            continue
        ids = [r["pk"] for r in rows]
        Demand.objects.filter(pk__in=ids).update(escalation_level=level, escalated_at=now)
        label = _("city bureau") if level == EscalationLevel.CITY else _("district bureau")
        DemandStep.objects.bulk_create([DemandStep(
            demand_id=r["pk"], action=StepAction.ESCALATED, actor=None, actor_label="job:escalate_overdue", at=now,
            note=_("Overdue since %(date)s; escalated to the %(level)s") % {
                "date": r["due_date"].isoformat(), "level": label}) for r in rows])
        notices = []
        city = list(_city_users()) if level == EscalationLevel.CITY else []
        district_users: dict[str, list] = {}
        dept_users: dict[int, list] = {}
        for r in rows:
            days.add(r["submitted_on"])
            recipients = list(city)
            if level == EscalationLevel.DISTRICT:
                if r["district_id"] not in district_users:
                    district_users[r["district_id"]] = list(_users_of_district(r["district_id"]))
                recipients += district_users[r["district_id"]]
            if r["department_id"] not in dept_users:
                dept_users[r["department_id"]] = list(_users_of_department(r["department_id"]))
            recipients += dept_users[r["department_id"]]
            text = _("Overdue (due %(date)s), escalated to the %(level)s: %(title)s") % {
                "date": r["due_date"].isoformat(), "level": label, "title": r["title"]}
            seen = set()
            for u in recipients:
                if u.pk not in seen:
                    seen.add(u.pk)
                    notices.append(Notification(recipient=u, kind=NotificationKind.OVERDUE, text=text[:300],
                                                link=f"/demands/{r['pk']}/", demand_id=r["pk"]))
        created = Notification.objects.bulk_create(notices)
        from .notifications import deliver

        transaction.on_commit(lambda created=created: deliver(created))
    if days:
        demand_stats_refresh(days=days)
    if any(counts.values()):
        event_record(kind="demand.escalated", message=_("Overdue demands escalated: %(d)s to districts, "
                                                        "%(c)s to the city") % {
            "d": counts.get("district", 0), "c": counts.get("city", 0)}, data=counts)
    return counts


@transaction.atomic
def demand_notify_due_soon(*, today: dt.date | None = None) -> int:
    """Tell handling departments about open demands due today or on the next working day (once each)."""
    today = today or timezone.localdate()
    horizon = add_working_days(today, 1)
    rows = list(Demand.objects.select_for_update().filter(
        status__in=[DemandStatus.ACCEPTED, DemandStatus.IN_PROGRESS], due_date__gte=today, due_date__lte=horizon,
        due_soon_notified=False).values("pk", "title", "department_id", "handler_id", "due_date"))
    if not rows:
        return 0
    Demand.objects.filter(pk__in=[r["pk"] for r in rows]).update(due_soon_notified=True)
    by_dept: dict[int, list] = {}
    notices = []
    for r in rows:
        if r["department_id"] not in by_dept:
            by_dept[r["department_id"]] = list(_users_of_department(r["department_id"]))
        for u in by_dept[r["department_id"]]:
            notices.append(Notification(recipient=u, kind=NotificationKind.DUE_SOON, link=f"/demands/{r['pk']}/",
                                        demand_id=r["pk"], text=(_("Due %(date)s: %(title)s") % {
                                            "date": r["due_date"].isoformat(), "title": r["title"]})[:300]))
    created = Notification.objects.bulk_create(notices)
    from .notifications import deliver

    transaction.on_commit(lambda: deliver(created))
    return len(rows)


@transaction.atomic
def notification_mark_read(*, actor, notifications) -> int:
    """Mark the given notifications of `actor` read (others' notifications are ignored)."""
    return notifications.filter(recipient=actor, read_at__isnull=True).update(read_at=timezone.now())


# ------------------------------------------------------------------------------------ statistics refresh

STAT_KEYS = ["submitted_on", "category_id", "category_root_id", "district_id", "department_id", "chain_id",
             "cadre_id"]
STAT_COLUMNS = ["day", "category_id", "category_root_id", "district_id", "department_id", "chain_id", "cadre_id"]


def _stat_measures() -> dict:
    resolved = Q(status__in=list(RESOLVED_STATUSES))
    return {
        "collected": Count("id"),
        "resolved": Count("id", filter=resolved),
        "on_time": Count("id", filter=resolved & Q(on_time=True)),
        "handling_days": Coalesce(Sum("handling_days", filter=resolved), Value(0)),
        # Ratings are counted as given: every dissatisfied rating reopened the demand once (reopen_count), so
        # it stays counted after the demand is handled again and finally rated satisfied.
        "rated": Count("id", filter=Q(satisfaction__in=[Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED]))
        + Coalesce(Sum("reopen_count"), Value(0)),
        "satisfied": Count("id", filter=Q(satisfaction=Satisfaction.SATISFIED)),
        "basically_satisfied": Count("id", filter=Q(satisfaction=Satisfaction.BASICALLY_SATISFIED)),
        "dissatisfied": Coalesce(Sum("reopen_count"), Value(0)),
        "reopened": Count("id", filter=Q(reopen_count__gt=0)),
        "transferred": Count("id", filter=Q(transfer_count__gt=0)),
        "escalated": Count("id", filter=Q(escalation_level__gt=0)),
    }


@transaction.atomic
def demand_stats_refresh(*, days: Iterable[dt.date] | None = None) -> int:
    """Rebuild the pre-aggregated statistics for the given submission days (all days when None) with one
    INSERT … SELECT … GROUP BY: no Python loop over demands. The days' bookkeeping rows are locked first
    so that concurrent refreshes of one day serialise. Returns the number of aggregate rows written."""
    demands = Demand.objects.all()
    if days is not None:
        days = sorted(set(days))
        if not days:
            return 0
        DemandStatDay.objects.bulk_create([DemandStatDay(day=d) for d in days], ignore_conflicts=True)
        list(DemandStatDay.objects.select_for_update().filter(day__in=days).values_list("day", flat=True))
        DemandDailyStat.objects.filter(day__in=days).delete()
        demands = demands.filter(submitted_on__in=days)
    else:
        present = Demand.objects.order_by().values_list("submitted_on", flat=True).distinct()
        DemandStatDay.objects.bulk_create([DemandStatDay(day=d) for d in present], ignore_conflicts=True)
        list(DemandStatDay.objects.select_for_update().values_list("day", flat=True))
        DemandDailyStat.objects.all().delete()
    measures = _stat_measures()
    grouped = demands.order_by().values(*STAT_KEYS).annotate(**measures)
    sql, params = grouped.query.sql_with_params()
    table = DemandDailyStat._meta.db_table
    qn = connection.ops.quote_name
    columns = ", ".join(qn(c) for c in [*STAT_COLUMNS, *measures])
    with connection.cursor() as cur:
        cur.execute(f"INSERT INTO {qn(table)} ({columns}) {sql}", params)
        written = cur.rowcount
    stamp = timezone.now()
    if days is not None:
        DemandStatDay.objects.filter(day__in=days).update(refreshed_at=stamp)
    else:
        DemandStatDay.objects.update(refreshed_at=stamp)
    return written


def is_due_soon(demand: Demand, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return demand.is_open and demand.due_date is not None and today <= demand.due_date <= add_working_days(today, 1)

