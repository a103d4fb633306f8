"""Navigation entry and the home-page panel of the enterprise registry."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from industry_brain.core import registry
from industry_brain.core.home import counts, rows_and_total, watch

registry.register_nav(10, "enterprises:enterprise_list", _("Enterprises"))


def _own_enterprise_entry(user):
    if user.enterprise_id:  # an enterprise's own account
        return reverse("enterprises:enterprise_detail", args=[user.enterprise_id]), _("My enterprise")
    return None


registry.nav_overrides["enterprises:enterprise_list"] = _own_enterprise_entry


def enterprise_home_panel(request):
    """The firm's own entry (an enterprise's account), or the registry's key figures for those who keep it (kept
    for five minutes per user, under a data generation: a city's figures count the whole registry)."""
    from django.utils.translation import gettext

    from industry_brain.core.home import kept_figures
    from industry_brain.core.permissions import can

    from .choices import Tier
    from .models import Enterprise

    user = request.user
    if user.enterprise_id:  # an enterprise's own account
        e = user.enterprise
        return {"order": 5, "title": gettext("My enterprise"),
                "items": [{"url": e.get_absolute_url(), "text": e.name, "meta": e.uscc}]}
    if can(user, "add", Enterprise):  # who keeps the registry: the firms it may change
        url = reverse("enterprises:enterprise_list")
        figures = kept_figures(user, "enterprise-registry", lambda: registry_figures(user))
        ladder = [{"label": str(label), "value": f"{figures[value]:,}", "url": f"{url}?tier={value}"}
                  for value, label in Tier.choices]
        return {"order": 50, "title": gettext("Enterprise registry and tier ladder"), "stats": [
            {"label": gettext("Enterprises"), "value": f"{figures['total']:,}", "url": url},
            {"label": gettext("Above designated size"), "value": f"{figures['above']:,}",
             "url": f"{url}?is_above_scale=true"},
            *ladder,
        ]}
    return None


def registry_figures(user) -> dict[str, int]:
    """The registry's key figures for a user who keeps it: the firms they may change, those above designated size
    and those on each tier of the ladder, in one statement. Each count keeps its own index (the district's, the
    above-scale one, one range of the tier index per tier) instead of one pass over the whole registry."""
    from .choices import Tier
    from .models import Enterprise

    qs = Enterprise.objects.restrict(user, "change")
    return counts({"total": qs, "above": qs.filter(is_above_scale=True),
                   **{value: qs.filter(top_tier=value) for value in Tier.values}})


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
    # When that is every firm, no sub-query: "in every firm" made the database walk the whole registry.
    kept = Enterprise.objects.restrict(user, "change")
    qs = Recognition.objects.all() if not kept.query.where else Recognition.objects.filter(
        enterprise__in=kept.values("pk"))
    today = timezone.localdate()
    window = dt.timedelta(days=Recognition.RENEWAL_WINDOW_DAYS)
    qs = qs.filter(valid_until__gte=today - window, valid_until__lte=today + window)
    # The eight shown are picked from the recognitions alone, then joined to their firms' names.
    shown, total = rows_and_total(qs.order_by("valid_until", "pk"), 8, read=lambda rows: rows.select_related(
        "enterprise").only("id", "tier", "valid_until", "enterprise__id", "enterprise__name").order_by(
        "valid_until", "pk"))
    if not total:
        return None
    items = []
    for r in shown:
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


def _watch_registry() -> None:
    """The registry's kept figures start a new generation whenever a firm is saved or deleted."""
    from .models import Enterprise

    watch([Enterprise])


_watch_registry()
