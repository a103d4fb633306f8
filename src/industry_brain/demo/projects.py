"""Synthetic investment projects with a year of monthly progress, from which warnings and supervision orders
emerge by the real rules (nothing assigned directly).

Each project gets a lifecycle stage, planned and actual milestone dates, this and last year's plans and monthly
reports relative to today's date. Most projects are generated on schedule; about one in ten is given a
yellow-sized slip and about one in twenty-five a red-sized one (a late milestone, investment behind the plan,
a late start, missing reports, stalled investment); the rules then decide. Supervision orders in every state
come from running the real services over three simulated days (issue, escalation, responses and reviews).
Deterministic for a given seed (apart from today's date). Bulk inserts throughout.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction

from industry_brain.chains.models import Chain, ChainNode
from industry_brain.core.context import acting_as
from industry_brain.core.geo import random_point_in_district
from industry_brain.core.models import IndustryDivision
from industry_brain.demo.foundation import weighted_choice
from industry_brain.enterprises.models import Enterprise
from industry_brain.projects import services
from industry_brain.projects.choices import MILESTONE_ORDER, MILESTONE_STAGE, SUPERVISION_AWAITING_RESPONSE
from industry_brain.projects.models import MilestoneRecord, ProgressReport, Project, SupervisionOrder, YearlyPlan
from industry_brain.projects.rules import add_months, expected_month, month_start

from .catalogue import DISTRICT_WEIGHTS, STREETS

SCALES = {"tiny": 100, "city": 2_500, "province": 25_000}
# The source's 1—10月 工业投资 and 制造业投资 growth, which the demo's last year is scaled to (see _calibrate_base).
INDUSTRIAL_GROWTH, MANUFACTURING_GROWTH = 0.287, 0.351
INVESTMENT_SECTIONS = ("B", "C", "D")
STAGE_WEIGHTS = {"reserve": 7, "signed": 8, "land": 8, "construction": 42, "completed": 8, "production": 15,
                 "full_production": 9, "cancelled": 3}
OUTSIDE_INVESTORS = [("上海", "上海临港智造投资有限公司"), ("深圳", "深圳市鹏程新能源科技有限公司"),
                     ("北京", "北京中关村芯谷科技有限公司"), ("苏州", "苏州工业园区精密制造有限公司"),
                     ("德国", "德国莱茵精密机械集团"), ("日本", "日本东和电子株式会社"), ("新加坡", "新加坡联合生物医药集团"),
                     ("香港", "香港瑞丰投资控股有限公司"), ("合肥", "合肥晶合半导体材料有限公司"), ("宁波", "宁波甬江新材料有限公司")]
KINDS = ["产业化项目", "智能制造基地项目", "研发及生产基地项目", "扩产项目", "数字化工厂项目", "技术改造项目"]
UNITS = ["套", "台", "吨", "万片", "万件"]
DUE_DAY = 10


def _d(x: float) -> Decimal:
    return Decimal(str(round(x, 2)))


class _Builder:
    """Builds one project's dates, plans and reports for a stage and a health class."""

    def __init__(self, rng: random.Random, today: dt.date, early_rng: random.Random | None = None):
        self.rng, self.today = rng, today
        self.due = expected_month(today, DUE_DAY)  # the latest month whose report is due
        # Reports reach back to January of the year before the due month's (the base of 1—N月 investment growth);
        # the months before the last fourteen draw from their own generator, so the rest of the demo stays as it was.
        self.early_rng = early_rng or random.Random(0)
        self.base_start = dt.date(self.due.year - 1, 1, 1)

    def dates(self, stage: str, renovation: bool, health: str, cause: str) -> dict:
        rng, today = self.rng, self.today
        gaps = {"signed": 0, "land": rng.randint(60, 150), "start": rng.randint(60, 180),
                "completion": rng.randint(330, 720), "production": rng.randint(30, 120),
                "full_production": rng.randint(240, 420)}
        milestones = [m for m in MILESTONE_ORDER if not (renovation and m == "land")]
        reached = 0 if stage in ("reserve", "cancelled") else [MILESTONE_STAGE[m] for m in milestones].index(stage) + 1
        if stage == "cancelled":
            reached = rng.randint(0, 2)
        # Entry into the current stage: up to two years ago (but recent enough for the next step to be plausible).
        entry = today - dt.timedelta(days=rng.randint(20, 600 if reached >= 3 else 300))
        if cause == "late_milestone":
            entry = today - dt.timedelta(days=rng.randint(300, 700))
        actual: dict[str, dt.date] = {}
        day = entry
        for idx in range(reached - 1, -1, -1):
            actual[milestones[idx]] = day
            day -= dt.timedelta(days=gaps[milestones[idx]])
        planned: dict[str, dt.date] = {}
        for m in milestones[:reached]:
            planned[m] = actual[m] - dt.timedelta(days=rng.randint(-45, 30))
        # Plan ahead from the last milestone (or from a signing planned around today for reserve projects).
        anchor = actual[milestones[reached - 1]] if reached else today + dt.timedelta(days=rng.randint(-20, 150))
        ahead = milestones[reached:]
        for i, m in enumerate(ahead):
            if i == 0 and not reached:
                planned[m] = anchor
            else:
                base = planned[ahead[i - 1]] if i else anchor
                planned[m] = base + dt.timedelta(days=gaps[m])
        # The next milestone's planned date decides P01 (and P03 for the start).
        if ahead and stage != "cancelled":
            nxt = ahead[0]
            if cause == "late_milestone":
                target = today - dt.timedelta(days=rng.randint(31, 88) if health == "yellow" else rng.randint(92, 200))
            elif cause == "late_start":
                target = None
            else:
                low = max((planned[nxt] - today).days, -25)
                target = today + dt.timedelta(days=max(low, rng.randint(-25, 240)))
            if target is not None:
                shift = target - planned[nxt]
                for m in ahead:
                    planned[m] += shift
            if cause == "late_start" or (cause != "late_milestone" and "start" in ahead):
                # Not started: the planned start stays within three months (healthy) or beyond them (red).
                if cause == "late_start":
                    start = today - dt.timedelta(days=rng.randint(100, 300))
                else:
                    start = max(planned["start"], today - dt.timedelta(days=rng.randint(0, 25)))
                first = ahead.index("start")
                prev = planned[ahead[first - 1]] if first else (actual[milestones[reached - 1]] if reached else None)
                if prev is not None and start < prev:
                    # Keep planned dates in order: move the earlier planned ones back before the start.
                    for m in ahead[:first]:
                        planned[m] = start - dt.timedelta(days=30 * (first - ahead.index(m)))
                shift = start - planned["start"]
                for m in ahead[first:]:
                    planned[m] += shift
        if reached and ahead and planned[ahead[0]] < actual[milestones[reached - 1]]:
            planned[ahead[0]] = actual[milestones[reached - 1]] + dt.timedelta(days=1)
        # Keep the plan in order after the shifts.
        order = [m for m in milestones if m in planned]
        for a, b in zip(order, order[1:], strict=False):
            if planned[b] < planned[a]:
                planned[b] = planned[a] + dt.timedelta(days=30)
        out = {f"planned_{m}": d for m, d in planned.items()}
        out.update({f"actual_{m}": d for m, d in actual.items()})
        return out

    def reports(self, since: dt.date | None, until: dt.date | None, plan_now: float, plan_last: float,
                health: str, cause: str, constructing: bool) -> list[tuple[dt.date, float, int]]:
        """Monthly (period, investment, physical progress) from the reporting start up to the due month."""
        if since is None:
            return []
        rng = self.rng
        recent = add_months(month_start(self.today), -14)
        first = max(month_start(since), recent)
        early_first = max(month_start(since), min(recent, self.base_start))
        last = self.due
        if until is not None:
            last = min(last, month_start(until))
        if cause == "missing_reports":
            last = add_months(self.due, -(1 if health == "yellow" else rng.randint(2, 3)))
        months = []
        m = first
        while m <= last:
            months.append(m)
            m = add_months(m, 1)
        if not months:
            return []
        year = self.today.year
        this_year = [p for p in months if p.year == year]
        elapsed = self.due.month if self.due.year == year else 0
        share = elapsed / 12
        if cause == "behind":
            points = rng.uniform(12, 28) if health == "yellow" else rng.uniform(33, 60)
            factor = max(share - points / 100, 0) / share if share else 1
        else:
            factor = rng.uniform(0.95, 1.25)
        ytd_target = plan_now * share * factor
        weights = [rng.uniform(0.6, 1.4) for _ in this_year]
        total_w = sum(weights) or 1
        out = []
        progress = rng.randint(5, 30)
        stalled_from = add_months(self.due, -2) if cause == "stalled" else None
        for p in months:
            if p.year == year:
                amount = ytd_target * weights[this_year.index(p)] / total_w
            else:
                amount = plan_last / 12 * rng.uniform(0.7, 1.3)
            if stalled_from is not None and p >= stalled_from:
                amount = 0
            if constructing and amount <= 0 and stalled_from is None:
                amount = max(plan_now, 100) / 24
            progress = min(100, progress + rng.randint(0, 8))
            out.append((p, round(amount, 2), progress))
        return self._early(early_first, first, out, plan_now, plan_last, constructing) + out

    def _early(self, start: dt.date, first: dt.date, out: list, plan_now: float, plan_last: float,
               constructing: bool) -> list[tuple[dt.date, float, int]]:
        """The months from `start` up to the first of the recent ones (all before this year): last year's plan
        spread over them, the physical progress falling back month by month from the first recent report's."""
        rng = self.early_rng
        months = []
        m = start
        while m < first:
            months.append(m)
            m = add_months(m, 1)
        if not months or not out:
            return []
        progress = out[0][2]
        rows = []
        for p in reversed(months):
            amount = plan_last / 12 * rng.uniform(0.7, 1.3)
            if constructing and amount <= 0:
                amount = max(plan_now, 100) / 24
            progress = max(0, progress - rng.randint(0, 8))
            rows.append((p, round(amount, 2), progress))
        return rows[::-1]


