"""The workflow engine: every state machine of the platform is declared once, here-shaped.

A workflow names its model, the status field and its transitions. Each transition is declared once:

    Transition("accept", sources={"submitted"}, target="accepted", may=is_reviewer,
               label=_("Accept"), past=_("accepted"), event="demand.accepted", form=AcceptForm)

and the engine does the rest, the same way for every module:

- `check(name, obj, actor)` refuses uniformly: 403 (`PermissionDenied`) when the actor may see the object but
  is not the one to take this step, 409 (`TransitionNotAllowed`) when the step is not allowed from the current
  status (someone who cannot see the object never gets here: the view answers 404 first);
- `run(name, obj, actor=..., apply=..., note=..., data=...)` locks the row, checks, lets the service apply the
  step's own effects (`apply(obj, transition)` may return the status when the target depends on the input),
  sets the status, saves the changed fields, writes the timeline step and the business event, all in one
  transaction;
- `allowed(obj, user)` lists the transitions a user may take now (action buttons on pages, `allowed_actions` in
  the API).

Timeline steps go to `core.WorkflowStep` unless the workflow gives its own `step_writer` (demands keep their
`DemandStep` rows, which the API contract exposes as `timeline`). The event is written on the object itself, or
on `event_object(obj)` when the workflow names one (a co-handling task's events belong to its demand). Every
workflow registers itself in `REGISTRY` so that tests and documentation can enumerate them.

`form` and `serializer` may be classes or dotted paths (resolved on first use, so that `workflows.py` need not
import the page or API layer): `transition.form_class` / `transition.serializer_class`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .exceptions import TransitionNotAllowed

Predicate = Callable[[Any, Any], bool]  # (user, obj) -> bool


@dataclasses.dataclass(frozen=True)
class Transition:
    """One step of a workflow: from which statuses, to which status, who may take it, what it is called."""

    name: str
    sources: frozenset[str]
    target: str | None  # None: the status stays, or `apply` decides it from the input
    may: Predicate
    label: Any = ""  # the button ("受理")
    past: Any = ""  # in messages ("已受理")
    event: str = ""  # business event kind written by the engine; default "<workflow>.<name>"
    form: type | None = None  # the page's input form (optional)
    serializer: type | None = None  # the API's input serializer (optional)
    denied: Any = ""  # the 403 message when `may` fails

    def __post_init__(self):
        object.__setattr__(self, "sources", frozenset(self.sources))

    @property
    def form_class(self) -> type | None:
        return _resolve(self.form)

    @property
    def serializer_class(self) -> type | None:
        return _resolve(self.serializer)


def _resolve(value):
    if isinstance(value, str):
        from django.utils.module_loading import import_string

        return import_string(value)
    return value


def _value(value, obj):
    """`note`, `message` and `data` of a step may be given as callables of the object after `apply`."""
    return value(obj) if callable(value) else value


class Workflow:
    """A declared state machine over one model's status field."""

    def __init__(self, name: str, *, model: type[models.Model] | str, transitions: Iterable[Transition],
                 status_field: str = "status", step_writer: Callable | None = None,
                 status_label: Callable[[Any], str] | None = None, event_object: Callable[[Any], Any] | None = None,
                 label: Any = ""):
        self.name = name
        self._model = model
        self.status_field = status_field
        self.transitions: dict[str, Transition] = {}
        for t in transitions:
            if t.name in self.transitions:
                raise ValueError(f"workflow {name}: transition {t.name!r} declared twice")
            self.transitions[t.name] = t
        self.step_writer = step_writer
        self.status_label = status_label
        self.event_object = event_object
        self.label = label or name
        REGISTRY[name] = self

    @property
    def model(self) -> type[models.Model]:
        if isinstance(self._model, str):
            from django.apps import apps

            self._model = apps.get_model(self._model)
        return self._model

    def __getitem__(self, name: str) -> Transition:
        return self.transitions[name]

    def __iter__(self):
        return iter(self.transitions.values())

    # --- questions ------------------------------------------------------------------------------------

    def status_of(self, obj) -> str:
        return getattr(obj, self.status_field)

    def _status_display(self, obj) -> str:
        if self.status_label is not None:
            return str(self.status_label(obj))
        display = getattr(obj, f"get_{self.status_field}_display", None)
        return str(display()) if display is not None else str(self.status_of(obj))

    def may(self, name: str, obj, user) -> bool:
        """Whether `user` is one who takes this step on `obj` (regardless of the current status)."""
        t = self.transitions[name]
        return bool(user is not None and getattr(user, "is_authenticated", False) and t.may(user, obj))

    def allowed(self, obj, user) -> list[Transition]:
        """The transitions `user` may take on `obj` now."""
        status = self.status_of(obj)
        return [t for t in self.transitions.values() if status in t.sources and self.may(t.name, obj, user)]

    def allowed_names(self, obj, user) -> list[str]:
        return [t.name for t in self.allowed(obj, user)]

    def check(self, name: str, obj, actor) -> Transition:
        """Raise PermissionDenied (403) or TransitionNotAllowed (409) unless `actor` may take `name` now."""
        if name not in self.transitions:
            raise TransitionNotAllowed(_("Unknown step."))
        t = self.transitions[name]
        if not self.may(name, obj, actor):
            raise PermissionDenied(t.denied or _("You are not the one to take this step."))
        if self.status_of(obj) not in t.sources:
            raise TransitionNotAllowed(_("This step (%(action)s) is not allowed while the status is %(status)s.") % {
                "action": t.label or t.name, "status": self._status_display(obj)})
        return t

    # --- the step -------------------------------------------------------------------------------------

    def run(self, name: str, obj, *, actor, apply: Callable | None = None, after: Callable | None = None,
            note: Any = "", data: Any = None, at: dt.datetime | None = None, message: Any = "",
            lock: bool = True, extra_fields: Iterable[str] = (), step: dict | None = None) -> Any:
        """Take step `name` on `obj` for `actor`: lock, check, apply, set status, save, step, event; atomic.

        `apply(obj, transition)` does the step's own work on the locked object (validates its input, sets fields,
        writes related rows) and may return the new status when the declared target is None. Fields it changes
        are saved when listed in `extra_fields` (the status field is always saved). `note`, `message` and `data`
        may be callables of the object, evaluated after `apply`. `step` passes extra columns to the workflow's
        own `step_writer` (e.g. the department of a demand step). `after(obj, transition)` runs last, inside the
        transaction (notifications, follow-up steps, statistics). Returns the locked, updated object."""
        from .events import event_record

        at = at or timezone.now()
        with transaction.atomic():
            if lock and obj.pk is not None:
                # FOR NO KEY UPDATE: other transactions' deferred foreign-key checks on this row (KEY SHARE)
                # do not wait for it, so a step and an insert that references the object cannot deadlock.
                obj = type(obj)._base_manager.select_for_update(no_key=True).get(pk=obj.pk)
            t = self.check(name, obj, actor)
            before = self.status_of(obj)
            decided = apply(obj, t) if apply is not None else None
            after_status = decided or t.target or before
            setattr(obj, self.status_field, after_status)
            fields = {self.status_field, *extra_fields}
            if any(f.name == "updated" for f in obj._meta.concrete_fields):
                fields.add("updated")
            obj.save(update_fields=sorted(fields))
            note, data, message = _value(note, obj), _value(data, obj) or {}, _value(message, obj)
            if self.step_writer is not None:
                self.step_writer(obj, action=name, actor=actor, at=at, from_status=before, to_status=after_status,
                                 note=note, data=data, **(step or {}))
            else:
                WorkflowStepWriter.write(self, obj, action=name, actor=actor, at=at, from_status=before,
                                         to_status=after_status, note=note, data=data)
            target = self.event_object(obj) if self.event_object is not None else obj
            event_record(kind=t.event or f"{self.name}.{name}",
                         message=str(message or f"{obj}: {t.past or t.name}"), obj=target,
                         data={"from": before, "to": after_status, **_json(data)}, actor=actor)
            if after is not None:
                after(obj, t)
        return obj

    def actions(self, obj, user) -> list[dict]:
        """`allowed_actions` as the API answers it: name and label of each step the user may take now."""
        return [{"name": t.name, "label": str(t.label or t.name)} for t in self.allowed(obj, user)]


