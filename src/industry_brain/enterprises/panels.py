"""Navigation entry and the home-page panel of the enterprise registry."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from industry_brain.core import registry

registry.register_nav(10, "enterprises:enterprise_list", _("Enterprises"))


def enterprise_home_panel(request):
    from django.db.models import Count
    from django.utils.translation import gettext

    from .choices import Tier
    from .models import Enterprise

    user = request.user
    if user.role == "enterprise":
        e = user.enterprise
        return {"order": 5, "title": gettext("My enterprise"),
                "items": [{"url": e.get_absolute_url(), "text": e.name, "meta": e.uscc}]}
    if user.role in ("city", "district"):
        qs = Enterprise.objects.restrict(user, "change" if user.role == "district" else "view")
        url = reverse("enterprises:enterprise_list")
        above = qs.filter(is_above_scale=True).count()
        # The ladder's tiers, not "anything but blank": a range scan of enterprise_tier_id_idx per tier instead
        # of a pass over the whole registry.
        tiers = dict(qs.filter(top_tier__in=Tier.values).order_by().values_list("top_tier").annotate(
            n=Count("pk")).values_list("top_tier", "n"))
        ladder = [{"label": str(label), "value": f"{tiers.get(value, 0):,}", "url": f"{url}?tier={value}"}
                  for value, label in Tier.choices]
        return {"order": 50, "title": gettext("Enterprise registry and tier ladder"), "stats": [
            {"label": gettext("Enterprises"), "value": f"{qs.count():,}", "url": url},
            {"label": gettext("Above designated size"), "value": f"{above:,}", "url": f"{url}?is_above_scale=true"},
            *ladder,
        ]}
    return None


registry.home_panels.append(enterprise_home_panel)
