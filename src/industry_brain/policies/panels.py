"""Navigation entries and home panels (each role's inbox) of the policies app."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from industry_brain.core import registry

registry.register_nav(70, "policies:item_list", _("Policies"))
registry.register_nav(71, "policies:my_policies", _("My policies"), ("enterprise",))
registry.register_nav(72, "policies:ledger", _("Burden reduction"), ("city", "district", "department", "chain_team"))


def policy_home_panel(request):
    from django.utils.translation import gettext

    from industry_brain.core.home import counts, kept_figures, rows_and_total

    from . import selectors
    from .models import Eligibility, PolicyItem

    user = request.user
    qs = selectors.eligibility_list(user=user)
    if user.role == "enterprise":
        waiting = qs.filter(status="notified")
        unknown = qs.filter(status="candidate", result__isnull=True)
        wan, by = gettext("10k yuan"), gettext("confirm by")
        # Each list carries its total: two queries whatever the number of standings.
        waiting_rows, waiting_n = rows_and_total(waiting.order_by("deadline"), 8)
        unknown_rows, unknown_n = rows_and_total(unknown, 5)
        items = [{"url": e.get_absolute_url(), "text": e.item.name,
                  "meta": f"{e.amount or '—'} {wan} · {by} {e.deadline:%Y-%m-%d}" if e.deadline else ""}
                 for e in waiting_rows]
        items += [{"url": e.get_absolute_url(), "text": e.item.name, "meta": gettext("a figure is missing")}
                  for e in unknown_rows]
        return {"order": 3, "title": gettext("Policy benefits for you"), "stats": [
            {"label": gettext("To confirm"), "value": waiting_n, "url": reverse("policies:my_policies")},
            {"label": gettext("Figures missing"), "value": unknown_n, "url": reverse("policies:my_policies")},
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
        # The eight to pay are picked from the standings' to-pay index alone (their keys), then read with the two
        # names they show: a department's items hold thousands of standings to pay at province scale, and joining
        # each to its firm, item and version before the sort cost more than the rest of the page.
        keys = to_pay.order_by("confirmed_at").values("pk")[:8]  # (the index's order: no tie-break by key)
        shown = Eligibility.objects.filter(pk__in=keys).select_related("enterprise", "item").only(
            "id", "confirmed_at", "enterprise__name", "item__name").order_by("confirmed_at", "pk")
        items = [{"url": e.get_absolute_url(), "text": f"{e.enterprise.name} · {e.item.name}",
                  "meta": gettext("confirmed, to pay")} for e in shown]
        # The three figures in one statement (each on its own partial index), kept per user (core.home): a
        # city's standings to publish number in the hundreds of thousands at province scale.
        figures = kept_figures(user, "policies-deliver", lambda: counts(
            {"publish": to_publish, "pay": to_pay, "held": held}))
        return {"order": 4, "title": gettext("Policy benefits to deliver"), "stats": [
            {"label": gettext("Computed, to publish"), "value": figures["publish"],
             "url": reverse("policies:item_list")},
            {"label": gettext("Confirmed, to pay"), "value": figures["pay"], "url": reverse("policies:item_list")},
            {"label": gettext("Held"), "value": figures["held"], "url": reverse("policies:item_list")},
        ], "items": items, "empty": gettext("Nothing to deliver right now.")}
    return None


registry.home_panels.append(policy_home_panel)


def _watch_standings() -> None:
    """The kept figures start a new generation whenever a standing is saved or deleted one by one (the set-based
    computation writes around the models: its change shows once the kept figures expire, within FIGURES_SECONDS)."""
    from industry_brain.core.home import watch

    from .models import Eligibility

    watch([Eligibility])


_watch_standings()
