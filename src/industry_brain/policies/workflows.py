"""The 免申即享 workflow over an eligibility: computed → published (notified) → confirmed or declined or expired →
payable → paid, held (with a reason) or clawed back. Declared once; services take the steps."""

from django.utils.translation import gettext_lazy as _

from industry_brain.accounts.choices import Role
from industry_brain.core.workflow import Transition, Workflow


def is_owner(user, obj) -> bool:
    """The city bureau or the department / district bureau that issued the item's policy."""
    return obj.item.is_owned_by(user)


def is_the_enterprise(user, obj) -> bool:
    return user.role == Role.ENTERPRISE and user.enterprise_id == obj.enterprise_id


eligibility_workflow = Workflow("policy_eligibility", model="policies.Eligibility", transitions=[
    Transition("publish", {"candidate"}, "notified", is_owner, label=_("Publish and notify"), past=_("published"),
               event="policy.published"),
    Transition("supply", {"candidate"}, None, is_the_enterprise, label=_("Supply the missing figures"),
               past=_("figures supplied"), event="policy.figures_supplied"),
    Transition("confirm", {"notified"}, "confirmed", is_the_enterprise, label=_("Confirm and give the bank account"),
               past=_("confirmed"), event="policy.confirmed"),
    Transition("decline", {"notified", "confirmed"}, "declined", is_the_enterprise, label=_("Decline"),
               past=_("declined"), event="policy.declined"),
    Transition("approve", {"confirmed"}, "payable", is_owner, label=_("Approve for payment"), past=_("approved"),
               event="policy.approved"),
    Transition("pay", {"confirmed", "payable"}, "paid", is_owner, label=_("Mark paid"), past=_("paid"),
               event="policy.paid"),
    Transition("hold", {"confirmed", "payable"}, "held", is_owner, label=_("Hold"), past=_("held"),
               event="policy.held"),
    Transition("release", {"held"}, "payable", is_owner, label=_("Release"), past=_("released"),
               event="policy.released"),
    Transition("expire", {"notified"}, "expired", is_owner, label=_("Expire"), past=_("expired"),
               event="policy.expired"),
    Transition("clawback", {"paid"}, "clawed_back", is_owner, label=_("Claw back"), past=_("clawed back"),
               event="policy.clawed_back"),
])
