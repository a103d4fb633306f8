"""Where the supply module plugs into shared pages: the menu, the chain page (supply security per node) and the
enterprise page (a link to the risk card)."""

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from industry_brain.core import registry

registry.register_nav(60, "supply:scenario_list", _("Chain-break risk"), ("city", "district", "chain_team"))
# Departments reach an emergency through the requests routed to them (members of the team), not the menu.
registry.register_nav(61, "supply:emergency_list", _("Emergency mode"), ("city", "district", "chain_team"))


def chain_supply_panel(request, chain):
    """Per node: share of inputs single-sourced and sourced only outside the province, worst TTS, last losses."""
    from .selectors import node_security

    rows = node_security(request.user, chain)
    if not rows or not any(r["inputs"] for r in rows):
        return None
    return {"title": gettext("Local supply security"), "template": "supply/_node_security.html", "data": rows}


def enterprise_risk_panel(request, enterprise):
    from .selectors import enterprise_in_scope, risk_card

    if not enterprise_in_scope(request.user, enterprise.pk):
        return None
    card = risk_card(user=request.user, enterprise_id=enterprise.pk)
    if not card["inputs"]:
        return None
    card["url"] = reverse("supply:risk_card", args=[enterprise.pk])
    return {"title": gettext("Supply risk"), "template": "supply/_risk_panel.html", "data": card}


registry.detail_panels["chains.chain"].append(chain_supply_panel)
registry.detail_panels["enterprises.enterprise"].append(enterprise_risk_panel)