@transaction.atomic
def seed_projects(*, scale: str, seed: int, users: dict) -> None:
    rng = random.Random(seed * 7 + 3)
    today = dt.date.today()
    services.rules_ensure_defaults()
    count = SCALES[scale]
    builder = _Builder(rng, today, early_rng=random.Random(seed * 7 + 4))
    chains = list(Chain.objects.select_related("ecosystem").order_by("pk"))
    nodes_by_chain: dict[int, list[str]] = {}
    for chain_id, name in ChainNode.objects.values_list("chain_id", "name"):
        nodes_by_chain.setdefault(chain_id, []).append(name)
    enterprises = list(Enterprise.objects.filter(is_above_scale=True).order_by("pk")
                       .values_list("pk", "district_id", "industry_id"))
    by_district: dict[str, list] = {}
    for row in enterprises:
        by_district.setdefault(row[1], []).append(row)
    orgs = {code: services.default_responsible_org(code) for code in DISTRICT_WEIGHTS}
    weights = dict(DISTRICT_WEIGHTS)
    weights["330106"] = weights["330106"] * 2  # 西湖 carries the demo accounts: give it plenty
    demo_enterprise = users["enterprise_demo"].enterprise if users.get("enterprise_demo") else None

    projects: list[Project] = []
    plans: list[tuple[int, int, float]] = []
    pending_reports: list[tuple[int, list]] = []
    year = today.year
    for i in range(count):
        district = weighted_choice(rng, weights)
        if demo_enterprise is not None and i < 3:
            district = demo_enterprise.district_id
        chain = rng.choice(chains)
        registered = rng.random() < 0.85 and by_district.get(district)
        enterprise_id, industry = (None, None)
        investor_name = investor_origin = ""
        if demo_enterprise is not None and i < 3:
            enterprise_id, industry = demo_enterprise.pk, demo_enterprise.industry_id
        elif registered:
            enterprise_id, _district, industry = rng.choice(by_district[district])
        else:
            investor_origin, investor_name = rng.choice(OUTSIDE_INVESTORS)
        stage = weighted_choice(rng, STAGE_WEIGHTS)
        renovation = rng.random() < 0.22
        roll = rng.random()
        health = "red" if roll < 0.042 else ("yellow" if roll < 0.148 else "green")
        if demo_enterprise is not None and i < 3:
            stage, health = ("construction", ["green", "yellow", "red"][i])
        causes = {"green": ["none"]}
        if stage in ("reserve", "signed", "land"):
            causes["yellow"] = ["late_milestone"]
            causes["red"] = ["late_start", "late_milestone"]
        elif stage == "construction":
            causes["yellow"] = ["late_milestone", "behind", "missing_reports"]
            causes["red"] = ["late_milestone", "behind", "missing_reports", "stalled"]
        elif stage in ("completed", "production"):
            causes["yellow"] = ["late_milestone", "missing_reports"]
            causes["red"] = ["late_milestone", "missing_reports"]
        else:
            causes["yellow"] = causes["red"] = ["none"]
        if demo_enterprise is not None and i < 3:
            causes = {"green": ["none"], "yellow": ["behind"], "red": ["missing_reports"]}
        cause = rng.choice(causes[health])
        if stage == "land" and renovation:
            renovation = False
        dates = builder.dates(stage, renovation, health, cause)
        total = round(rng.lognormvariate(9.6, 0.9), -1)  # median ~15,000 万元 (1.5 亿元)
        total = min(max(total, 2_000), 800_000)
        lon, lat = random_point_in_district(district, rng)
        node = rng.choice(nodes_by_chain.get(chain.pk, [chain.name]))
        kind = "技术改造项目" if renovation else rng.choice(KINDS[:-1])
        name = (f"年产{rng.randint(2, 80)}{rng.choice(UNITS)}{node}{kind}" if rng.random() < 0.5 else f"{node}{kind}")
        street = rng.choice(STREETS.get(district, [""]))
        project = Project(
            code=f"XM{district}{(today.year - rng.randint(0, 2)) % 100:02d}{i + 1:05d}", name=name[:200],
            enterprise_id=enterprise_id, investor_name=investor_name, investor_origin=investor_origin,
            ecosystem_id=chain.ecosystem_id, chain_id=chain.pk, industry_id=industry, district_id=district,
            street=street, address=f"{street}产业园{rng.randint(1, 99)}号", lat=Decimal(str(lat)), lon=Decimal(str(lon)),
            total_investment=_d(total), fixed_investment=_d(total * rng.uniform(0.6, 0.9)),
            funding="foreign" if investor_origin in ("德国", "日本", "新加坡", "香港") or rng.random() < 0.06 else "domestic",
            project_type="renovation" if renovation else rng.choice(["new", "new", "expansion"]),
            key_level=rng.choices(["provincial", "city", "district", "none"], weights=[5, 20, 35, 40])[0],
            responsible_org=orgs[district], responsible_unit=f"{street}项目服务专班",
            contact_name=rng.choice(["项目联络员", "专班联络员", "投资方项目经理", "属地服务专员"]),
            contact_phone=f"0571-{rng.randint(80000000, 89999999)}", stage=stage,
            cancelled_on=today - dt.timedelta(days=rng.randint(10, 300)) if stage == "cancelled" else None,
            cancel_reason="投资方战略调整，项目终止" if stage == "cancelled" else "", **dates)
        if project.cancelled_on is not None:
            latest = max([v for k, v in dates.items() if k.startswith("actual_") and v] + [project.cancelled_on])
            project.cancelled_on = latest
        projects.append(project)
        plan_now = plan_last = 0.0
        if stage in ("land", "construction", "completed", "production"):
            share_now = {"land": 0.15, "construction": 0.3, "completed": 0.12, "production": 0.06}[stage]
            plan_now = round(total * share_now * rng.uniform(0.7, 1.3), -1)
            plan_last = round(total * share_now * rng.uniform(0.5, 1.2), -1)
            plans.append((i, year, plan_now))
            started = dates.get("actual_land") or dates.get("actual_start")
            if started is not None and started.year < year:
                plans.append((i, year - 1, plan_last))
            else:
                plan_last = 0.0
        since = dates.get("actual_land") or dates.get("actual_start") or dates.get("actual_completion")
        until = dates.get("actual_full_production") or (project.cancelled_on if stage == "cancelled" else None)
        pending_reports.append((i, builder.reports(since, until, plan_now, plan_last, health, cause,
                                                   stage == "construction")))
    plans, pending_reports = _calibrate_base(projects, plans, pending_reports, due=builder.due,
                                             rng=builder.early_rng, firms=enterprises, orgs=orgs)
    Project.objects.bulk_create(projects, batch_size=2000)
    YearlyPlan.objects.bulk_create([YearlyPlan(project=projects[i], year=y, amount=_d(a)) for i, y, a in plans],
                                   batch_size=5000)
    reports = []
    for i, rows in pending_reports:
        for period, amount, progress in rows:
            reports.append(ProgressReport(project=projects[i], period=period, investment=_d(amount),
                                          physical_progress=progress,
                                          problems="用地指标待协调" if rng.random() < 0.02 else ""))
    ProgressReport.objects.bulk_create(reports, batch_size=5000)
    records = [MilestoneRecord(project=p, milestone=m, date=getattr(p, f"actual_{m}"), note="历史数据导入")
               for p in projects for m in MILESTONE_ORDER if getattr(p, f"actual_{m}")]
    MilestoneRecord.objects.bulk_create(records, batch_size=5000)
    services.refresh_report_totals()
    _simulate_supervision(today=today, users=users, rng=rng)


