"""Monthly progress reports (one policy for a month already reported, for page, API and importer)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max, Sum, Window
from django.utils import timezone
from django.utils.translation import gettext as _

from industry_brain.core.changelog import changes_record_bulk, snapshot
from industry_brain.core.events import events_record_bulk
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


# The platform's records start here: a month such as 0001-01 is a typing error or an attack.
FIRST_REPORT_MONTH = dt.date(2000, 1, 1)


def _validate_report(project: Project, period: dt.date, investment, physical_progress, today: dt.date) -> None:
    errors = {}
    if period > today.replace(day=1):
        errors["period"] = [_("A month in the future cannot be reported.")]
    elif period < FIRST_REPORT_MONTH:
        errors["period"] = [_("Months before %(first)s cannot be reported.") % {
            "first": FIRST_REPORT_MONTH.strftime("%Y-%m")}]
    if investment is None or Decimal(investment) < 0:
        errors["investment"] = [_("The month's investment is a number of at least 0 (10k yuan).")]
    if physical_progress is not None and not 0 <= int(physical_progress) <= 100:
        errors["physical_progress"] = [_("Physical progress is a percentage between 0 and 100.")]
    if project.stage == Stage.CANCELLED:
        raise TransitionNotAllowed(_("A cancelled project does not report progress."))
    if errors:
        raise ValidationError(errors)


def already_reported(*, project_code: str, period: dt.date, replace: bool) -> str | None:
    """THE policy for a month already reported, shared by page, API and importer: a month is reported once; it
    is replaced only by a submission that says it corrects (`replace=True`: an import file, which states the
    figures of the months it lists, or an API/page submission with `replace`). Returns the refusal, or None
    when the month may be written (the correction is then logged as `project.report_corrected`)."""
    if replace:
        return None
    return _("%(month)s is already reported for this project.") % {"month": period.strftime("%Y-%m")}


CENT = Decimal("0.01")
REPORT_FIELDS = ["investment", "milestone", "physical_progress", "problems", "note", "reported_by"]


@transaction.atomic
def progress_reports_upsert(*, actor, rows: list[dict[str, Any]], replace: bool,
                            today: dt.date | None = None) -> tuple[list[ProgressReport], list[ProgressReport]]:
    """The one writer of progress reports, for every channel (page, API, importer), set-based.

    Each row: project (a Project), period, investment, and optionally milestone, physical_progress, problems,
    note. The same rules for every channel: the actor may change each project (else 403); the month is not in
    the future, the figures are in range and the project is not cancelled; a month already reported follows
    `already_reported` (400 naming the month unless `replace`). The projects' rows are locked while their reports
    change, and cumulative totals are recomputed inside the lock. Writes are audited like single saves: one
    change-log entry per report (before/after) and one event per report (`project.report_submitted` or
    `project.report_corrected`, plus `project.problem_reported` when the row names problems).
    Returns (created, corrected)."""
    today = today or today_local()
    projects = {r["project"].pk: r["project"] for r in rows}
    ids = sorted(projects)
    permitted = set(Project.objects.restrict(actor, "change").filter(pk__in=ids).values_list("pk", flat=True))
    if len(permitted) != len(ids):
        raise PermissionDenied(_("You may not report for this project."))
    # Lock the projects (in id order) so that concurrent reports of one project serialise and the cumulative
    # totals recomputed below are computed from every committed report.
    list(Project.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
    seen = set()
    for r in rows:
        r["period"] = parse_period(r["period"])
        _validate_report(r["project"], r["period"], r.get("investment"), r.get("physical_progress"), today)
        if (r["project"].pk, r["period"]) in seen:
            raise ValidationError({"period": [_("%(code)s %(month)s appears more than once.") % {
                "code": r["project"].code, "month": r["period"].strftime("%Y-%m")}]})
        seen.add((r["project"].pk, r["period"]))
    existing = {(x.project_id, x.period): x for x in ProgressReport.objects.filter(
        project_id__in=ids, period__in={r["period"] for r in rows})}
    user = _user(actor)
    new, changed, before = [], [], {}
    for r in rows:
        project, period = r["project"], r["period"]
        values = {"investment": Decimal(r["investment"]).quantize(CENT), "milestone": r.get("milestone") or "",
                  "physical_progress": r.get("physical_progress"), "problems": r.get("problems") or "",
                  "note": r.get("note") or "", "reported_by": user}
        report = existing.get((project.pk, period))
        if report is None:
            report = ProgressReport(project=project, period=period, **values)
            report.full_clean(exclude=["cumulative", "project"], validate_unique=False, validate_constraints=False)
            new.append(report)
            continue
        report.project = project
        refusal = already_reported(project_code=project.code, period=period, replace=replace)
        if refusal:
            raise ValidationError({"period": [refusal]})
        before[report.pk] = snapshot(report)
        for k, v in values.items():
            setattr(report, k, v)
        report.updated = timezone.now()
        report.full_clean(exclude=["cumulative", "project"], validate_unique=False, validate_constraints=False)
        changed.append(report)
    ProgressReport.objects.bulk_create(new, batch_size=2000)
    ProgressReport.objects.bulk_update(changed, [*REPORT_FIELDS, "updated"], batch_size=2000)
    refresh_report_totals(project_ids=ids)
    changes_record_bulk(objs=new, action="create", actor=actor)
    changes_record_bulk(objs=changed, action="update", before=before, actor=actor)
    events_record_bulk(kind="project.report_submitted", objs=new, actor=actor,
                       message=lambda x: f"{x.project.code} {x.period:%Y-%m}: {x.investment}",
                       data=lambda x: {"project": x.project_id, "period": x.period.strftime("%Y-%m"),
                                       "investment": str(x.investment)})
    events_record_bulk(kind="project.report_corrected", objs=changed, actor=actor,
                       message=lambda x: f"{x.project.code} {x.period:%Y-%m}: {x.investment}",
                       data=lambda x: {"project": x.project_id, "period": x.period.strftime("%Y-%m"),
                                       "investment": str(x.investment),
                                       "before": before[x.pk].get("investment")})
    problems = [x for x in [*new, *changed] if x.problems]
    events_record_bulk(kind="project.problem_reported", objs=problems, actor=actor, target=lambda x: x.project,
                       message=lambda x: f"{x.project.code} {x.period:%Y-%m}: {x.problems[:200]}")
    return new, changed


def progress_report_submit(*, actor, project: Project, period, investment, milestone: str = "",
                           physical_progress: int | None = None, problems: str = "", note: str = "",
                           replace: bool = False, today: dt.date | None = None) -> ProgressReport:
    """Submit one month's report (responsible bureau or investor enterprise) through `progress_reports_upsert`:
    the same rules, events and change log as an import. A month already reported is refused unless `replace`.
    The cumulative investment of this and the later months follows."""
    ensure_permitted(actor, project, "change", _("You may not report for this project."))
    new, changed = progress_reports_upsert(actor=actor, replace=replace, today=today, rows=[{
        "project": project, "period": period, "investment": investment, "milestone": milestone,
        "physical_progress": physical_progress, "problems": problems, "note": note}])
    report = (new or changed)[0]
    report.refresh_from_db()
    report.corrected = bool(changed)  # the API answers 200 for a correction, 201 for a new month
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
