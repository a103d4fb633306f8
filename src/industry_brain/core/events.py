"""The explicit event log written by services for business events."""

from __future__ import annotations

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
