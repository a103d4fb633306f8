"""Navigation entries and the home-page inbox of economic monitoring: reports due and reminders (enterprise),
firms that have not reported (district, city), the latest city figure (city)."""

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from industry_brain.core import registry

registry.register_nav(60, "monitoring:cockpit", _("Economic cockpit"), ("city", "district", "chain_team"))
registry.register_nav(61, "monitoring:report_list", _("Monthly reports"), ("city", "district", "enterprise"))
registry.register_nav(62, "monitoring:briefing_list", _("Monthly briefings"),
                      ("city", "district", "chain_team", "department"))


def monitoring_home_panel(request):
    import datetime as dt

    from django.utils import timezone

    from industry_brain.core.home import kept_figures

    from . import selectors
    from .models import MonthlyReport
    from .services import report_deadline

    user = request.user
    if user.role not in ("city", "district", "enterprise") and not user.is_superuser:
        return None
    today = timezone.localdate()
    period = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    deadline = report_deadline(period)
    items, stats = [], []
    # (gettext outside f-strings: makemessages does not look inside them)
    overdue_word = gettext("Monthly report overdue")
    due_word = gettext("Monthly enterprise report due")
    deadline_word = gettext("deadline")
    for r in selectors.open_reminders(user=user)[:8]:
        items.append({"url": reverse("monitoring:report_list"),
                      "text": f"{overdue_word}: {r.enterprise.name} {r.period:%Y-%m}",
                      "meta": f"{deadline_word} {r.deadline:%Y-%m-%d}"})
    if user.role == "enterprise":
        if not MonthlyReport.objects.filter(enterprise_id=user.enterprise_id, period=period).exists() and \
                user.enterprise.is_above_scale:
            items.append({"url": reverse("monitoring:report_add"),
                          "text": f"{due_word}: {period:%Y-%m}",
                          "meta": f"{deadline_word} {deadline:%Y-%m-%d}"})
    else:
        # The district's or the city's above-scale firms against the month's reports: kept per user (core.home).
        missing = kept_figures(user, f"monitoring-missing:{period:%Y-%m}", lambda: {
            "missing": selectors.missing_reports(user=user, period=period).count()})["missing"]
        stats.append({"label": gettext("Not reported") + f" {period:%Y-%m}", "value": f"{missing:,}",
                      "url": reverse("monitoring:completeness") + f"?period={period:%Y-%m}"})
    if not items and not stats:
        return None
    return {"order": 40, "title": gettext("Economic monitoring: monthly reports"), "items": items, "stats": stats,
            "empty": gettext("Nothing to report.")}


registry.home_panels.append(monitoring_home_panel)


def _watch_reports() -> None:
    """The kept count of firms not reported starts a new generation whenever a monthly report is saved or
    deleted (a firm's change is watched by the registry's panel)."""
    from industry_brain.core.home import watch

    from .models import MonthlyReport

    watch([MonthlyReport])


_watch_reports()
