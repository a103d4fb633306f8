"""Writes for chains: the member counts. Chain-master nominations live in `nominations.py` (on the workflow engine),
memberships of enterprises in nodes in `memberships.py`, each node's stored leaders in `leaders.py` and its stored
outputs in `outputs.py`; all are re-exported here."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from industry_brain.core.events import event_record
from industry_brain.enterprises.services import ecosystem_members_sync

from .leaders import chain_leader_nodes, chain_leaders_refresh  # noqa: F401
from .memberships import membership_add, membership_confirm, membership_reject, membership_remove  # noqa: F401
from .models import Ecosystem, EcosystemStats
from .nominations import chain_master_designate, chain_master_nominate, chain_master_revoke  # noqa: F401
from .outputs import chain_outputs_refresh  # noqa: F401


@transaction.atomic
def ecosystem_stats_refresh(*, actor=None) -> list[EcosystemStats]:
    """Rebuild the pre-aggregated member counts of every ecosystem from the memberships: one set-based
    aggregate and one upsert, recorded as one event; and every node's stored leaders (`chain_leaders_refresh`)
    and outputs (`chain_outputs_refresh`), which repairs any written around the services. Called by the demo
    seeder, the hourly task `chains.refresh_stats` and `manage.py refresh_chain_stats`."""
    from .selectors import ecosystem_member_counts

    counts = ecosystem_member_counts()
    now = timezone.now()
    rows = [EcosystemStats(ecosystem_id=pk, enterprises=counts.get(pk, (0, 0))[0],
                           above_scale=counts.get(pk, (0, 0))[1], computed_at=now)
            for pk in Ecosystem.objects.order_by("pk").values_list("pk", flat=True)]
    EcosystemStats.objects.bulk_create(rows, update_conflicts=True, unique_fields=["ecosystem"],
                                       update_fields=["enterprises", "above_scale", "computed_at", "updated"])
    chain_leaders_refresh()
    chain_outputs_refresh()
    ecosystem_members_sync()  # the enterprise list's stored member rows (enterprises.EcosystemMember)
    event_record(kind="chains.stats_refreshed", message="ecosystem member counts refreshed", actor=actor,
                 data={str(r.ecosystem_id): [r.enterprises, r.above_scale] for r in rows})
    return rows
