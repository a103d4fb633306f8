"""Navigation entries, the home-page panels (each role's inbox) and the enterprise-page panel."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from industry_brain.core import registry
from industry_brain.core.home import rows_and_total
from industry_brain.core.permissions import can

registry.register_nav(40, "demands:demand_list", _("Enterprise demands"))
registry.register_nav(41, "demands:demand_stats", _("Demand statistics"),
                      ("city", "district", "department", "chain_team", "cadre"))
registry.register_nav(42, "demands:cadre_list", _("Cadres and coverage"), ("city", "district", "cadre"))
registry.register_nav(43, "demands:visit_list", _("Visits"), ("city", "district", "cadre"))
registry.register_nav(44, "demands:alert_list", _("Systemic alerts"), ("city", "district", "chain_team"))
registry.register_nav(45, "demands:inbox", _("Inbox"))


def _item(d, meta: str = "") -> dict:
    return {"url": d.get_absolute_url(), "text": f"#{d.pk} {d.title}", "meta": meta or d.enterprise.name}


def _rows(qs, n: int) -> tuple[list, int]:
    """The first n demands of a panel's list, with only the columns an item shows (no category, department or
    district joined), and how many the list has: one query, whatever the number."""
    return rows_and_total(qs.select_related(None).select_related("enterprise").only(
        "id", "title", "status", "due_date", "enterprise__name"), n)


def demand_home_panel(request):
    """The role's demand inbox: what is new, due soon, overdue or waiting for the user. Each list reads only the
    columns its items show and carries its own total (one query per list, whatever the data)."""
    from django.utils.translation import gettext

    from . import selectors
    from .models import SystemicAlert

    user = request.user
    role = user.role
    today = timezone.localdate()
    qs = selectors.demand_list(user=user)
    url = reverse("demands:demand_list")
    open_url = f"{url}?status=submitted&status=accepted&status=in_progress"
    if role == "department":
        mine = qs.filter(department_id=user.organisation_id)
        new = mine.filter(status="accepted")
        soon = selectors.due_soon(mine, today)
        late = selectors.overdue(mine, today)
        handle = gettext("Handle")
        late_rows, late_n = _rows(late.order_by("due_date"), 5)
        soon_rows, soon_n = _rows(soon.order_by("due_date"), 5)
        new_rows, new_n = _rows(new.order_by("-accepted_at"), 5)
        items = [{**_item(d), "kind": "overdue", "due": d.due_date, "action": handle} for d in late_rows]
        items += [{**_item(d), "kind": "answer", "due": d.due_date, "action": handle} for d in soon_rows]
        items += [{**_item(d), "kind": "answer", "due": d.due_date, "action": gettext("Start handling")}
                  for d in new_rows]
        return {"order": 1, "title": gettext("Demands to coordinate"), "stats": [
            {"label": gettext("New (not started)"), "value": new_n,
             "url": f"{url}?status=accepted"},
            {"label": gettext("Due soon"), "value": soon_n,
             "url": f"{url}?status=accepted&status=in_progress"},
            {"label": gettext("Overdue"), "value": late_n, "url": f"{url}?overdue=true"},
        ], "items": items, "empty": gettext("Nothing to coordinate right now.")}
    if role == "enterprise":
        to_rate = qs.filter(status="resolved")
        open_ = qs.filter(status__in=selectors.OPEN)
        (rate_rows, rate_n), (open_rows, open_n) = _rows(to_rate, 8), _rows(open_, 8)
        items = [{**_item(d, gettext("please rate")), "kind": "review", "action": gettext("Rate")}
                 for d in rate_rows] + [_item(d, d.get_status_display()) for d in open_rows]
        return {"order": 1, "title": gettext("My demands"), "stats": [
            {"label": gettext("To rate"), "value": rate_n, "url": f"{url}?status=resolved"},
            {"label": gettext("Open"), "value": open_n, "url": open_url},
        ], "items": items, "empty": gettext("No open demands. Use “Raise a demand” to ask for help.")}
    if role in ("city", "district"):
        waiting = qs.filter(status="submitted")
        escalated = qs.filter(status__in=selectors.HANDLING, escalation_level__gte=1 if role == "district" else 2)
        alerts = SystemicAlert.objects.restrict(user, "view").filter(status="open").select_related(
            *SystemicAlert.LABEL_RELATED)
        alert_rows, alert_n = rows_and_total(alerts, 20)
        escalated_rows, escalated_n = _rows(escalated.order_by("due_date"), 5)
        waiting_rows, waiting_n = _rows(waiting.order_by("submitted_at"), 5)
        items = [{"url": a.get_absolute_url(), "text": str(a), "meta": gettext("systemic problem"), "kind": "alert",
                  "action": gettext("Review"), "collapse": f"alert-{a.category_id}-{a.district_id}-{a.chain_id}"}
                 for a in alert_rows]
        items += [{**_item(d, gettext("escalated")), "kind": "overdue", "due": d.due_date,
                   "action": gettext("Follow up")} for d in escalated_rows]
        items += [{**_item(d), "kind": "accept", "action": gettext("Accept the demand")} for d in waiting_rows]
        return {"order": 1, "title": gettext("Enterprise demands"), "stats": [
            {"label": gettext("To accept"), "value": waiting_n,
             "url": f"{url}?status=submitted"},
            {"label": gettext("Escalated, overdue"), "value": escalated_n,
             "url": f"{url}?escalated=true&overdue=true"},
            {"label": gettext("Systemic alerts"), "value": alert_n,
             "url": reverse("demands:alert_list")},
        ], "items": items, "empty": gettext("Nothing waiting.")}
    if role == "cadre":
        open_ = qs.filter(status__in=selectors.OPEN)
        late = selectors.overdue(open_, today)
        open_rows, open_n = _rows(open_, 8)
        return {"order": 1, "title": gettext("Demands of my enterprises"), "stats": [
            {"label": gettext("Open"), "value": open_n, "url": open_url},
            {"label": gettext("Overdue"), "value": late.count(), "url": f"{url}?overdue=true"},
        ], "items": [_item(d, d.get_status_display()) for d in open_rows],
            "empty": gettext("No open demands of your enterprises.")}
    return None


def inbox_home_panel(request):
    from django.utils.translation import gettext

    from . import selectors

    unread = selectors.inbox(user=request.user).filter(read_at__isnull=True)
    # The five shown and the total in one query: the count is there whether the list is full or not.
    shown, n = rows_and_total(unread, 5)
    if not shown:
        return None
    return {"order": 2, "kind": "notifications", "title": gettext("Unread messages"),
            "stats": [{"label": gettext("Unread"), "value": n, "url": reverse("demands:inbox") + "?unread=1"}],
            "items": [{"url": m.link or reverse("demands:inbox"), "text": m.text, "meta": m.get_kind_display()}
                      for m in shown]}


def enterprise_demands_panel(request, obj):
    from django.utils.translation import gettext

    from . import selectors
    from .models import Cadre

    user = request.user
    qs = selectors.demand_list(user=user).filter(enterprise=obj)
    demands = list(qs[:6])
    total = qs.count() if len(demands) == 6 else len(demands)
    open_ = sum(1 for d in demands if d.is_open)
    # The enterprise sees who serves it; everyone else only the cadres within their own scope (a district officer
    # never reads another district's cadre names).
    serving = Cadre.objects.filter(assignments__enterprise=obj, assignments__ended_on__isnull=True)
    cadres = serving if user.enterprise_id == obj.pk else serving.restrict(user, "view")
    can_raise = can(user, "raise_demand", obj)
    return {"title": gettext("Enterprise demands"), "template": "demands/_enterprise_panel.html", "data": {
        "demands": demands, "more": total > len(demands) or total > 0, "enterprise_id": obj.pk,
        "summary": gettext("%(n)s demands visible to you; %(o)s of the latest open.") % {"n": total, "o": open_},
        "cadres": list(cadres), "can_raise": can_raise}}


def cadre_enterprises_panel(request):
    """The firms in a cadre's care, on the cadre's home page."""
    from django.utils.translation import gettext

    from .models import Assignment

    user = request.user
    if user.role != "cadre":
        return None
    rows, total = rows_and_total(Assignment.objects.filter(cadre__user=user, ended_on__isnull=True).select_related(
        "enterprise", "enterprise__district").order_by("enterprise__name"), 12)
    return {"order": 3, "title": gettext("Enterprises in my care"), "more": max(total - 12, 0),
            "items": [{"url": a.enterprise.get_absolute_url(), "text": a.enterprise.name,
                       "meta": a.enterprise.district.name} for a in rows],
            "empty": gettext("No enterprise is assigned to you.")}


registry.home_panels.append(demand_home_panel)
registry.home_panels.append(cadre_enterprises_panel)
registry.home_panels.append(inbox_home_panel)
registry.detail_panels["enterprises.enterprise"].append(enterprise_demands_panel)
