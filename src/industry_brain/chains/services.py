"""Writes for chains: chain-master nominations/designations and the member counts; memberships of enterprises in
nodes live in `memberships.py` (re-exported here)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from industry_brain.core.events import event_record
from industry_brain.core.exceptions import TransitionNotAllowed
from industry_brain.core.querysets import ensure_permitted

from .choices import ChainMasterStatus
from .memberships import membership_add, membership_confirm, membership_reject, membership_remove  # noqa: F401
from .models import Chain, ChainMaster, ChainMembership, Ecosystem, EcosystemStats


def _ensure_chain(actor, chain: Chain, action: str = "change") -> None:
    ensure_permitted(actor, chain, action,
                     _("Only the city bureau and the ecosystem's work team may change this chain."))


@transaction.atomic
def chain_master_nominate(*, actor, chain: Chain, enterprise, reason: str, on: dt.date | None = None) -> ChainMaster:
    """A work team (or the city) nominates an enterprise as chain master; the city bureau designates."""
    _ensure_chain(actor, chain)
    if not reason or not reason.strip():
        raise ValidationError({"reason": [_("Give the reason for the nomination.")]})
    if not ChainMembership.objects.filter(node__chain=chain, enterprise=enterprise).exists():
        raise ValidationError({"enterprise": [_("A chain master must be an enterprise placed in this chain.")]})
    if ChainMaster.objects.filter(chain=chain, enterprise=enterprise).exclude(
            status=ChainMasterStatus.REVOKED).exists():
        raise ValidationError({"enterprise": [_("This enterprise is already nominated for this chain.")]})
    master = ChainMaster(chain=chain, enterprise=enterprise, reason=reason.strip(), nominated_by=actor,
                         nominated_on=on or dt.date.today(), status=ChainMasterStatus.NOMINATED)
    master.full_clean()
    master.save()
    event_record(kind="chain_master.nominated", message=f"{chain.name}: {enterprise.name}", obj=master, actor=actor)
    return master


@transaction.atomic
def chain_master_designate(*, actor, master: ChainMaster, on: dt.date | None = None) -> ChainMaster:
    if not actor.is_city:
        raise PermissionDenied(_("Only the city bureau designates chain masters."))
    if master.status != ChainMasterStatus.NOMINATED:
        raise TransitionNotAllowed(_("Only a nomination can be designated."))
    master.status = ChainMasterStatus.DESIGNATED
    master.designated_on = on or dt.date.today()
    master.save(update_fields=["status", "designated_on", "updated"])
    event_record(kind="chain_master.designated", message=f"{master.chain.name}: {master.enterprise.name}",
                 obj=master, actor=actor)
    return master


@transaction.atomic
def chain_master_revoke(*, actor, master: ChainMaster, reason: str) -> ChainMaster:
    if not actor.is_city:
        raise PermissionDenied(_("Only the city bureau revokes chain masters."))
    if master.status == ChainMasterStatus.REVOKED:
        raise TransitionNotAllowed(_("This designation is already revoked."))
    if not reason or not reason.strip():
        raise ValidationError({"reason": [_("Give the reason for the revocation.")]})
    master.status = ChainMasterStatus.REVOKED
    master.save(update_fields=["status", "updated"])
    event_record(kind="chain_master.revoked", message=f"{master.chain.name}: {master.enterprise.name}",
                 obj=master, actor=actor, data={"reason": reason.strip()})
    return master


@transaction.atomic
def ecosystem_stats_refresh(*, actor=None) -> list[EcosystemStats]:
    """Rebuild the pre-aggregated member counts of every ecosystem from the memberships: one set-based
    aggregate and one upsert, recorded as one event. Called by the demo seeder, the hourly task
    `chains.refresh_stats` and `manage.py refresh_chain_stats`."""
    from .selectors import ecosystem_member_counts

    counts = ecosystem_member_counts()
    now = timezone.now()
    rows = [EcosystemStats(ecosystem_id=pk, enterprises=counts.get(pk, (0, 0))[0],
                           above_scale=counts.get(pk, (0, 0))[1], computed_at=now)
            for pk in Ecosystem.objects.order_by("pk").values_list("pk", flat=True)]
    EcosystemStats.objects.bulk_create(rows, update_conflicts=True, unique_fields=["ecosystem"],
                                       update_fields=["enterprises", "above_scale", "computed_at", "updated"])
    event_record(kind="chains.stats_refreshed", message="ecosystem member counts refreshed", actor=actor,
                 data={str(r.ecosystem_id): [r.enterprises, r.above_scale] for r in rows})
    return rows
