"""Navigation entries and the home-page inboxes of the investment project platform."""

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from industry_brain.core import registry

registry.register_nav(30, "projects:project_list", _("Investment projects"))
registry.register_nav(31, "projects:project_map", _("Project map"),
                      ("city", "district", "chain_team", "cadre"))
registry.register_nav(32, "projects:dashboard", _("Projects dashboard"), ("city", "district", "chain_team"))
registry.register_nav(33, "projects:supervision_list", _("Supervision"), ("city", "district"))
registry.register_nav(34, "projects:rule_list", _("Warning rules"), ("city", "district", "chain_team"))


def projects_home_panel(request):
    """The role's inbox: orders to answer, responses to review, red projects, reports due."""
    from django.utils import timezone
    from django.utils.translation import gettext

    from industry_brain.core.home import rows_and_total

    from . import selectors

    user = request.user
    if user.role not in ("city", "district", "enterprise", "chain_team") and not user.is_superuser:
        return None
    items = []
    today = timezone.localdate()
    # (gettext outside f-strings: makemessages does not look inside them)
    respond, review, overdue_word = gettext("Respond"), gettext("Review"), gettext("overdue")
    report_due = gettext("Monthly report due")
    # The inbox shows a code, a name, a rule and a date: not the orders', projects' and warnings' whole rows.
    shown = ("id", "level", "status", "due_date", "project__code", "project__name", "warning__rule__name")

    def read(rows):
        return rows.select_related("project", "warning__rule").only(*shown).order_by("due_date", "id")

    # Each list carries its total (the two figures of a bureau's panel): one query per list, whatever the data.
    # The eight shown are picked from the orders (and the scope's tables) alone, then joined to their project,
    # warning and rule: the city's orders share a few due dates, and joining each of them before the sort cost
    # more than the rest of the panel (decision 69).
    respond_rows, respond_n = rows_and_total(selectors.supervisions_awaiting_response(user=user), 8, read=read)
    review_rows, review_n = rows_and_total(selectors.supervisions_awaiting_review(user=user), 8, read=read)
    for o in respond_rows:
        overdue = o.due_date < today
        items.append({"url": o.get_absolute_url(),
                      "text": f"{respond}: {o.project.code} {o.project.name}",
                      "meta": f"{o.warning.rule.name} · {o.get_level_display()}"
                              + (f" · {overdue_word}" if overdue else ""),
                      "kind": "overdue" if overdue else "answer", "due": o.due_date, "action": respond})
    for o in review_rows:
        items.append({"url": o.get_absolute_url(), "text": f"{review}: {o.project.code} {o.project.name}",
                      "meta": o.warning.rule.name, "kind": "review", "due": o.due_date, "action": review})
    if user.role == "enterprise":
        for p in selectors.projects_due_report(user=user)[:5]:
            items.append({"url": p.get_absolute_url(), "text": f"{report_due}: {p.name}", "meta": p.code,
                          "kind": "answer", "action": gettext("Report")})
    stats = []
    if user.role != "enterprise":
        url = reverse("projects:project_list")
        red = selectors.red_projects(user=user).count()
        stats = [{"label": gettext("Red projects"), "value": f"{red:,}", "url": f"{url}?warning_level=red"}]
        if user.role in ("city", "district") or user.is_superuser:
            sup = reverse("projects:supervision_list")
            stats.append({"label": gettext("Orders to answer"), "value": f"{respond_n:,}",
                          "url": f"{sup}?status=open&status=rejected"})
            stats.append({"label": gettext("Responses to review"), "value": f"{review_n:,}",
                          "url": f"{sup}?status=responded"})
    if not items and not stats:
        return None
    return {"order": 20, "title": gettext("Investment projects: supervision and warnings"), "items": items,
            "stats": stats,
            "empty": gettext("No supervision order awaits you.")}


registry.home_panels.append(projects_home_panel)


def enterprise_projects_panel(request, obj):
    """The investment projects of an enterprise that the user may see, on the enterprise's page."""
    from .models import Project

    projects = list(Project.objects.restrict(request.user, "view").filter(enterprise=obj)
                    .select_related("district").order_by("-created", "-pk")[:10])
    return {"title": gettext("Investment projects"), "template": "projects/_enterprise_panel.html",
            "data": {"projects": projects, "enterprise_id": obj.pk}}


registry.detail_panels["enterprises.enterprise"].append(enterprise_projects_panel)