def _calibrate_base(projects: list[Project], plans: list[tuple[int, int, float]], pending_reports: list[tuple[int, list]],
                    *, due: dt.date, rng: random.Random, firms: list, orgs: dict) -> tuple[list, list]:
    """Last year's investment of the industrial projects brought to the source's 1—N月 growth (N = the due month;
    工业投资 +28.7%, 制造业投资 +35.1%). The portfolio holds today's projects only: the ones that finished last year are
    missing from it. Last year's plan and monthly reports of the running industrial projects are scaled by the one
    factor that brings manufacturing to its rate (about 1.6 at city scale). Manufacturing is almost all of the running
    projects' industrial investment, so the industrial rate then needs a base of power projects (section D) that
    finished last year: they are added (stage 达产, last year's plan and reports only) for what is missing. This
    year's figures are left as generated, so the warnings do not change."""
    section_of = dict(IndustryDivision.objects.values_list("code", "section_id"))

    def group_of(project: Project) -> str | None:
        section = section_of.get(project.industry_id)
        return None if section not in INVESTMENT_SECTIONS else ("manufacturing" if section == "C" else "other")

    group = {i: g for i, project in enumerate(projects) if (g := group_of(project)) is not None}
    year = due.year
    sums = {(g, y): 0.0 for g in ("manufacturing", "other") for y in (year, year - 1)}
    for i, rows in pending_reports:
        if i in group:
            for period, amount, _progress in rows:
                if period.year in (year, year - 1) and period.month <= due.month:
                    sums[group[i], period.year] += amount
    manufacturing = sums["manufacturing", year] / (1 + MANUFACTURING_GROWTH)
    factor = {"manufacturing": min(max(manufacturing / sums["manufacturing", year - 1], 0.25), 4.0)
              if sums["manufacturing", year - 1] else 1.0}
    factor["other"] = factor["manufacturing"]
    other = (sums["manufacturing", year] + sums["other", year]) / (1 + INDUSTRIAL_GROWTH) - manufacturing
    missing = other - sums["other", year - 1] * factor["other"]
    plans = [(i, y, round(a * factor[group[i]], -1) if y == year - 1 and i in group else a) for i, y, a in plans]
    pending_reports = [(i, [(p, round(a * factor[group[i]], 2) if p.year == year - 1 and i in group else a, progress)
                            for p, a, progress in rows]) for i, rows in pending_reports]
    power = [f for f in firms if section_of.get(f[2]) == "D"]
    if missing > 0 and power:
        _finished_last_year(projects, plans, pending_reports, missing, due=due, rng=rng, firms=power, orgs=orgs)
    return plans, pending_reports


