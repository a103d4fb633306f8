"""The emergency and its white list on the core workflow engine (declared once)."""

from django.utils.translation import gettext_lazy as _

from industry_brain.core.permissions import is_city
from industry_brain.core.workflow import Transition, Workflow


def _city(user, obj) -> bool:
    return is_city(user)


emergency_workflow = Workflow("supply.emergency", model="supply.Emergency", transitions=[
    Transition("deactivate", {"active"}, "closed", may=_city, label=_("Deactivate"), past=_("deactivated"),
               event="supply.emergency_deactivated"),
])

whitelist_workflow = Workflow("supply.whitelist", model="supply.WhitelistEntry", transitions=[
    Transition("confirm", {"proposed"}, "confirmed", may=_city, label=_("Confirm"), past=_("confirmed"),
               event="supply.whitelist_confirmed"),
    Transition("remove", {"proposed", "confirmed"}, "removed", may=_city, label=_("Remove"), past=_("removed"),
               event="supply.whitelist_removed"),
])
