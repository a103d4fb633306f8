"""The warning rule evaluators. Each evaluator runs a few set-based queries over the whole project table and
answers {project_id: (level, facts)} for the projects on which the rule holds as of `today`.

A rule's code, texts, thresholds and maximum level are data (WarningRule rows edited by city administrators);
the evaluator named by `rule.kind` reads the thresholds. SQL does the filtering (only triggering rows come
back to Python); Python only writes the facts of those rows. The queries are unordered (`order_by()`): the
model's default order would sort every triggering row, or walk the whole table in that order, for nothing.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.db.models import Case, DateField, DecimalField, Exists, F, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from .choices import MILESTONE_ORDER, OPEN_STAGES, REPORTING_STAGES, RuleKind, Stage
from .defaults import DEFAULT_RULES  # noqa: F401  (re-exported)
from .models import ProgressReport, Project, WarningRule

Result = dict[int, tuple[str, dict]]

# Which thresholds each evaluator needs (validated when an administrator edits a rule).
THRESHOLD_KEYS: dict[str, tuple[str, ...]] = {
    RuleKind.MILESTONE_OVERDUE: ("yellow_after_days", "red_after_days"),
    RuleKind.INVESTMENT_BEHIND: ("yellow_points", "red_points", "report_due_day"),
    RuleKind.START_OVERDUE: ("months",),
    RuleKind.REPORT_MISSING: ("due_day", "yellow_months", "red_months"),
    RuleKind.INVESTMENT_STALLED: ("months", "due_day"),
}
THRESHOLD_LABELS = {
    "yellow_after_days": _("Yellow after (days overdue)"), "red_after_days": _("Red after (days overdue)"),
    "yellow_points": _("Yellow from (points behind)"), "red_points": _("Red above (points behind)"),
    "report_due_day": _("Reports due by day of month"), "due_day": _("Reports due by day of month"),
    "months": _("Months"), "yellow_months": _("Yellow after (months unreported)"),
    "red_months": _("Red after (months unreported)"),
}


def threshold_errors(kind: str, thresholds: dict) -> list[str]:
    """Problems with a rule's thresholds (empty when they are usable)."""
    errors = []
    for key in THRESHOLD_KEYS[kind]:
        value = thresholds.get(key)
        if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
            errors.append(f"{key}: a number of at least 0 is required")
    if errors:
        return errors
    pairs = [("yellow_after_days", "red_after_days"), ("yellow_points", "red_points"), ("yellow_months", "red_months")]
    for low, high in pairs:
        if low in thresholds and high in thresholds and thresholds[low] > thresholds[high]:
            errors.append(f"{low} must not exceed {high}")
    for key in ("due_day", "report_due_day"):
        if key in thresholds and not 0 <= thresholds[key] <= 28:
            errors.append(f"{key}: a day between 0 and 28")
    for key in ("months", "yellow_months", "red_months"):
        value = thresholds.get(key)
        if key in thresholds and (value < 1 or value > 24 or int(value) != value):
            errors.append(f"{key}: a whole number of months between 1 and 24")
    return errors


# ----- calendar helpers -----

def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months later (or earlier), clipped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def months_between(earlier: dt.date, later: dt.date) -> int:
    """Whole calendar months from `earlier`'s month to `later`'s month."""
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def expected_month(today: dt.date, due_day: int) -> dt.date:
    """The latest month whose report is due: last month once its due day has passed, else the month before."""
    last = add_months(month_start(today), -1)
    return last if today.day > due_day else add_months(last, -1)


# ----- evaluators -----

def _next_planned_expression():
    """The planned date of a project's next milestone: the first planned one after its current stage
    (milestones without a planned date do not apply to the project and are skipped)."""
    whens = []
    for i, stage in enumerate(OPEN_STAGES):
        fields = [F(f"planned_{m}") for m in MILESTONE_ORDER[i:]]
        whens.append(When(stage=stage, then=Coalesce(*fields) if len(fields) > 1 else fields[0]))
    return Case(*whens, default=None, output_field=DateField())


def eval_milestone_overdue(rule: WarningRule, today: dt.date) -> Result:
    t = rule.thresholds
    yellow_after, red_after = int(t["yellow_after_days"]), int(t["red_after_days"])
    planned = [f"planned_{m}" for m in MILESTONE_ORDER]
    rows = (Project.objects.filter(stage__in=OPEN_STAGES)
            .annotate(next_planned=_next_planned_expression())
            .filter(next_planned__lt=today - dt.timedelta(days=yellow_after))
            .order_by().values_list("id", "stage", "next_planned", *planned))
    out: Result = {}
    for pid, stage, next_planned, *dates in rows.iterator(chunk_size=5000):
        days = (today - next_planned).days
        if days <= yellow_after:
            continue
        start = OPEN_STAGES.index(stage)
        milestone = next(m for m, d in zip(MILESTONE_ORDER[start:], dates[start:], strict=True) if d is not None)
        out[pid] = ("red" if days > red_after else "yellow",
                    {"milestone": milestone, "planned": next_planned.isoformat(), "days_overdue": days,
                     "yellow_after_days": yellow_after, "red_after_days": red_after})
    return out


