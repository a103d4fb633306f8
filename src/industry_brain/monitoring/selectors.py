"""Reads of the monitoring module. Every function takes the user and restricts: reports by the report scope,
aggregates by the published-aggregate rules (models.indicator_scope), firms behind a figure by both."""

from __future__ import annotations

import datetime as dt

from django.db.models import DecimalField, ExpressionWrapper, F, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.http import Http404
from django.utils import timezone

from industry_brain.accounts.choices import Role

from .models import Briefing, BriefingStatus, Dimension, Indicator, MonthlyReport, ReportReminder
from .services import missing_reporters, report_deadline

DIMENSIONS = [d.value for d in Dimension]


def report_list(*, user) -> QuerySet[MonthlyReport]:
    return MonthlyReport.objects.restrict(user, "view").select_related("enterprise", "enterprise__district")


def indicators(*, user) -> QuerySet[Indicator]:
    return Indicator.objects.restrict(user, "view")


def latest_period(*, user=None, today: dt.date | None = None) -> dt.date | None:
    """The latest month whose reporting deadline has passed (else the latest month) among the rows the user sees."""
    today = today or timezone.localdate()
    qs = Indicator.objects.filter(dimension=Dimension.CITY) if user is None else indicators(user=user)
    periods = list(qs.values_list("period", flat=True).distinct().order_by("-period")[:3])
    for period in periods:
        if report_deadline(period) < today:
            return period
    return periods[0] if periods else None


def indicator_table(*, user, period: dt.date, by: str) -> list[Indicator]:
    """One month's rows of a dimension that the user may see, ranked by 1—N月 value-added growth."""
    if by not in DIMENSIONS:
        raise Http404
    return list(indicators(user=user).filter(period=period, dimension=by).order_by(F("rank").asc(nulls_last=True),
                                                                                   "key"))


def indicator_row(*, user, period: dt.date, dimension: str, key: str) -> Indicator:
    row = indicators(user=user).filter(period=period, dimension=dimension, key=key).first()
    if row is None:
        raise Http404
    return row


