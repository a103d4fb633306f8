from django.utils.translation import gettext_lazy as _

from industry_brain.core import registry

registry.register_nav(20, "chains:ecosystem_list", _("Ecosystems and chains"),
                      ("city", "district", "chain_team", "department", "cadre"))


def chain_team_home_panel(request):
    from django.utils.translation import gettext

    from .models import Ecosystem

    user = request.user
    if user.role != "chain_team" or not user.ecosystem_id:
        return None
    eco = Ecosystem.objects.get(pk=user.ecosystem_id)
    return {"order": 10, "title": gettext("My ecosystem"),
            "items": [{"url": c.get_absolute_url(), "text": c.name, "meta": c.leader} for c in eco.chains.all()]}


registry.home_panels.append(chain_team_home_panel)