def eval_investment_behind(rule: WarningRule, today: dt.date) -> Result:
    """序时进度: months reported so far this year ÷ 12, against the year-to-date investment ÷ this year's plan."""
    t = rule.thresholds
    yellow_pts, red_pts = Decimal(str(t["yellow_points"])), Decimal(str(t["red_points"]))
    upto = expected_month(today, int(t["report_due_day"]))
    year = today.year
    months = upto.month if upto.year == year else 0
    if months == 0:
        return {}
    # order_by(): the report's default order names the project, which would join the project table into every
    # correlated sum; unordered, each sum is one range of the (project, period) index.
    ytd = Subquery(ProgressReport.objects.filter(project=OuterRef("pk"), period__gte=dt.date(year, 1, 1),
                                                 period__lte=upto)
                   .order_by().values("project").annotate(s=Sum("investment")).values("s"))
    money = DecimalField(max_digits=20, decimal_places=2)
    # gap >= yellow  <=>  100*months/12 - 100*ytd/plan >= yellow  <=>  1200*ytd <= (100*months - 12*yellow)*plan
    factor = Decimal(100 * months) - 12 * yellow_pts
    rows = (Project.objects.exclude(stage__in=[Stage.CANCELLED, Stage.FULL_PRODUCTION])
            .filter(plans__year=year, plans__amount__gt=0)
            .annotate(plan=F("plans__amount"), ytd=Coalesce(ytd, Value(Decimal(0)), output_field=money))
            .alias(lhs=F("ytd") * Value(Decimal(1200), output_field=money),
                   rhs=F("plan") * Value(factor, output_field=money))
            .filter(lhs__lte=F("rhs"))
            .order_by().values_list("id", "plan", "ytd"))
    share = Decimal(100 * months) / 12
    out: Result = {}
    for pid, plan, done in rows.iterator(chunk_size=5000):
        plan, done = Decimal(plan), Decimal(done or 0)
        if 1200 * done > (100 * months - 12 * yellow_pts) * plan:
            continue  # a database rounding artefact at the boundary: exact arithmetic decides
        red = 1200 * done < (100 * months - 12 * red_pts) * plan
        rate = done * 100 / plan
        out[pid] = ("red" if red else "yellow",
                    {"year": year, "months_elapsed": months, "annual_plan": float(plan), "ytd_investment": float(done),
                     "completion_pct": round(float(rate), 2), "schedule_pct": round(float(share), 2),
                     "points_behind": round(float(share - rate), 2), "yellow_points": float(yellow_pts),
                     "red_points": float(red_pts), "up_to": upto.strftime("%Y-%m")})
    return out


def eval_start_overdue(rule: WarningRule, today: dt.date) -> Result:
    months = int(rule.thresholds["months"])
    cutoff = add_months(today, -months)
    rows = (Project.objects.filter(stage__in=[Stage.RESERVE, Stage.SIGNED, Stage.LAND], actual_start__isnull=True,
                                   planned_start__lt=cutoff)
            .order_by().values_list("id", "planned_start"))
    return {pid: ("red", {"planned_start": planned.isoformat(), "days_overdue": (today - planned).days,
                          "months": months})
            for pid, planned in rows.iterator(chunk_size=5000)}


def eval_report_missing(rule: WarningRule, today: dt.date) -> Result:
    t = rule.thresholds
    yellow_m, red_m = int(t["yellow_months"]), int(t["red_months"])
    due = expected_month(today, int(t["due_day"]))
    # A project reports from the month it enters a reporting stage (land supply, or start when land is skipped).
    since = Coalesce("actual_land", "actual_start", "actual_completion", "actual_production")
    due_end = add_months(due, 1) - dt.timedelta(days=1)
    rows = (Project.objects.filter(stage__in=REPORTING_STAGES)
            .filter(Q(last_report_period__isnull=True) | Q(last_report_period__lt=due))
            .annotate(since=since).filter(since__lte=due_end)
            .order_by().values_list("id", "last_report_period", "since"))
    out: Result = {}
    for pid, last, since_date in rows.iterator(chunk_size=5000):
        first_required = month_start(since_date)
        last_covered = last if last is not None and last >= first_required else add_months(first_required, -1)
        missing = months_between(last_covered, due)
        if missing < yellow_m:
            continue
        out[pid] = ("red" if missing >= red_m else "yellow",
                    {"due_month": due.strftime("%Y-%m"), "last_report": last.strftime("%Y-%m") if last else None,
                     "months_missing": missing, "yellow_months": yellow_m, "red_months": red_m})
    return out


def eval_investment_stalled(rule: WarningRule, today: dt.date) -> Result:
    t = rule.thresholds
    months = int(t["months"])
    last = expected_month(today, int(t["due_day"]))
    first = add_months(last, -(months - 1))
    invested = ProgressReport.objects.filter(project=OuterRef("pk"), period__gte=first, period__lte=last,
                                             investment__gt=0)
    rows = (Project.objects.filter(stage=Stage.CONSTRUCTION, actual_start__lt=first)
            .filter(~Exists(invested))
            .order_by().values_list("id", "actual_start"))
    return {pid: ("red", {"from": first.strftime("%Y-%m"), "to": last.strftime("%Y-%m"), "months": months,
                          "investment": 0, "actual_start": started.isoformat()})
            for pid, started in rows.iterator(chunk_size=5000)}


EVALUATORS: dict[str, Callable[[WarningRule, dt.date], Result]] = {
    RuleKind.MILESTONE_OVERDUE: eval_milestone_overdue,
    RuleKind.INVESTMENT_BEHIND: eval_investment_behind,
    RuleKind.START_OVERDUE: eval_start_overdue,
    RuleKind.REPORT_MISSING: eval_report_missing,
    RuleKind.INVESTMENT_STALLED: eval_investment_stalled,
}


def evaluate_rule(rule: WarningRule, today: dt.date) -> Result:
    """Run one rule; a rule whose maximum level is yellow never raises red."""
    result = EVALUATORS[rule.kind](rule, today)
    if rule.level == "yellow":
        result = {pid: ("yellow", facts) for pid, (_level, facts) in result.items()}
    return result