def _finished_last_year(projects: list[Project], plans: list, pending_reports: list, amount: float, *, due: dt.date,
                        rng: random.Random, firms: list, orgs: dict) -> None:
    """Power projects (分布式光伏, 储能, 电站) of local power firms that invested during last year and reached full
    production at its end: `amount` of investment in January to the due month of last year."""
    year = due.year - 1
    count = max(1, round(amount / 30_000))  # about 3.6亿元 a year each
    per_month = amount / count / due.month
    node_kinds = ["分布式光伏", "工商业储能", "电网侧储能", "电站开发运营"]
    chain = Chain.objects.filter(nodes__industries__section_id="D").order_by("pk").first()
    for _k in range(count):
        firm_id, district, industry = rng.choice(firms)
        end = rng.randint(max(due.month, 10), 12)
        rows = [(dt.date(year, m, 1), round(per_month * rng.uniform(0.8, 1.2), 2), min(100, 8 * m + 4))
                for m in range(1, end + 1)]
        total = sum(a for _p, a, _q in rows)
        started = dt.date(year - 1, rng.randint(6, 12), rng.randint(1, 28))
        finished = dt.date(year, end, rng.randint(1, 28))
        dates = {"signed": started - dt.timedelta(days=rng.randint(150, 300)),
                 "land": started - dt.timedelta(days=rng.randint(40, 120)), "start": started,
                 "completion": finished, "production": finished + dt.timedelta(days=rng.randint(5, 20)),
                 "full_production": finished + dt.timedelta(days=rng.randint(25, 45))}
        if dates["full_production"] > due:
            dates["full_production"] = due - dt.timedelta(days=1)
            dates["production"] = min(dates["production"], dates["full_production"])
        lon, lat = random_point_in_district(district, rng)
        street = rng.choice(STREETS.get(district, [""]))
        index = len(projects)
        projects.append(Project(
            code=f"XM{district}{year % 100:02d}{index + 1:05d}", name=f"{rng.choice(node_kinds)}项目"[:200],
            enterprise_id=firm_id, ecosystem_id=chain.ecosystem_id if chain else None,
            chain_id=chain.pk if chain else None, industry_id=industry, district_id=district, street=street,
            address=f"{street}产业园{rng.randint(1, 99)}号", lat=Decimal(str(lat)), lon=Decimal(str(lon)),
            total_investment=_d(total * rng.uniform(1.3, 1.8)), fixed_investment=_d(total * rng.uniform(1.1, 1.25)),
            funding="domestic", project_type="new", key_level=rng.choice(["city", "district"]),
            responsible_org=orgs[district], responsible_unit=f"{street}项目服务专班", contact_name="项目联络员",
            contact_phone=f"0571-{rng.randint(80000000, 89999999)}", stage="full_production",
            **{f"planned_{m}": d for m, d in dates.items()}, **{f"actual_{m}": d for m, d in dates.items()}))
        plans.append((index, year, round(total, -1)))
        pending_reports.append((index, rows))


