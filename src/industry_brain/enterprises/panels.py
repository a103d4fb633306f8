"""Navigation entry and the home-page panel of the enterprise registry."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from industry_brain.core import registry

registry.register_nav(10, "enterprises:enterprise_list", _("Enterprises"))


def _own_enterprise_entry(user):
    if user.enterprise_id:  # an enterprise's own account
        return reverse("enterprises:enterprise_detail", args=[user.enterprise_id]), _("My enterprise")
    return None


registry.nav_overrides["enterprises:enterprise_list"] = _own_enterprise_entry


def enterprise_home_panel(request):
    from django.db.models import Count
    from django.utils.translation import gettext

    from industry_brain.core.permissions import can

    from .choices import Tier
    from .models import Enterprise

    user = request.user
    if user.enterprise_id:  # an enterprise's own account
        e = user.enterprise
        return {"order": 5, "title": gettext("My enterprise"),
                "items": [{"url": e.get_absolute_url(), "text": e.name, "meta": e.uscc}]}
    if can(user, "add", Enterprise):  # who keeps the registry: the firms it may change
        qs = Enterprise.objects.restrict(user, "change")
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


def recognition_reminders_panel(request):
    """Renewal and expiry reminders: the firm's own recognitions, or the district's firms', that end within the
    renewal window or ended within it (to renew or re-apply)."""
    import datetime as dt

    from django.utils import timezone
    from django.utils.translation import gettext

    from industry_brain.core.permissions import can

    from .models import Enterprise, Recognition

    user = request.user
    if not can(user, "renew", Recognition):
        return None
    # The firms the user keeps (its own firm, a district's firms, every firm for the city), not all it may view.
    qs = Recognition.objects.filter(enterprise__in=Enterprise.objects.restrict(user, "change").values("pk"))
    today = timezone.localdate()
    window = dt.timedelta(days=Recognition.RENEWAL_WINDOW_DAYS)
    qs = qs.filter(valid_until__gte=today - window, valid_until__lte=today + window)
    total = qs.count()
    if not total:
        return None
    items = []
    for r in qs.select_related("enterprise").order_by("valid_until", "pk")[:8]:
        expired = r.valid_until < today
        items.append({
            "url": r.enterprise.get_absolute_url() + "#recognitions",
            "text": (gettext("%(tier)s of %(name)s expired on %(date)s: re-apply") if expired else
                     gettext("%(tier)s of %(name)s expires on %(date)s: prepare the renewal")) % {
                "tier": r.get_tier_display(), "name": r.enterprise.name, "date": r.valid_until.isoformat()},
            "due": r.valid_until, "kind": "alert", "action": gettext("Open")})
    return {"order": 60, "kind": "todo", "title": gettext("Tier recognitions to renew"), "items": items,
            "more": total - len(items)}


registry.home_panels.append(recognition_reminders_panel)
