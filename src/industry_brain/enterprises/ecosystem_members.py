"""Each ecosystem's confirmed member firms with copies of their list columns (`EcosystemMember`), stored so that a
work team's enterprise list is an index range like the city's (docs/decisions.md).

The rows are derived from the confirmed memberships (through node and chain to the ecosystem) and the registry.
`ecosystem_members_sync` brings them in line set-based: it deletes every stored row that no longer matches a
confirmed membership and the firm's current columns, then inserts the missing ones; rows already right are left
alone (no churn on an hourly run). It is called for the firms concerned by the membership services (place,
confirm, remove) and the enterprise services (a copied column changed), and for every firm by the chain statistics
refresh (demo seeder, hourly task, `manage.py refresh_chain_stats`), which repairs rows written around the
services. Derived rows: no change log, no event (the change that caused them is recorded by its own service).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone

from .models import Enterprise

# The copied columns, in the registry and in the stored row alike.
COLUMNS = ("name", "uscc", "district_id", "industry_id", "is_above_scale", "top_tier")

# Confirmed memberships with their ecosystem; {firms} narrows them to some firms.
_MEMBERS = """
    FROM chains_chainmembership m
    JOIN chains_chainnode n ON n.id = m.node_id
    JOIN chains_chain c ON c.id = n.chain_id
    WHERE m.status = 'confirmed'{firms}"""

_DELETE = """
DELETE FROM enterprises_ecosystemmember WHERE {own_firms}NOT EXISTS (
    SELECT 1 {members}
      AND m.enterprise_id = enterprises_ecosystemmember.enterprise_id
      AND c.ecosystem_id = enterprises_ecosystemmember.ecosystem_id
      AND EXISTS (SELECT 1 FROM enterprises_enterprise e WHERE e.id = m.enterprise_id AND {same}))
"""

# Also the fill of migration 0007 (with CURRENT_TIMESTAMP), over every firm of an empty table.
_INSERT = """
INSERT INTO enterprises_ecosystemmember (created, updated, ecosystem_id, enterprise_id, name, uscc, district_id,
                                         industry_id, is_above_scale, top_tier, founded_on)
SELECT %s, %s, s.ecosystem_id, e.id, e.name, e.uscc, e.district_id, e.industry_id, e.is_above_scale, e.top_tier,
       e.founded_on
FROM (SELECT DISTINCT c.ecosystem_id, m.enterprise_id {members}) s
JOIN enterprises_enterprise e ON e.id = s.enterprise_id
WHERE NOT EXISTS (SELECT 1 FROM enterprises_ecosystemmember r
                  WHERE r.ecosystem_id = s.ecosystem_id AND r.enterprise_id = s.enterprise_id)
"""


def _same(row: str) -> str:
    same = [f"e.{c} = {row}.{c}" for c in COLUMNS]
    same.append(f"(e.founded_on = {row}.founded_on OR (e.founded_on IS NULL AND {row}.founded_on IS NULL))")
    return " AND ".join(same)


@transaction.atomic
def ecosystem_members_sync(*, enterprises: Iterable[int] | None = None) -> tuple[int, int]:
    """Bring the stored member rows of `enterprises` (ids; every firm when None) in line with the confirmed
    memberships and the registry: (rows deleted, rows inserted)."""
    ids = None if enterprises is None else sorted(set(enterprises))
    if ids == []:
        return 0, 0
    marks = ", ".join(["%s"] * len(ids or []))
    own_firms = "" if ids is None else f"enterprises_ecosystemmember.enterprise_id IN ({marks}) AND "
    firms = "" if ids is None else f" AND m.enterprise_id IN ({marks})"
    members = _MEMBERS.format(firms=firms)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(_DELETE.format(own_firms=own_firms, members=members, same=_same("enterprises_ecosystemmember")),
                       [*(ids or []), *(ids or [])])
        deleted = cursor.rowcount
        cursor.execute(_INSERT.format(members=members), [now, now, *(ids or [])])
        inserted = cursor.rowcount
    return deleted, inserted


def ecosystem_members_follow(enterprise: Enterprise, changed: Iterable[str]) -> None:
    """After a firm's registry row changed: re-copy its member rows when a copied column is among `changed`."""
    if {"name", "uscc", "district", "industry", "is_above_scale", "top_tier", "founded_on"} & set(changed):
        ecosystem_members_sync(enterprises=[enterprise.pk])



def _memberships_written(sender, **kwargs) -> None:
    from .selectors import memberships_changed

    memberships_changed()


def watch_memberships() -> None:
    """Any save or delete of a membership, node or chain (through a service, the Django admin or a test factory)
    starts a new generation of the work team list's kept check (`selectors.ecosystem_rows_current`)."""
    from django.db.models.signals import post_delete, post_save

    from industry_brain.chains.models import Chain, ChainMembership, ChainNode

    for model in (ChainMembership, ChainNode, Chain):
        post_save.connect(_memberships_written, sender=model, dispatch_uid=f"ecosystem-rows-{model.__name__}-save")
        post_delete.connect(_memberships_written, sender=model,
                            dispatch_uid=f"ecosystem-rows-{model.__name__}-delete")
