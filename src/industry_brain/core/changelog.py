"""The automatic change log: every save() and delete() of a BaseModel subclass is recorded with the
acting user, the request id and the field values before and after.

Bulk operations (bulk_create, queryset.update) bypass signals by design; services that use them for
set-based batch work write one Event describing the batch instead.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.fields.files import FieldFile
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from . import context
from .models import BaseModel, ObjectChange


def _plain(value):
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    return value


def snapshot(instance: models.Model) -> dict:
    exclude = set(getattr(instance, "change_log_exclude", ()))
    data = {}
    for field in instance._meta.concrete_fields:
        if field.name in exclude:
            continue
        value = getattr(instance, field.attname)
        # Normalise what is in memory the way the database returns it (e.g. 30.27 vs 30.270000, "2025-01-01" vs a
        # date), so that an unchanged object does not look changed.
        if value is not None and not field.is_relation:
            try:
                value = field.to_python(value)
            except Exception:  # noqa: BLE001 - a value the field cannot parse is logged as it is
                pass
            if isinstance(value, decimal.Decimal) and getattr(field, "decimal_places", None) is not None:
                value = value.quantize(decimal.Decimal(1).scaleb(-field.decimal_places))
        data[field.attname if field.is_relation else field.name] = _plain(value)
    return data


def _record(instance: BaseModel, action: str, before: dict | None, after: dict | None) -> None:
    user = context.current_actor()
    ObjectChange.objects.create(
        user=user if getattr(user, "pk", None) else None,
        actor_label=context.current_actor_label() or "system",
        request_id=context.current_request_id(),
        action=action,
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=False),
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        before=before,
        after=after,
    )


def changes_record_bulk(*, objs: list, action: str, before: dict | None = None, actor=None) -> int:
    """The change log of a set-based write (bulk_create / bulk_update bypass the signals): one entry per object,
    as a single save would have written, in one INSERT. `before` maps pk → snapshot taken before the update;
    unchanged objects are skipped. Returns the number of entries written."""
    if not objs:
        return 0
    user = actor if actor is not None else context.current_actor()
    label = getattr(user, "username", "") or context.current_actor_label() or "system"
    user = user if getattr(user, "pk", None) else None
    rid = context.current_request_id()
    rows = []
    for obj in objs:
        after = snapshot(obj)
        previous = (before or {}).get(obj.pk) if action == "update" else None
        if action == "update" and previous == after:
            continue
        rows.append(ObjectChange(
            user=user, actor_label=label, request_id=rid, action=action, object_id=str(obj.pk),
            content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
            object_repr=str(obj)[:200], before=previous, after=None if action == "delete" else after))
    ObjectChange.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


@receiver(pre_save)
def _remember_before(sender, instance, raw=False, **kwargs):
    if raw or not isinstance(instance, BaseModel):
        return
    if instance.pk is None or instance._state.adding:
        instance._changelog_before = None
        return
    previous = type(instance)._base_manager.filter(pk=instance.pk).first()
    instance._changelog_before = snapshot(previous) if previous is not None else None


@receiver(post_save)
def _log_save(sender, instance, created, raw=False, **kwargs):
    if raw or not isinstance(instance, BaseModel):
        return
    after = snapshot(instance)
    before = getattr(instance, "_changelog_before", None)
    if not created and before == after:
        return
    _record(instance, "create" if created else "update", None if created else before, after)


@receiver(post_delete)
def _log_delete(sender, instance, **kwargs):
    if not isinstance(instance, BaseModel):
        return
    _record(instance, "delete", snapshot(instance), None)


def history_for(instance: models.Model, limit: int = 50):
    """Change-log entries of one object, newest first (the history panel of detail pages)."""
    ct = ContentType.objects.get_for_model(instance, for_concrete_model=False)
    from .labels import resolve_related

    entries = list(ObjectChange.objects.filter(content_type=ct, object_id=str(instance.pk)).select_related(
        "user", "user__organisation", "user__enterprise")[:limit])
    resolve_related(entries)
    return entries
