"""Reads of the monitoring module. Every function takes the user and restricts: reports by the report scope,
aggregates by the published-aggregate rules (models.indicator_scope), firms behind a figure by both."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, Max, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from industry_brain.core.permissions import can

from .models import (
    Briefing,
    BriefingStatus,
    Dimension,
    Indicator,
    MonthlyReport,
    ReportReminder,
    TopMover,
    reporter_scope,
)
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
    if dimension in (Dimension.ECOSYSTEM, Dimension.CHAIN):
        # the group's members: firms with a confirmed membership there, as the indicator run grouped them
        from industry_brain.chains.models import ChainMembership

        place = "node__chain__ecosystem_id" if dimension == Dimension.ECOSYSTEM else "node__chain_id"
        return qs.filter(enterprise_id__in=ChainMembership.objects.counted().filter(**{place: key})
                         .values("enterprise_id"))
    if dimension == Dimension.SCHEME:
        from .models import ClassificationBridge

        return qs.filter(enterprise__industry_id__in=ClassificationBridge.objects.filter(scheme=key)
                         .values("industry_id"))
    raise Http404


def top_movers(*, user, dimension: str, key: str, period: dt.date, limit: int = 5) -> dict:
    """Firms with the largest rise and fall of gross output against the same month last year in a cockpit group,
    as stored by the indicator run (one query), and only those whose reports the user may see."""
    rows = (TopMover.objects.restrict(user, "view").filter(period=period, dimension=dimension, key=key,
                                                           position__lte=limit)
            .select_related("enterprise").order_by("direction", "position"))
    out: dict[str, list] = {"up": [], "down": []}
    for r in rows:
        out[r.direction].append({"enterprise": r.enterprise, "output": r.output, "change": r.change})
    return out


def enterprise_position(*, user, period: dt.date | None = None) -> dict:
    """An enterprise's own figures and its position (percentile of 1—N月 output growth) in its industry division.
    No other firm's figure leaves this function."""
    if not can(user, "view_position", MonthlyReport):
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

    scope = reporter_scope(user, "view")
    if scope is None:
        return Enterprise.objects.none()
    qs = missing_reporters(period).filter(scope)
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


def investment_growth(*, row: Indicator) -> dict:
    """工业投资 and 制造业投资 1—N月 of the indicator row's group, as stored by the indicator run (the projects'
    monthly reports; see extract.investment_by_group)."""
    return {kind: {"value": getattr(row, f"inv_{kind}_cum"), "growth": getattr(row, f"inv_{kind}_growth_cum")}
            for kind in ("industrial", "manufacturing")}


def supply_risk(*, user, dimension: str, key: str, limit: int = 5) -> dict:
    """Supply risk of a cockpit group, read through the supply module's selectors (each within the user's scope):
    active emergencies, and from the latest computed chain-break scenario the local firms flagged (they survive
    less long than their suppliers need to recover), the chain nodes and the missing materials most often behind
    them. A fixed number of queries."""
    from industry_brain.supply.choices import EmergencyStatus
    from industry_brain.supply.selectors import emergency_list, result_list, scenario_list

    emergencies = emergency_list(user=user).filter(status=EmergencyStatus.ACTIVE).order_by("-started_on", "-id")
    scenario = scenario_list(user=user).filter(last_run__status="done").order_by("-last_run_id").first()
    run = scenario.last_run if scenario is not None else None
    flagged = result_list(user=user, run=run).filter(flagged=True).order_by()
    if dimension == Dimension.DISTRICT:
        flagged = flagged.filter(district_id=key)
    elif dimension == Dimension.ECOSYSTEM:
        flagged = flagged.filter(chain__ecosystem_id=key)
    elif dimension != Dimension.CITY:
        raise Http404
    nodes = list(flagged.filter(node__isnull=False).values("node_id", "node__name", "chain__name")
                 .annotate(firms=Count("id"), lost=Sum("lost_value")).order_by("-firms", "-lost")[:limit])
    materials = list(flagged.filter(missing_material__isnull=False).values("missing_material__name")
                     .annotate(firms=Count("id")).order_by("-firms", "missing_material__name")[:limit])
    totals = flagged.aggregate(firms=Count("id"), lost=Sum("lost_value"))
    return {"emergencies": list(emergencies[:3]), "emergency_count": emergencies.count(), "scenario": scenario,
            "flagged": totals["firms"] or 0, "lost": totals["lost"] or 0, "nodes": nodes, "materials": materials}


def cockpit_warnings(*, user, dimension: str = "city", key: str = "all") -> dict:
    """Warnings of the other modules, each within the user's scope and narrowed to the cockpit's group (the projects
    and demands of a district, of an ecosystem): red projects, overdue demands."""
    from industry_brain.chains.models import ChainMembership
    from industry_brain.demands.selectors import demand_list, overdue
    from industry_brain.projects.selectors import red_projects

    red = red_projects(user=user)
    late = overdue(demand_list(user=user))
    if dimension == Dimension.DISTRICT:
        red, late = red.filter(district_id=key), late.filter(district_id=key)
    elif dimension == Dimension.ECOSYSTEM:
        members = ChainMembership.objects.counted().filter(node__chain__ecosystem_id=key).values("enterprise_id")
        red, late = red.filter(ecosystem_id=key), late.filter(enterprise_id__in=members)
    return {"red_projects": red.count(), "red_list": list(red[:5]), "overdue_demands": late.count(),
            "overdue_list": list(late.select_related("enterprise")[:5])}


def briefings(*, user) -> QuerySet[Briefing]:
    return Briefing.objects.restrict(user, "view")


def latest_issued(period: dt.date) -> bool:
    return Briefing.objects.filter(period=period, status=BriefingStatus.ISSUED).exists()
