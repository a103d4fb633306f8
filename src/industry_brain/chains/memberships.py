"""Memberships of enterprises in chain nodes: placed by the city bureau, or proposed by the ecosystem's work team
and then confirmed or rejected by the city.

No write may widen its author's read scope: a work team sees the confidential figures of its ecosystem's
member firms, so a membership it proposes counts (for scope, the chain map and node figures) only once the city
confirms it. Every change is logged with its author: the change log (automatic) and one business event per
change (`chain_membership.placed`, `.proposed`, `.confirmed`, `.rejected`, `.removed`).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from industry_brain.core.events import event_record
from industry_brain.core.permissions import can, ensure_can, ensure_can_after_write
from industry_brain.core.workflow import Transition, Workflow
from industry_brain.enterprises.services import ecosystem_members_sync

from .choices import MembershipStatus
from .leaders import chain_leaders_refresh
from .models import ChainMembership, ChainNode
from .outputs import chain_outputs_refresh


def _decided(membership: ChainMembership, actor, note: str) -> None:
    membership.decided_by = actor
    membership.decided_at = timezone.now()
    membership.decision_note = (note or "").strip()[:200]


MEMBERSHIP_WORKFLOW = Workflow("chain_membership", model=ChainMembership, transitions=[
    Transition("confirm", sources={MembershipStatus.PROPOSED}, target=MembershipStatus.CONFIRMED,
               may=lambda user, obj: can(user, "place", obj), label=gettext_lazy("Confirm"),
               past=gettext_lazy("confirmed"),
               event="chain_membership.confirmed",
               denied=gettext_lazy("Only the city bureau confirms proposed memberships.")),
    Transition("reject", sources={MembershipStatus.PROPOSED}, target=MembershipStatus.REJECTED,
               may=lambda user, obj: can(user, "place", obj), label=gettext_lazy("Reject"),
               past=gettext_lazy("rejected"),
               event="chain_membership.rejected",
               denied=gettext_lazy("Only the city bureau rejects proposed memberships.")),
])


def _label(membership: ChainMembership) -> str:
    return f"{membership.node.chain.name} · {membership.node.name}: {membership.enterprise.name}"


@transaction.atomic
def membership_add(*, actor, node: ChainNode, enterprise, main_product: str = "") -> ChainMembership:
    """Place an enterprise in a chain node. The city bureau's placement is confirmed at once; the work team's is
    a proposal that counts only after the city confirms it. The saved row must lie within the author's "add"
    scope (the team: its own ecosystem), otherwise 403 and nothing is written."""
    if ChainMembership.objects.filter(node=node, enterprise=enterprise).exclude(
            status=MembershipStatus.REJECTED).exists():
        raise ValidationError({"enterprise": [_("The enterprise is already in this node.")]})
    city = can(actor, "place", ChainMembership)  # the city places at once; a work team proposes
    membership = ChainMembership(node=node, enterprise=enterprise, main_product=main_product, proposed_by=actor,
                                 status=MembershipStatus.CONFIRMED if city else MembershipStatus.PROPOSED)
    if city:
        _decided(membership, actor, "")
    membership.full_clean()
    membership.save()
    ensure_can_after_write(actor, membership, "add",
                           _("Only the city bureau and the ecosystem's work team may place enterprises in this chain."))
    event_record(kind="chain_membership.placed" if city else "chain_membership.proposed", message=_label(membership),
                 obj=membership, actor=actor, data={"node": node.pk, "enterprise": enterprise.pk,
                                                    "status": membership.status})
    if city:  # a proposal does not count, so it changes no node's leaders, output nor the ecosystem's member rows
        chain_leaders_refresh(nodes=[node.pk])
        chain_outputs_refresh(nodes=[node.pk])
        ecosystem_members_sync(enterprises=[enterprise.pk])
    return membership


@transaction.atomic
def membership_confirm(*, actor, membership: ChainMembership, note: str = "") -> ChainMembership:
    """The city bureau confirms a work team's proposal: from now on it counts for scope, figures and the node's
    leaders."""
    confirmed = MEMBERSHIP_WORKFLOW.run("confirm", membership, actor=actor, note=note, message=_label(membership),
                                        apply=lambda obj, t: _decided(obj, actor, note),
                                        extra_fields=["decided_by", "decided_at", "decision_note"])
    chain_leaders_refresh(nodes=[confirmed.node_id])
    chain_outputs_refresh(nodes=[confirmed.node_id])
    ecosystem_members_sync(enterprises=[confirmed.enterprise_id])
    return confirmed


def membership_reject(*, actor, membership: ChainMembership, note: str) -> ChainMembership:
    """The city bureau rejects a proposal (with its reason); the row stays on record and counts for nothing."""
    if not (note or "").strip():
        raise ValidationError({"note": [_("Give the reason for the rejection.")]})
    return MEMBERSHIP_WORKFLOW.run("reject", membership, actor=actor, note=note, message=_label(membership),
                                   apply=lambda obj, t: _decided(obj, actor, note),
                                   extra_fields=["decided_by", "decided_at", "decision_note"])


@transaction.atomic
def membership_remove(*, actor, membership: ChainMembership) -> None:
    """Take an enterprise out of a node (the city bureau or the ecosystem's work team)."""
    ensure_can(actor, "delete", membership,
               _("Only the city bureau and the ecosystem's work team may change this chain."))
    data = {"node": membership.node_id, "enterprise": membership.enterprise_id, "status": membership.status}
    event_record(kind="chain_membership.removed", message=_label(membership), obj=membership, actor=actor, data=data)
    membership.delete()
    if data["status"] == MembershipStatus.CONFIRMED:
        chain_leaders_refresh(nodes=[data["node"]])
        chain_outputs_refresh(nodes=[data["node"]])
        ecosystem_members_sync(enterprises=[data["enterprise"]])


def may_propose(user, node: ChainNode) -> bool:
    """Whether the page offers `user` the form to place or propose an enterprise in this node's chain."""
    return can(user, "change", node.chain)
