"""The workflows of the enterprise service, declared once on the core engine (`core.workflow`).

The demand (诉求):

    submitted ──accept──▶ accepted ──start──▶ in_progress ──resolve──▶ resolved ──rate──▶ closed
                              ▲  │                 │                                │
                              └──┴──transfer───────┘          rate "dissatisfied" ──┘─▶ in_progress (reopened)

    cohandle (accepted, in_progress; the status stays) opens a co-handling task:

A co-handling task: open ──answer──▶ done (the asked department, or the city bureau).
A systemic-problem alert: open ──acknowledge──▶ acknowledged (the city bureau).

A step from a status not listed answers 409 (TransitionNotAllowed); a step by someone who may see the object but
is not the one to take it answers 403; someone who cannot see the object gets 404 before the engine is asked.
The services in `services/workflow.py` and `services/alerts.py` run the steps; pages and API ask
`DEMAND.allowed_names(demand, user)` for the buttons and `allowed_actions`.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from industry_brain.accounts.choices import Role
from industry_brain.core.workflow import Transition, Workflow

from .choices import AlertStatus, CoHandlingStatus, StepAction
from .choices import DemandStatus as S

# --------------------------------------------------------------------------------------------- who may act


def is_reviewer(user, demand) -> bool:
    """The city bureau, and the district bureau of the enterprise's district, accept demands."""
    return user.is_city or (user.role == Role.DISTRICT and user.district_code == demand.district_id)


def is_coordinator(user, demand) -> bool:
    """Users of the coordinating department (and the city bureau) handle and resolve."""
    return user.is_city or (user.role == Role.DEPARTMENT and demand.department_id is not None
                            and user.organisation_id == demand.department_id)


def is_enterprise(user, demand) -> bool:
    """Only the enterprise's own users rate (not even the city bureau rates on its behalf)."""
    return user.role == Role.ENTERPRISE and user.enterprise_id == demand.enterprise_id


def is_coordinator_or_reviewer(user, demand) -> bool:
    return is_coordinator(user, demand) or is_reviewer(user, demand)


def is_asked_department(user, task) -> bool:
    """The department asked to co-handle answers its task (and the city bureau)."""
    return user.is_city or (user.role == Role.DEPARTMENT and user.organisation_id == task.department_id)


def is_city(user, obj) -> bool:
    return bool(user.is_city)


# ------------------------------------------------------------------------------------------- the timelines

STEP_ACTION = {"accept": StepAction.ACCEPTED, "start": StepAction.STARTED, "transfer": StepAction.TRANSFERRED,
               "cohandle": StepAction.COHANDLING_OPENED, "resolve": StepAction.RESOLVED, "rate": StepAction.RATED,
               "answer": StepAction.COHANDLING_DONE}


def demand_step_write(demand, *, action: str, actor, at, from_status: str, to_status: str, note: str = "",
                      data: dict | None = None, department=None):
    """The demand's own timeline (`DemandStep`, exposed by the API as `timeline`). A step that leaves the status
    as it was (co-handling) records no status change."""
    from industry_brain.core import context

    from .models import DemandStep

    if from_status == to_status:
        from_status = to_status = ""
    label = getattr(actor, "username", "") or context.current_actor_label() or "system"
    return DemandStep.objects.create(
        demand=demand, action=STEP_ACTION.get(action, action), actor=actor if getattr(actor, "pk", None) else None,
        actor_label=label, at=at, from_status=from_status, to_status=to_status, department=department,
        note=str(note or ""))


def cohandling_step_write(task, *, action: str, actor, at, from_status: str, to_status: str, note: str = "",
                          data: dict | None = None):
    """A co-handling task's steps go to its demand's timeline."""
    return demand_step_write(task.demand, action=action, actor=actor, at=at, from_status="", to_status="",
                             note=note, department=task.department)


# ------------------------------------------------------------------------------------------- the workflows

DEMAND = Workflow("demand", model="demands.Demand", label=_("demand"), step_writer=demand_step_write, transitions=[
    Transition("accept", sources={S.SUBMITTED}, target=S.ACCEPTED, may=is_reviewer,
               label=_("Accept"), past=_("accepted"), event="demand.accepted",
               form="industry_brain.demands.forms.AcceptForm",
               serializer="industry_brain.demands.api.serializers.AcceptSerializer",
               denied=_("You are not the one to take this step for this demand.")),
    Transition("start", sources={S.ACCEPTED}, target=S.IN_PROGRESS, may=is_coordinator,
               label=_("Start handling"), past=_("started"), event="demand.started",
               form="industry_brain.demands.forms.StartForm",
               serializer="industry_brain.demands.api.serializers.StartSerializer",
               denied=_("You are not the one to take this step for this demand.")),
    Transition("transfer", sources={S.ACCEPTED, S.IN_PROGRESS}, target=S.ACCEPTED, may=is_coordinator_or_reviewer,
               label=_("Transfer"), past=_("transferred"), event="demand.transferred",
               form="industry_brain.demands.forms.TransferForm",
               serializer="industry_brain.demands.api.serializers.TransferSerializer",
               denied=_("You are not the one to take this step for this demand.")),
    Transition("cohandle", sources={S.ACCEPTED, S.IN_PROGRESS}, target=None, may=is_coordinator,
               label=_("Ask for co-handling"), past=_("co-handled"), event="demand.cohandling_opened",
               form="industry_brain.demands.forms.CohandleForm",
               serializer="industry_brain.demands.api.serializers.CohandleSerializer",
               denied=_("You are not the one to take this step for this demand.")),
    Transition("resolve", sources={S.IN_PROGRESS}, target=S.RESOLVED, may=is_coordinator,
               label=_("Resolve"), past=_("resolved"), event="demand.resolved",
               form="industry_brain.demands.forms.ResolveForm",
               serializer="industry_brain.demands.api.serializers.ResolveSerializer",
               denied=_("You are not the one to take this step for this demand.")),
    Transition("rate", sources={S.RESOLVED}, target=None, may=is_enterprise,
               label=_("Rate"), past=_("rated"), event="demand.rated",
               form="industry_brain.demands.forms.RateForm",
               serializer="industry_brain.demands.api.serializers.RateSerializer",
               denied=_("You are not the one to take this step for this demand.")),
])

COHANDLING = Workflow(
    "demand_cohandling", model="demands.CoHandlingTask", label=_("co-handling task"),
    step_writer=cohandling_step_write, event_object=lambda task: task.demand, transitions=[
        Transition("answer", sources={CoHandlingStatus.OPEN}, target=CoHandlingStatus.DONE, may=is_asked_department,
                   label=_("Answer"), past=_("answered"), event="demand.cohandling_done",
                   form="industry_brain.demands.forms.CohandleAnswerForm",
                   denied=_("Only the asked department answers its co-handling task.")),
    ])

SYSTEMIC_ALERT = Workflow("systemic_alert", model="demands.SystemicAlert", label=_("systemic alert"), transitions=[
    Transition("acknowledge", sources={AlertStatus.OPEN}, target=AlertStatus.ACKNOWLEDGED, may=is_city,
               label=_("Acknowledge"), past=_("acknowledged"), event="demand.systemic_alert_acknowledged",
               serializer="industry_brain.demands.api.serializers.AcknowledgeSerializer",
               denied=_("Only the city bureau acknowledges systemic alerts.")),
])
