"""Navigation entries and home panels (each role's inbox) of the policies app."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from industry_brain.core import registry

registry.register_nav(70, "policies:item_list", _("Policies"))
registry.register_nav(71, "policies:my_policies", _("My policies"), ("enterprise",))
registry.register_nav(72, "policies:ledger", _("Burden reduction"), ("city", "district", "department", "chain_team"))


def policy_home_panel(request):
    from django.utils.translation import gettext

    from . import selectors
    from .models import PolicyItem

    user = request.user
    qs = selectors.eligibility_list(user=user)
    if user.role == "enterprise":
        waiting = qs.filter(status="notified")
        unknown = qs.filter(status="candidate", result__isnull=True)
        wan, by = gettext("10k yuan"), gettext("confirm by")
        items = [{"url": e.get_absolute_url(), "text": e.item.name,
                  "meta": f"{e.amount or '—'} {wan} · {by} {e.deadline:%Y-%m-%d}" if e.deadline else ""}
                 for e in waiting.order_by("deadline")[:8]]
        items += [{"url": e.get_absolute_url(), "text": e.item.name, "meta": gettext("a figure is missing")}
                  for e in unknown[:5]]
        return {"order": 3, "title": gettext("Policy benefits for you"), "stats": [
            {"label": gettext("To confirm"), "value": waiting.count(), "url": reverse("policies:my_policies")},
            {"label": gettext("Figures missing"), "value": unknown.count(), "url": reverse("policies:my_policies")},
        ], "items": items, "empty": gettext("No policy benefit is waiting for you.")}
    if user.is_city or user.role in ("department", "district"):
        if user.role in ("department", "district"):
            # The owner's items first, as a list: with the item ids known, the standings to pay are read by
            # (item, confirmed_at) instead of walking the province's to-pay index until eight of its own turn up.
            mine = {"policy__department_id": user.organisation_id} if user.role == "department" else {
                "policy__district_id": user.district_code}
            owned = qs.filter(item_id__in=list(PolicyItem.objects.filter(**mine).values_list("pk", flat=True)))
        else:
            owned = qs
        to_publish = owned.filter(status="candidate", result=True, superseded_by__isnull=True)
        to_pay = owned.filter(status__in=["confirmed", "payable"])
        held = owned.filter(status="held")
        items = [{"url": e.get_absolute_url(), "text": f"{e.enterprise.name} · {e.item.name}",
                  "meta": gettext("confirmed, to pay")} for e in to_pay.order_by("confirmed_at")[:8]]
        return {"order": 4, "title": gettext("Policy benefits to deliver"), "stats": [
            {"label": gettext("Computed, to publish"), "value": to_publish.count(),
             "url": reverse("policies:item_list")},
            {"label": gettext("Confirmed, to pay"), "value": to_pay.count(), "url": reverse("policies:item_list")},
            {"label": gettext("Held"), "value": held.count(), "url": reverse("policies:item_list")},
        ], "items": items, "empty": gettext("Nothing to deliver right now.")}
    return None


registry.home_panels.append(policy_home_panel)
