"""The demand home panels read only what their items show and count a list only when it fills its limit: for
every role, the same figures and the same items as the plain panel (every column, every count asked)."""

import datetime as dt

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from industry_brain.demands import panels, selectors
from industry_brain.demands.models import Demand, Notification, SystemicAlert
from industry_brain.testing import ALL_ROLES

from .helpers import accepted, in_progress, raise_demand

pytestmark = pytest.mark.django_db

_item = panels._item


def _plain_demand_home_panel(request):
    """The role's demand inbox: what is new, due soon, overdue or waiting for the user."""
    from django.utils.translation import gettext

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
        items = [{**_item(d), "kind": "overdue", "due": d.due_date, "action": handle}
                 for d in late.order_by("due_date")[:5]]
        items += [{**_item(d), "kind": "answer", "due": d.due_date, "action": handle}
                  for d in soon.order_by("due_date")[:5]]
        items += [{**_item(d), "kind": "answer", "due": d.due_date, "action": gettext("Start handling")}
                  for d in new.order_by("-accepted_at")[:5]]
        return {"order": 1, "title": gettext("Demands to coordinate"), "stats": [
            {"label": gettext("New (not started)"), "value": new.count(), "url": f"{url}?status=accepted"},
            {"label": gettext("Due soon"), "value": soon.count(), "url": f"{url}?status=accepted&status=in_progress"},
            {"label": gettext("Overdue"), "value": late.count(), "url": f"{url}?overdue=true"},
        ], "items": items, "empty": gettext("Nothing to coordinate right now.")}
    if role == "enterprise":
        to_rate = qs.filter(status="resolved")
        open_ = qs.filter(status__in=selectors.OPEN)
        items = [{**_item(d, gettext("please rate")), "kind": "review", "action": gettext("Rate")}
                 for d in to_rate[:8]] + [_item(d, d.get_status_display()) for d in open_[:8]]
        return {"order": 1, "title": gettext("My demands"), "stats": [
            {"label": gettext("To rate"), "value": to_rate.count(), "url": f"{url}?status=resolved"},
            {"label": gettext("Open"), "value": open_.count(), "url": open_url},
        ], "items": items, "empty": gettext("No open demands. Use “Raise a demand” to ask for help.")}
    if role in ("city", "district"):
        waiting = qs.filter(status="submitted")
        escalated = qs.filter(status__in=selectors.HANDLING, escalation_level__gte=1 if role == "district" else 2)
        alerts = SystemicAlert.objects.restrict(user, "view").filter(status="open").select_related(
            "district", "chain", "category", "category__parent")
        items = [{"url": a.get_absolute_url(), "text": str(a), "meta": gettext("systemic problem"), "kind": "alert",
                  "action": gettext("Review"), "collapse": f"alert-{a.category_id}-{a.district_id}-{a.chain_id}"}
                 for a in alerts[:20]]
        items += [{**_item(d, gettext("escalated")), "kind": "overdue", "due": d.due_date,
                   "action": gettext("Follow up")} for d in escalated.order_by("due_date")[:5]]
        items += [{**_item(d), "kind": "accept", "action": gettext("Accept the demand")}
                  for d in waiting.order_by("submitted_at")[:5]]
        return {"order": 1, "title": gettext("Enterprise demands"), "stats": [
            {"label": gettext("To accept"), "value": waiting.count(), "url": f"{url}?status=submitted"},
            {"label": gettext("Escalated, overdue"), "value": escalated.count(),
             "url": f"{url}?escalated=true&overdue=true"},
            {"label": gettext("Systemic alerts"), "value": alerts.count(), "url": reverse("demands:alert_list")},
        ], "items": items, "empty": gettext("Nothing waiting.")}
    if role == "cadre":
        open_ = qs.filter(status__in=selectors.OPEN).select_related("enterprise")
        late = selectors.overdue(open_, today)
        return {"order": 1, "title": gettext("Demands of my enterprises"), "stats": [
            {"label": gettext("Open"), "value": open_.count(), "url": open_url},
            {"label": gettext("Overdue"), "value": late.count(), "url": f"{url}?overdue=true"},
        ], "items": [_item(d, d.get_status_display()) for d in open_[:8]],
            "empty": gettext("No open demands of your enterprises.")}
    return None



def _plain_inbox_home_panel(request):
    from django.utils.translation import gettext

    unread = selectors.inbox(user=request.user).filter(read_at__isnull=True)
    n = unread.count()
    if not n:
        return None
    return {"order": 2, "kind": "notifications", "title": gettext("Unread messages"),
            "stats": [{"label": gettext("Unread"), "value": n, "url": reverse("demands:inbox") + "?unread=1"}],
            "items": [{"url": m.link or reverse("demands:inbox"), "text": m.text, "meta": m.get_kind_display()}
                      for m in unread[:5]]}


@pytest.fixture
def busy(world):
    """More of each kind than a panel lists for some roles, fewer for others; due dates spread so that each
    list's order is the same whatever the plan."""
    today = timezone.localdate()
    made = []
    for i in range(7):
        made.append(raise_demand(world, title=f"待受理{i}"))
    for i in range(7):
        made.append(accepted(world, raise_demand(world, title=f"已受理{i}")))
    for i in range(6):
        made.append(in_progress(world, raise_demand(world, user_key="enterprise_other", title=f"办理中{i}")))
    for k, d in enumerate(made):
        Demand.objects.filter(pk=d.pk).update(
            due_date=today + dt.timedelta(days=k - 10), escalation_level=k % 3,
            submitted_at=timezone.now() - dt.timedelta(hours=k),
            accepted_at=timezone.now() - dt.timedelta(hours=k) if d.accepted_at else None)
    for i in range(7):
        Notification.objects.create(recipient=world.user("department"), kind="new_assignment", text=f"消息{i}")
    Notification.objects.create(recipient=world.user("city"), kind="new_assignment", text="一条")
    return made


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


@pytest.mark.parametrize("role", ALL_ROLES)
def test_the_demand_panels_show_what_the_plain_panels_show(world, busy, role):
    request = _request(world.user(role))
    assert panels.demand_home_panel(request) == _plain_demand_home_panel(request)
    assert panels.inbox_home_panel(request) == _plain_inbox_home_panel(request)


def test_a_short_list_is_its_own_count(world, busy, django_assert_num_queries):
    request = _request(world.user("enterprise_other"))  # six in progress: fewer than eight listed
    with django_assert_num_queries(2):  # the two lists, no COUNT
        panel = panels.demand_home_panel(request)
    assert [s["value"] for s in panel["stats"]] == [0, 6]
