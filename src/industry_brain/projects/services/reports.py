"""Monthly progress reports (one policy for a month already reported, for page, API and importer)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max, Sum, Window
from django.utils import timezone
from django.utils.translation import gettext as _

from industry_brain.core.events import event_record
from industry_brain.core.exceptions import TransitionNotAllowed
from industry_brain.core.querysets import ensure_permitted

from ..choices import (
    Stage,
)
from ..models import (
    ProgressReport,
    Project,
)
from ._common import (
    _user,
    today_local,
)

# ---------------------------------------------------------------------------------------------------------
# Progress reports
# ---------------------------------------------------------------------------------------------------------

def parse_period(value) -> dt.date:
    """'YYYY-MM' (or a date) → the first day of that month."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.replace(day=1)
    try:
        year, month = str(value).strip()[:7].split("-")
        return dt.date(int(year), int(month), 1)
    except (ValueError, TypeError):
        raise ValidationError({"period": [_("Give the month as YYYY-MM.")]}) from None


def _validate_report(project: Project, period: dt.date, investment, physical_progress, today: dt.date) -> None:
    errors = {}
    if period > today.replace(day=1):
        errors["period"] = [_("A month in the future cannot be reported.")]
    if investment is None or Decimal(investment) < 0:
        errors["investment"] = [_("The month's investment is a number of at least 0 (10k yuan).")]
    if physical_progress is not None and not 0 <= int(physical_progress) <= 100:
        errors["physical_progress"] = [_("Physical progress is a percentage between 0 and 100.")]
    if project.stage == Stage.CANCELLED:
        raise TransitionNotAllowed(_("A cancelled project does not report progress."))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def progress_report_submit(*, actor, project: Project, period, investment, milestone: str = "",
                           physical_progress: int | None = None, problems: str = "", note: str = "",
                           today: dt.date | None = None) -> ProgressReport:
    """Submit one month's report (responsible bureau or investor enterprise). The cumulative investment of
    this and the later months follows."""
    today = today or today_local()
    ensure_permitted(actor, project, "change", _("You may not report for this project."))
    period = parse_period(period)
    _validate_report(project, period, investment, physical_progress, today)
    if ProgressReport.objects.filter(project=project, period=period).exists():
        raise ValidationError({"period": [_("%(month)s is already reported for this project.")
                                          % {"month": period.strftime("%Y-%m")}]})
    report = ProgressReport(project=project, period=period, investment=Decimal(investment), milestone=milestone or "",
                            physical_progress=physical_progress, problems=problems or "", note=note or "",
                            reported_by=_user(actor))
    report.full_clean(exclude=["cumulative"])
    report.save()
    refresh_report_totals(project_ids=[project.pk])
    report.refresh_from_db()
    if problems:
        event_record(kind="project.problem_reported", message=f"{project.code} {period:%Y-%m}: {problems[:200]}",
                     obj=project, actor=actor)
    return report


def refresh_report_totals(*, project_ids: Iterable[int] | None = None) -> None:
    """Recompute each report's cumulative investment and each project's total and last reported month,
    set-based (a window sum over the reports, then bulk updates)."""
    reports = ProgressReport.objects.all()
    projects = Project.objects.all()
    if project_ids is not None:
        project_ids = list(project_ids)
        if not project_ids:
            return
        reports = reports.filter(project_id__in=project_ids)
        projects = projects.filter(pk__in=project_ids)
    running = reports.annotate(run=Window(Sum("investment"), partition_by=[F("project_id")],
                                          order_by=F("period").asc())).values_list("id", "run", "cumulative")
    changed = [ProgressReport(id=rid, cumulative=run) for rid, run, cum in running if run != cum]
    ProgressReport.objects.bulk_update(changed, ["cumulative"], batch_size=2000)
    totals = {row["project_id"]: row for row in reports.values("project_id").annotate(
        total=Sum("investment"), last=Max("period"))}
    now = timezone.now()
    updates = []
    for pid, total, last in projects.values_list("id", "invested_total", "last_report_period"):
        row = totals.get(pid)
        new_total, new_last = (row["total"], row["last"]) if row else (Decimal(0), None)
        if new_total != total or new_last != last:
            updates.append(Project(id=pid, invested_total=new_total, last_report_period=new_last, updated=now))
    Project.objects.bulk_update(updates, ["invested_total", "last_report_period", "updated"], batch_size=2000)