def _simulate_supervision(*, today: dt.date, users: dict, rng: random.Random) -> None:
    """Three evaluation days through the real services: three weeks ago (orders issued), ten days ago
    (unanswered ones escalate; some are answered and reviewed), today (further escalation, new orders,
    orders closed where the warning cleared)."""
    from django.utils import timezone

    from industry_brain.projects.models import ProjectWarning

    def stamp(day: dt.date) -> None:
        moment = timezone.make_aware(dt.datetime.combine(day, dt.time(6, 0)))
        ProjectWarning.objects.filter(opened_at__gt=timezone.now() - dt.timedelta(minutes=30),
                                      opened_at__gte=moment).update(opened_at=moment)

    day1, day2 = today - dt.timedelta(days=21), today - dt.timedelta(days=10)
    with acting_as(None, label="job:evaluate_warnings"):
        services.warning_evaluate_all(today=day1)
    stamp(day1)
    with acting_as(None, label="job:evaluate_warnings"):
        services.warning_evaluate_all(today=day2)
    stamp(day2)
    city = users.get("city_admin")
    responders = {u.organisation_id: u for key, u in users.items() if key.endswith("_officer") and u}
    open_orders = list(SupervisionOrder.objects.filter(status__in=SUPERVISION_AWAITING_RESPONSE)
                       .select_related("project").order_by("pk"))
    ent_user = users.get("enterprise_demo")
    for order in open_orders:
        responder = responders.get(order.unit_id)
        if ent_user is not None and order.project.enterprise_id == ent_user.enterprise_id and rng.random() < 0.5:
            responder = ent_user
        if responder is None:
            responder = city if rng.random() < 0.35 else None
        if responder is None or rng.random() < 0.3:
            continue  # left unanswered: it escalates
        with acting_as(responder):
            services.supervision_respond(actor=responder, order=order, cause=rng.choice(
                ["土地报批手续尚未完成", "投资方资金未按计划到位", "施工许可审批延迟", "设备采购周期延长", "规划方案调整"]),
                measures=rng.choice(["区经信局牵头召开协调会，明确时间节点", "协调银行授信，督促资金到位",
                                     "联合住建部门加快审批", "倒排工期，增加施工班组"]),
                expected_recovery=today + dt.timedelta(days=rng.randint(15, 90)), today=day2)
        roll = rng.random()
        if roll < 0.4:
            continue  # awaiting review
        reviewer = city
        if responder is ent_user:
            reviewer = users.get("xihu_officer") or city
        if reviewer is responder:  # nobody reviews their own answer: the district bureau reviews the city's
            reviewer = responders.get(order.unit_id)
            if reviewer is None or reviewer is responder:
                continue
        with acting_as(reviewer):
            services.supervision_review(actor=reviewer, order=order, accept=roll < 0.75,
                                        comment="" if roll < 0.75 else "整改措施不够具体，请细化时间表", today=day2)
    # Some lagging projects catch up before today: their warnings clear and their orders close.
    caught_up = list(SupervisionOrder.objects.filter(status__in=SUPERVISION_AWAITING_RESPONSE,
                                                     warning__rule__code="P04").select_related("project")[:6])
    for order in caught_up:
        project = order.project
        period = add_months(project.last_report_period, 1) if project.last_report_period else month_start(today)
        with acting_as(city):
            while period <= expected_month(today, DUE_DAY):
                services.progress_report_submit(actor=city, project=project, period=period, investment=Decimal(100),
                                                note="补报", today=today)
                period = add_months(period, 1)
    with acting_as(None, label="job:evaluate_warnings"):
        services.warning_evaluate_all(today=today)
