"""The explicit event log written by services for business events."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from . import context
from .models import Event


def event_record(*, kind: str, message: str, obj: models.Model | None = None, data: dict | None = None,
                 actor=None) -> Event:
    """Write one business event; the actor defaults to whoever is acting in this context."""
    user = actor if actor is not None else context.current_actor()
    label = getattr(user, "username", "") or context.current_actor_label() or "system"
    return Event.objects.create(
        kind=kind,
        message=message[:500],
        user=user if getattr(user, "pk", None) else None,
        actor_label=label,
        request_id=context.current_request_id(),
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        data=data or {},
    )


def events_for(obj: models.Model, limit: int = 50):
    ct = ContentType.objects.get_for_model(obj)
    return Event.objects.filter(content_type=ct, object_id=str(obj.pk)).select_related("user")[:limit]


def events_record_bulk(*, kind: str, objs: list, message: Callable[[Any], str],
                       data: Callable[[Any], dict] | None = None, actor=None,
                       target: Callable[[Any], Any] | None = None, batch_size: int = 2000) -> int:
    """One event per object, written set-based (the batch counterpart of `event_record`): `message(obj)` and
    `data(obj)` give each row's text and data, `target(obj)` the object the event is about (the object itself by
    default); the actor defaults to whoever is acting in this context. Returns the number of events written."""
    if not objs:
        return 0
    user = actor if actor is not None else context.current_actor()
    label = getattr(user, "username", "") or context.current_actor_label() or "system"
    user = user if getattr(user, "pk", None) else None
    rid = context.current_request_id()
    cts: dict[type, ContentType] = {}
    rows = []
    for o in objs:
        about = target(o) if target is not None else o
        model = type(about)
        if model not in cts:
            cts[model] = ContentType.objects.get_for_model(model)
        rows.append(Event(kind=kind, message=str(message(o))[:500], user=user, actor_label=label, request_id=rid,
                          content_type=cts[model], object_id=str(about.pk), data=data(o) if data else {}))
    Event.objects.bulk_create(rows, batch_size=batch_size)
    return len(rows)
