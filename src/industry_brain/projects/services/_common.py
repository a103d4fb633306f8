"""Shared constants and helpers of the project writes."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from ..choices import (
    MILESTONE_ORDER,
)

# A supervision order is answered within this many official working days (an unnamed bureau's 12345 rules
# give 3 working days for consultations; 枣庄 gives 2 for a reply): issued, rejected and escalated alike.
RESPONSE_WORKING_DAYS = 3

PLANNED_FIELDS = tuple(f"planned_{m}" for m in MILESTONE_ORDER)
ACTUAL_FIELDS = tuple(f"actual_{m}" for m in MILESTONE_ORDER)
PROFILE_FIELDS = ("code", "name", "enterprise", "investor_name", "investor_uscc", "investor_origin", "ecosystem",
                  "chain", "industry", "district", "street", "address", "lat", "lon", "total_investment",
                  "fixed_investment", "funding", "project_type", "key_level", "responsible_org", "responsible_unit",
                  "contact_name", "contact_phone")
FK_FIELDS = ("enterprise", "ecosystem", "chain", "industry", "district", "responsible_org")
# What the investor enterprise's own users may write on its projects: the milestones it reached.
ENTERPRISE_WRITABLE = frozenset(ACTUAL_FIELDS)


def today_local() -> dt.date:
    return timezone.localdate()


def _fk_id(value):
    return getattr(value, "pk", value)


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def _chunks(items: list, size: int = 5000):
    for i in range(0, len(items), size):
        yield items[i:i + size]


# The set-based writes of the evaluation use these SQL statements on PostgreSQL; elsewhere (and when a test turns
# this off to compare) the same rows are written by the ORM (bulk_create and core.events.events_record_bulk).
SQL_WRITES = True


def sql_writes(connection) -> bool:
    return SQL_WRITES and connection.vendor == "postgresql"


def event_insert_head(*, kind: str, model, at) -> tuple[str, list]:
    """The head of an `INSERT INTO <event table> … SELECT` writing one business event per selected row, as
    `core.events.events_record_bulk` writes them (the acting user, the actor's label, the request id, the object's
    type): the caller's SELECT list continues with the object's id as text, the message and the data (jsonb).
    Bulk writes record their events this way when the write itself is one SQL statement (a data-modifying CTE),
    so that tens of thousands of rows never pass through model instances twice."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from industry_brain.core import context
    from industry_brain.core.models import Event

    user = context.current_actor()
    label = getattr(user, "username", "") or context.current_actor_label() or "system"
    user_id = user.pk if getattr(user, "pk", None) else None
    q = connection.ops.quote_name
    head = (f"INSERT INTO {q(Event._meta.db_table)} (at, kind, user_id, actor_label, request_id, content_type_id, "
            f"object_id, message, data) SELECT %s, %s, %s, %s, %s, %s, ")
    return head, [at, kind, user_id, label, context.current_request_id() or "",
                  ContentType.objects.get_for_model(model).pk]
