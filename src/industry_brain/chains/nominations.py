"""Chain-master (链主) nominations on the core engine: a work team (or the city) nominates an enterprise placed in
the chain; the city bureau designates or revokes.

    (nominate) ──▶ nominated ──designate──▶ designated
                       │                         │
                       └────────revoke───────────┴──▶ revoked

Nominating creates the row (a create right, checked by the chain's scope); designating and revoking are the
declared transitions of `CHAIN_MASTER`, which sets the status, writes the timeline step (`core.WorkflowStep`)
and the event, and refuses with 403 (not the city) or 409 (not from this status).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from industry_brain.core.events import event_record
from industry_brain.core.querysets import ensure_permitted
from industry_brain.core.workflow import Transition, Workflow

from .choices import ChainMasterStatus as S
from .models import Chain, ChainMaster, ChainMembership


def is_city(user, master) -> bool:
    return bool(user.is_city)


CHAIN_MASTER = Workflow("chain_master", model=ChainMaster, label=gettext_lazy("chain master"), transitions=[
    Transition("designate", sources={S.NOMINATED}, target=S.DESIGNATED, may=is_city,
               label=gettext_lazy("Designate"), past=gettext_lazy("designated"), event="chain_master.designated",
               denied=gettext_lazy("Only the city bureau designates chain masters.")),
    Transition("revoke", sources={S.NOMINATED, S.DESIGNATED}, target=S.REVOKED, may=is_city,
               label=gettext_lazy("Revoke"), past=gettext_lazy("revoked"), event="chain_master.revoked",
               serializer="industry_brain.chains.api.serializers.ReasonSerializer",
               denied=gettext_lazy("Only the city bureau revokes chain masters.")),
])


def _label(master: ChainMaster) -> str:
    return f"{master.chain.name}: {master.enterprise.name}"


@transaction.atomic
def chain_master_nominate(*, actor, chain: Chain, enterprise, reason: str, on: dt.date | None = None) -> ChainMaster:
    """A work team (or the city) nominates an enterprise as chain master; the city bureau designates."""
    ensure_permitted(actor, chain, "change",
                     _("Only the city bureau and the ecosystem's work team may change this chain."))
    if not reason or not reason.strip():
        raise ValidationError({"reason": [_("Give the reason for the nomination.")]})
    if not ChainMembership.objects.counted().filter(node__chain=chain, enterprise=enterprise).exists():
        raise ValidationError({"enterprise": [_("A chain master must be an enterprise placed in this chain.")]})
    if ChainMaster.objects.filter(chain=chain, enterprise=enterprise).exclude(status=S.REVOKED).exists():
        raise ValidationError({"enterprise": [_("This enterprise is already nominated for this chain.")]})
    master = ChainMaster(chain=chain, enterprise=enterprise, reason=reason.strip(), nominated_by=actor,
                         nominated_on=on or dt.date.today(), status=S.NOMINATED)
    master.full_clean()
    master.save()
    event_record(kind="chain_master.nominated", message=_label(master), obj=master, actor=actor)
    return master


def chain_master_designate(*, actor, master: ChainMaster, on: dt.date | None = None) -> ChainMaster:
    """The city bureau designates a nominated chain master."""

    def apply(m: ChainMaster, t):
        m.designated_on = on or dt.date.today()

    return CHAIN_MASTER.run("designate", master, actor=actor, apply=apply, extra_fields=["designated_on"],
                            message=_label)


def chain_master_revoke(*, actor, master: ChainMaster, reason: str) -> ChainMaster:
    """The city bureau revokes a nomination or a designation, with a reason."""
    why = (reason or "").strip()

    def apply(m: ChainMaster, t):
        if not why:
            raise ValidationError({"reason": [_("Give the reason for the revocation.")]})

    return CHAIN_MASTER.run("revoke", master, actor=actor, apply=apply, note=why, message=_label,
                            data={"reason": why})
