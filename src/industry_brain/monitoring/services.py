"""Writes of the monitoring module: monthly reports (submit, correct with a reason, revisions kept), reminders,
the indicator computation (precomputed table) and the briefing versions."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from industry_brain.core.events import event_record
from industry_brain.core.workdays import add_working_days
from industry_brain.enterprises.models import Enterprise

from .models import (
    REPORT_FIELDS,
    Indicator,
    IndicatorRun,
    MonthlyReport,
    ReportReminder,
    ReportRevision,
    TopMover,
)

MONEY_FIELDS = ("output_value", "sales_value", "export_value", "revenue", "profit", "electricity")


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


def next_month(period: dt.date) -> dt.date:
    return (period.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def report_deadline(period: dt.date) -> dt.date:
    """The last day to report a month: the N-th working day of the following month (N in settings,
    MONITORING_DEADLINE_WORKING_DAYS, default 8)."""
    days = getattr(settings, "MONITORING_DEADLINE_WORKING_DAYS", 8)
    return add_working_days(next_month(period) - dt.timedelta(days=1), days)


def clean_values(data: dict, *, partial_of: MonthlyReport | None = None) -> dict:
    """Validate the report figures; errors name the field."""
    errors: dict[str, list[str]] = {}
    out: dict = {}
    for name in REPORT_FIELDS:
        if name not in data or data[name] in (None, ""):
            if partial_of is not None:
                out[name] = getattr(partial_of, name)
                continue
            if name in ("export_value", "employees", "electricity"):
                out[name] = 0
                continue
            errors[name] = [_("This field is required.")]
            continue
        try:
            value = int(data[name]) if name == "employees" else Decimal(str(data[name]))
        except (ValueError, TypeError, InvalidOperation):
            errors[name] = [_("Give a number.")]
            continue
        if name != "profit" and value < 0:
            errors[name] = [_("Cannot be negative.")]
            continue
        if isinstance(value, Decimal) and abs(value) >= Decimal("1e12"):
            errors[name] = [_("The number is too large.")]
            continue
        out[name] = value
    if not errors and Decimal(out["export_value"]) > Decimal(out["sales_value"]):
        errors["export_value"] = [_("Export delivery value cannot exceed the sales value.")]
    if errors:
        raise ValidationError(errors)
    return out


def _check_period(period: dt.date, today: dt.date) -> None:
    if period >= today.replace(day=1):
        raise ValidationError({"period": [_("Only a month that has ended can be reported.")]})


@transaction.atomic
def report_submit(*, actor, enterprise: Enterprise, period, data: dict,
                  today: dt.date | None = None) -> MonthlyReport:
    """The first report of a month by the enterprise (or its district bureau). A month already reported is
    changed with `report_correct`, which needs a reason."""
    today = today or timezone.localdate()
    period = parse_period(period)
    _check_period(period, today)
    if not enterprise.is_above_scale:
        raise ValidationError({"enterprise": [_("Only above-scale enterprises report monthly.")]})
    values = clean_values(data)
    if MonthlyReport.objects.filter(enterprise=enterprise, period=period).exists():
        raise ValidationError({"period": [_("This month is already reported; send a correction with a reason.")]})
    report = MonthlyReport.objects.create(enterprise=enterprise, period=period,
                                          submitted_by=actor if getattr(actor, "pk", None) else None, **values)
    if not MonthlyReport.objects.permits(actor, report, "add"):
        raise PermissionDenied(_("You cannot report for this enterprise."))
    ReportReminder.objects.filter(enterprise=enterprise, period=period).update(resolved=True)
    event_record(kind="monitoring.report_submitted", message=_("Monthly report %(p)s submitted") % {
        "p": period.strftime("%Y-%m")}, obj=report, actor=actor)
    return report


@transaction.atomic
def report_correct(*, actor, report: MonthlyReport, data: dict, reason: str) -> MonthlyReport:
    """Correct a report: the values before are kept as a revision with the reason."""
    report = MonthlyReport.objects.select_for_update().get(pk=report.pk)
    if not MonthlyReport.objects.permits(actor, report, "change"):
        raise PermissionDenied(_("You cannot correct this report."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for the correction.")]})
    values = clean_values(data, partial_of=report)
    before = {name: str(getattr(report, name)) for name in REPORT_FIELDS}
    ReportRevision.objects.create(report=report, revision=report.revision, values=before, reason=reason[:300],
                                  corrected_by=actor if getattr(actor, "pk", None) else None)
    for name, value in values.items():
        setattr(report, name, value)
    report.revision += 1
    report.save()
    event_record(kind="monitoring.report_corrected", message=_("Monthly report corrected: %(r)s") % {"r": reason},
                 obj=report, actor=actor)
    return report


def missing_reporters(period: dt.date):
    """Above-scale enterprises without a report for the month (all of the city; selectors restrict)."""
    return Enterprise.objects.filter(is_above_scale=True).exclude(
        pk__in=MonthlyReport.objects.filter(period=period).values("enterprise_id"))


@transaction.atomic
def send_reminders(*, actor=None, period=None, today: dt.date | None = None) -> int:
    """After the deadline, remind every above-scale enterprise that has not reported the month (once per month);
    the reminder shows in the enterprise's and its district bureau's home panels."""
    today = today or timezone.localdate()
    period = parse_period(period) if period else (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    deadline = report_deadline(period)
    if today <= deadline:
        return 0
    already = ReportReminder.objects.filter(period=period).values("enterprise_id")
    rows = [ReportReminder(enterprise_id=pk, period=period, deadline=deadline)
            for pk in missing_reporters(period).exclude(pk__in=already).values_list("pk", flat=True)]
    ReportReminder.objects.bulk_create(rows, batch_size=2000)
    if rows:
        event_record(kind="monitoring.reminders_sent", message=_("%(n)s reminders for %(p)s") % {
            "n": len(rows), "p": period.strftime("%Y-%m")}, actor=actor, data={"period": period.isoformat()})
    return len(rows)


# ------------------------------------------------------------------------------------------- indicators

def compute_indicators(*, actor=None, engine: str = "duckdb", spark=None,
                       parquet_dir: str | None = None) -> IndicatorRun:
    """Recompute the indicator table from the monthly reports (DuckDB by default, PySpark when asked) and store it,
    with the top movers of every cockpit group and the groups' investment growth; the pages read only the stored
    tables."""
    from . import analytics, extract

    started = time.perf_counter()
    timings = {}
    if engine == "duckdb" and not parquet_dir:
        # the scheduled run: the analytic copy (firm × month, a column per year) is brought up to date with the
        # reports submitted or corrected since the last run, and the rollup reads it
        from . import analytic_copy

        frames = extract.frames_from_db(with_reports=False)
        timings["extract"] = time.perf_counter() - started
        con = analytic_copy.connect()
        try:
            copy = analytic_copy.sync(con)
            timings["copy_sync"] = time.perf_counter() - started - timings["extract"]
            df, movers = analytics.run_duckdb_yearly(con, frames)
        finally:
            con.close()
        rows_in = copy["reports"]
        timings["rollup"] = time.perf_counter() - started - timings["extract"] - timings["copy_sync"]
    else:
        frames = extract.frames_from_db()
        rows_in = len(frames["reports"])
        timings["extract"] = time.perf_counter() - started
        if engine == "pyspark":
            if spark is None:
                spark = extract.spark_session()
            df, movers = analytics.run_pyspark(frames, spark, with_movers=True)
        else:
            df, movers = analytics.run_duckdb(None if parquet_dir else frames, parquet_dir=parquet_dir,
                                              with_movers=True)
        timings["rollup"] = time.perf_counter() - started - timings["extract"]
    rows = extract.indicator_rows(df, investment=extract.investment_by_group())
    mover_rows = extract.mover_rows(movers)
    timings["rows"] = time.perf_counter() - started - sum(timings.values())
    with transaction.atomic():
        run = IndicatorRun.objects.create(engine=engine, rows_in=rows_in, rows_out=len(rows),
                                          seconds=time.perf_counter() - started, timings=timings)
        Indicator.objects.all().delete()
        TopMover.objects.all().delete()
        for row in rows + mover_rows:
            row.run = run
        Indicator.objects.bulk_create(rows, batch_size=5000)
        TopMover.objects.bulk_create(mover_rows, batch_size=5000)
        run.seconds = time.perf_counter() - started
        timings["store"] = run.seconds - sum(timings.values())
        run.save(update_fields=["seconds", "timings"])
    event_record(kind="monitoring.indicators_computed", message=_("Indicators computed (%(e)s)") % {"e": engine},
                 actor=actor, data={"rows": len(rows)})
    return run