def series(*, user, dimension: str, key: str, end: dt.date, months: int = 24) -> list[Indicator]:
    start = dt.date(end.year - (months // 12), end.month, 1)
    return list(indicators(user=user).filter(dimension=dimension, key=key, period__gt=start, period__lte=end)
                .order_by("period"))


def group_reports(*, user, dimension: str, key: str, period: dt.date) -> QuerySet[MonthlyReport]:
    """The firms behind a figure: the month's reports of the group's members that the user may see."""
    qs = report_list(user=user).filter(period=period)
    if dimension == Dimension.CITY:
        return qs
    if dimension == Dimension.DISTRICT:
        return qs.filter(enterprise__district_id=key)
    if dimension == Dimension.INDUSTRY:
        return qs.filter(enterprise__industry_id=key)
    if dimension == Dimension.ECOSYSTEM:
        return qs.filter(enterprise__memberships__node__chain__ecosystem_id=key).distinct()
    if dimension == Dimension.CHAIN:
        return qs.filter(enterprise__memberships__node__chain_id=key).distinct()
    if dimension == Dimension.SCHEME:
        from .models import ClassificationBridge

        return qs.filter(enterprise__industry_id__in=ClassificationBridge.objects.filter(scheme=key)
                         .values("industry_id"))
    raise Http404


def top_movers(*, user, dimension: str, key: str, period: dt.date, limit: int = 5) -> dict:
    """Firms (within scope) with the largest rise and fall of gross output against the same month last year,
    ranked in the database (one indexed look-up of last year's report per firm)."""
    last = MonthlyReport.objects.filter(enterprise_id=OuterRef("enterprise_id"),
                                        period=period.replace(year=period.year - 1)).values("output_value")[:1]
    qs = (group_reports(user=user, dimension=dimension, key=key, period=period)
          .annotate(last=Subquery(last)).filter(last__isnull=False)
          .annotate(change=ExpressionWrapper(F("output_value") - F("last"), output_field=DecimalField())))

    def rows(order):
        return [{"enterprise": r.enterprise, "output": float(r.output_value), "change": float(r.change)}
                for r in qs.order_by(order, "enterprise_id")[:limit]]

    return {"up": rows("-change"), "down": rows("change")}


def enterprise_position(*, user, period: dt.date | None = None) -> dict:
    """An enterprise's own figures and its position (percentile of 1—N月 output growth) in its industry division.
    No other firm's figure leaves this function."""
    if user.role != Role.ENTERPRISE:
        raise Http404
    own = MonthlyReport.objects.restrict(user, "view")
    period = period or own.aggregate(p=Max("period"))["p"]
    if period is None:
        raise Http404
    ent = user.enterprise
    start, prev_start = period.replace(month=1), period.replace(year=period.year - 1, month=1)
    prev_end = period.replace(year=period.year - 1)
    peers = MonthlyReport.objects.filter(enterprise__industry_id=ent.industry_id)
    now = dict(peers.filter(period__gte=start, period__lte=period).values("enterprise_id")
               .annotate(s=Sum("output_value")).values_list("enterprise_id", "s"))
    before = dict(peers.filter(period__gte=prev_start, period__lte=prev_end).values("enterprise_id")
                  .annotate(s=Sum("output_value")).values_list("enterprise_id", "s"))
    growth = {pk: float(now[pk] / before[pk] * 100 - 100) for pk in now if before.get(pk)}
    mine = growth.get(ent.pk)
    percentile = None
    if mine is not None and len(growth) > 1:
        below = sum(1 for g in growth.values() if g < mine)
        percentile = round(below / (len(growth) - 1) * 100, 1)
    return {"period": period, "output_cum": float(now.get(ent.pk) or 0), "output_growth_cum": mine,
            "percentile": percentile, "peers": len(growth), "industry": ent.industry}


def missing_reports(*, user, period: dt.date) -> QuerySet:
    """Above-scale firms (within the user's report scope) without a report for the month."""
    from industry_brain.enterprises.models import Enterprise

    visible = MonthlyReport.scope(user, "view") if not user.is_city else Q()
    qs = missing_reporters(period)
    if visible is None:
        return Enterprise.objects.none()
    if not user.is_city:
        # the report scope speaks of `enterprise__…`; the same rule on enterprises
        if user.role == Role.ENTERPRISE:
            qs = qs.filter(pk=user.enterprise_id)
        elif user.role == Role.DISTRICT:
            qs = qs.filter(district_id=user.district_code)
        else:
            return Enterprise.objects.none()
    return qs.select_related("district").order_by("district_id", "name")


def completeness(*, user, period: dt.date, today: dt.date | None = None) -> dict:
    today = today or timezone.localdate()
    missing = missing_reports(user=user, period=period)
    reported = report_list(user=user).filter(period=period).count()
    n_missing = missing.count()
    expected = reported + n_missing
    return {"period": period, "deadline": report_deadline(period), "past_deadline": today > report_deadline(period),
            "reported": reported, "missing": n_missing,
            "rate": round(reported / expected * 100, 1) if expected else None}


def open_reminders(*, user) -> QuerySet[ReportReminder]:
    return ReportReminder.objects.restrict(user, "view").filter(resolved=False).select_related("enterprise")


def investment_growth(*, user, period: dt.date) -> dict:
    """工业投资 and 制造业投资 1—N月 growth from the investment projects' monthly reports (nominal), read through
    the projects module's selector (the user's project scope)."""
    from industry_brain.projects.models import ProgressReport
    from industry_brain.projects.selectors import project_list

    projects = project_list(user=user).values("pk")
    reports = ProgressReport.objects.filter(project_id__in=projects)
    out = {}
    for name, cond in (("industrial", Q(project__industry__section_id__in=["B", "C", "D"])),
                       ("manufacturing", Q(project__industry__section_id="C"))):
        this = reports.filter(cond, period__gte=period.replace(month=1), period__lte=period).aggregate(
            s=Sum("investment"))["s"] or 0
        last = reports.filter(cond, period__gte=period.replace(year=period.year - 1, month=1),
                              period__lte=period.replace(year=period.year - 1)).aggregate(s=Sum("investment"))["s"] or 0
        out[name] = {"value": float(this), "previous": float(last),
                     "growth": float(this / last * 100 - 100) if last else None}
    return out


def cockpit_warnings(*, user) -> dict:
    """Warnings of the other modules, each within the user's scope: red projects, overdue demands."""
    from industry_brain.demands.selectors import demand_list, overdue
    from industry_brain.projects.selectors import red_projects

    red = red_projects(user=user)
    late = overdue(demand_list(user=user))
    return {"red_projects": red.count(), "red_list": list(red[:5]), "overdue_demands": late.count(),
            "overdue_list": list(late.select_related("enterprise")[:5])}


def briefings(*, user) -> QuerySet[Briefing]:
    return Briefing.objects.restrict(user, "view")


def latest_issued(period: dt.date) -> bool:
    return Briefing.objects.filter(period=period, status=BriefingStatus.ISSUED).exists()
