"""Escalation of overdue demands and due-soon notices (scheduled jobs, set-based)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from industry_brain.core.events import event_record
from industry_brain.core.workdays import add_working_days, working_days_between

from ..choices import (
    DemandStatus,
    EscalationLevel,
    NotificationKind,
    StepAction,
)
from ..models import (
    Demand,
    DemandStep,
    Notification,
)
from ._common import (
    _city_users,
    _setting,
    _users_of_department,
    _users_of_district,
)
from .stats import demand_stats_refresh

# --------------------------------------------------------------------------------- escalation and notices

def _city_cutoff(today: dt.date, working_days: int) -> dt.date:
    """The latest due date that is more than `working_days` working days behind `today`."""
    day = today
    while working_days_between(day, today) <= working_days:
        day -= dt.timedelta(days=1)
    return day


@transaction.atomic
def demand_escalate_overdue(*, today: dt.date | None = None) -> dict[str, int]:
    """Escalate overdue demands, set-based: past their due date → the district bureau (level 1); more than
    DEMAND_ESCALATE_TO_CITY_AFTER (3) working days past it → the city bureau (level 2). Each escalation is a
    timeline step and a notice to the district (or city) and the coordinating department."""
    today = today or timezone.localdate()
    now = timezone.now()
    open_q = Q(status__in=[DemandStatus.ACCEPTED, DemandStatus.IN_PROGRESS], due_date__lt=today)
    cutoff = _city_cutoff(today, _setting("DEMAND_ESCALATE_TO_CITY_AFTER", 3))
    counts = {}
    days: set[dt.date] = set()
    for level, q in ((EscalationLevel.CITY, open_q & Q(escalation_level__lt=EscalationLevel.CITY,
                                                       due_date__lte=cutoff)),
                     (EscalationLevel.DISTRICT, open_q & Q(escalation_level=EscalationLevel.NONE))):
        rows = list(Demand.objects.select_for_update(no_key=True).filter(q).values(
            "pk", "title", "district_id", "department_id", "submitted_on", "due_date"))
        counts["city" if level == EscalationLevel.CITY else "district"] = len(rows)
        if not rows:
            continue
        ids = [r["pk"] for r in rows]
        Demand.objects.filter(pk__in=ids).update(escalation_level=level, escalated_at=now)
        label = _("city bureau") if level == EscalationLevel.CITY else _("district bureau")
        DemandStep.objects.bulk_create([DemandStep(
            demand_id=r["pk"], action=StepAction.ESCALATED, actor=None, actor_label="job:escalate_overdue", at=now,
            note=_("Overdue since %(date)s; escalated to the %(level)s") % {
                "date": r["due_date"].isoformat(), "level": label}) for r in rows])
        notices = []
        city = list(_city_users()) if level == EscalationLevel.CITY else []
        district_users: dict[str, list] = {}
        dept_users: dict[int, list] = {}
        for r in rows:
            days.add(r["submitted_on"])
            recipients = list(city)
            if level == EscalationLevel.DISTRICT:
                if r["district_id"] not in district_users:
                    district_users[r["district_id"]] = list(_users_of_district(r["district_id"]))
                recipients += district_users[r["district_id"]]
            if r["department_id"] not in dept_users:
                dept_users[r["department_id"]] = list(_users_of_department(r["department_id"]))
            recipients += dept_users[r["department_id"]]
            text = _("Overdue (due %(date)s), escalated to the %(level)s: %(title)s") % {
                "date": r["due_date"].isoformat(), "level": label, "title": r["title"]}
            seen = set()
            for u in recipients:
                if u.pk not in seen:
                    seen.add(u.pk)
                    notices.append(Notification(recipient=u, kind=NotificationKind.OVERDUE, text=text[:300],
                                                link=f"/demands/{r['pk']}/", demand_id=r["pk"]))
        created = Notification.objects.bulk_create(notices)
        from ..notifications import deliver

        transaction.on_commit(lambda created=created: deliver(created))
    if days:
        demand_stats_refresh(days=days)
    if any(counts.values()):
        event_record(kind="demand.escalated", message=_("Overdue demands escalated: %(d)s to districts, "
                                                        "%(c)s to the city") % {
            "d": counts.get("district", 0), "c": counts.get("city", 0)}, data=counts)
    return counts


@transaction.atomic
def demand_notify_due_soon(*, today: dt.date | None = None) -> int:
    """Tell handling departments about open demands due today or on the next working day (once each)."""
    today = today or timezone.localdate()
    horizon = add_working_days(today, 1)
    rows = list(Demand.objects.select_for_update(no_key=True).filter(
        status__in=[DemandStatus.ACCEPTED, DemandStatus.IN_PROGRESS], due_date__gte=today, due_date__lte=horizon,
        due_soon_notified=False).values("pk", "title", "department_id", "handler_id", "due_date"))
    if not rows:
        return 0
    Demand.objects.filter(pk__in=[r["pk"] for r in rows]).update(due_soon_notified=True)
    by_dept: dict[int, list] = {}
    notices = []
    for r in rows:
        if r["department_id"] not in by_dept:
            by_dept[r["department_id"]] = list(_users_of_department(r["department_id"]))
        for u in by_dept[r["department_id"]]:
            notices.append(Notification(recipient=u, kind=NotificationKind.DUE_SOON, link=f"/demands/{r['pk']}/",
                                        demand_id=r["pk"], text=(_("Due %(date)s: %(title)s") % {
                                            "date": r["due_date"].isoformat(), "title": r["title"]})[:300]))
    created = Notification.objects.bulk_create(notices)
    from ..notifications import deliver

    transaction.on_commit(lambda: deliver(created))
    return len(rows)
