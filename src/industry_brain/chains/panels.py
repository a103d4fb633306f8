from django.utils.translation import gettext_lazy as _

from industry_brain.core import registry

registry.register_nav(20, "chains:ecosystem_list", _("Ecosystems and chains"),
                      ("city", "district", "chain_team", "department", "cadre"))


def chain_team_home_panel(request):
    from django.utils.translation import gettext

    from .models import Ecosystem

    user = request.user
    if not user.ecosystem_id:  # only a chain work team's account has an ecosystem
        return None
    eco = Ecosystem.objects.get(pk=user.ecosystem_id)
    return {"order": 10, "title": gettext("My ecosystem"),
            "items": [{"url": c.get_absolute_url(), "text": c.name, "meta": c.leader} for c in eco.chains.all()]}


def membership_proposals_panel(request):
    """Chain memberships proposed by work teams: to confirm (city bureau) or awaiting the city (the team)."""
    from django.utils.translation import gettext

    from industry_brain.core.home import rows_and_total
    from industry_brain.core.permissions import can

    from .choices import MembershipStatus
    from .models import ChainMembership

    user = request.user
    # Only who places memberships (the city bureau) or proposes them (a work team, its add scope) sees proposals:
    # everyone else's view scope holds confirmed memberships alone. Asked first, so that a department's or a
    # district's home page does not compute its firms' scope for a list that is always empty.
    if not (can(user, "place", ChainMembership) or can(user, "add", ChainMembership)):
        return None
    proposals = ChainMembership.objects.restrict(user, "view").filter(status=MembershipStatus.PROPOSED).select_related(
        "enterprise", "node", "node__chain").order_by("created", "pk")
    # The five oldest and the total in one query, whether or not there are more than five.
    shown, total = rows_and_total(proposals, 5)
    if not shown:
        return None
    first = shown[0]
    decides = can(user, "confirm", first)
    return {"order": 11, "title": gettext("Chain memberships to confirm") if decides
            else gettext("Proposals awaiting the city bureau"),
            "stats": [{"label": gettext("Proposed"), "value": total,
                       "url": first.node.chain.get_absolute_url()}],
            "items": [{"url": m.node.chain.get_absolute_url(), "text": m.enterprise.name,
                       "meta": f"{m.node.chain.name} · {m.node.name}"} for m in shown]}


registry.home_panels.append(chain_team_home_panel)
registry.home_panels.append(membership_proposals_panel)
