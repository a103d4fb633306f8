"""Menu entries and the follow-up inbox of the matchmaking module."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from industry_brain.core import registry

BUREAU = ("city", "district", "chain_team", "cadre")
registry.register_nav(60, "matchmaking:listing_list", _("Supply and demand"),
                      ("city", "district", "chain_team", "cadre", "enterprise"))
registry.register_nav(61, "matchmaking:event_list", _("Matchmaking events"), BUREAU + ("enterprise",))
registry.register_nav(62, "matchmaking:intention_list", _("Deals and follow-up"), BUREAU + ("enterprise",))
registry.register_nav(63, "matchmaking:gap_overview", _("Chain gaps"), ("city", "chain_team"))
registry.register_nav(64, "matchmaking:target_list", _("Investment attraction"), ("city", "chain_team"))


def follow_up_panel(request):
    """The deals waiting for the user's follow-up (the ones they own or may follow, overdue first)."""
    from django.db.models import Count, Window
    from django.utils.translation import gettext

    from . import selectors

    user = request.user
    if user.role == "department":
        return None
    late = selectors.follow_up_overdue(user=user)
    if user.role != "city":
        late = late.filter(owner=user) if user.role in ("chain_team", "cadre") else late
    # The five shown with the one column of the buyer they show, and the total as a window over the same rows:
    # one pass over the overdue deals (the scope's joins are needed for the count anyway), not a count and a list.
    shown = list(late.select_related(None).select_related("buyer").only(
        "id", "product", "follow_up_due", "buyer__name").annotate(
        home_total=Window(Count("pk"))).order_by("follow_up_due", "pk")[:5])
    n = shown[0].home_total if shown else 0
    if not n:
        return None
    url = reverse("matchmaking:intention_list") + "?overdue=true"
    return {"order": 30, "title": gettext("Deals to follow up"), "stats": [
        {"label": gettext("Follow-up overdue"), "value": n, "url": url}],
        "items": [{"url": i.get_absolute_url(), "text": f"{i.product} · {i.buyer.name}",
                   "meta": f"{gettext('due')} {i.follow_up_due:%Y-%m-%d}"} for i in shown]}


registry.home_panels.append(follow_up_panel)
