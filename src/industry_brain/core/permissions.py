"""One answer to "may this user do this action on this object (or on this kind of object)?".

`can(user, action, target)` is what views, templates (`{% can "change" obj as may_change %}`), panels, forms
and services ask; nothing else tests roles by hand.

- `target` a model instance and `action` one of the scope actions (view, add, change, delete,
  view_confidential): the model's `scope(user, action)` decides, through `restrict()` (one indexed query).
- `target` a model instance and `action` the name of a step of a workflow declared over its model: the engine
  decides (the user is one who takes the step, and the status allows it now).
- `target` a model class: whether the user has any scope at all for that action on that model (menus, "new"
  buttons); the object itself is checked again after the write (`ensure_can_after_write`).
- `action` a named rule an app declared for its model with `rule(Model, "name", predicate)` (a right that is
  not a scope and not a workflow step, e.g. "change_registration" of an enterprise): the predicate decides,
  `predicate(user, obj)` with `obj` the instance or, for a model target, None. The role test lives in the
  declaration, once, not in views and templates.

Creation is checked the NetBox way: the service writes inside its transaction, then asks whether the saved
object lies within the author's "add" scope, and the transaction rolls back with a 403 when it does not. So a
scope rule is written once (the model's `scope`) and holds for pages, API and importers alike.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext as _

from .querysets import ACTIONS


def _active(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def is_city(user) -> bool:
    """The city bureau (and superusers) see and change everything."""
    return _active(user) and (user.is_superuser or getattr(user, "role", None) == "city")


def scope_filter(user, scope: Callable, action: str, **kwargs) -> models.Q | None:
    """A scope rule's filter for `user` exactly as `restrict()` applies it: Q() (everything) for the city bureau
    and superusers, the rule's own answer `scope(user, action, **kwargs)` for anyone else, None (nothing) for an
    inactive or anonymous user. For reads that combine a scope with other conditions in one query (a window over
    memberships, a conditional count) rather than restricting a model's own rows."""
    if not _active(user):
        return None
    if is_city(user):
        return models.Q()
    return scope(user, action, **kwargs)


_RULES: dict[tuple[type, str], Callable] = {}


def rule(model: type[models.Model], action: str, predicate: Callable | None = None):
    """Declare a named right on `model` (usable as a decorator): `can(user, action, obj_or_model)` then asks
    `predicate(user, obj)` (obj None for a model target), after the user is known to be active."""
    if action in ACTIONS:
        raise ValueError(f"{action!r} is a scope action: declare it in {model.__name__}.scope")

    def register(fn: Callable) -> Callable:
        _RULES[(model, action)] = fn
        return fn

    return register(predicate) if predicate is not None else register


def _rule_for(model: type, action: str) -> Callable | None:
    for klass in model.__mro__:
        found = _RULES.get((klass, action))
        if found is not None:
            return found
    return None


def can(user, action: str, target) -> bool:
    if not _active(user):
        return False
    if isinstance(target, type) and issubclass(target, models.Model):
        predicate = _rule_for(target, action)
        if predicate is not None:
            return bool(predicate(user, None))
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        if is_city(user):
            return True
        scope = getattr(target, "scope", None)
        return scope is not None and scope(user, action) is not None
    if isinstance(target, models.Model):
        if action in ACTIONS:
            if target.pk is None:
                return can(user, action, type(target))
            return type(target)._default_manager.all().permits(user, target, action)
        predicate = _rule_for(type(target), action)
        if predicate is not None:
            return bool(predicate(user, target))
        from .workflow import workflow_for

        workflow = workflow_for(target)
        if workflow is not None and action in workflow.transitions:
            return action in workflow.allowed_names(target, user)
        raise ValueError(f"unknown action {action!r} for {type(target).__name__}")
    raise TypeError(f"can() takes a model or a model instance, not {type(target).__name__}")


def ensure_can(user, action: str, target, message=None) -> None:
    """Raise PermissionDenied (403) unless `can(user, action, target)`."""
    if not can(user, action, target):
        raise PermissionDenied(message or _("You may not do this."))


def ensure_can_after_write(user, obj: models.Model, action: str = "add", message=None) -> None:
    """Inside the service's transaction, after the write: the saved object must lie within the author's scope
    for `action`; otherwise PermissionDenied, and the transaction (hence the write) is rolled back."""
    if not type(obj)._default_manager.all().permits_now(user, obj, action):
        raise PermissionDenied(message or _("You may not create this here."))