class WorkflowStepWriter:
    """The default timeline: one `core.WorkflowStep` row per step."""

    @staticmethod
    def write(workflow: Workflow, obj, *, action: str, actor, at, from_status: str, to_status: str, note: str,
              data: dict) -> None:
        from django.contrib.contenttypes.models import ContentType

        from .models import WorkflowStep

        WorkflowStep.objects.create(
            workflow=workflow.name, content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk),
            action=action, from_status=from_status, to_status=to_status, at=at,
            actor=actor if getattr(actor, "pk", None) else None,
            actor_label=getattr(actor, "username", "") or "system", note=str(note)[:2000], data=_json(data))


def _json(data: dict) -> dict:
    """Step data as JSON: dates and model instances become strings and ids."""
    out = {}
    for k, v in (data or {}).items():
        if isinstance(v, models.Model):
            v = v.pk
        elif isinstance(v, dt.date | dt.datetime):
            v = v.isoformat()
        out[k] = v
    return out


def steps_for(obj, workflow: str | None = None):
    """The default timeline of `obj` (oldest first)."""
    from django.contrib.contenttypes.models import ContentType

    from .models import WorkflowStep

    qs = WorkflowStep.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk))
    if workflow:
        qs = qs.filter(workflow=workflow)
    return qs.select_related("actor").order_by("at", "id")


REGISTRY: dict[str, Workflow] = {}


def workflow_for(obj_or_model) -> Workflow | None:
    """The workflow declared over this model (the first one, when a model has several)."""
    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    for wf in REGISTRY.values():
        if wf.model is model:
            return wf
    return None
