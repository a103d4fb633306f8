"""Navigation entries and the enterprise-page panel of tier cultivation."""

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from industry_brain.core import registry

registry.register_nav(40, "cultivation:overview", _("Tier cultivation"), ("city", "district", "chain_team", "cadre"))
registry.register_nav(41, "cultivation:pool", _("Cultivation pool"), ("city", "district", "chain_team", "cadre"))
registry.register_nav(42, "cultivation:my_card", _("My tier card"), ("enterprise",))
registry.register_nav(43, "cultivation:figures_mine", _("My tier figures"), ("enterprise",))
registry.register_nav(45, "cultivation:figures_pending", _("Figures awaiting verification"), ("city", "district"))
registry.register_nav(44, "cultivation:round_list", _("Recognition rounds"),
                      ("city", "district", "chain_team", "cadre", "enterprise"))


def enterprise_tier_panel(request, obj):
    """A link from the enterprise page to its tier card, for those who may see its figures."""
    from industry_brain.core.permissions import can

    # Asked through can(): the enterprise page asks the same question, and a GET request answers it once.
    if not can(request.user, "view_confidential", obj):
        return None
    return {"title": gettext("Tier card"), "html": format_html(
        '<a href="{}">{}</a>', reverse("cultivation:card", args=[obj.pk]),
        gettext("Criteria met and missed, tier by tier"))}


registry.detail_panels["enterprises.enterprise"].append(enterprise_tier_panel)
