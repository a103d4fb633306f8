"""Synthetic enterprise-service data: cadres (functional labels, never invented personal names), their
assignments, visits, and a year of enterprise demands whose lives are simulated (acceptance delay, handling
time per department and category, transfers, dissatisfied ratings that reopen, overdue escalations, a few
still open). The statistics come out of the simulation, calibrated on the source (千名干部助千企: 3,587 cadres,
6,489 enterprises, 13,119 problems, 12,970 resolved, 98.86%), then the aggregate table is built by the real
refresh service. A handful of showcase demands for the demo accounts go through the real workflow services.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import math
import random

from django.db import transaction
from django.utils import timezone

from industry_brain.accounts.models import Organisation
from industry_brain.chains.models import ChainMembership
from industry_brain.core.events import event_record
from industry_brain.core.models import District
from industry_brain.core.workdays import is_working_day
from industry_brain.demands import services, similarity
from industry_brain.demands.choices import Channel, DemandStatus, EscalationLevel, StepAction, VisitMode
from industry_brain.demands.models import Assignment, Cadre, Demand, DemandCategory, DemandStep, Visit
from industry_brain.enterprises.models import Enterprise

SCALES = {  # cadres, enterprises served, demands in the year
    "tiny": (60, 120, 300),
    "city": (3_587, 6_489, 13_119),
    "province": (35_870, 64_890, 150_000),
}
BATCH = 4_000

# Category group → (share of demands outside the spring logistics surge, coordinating department)
GROUPS = {
    "logistics": (0.12, "杭州市交通运输局"),
    "supply_chain": (0.11, "杭州市经济和信息化局产业链处"),
    "labour": (0.13, "杭州市人力资源和社会保障局"),
    "land": (0.07, "杭州市规划和自然资源局"),
    "finance": (0.11, "杭州市地方金融监督管理局"),
    "energy": (0.06, "杭州市发展和改革委员会"),
    "policy": (0.13, "杭州市财政局"),
    "approval": (0.08, "杭州市住房和城乡建设局"),
    "market": (0.08, "杭州市商务局"),
    "innovation": (0.07, "杭州市科学技术局"),
    "other": (0.04, "杭州市经济和信息化局产业链处"),
}
APPROVAL_DEPARTMENTS = {"approval.environment": "杭州市生态环境局", "approval.license": "杭州市市场监督管理局"}
# How fast each department handles, relative to the others (a multiplier on handling time).
DEPARTMENT_PACE = {"杭州市交通运输局": 0.8, "杭州市人力资源和社会保障局": 1.0, "杭州市规划和自然资源局": 1.35,
                   "杭州市地方金融监督管理局": 0.95, "杭州市发展和改革委员会": 1.1, "杭州市财政局": 0.9,
                   "杭州市住房和城乡建设局": 1.25, "杭州市商务局": 0.9, "杭州市科学技术局": 1.0,
                   "杭州市经济和信息化局产业链处": 0.85, "杭州市生态环境局": 1.3, "杭州市市场监督管理局": 0.9}

PRODUCTS = ["电子元器件", "汽车零部件", "医药中间体", "纺织面料", "化纤原料", "精密模具", "光伏组件", "锂电池材料", "数控机床配件",
            "包装材料", "安防摄像模组", "印制电路板", "生物试剂", "特种钢材", "工业机器人减速器"]

# Leaf category → (title, description) templates; {p} product, {s} street, {n} a number.
TEXTS = {
    "logistics.road": [("原材料运输车辆通行受阻", "受疫情防控道路管控影响，运送{p}的货车无法进出{s}园区，原材料运输受阻，"
                        "请求协调办理重点物资运输车辆通行证，保障产业链供应链稳定。"),
                       ("成品发货物流中断", "{s}周边高速卡口管控，{p}成品无法按期发往长三角客户，物流中断约{n}天，希望协调货车通行。")],
    "logistics.port": [("出口货物港口滞留", "{n}个标箱的{p}出口货物在宁波舟山港滞留，订舱和提箱困难，请求协调港口集疏运。"),
                       ("航空货运舱位紧张", "进口关键{p}需要航空运输，萧山机场货运舱位紧张，请求协调优先保障舱位。")],
    "logistics.warehouse": [("中转仓库周转困难", "{s}中转仓库因管控暂停作业，{p}库存积压约{n}吨，请求协调恢复仓储中转。")],
    "supply_chain.parts": [("关键零部件断供", "上游供应商停产，{p}生产所需关键零部件断供，库存仅够{n}天，请求协调上游企业复工复产。")],
    "supply_chain.materials": [("原材料价格上涨供应紧张", "{p}主要原材料价格上涨{n}%且供应紧张，请求对接本地供应企业保供稳价。")],
    "supply_chain.imports": [("进口芯片通关延误", "进口芯片等{p}关键物料通关时间延长，影响生产计划，请求协调海关加快通关。")],
    "labour.recruitment": [("一线工人招工难", "{p}产线扩产需要招聘一线操作工约{n}人，招工难，请求协助对接劳务输出地和职业院校。")],
    "labour.skills": [("高技能人才紧缺", "企业缺少{p}工艺工程师和高级技工，请求支持技能人才引进和职业技能培训补贴。")],
    "labour.housing": [("人才公寓和子女入学", "新引进的{n}名技术骨干需要人才公寓，子女入学存在困难，请求协调解决。")],
    "land.industrial": [("扩产项目用地指标", "{p}扩产项目需要新增工业用地约{n}亩，请求协调用地指标和供地时序。")],
    "land.certificate": [("厂房不动产权证办理", "{s}自建厂房因历史原因未能办理不动产权证，影响融资抵押，请求协调办证。")],
    "land.expansion": [("租赁厂房空间不足", "现有租赁厂房不足以容纳新增{p}产线，请求推荐{s}附近的标准厂房。")],
    "finance.loan": [("流动资金贷款授信", "受订单回款周期影响，流动资金缺口约{n}百万元，请求对接银行增加授信、降低贷款利率。")],
    "finance.guarantee": [("融资担保费率偏高", "申请政策性融资担保，担保费率偏高，请求协调降低担保费率并加快审批。")],
    "finance.listing": [("上市辅导和股改", "企业计划启动股份制改造和上市辅导，请求对接券商并了解上市奖励政策。")],
    "energy.power": [("有序用电影响生产", "有序用电期间{p}产线每周限电{n}天，请求协调用电负荷，保障连续生产。")],
    "energy.gas": [("天然气供应不足", "{p}生产所需天然气供应不足，请求协调增加供气量。")],
    "energy.quota": [("新增项目能耗指标", "新上{p}项目需要新增能耗指标，请求协调能评和指标安排。")],
    "policy.subsidy": [("技改补助资金兑付", "企业已通过技术改造项目验收，补助资金约{n}十万元尚未兑付，请求加快兑付进度。")],
    "policy.tax": [("留抵退税办理", "申请增值税留抵退税，材料已提交，请求协调加快办理。")],
    "policy.consult": [("惠企政策适用咨询", "想了解专精特新企业和数字化改造相关的惠企政策及申报条件，请求政策解读。")],
    "approval.construction": [("施工许可审批加快", "{p}新厂房项目施工许可审批进度较慢，请求协调并联审批、提前开工。")],
    "approval.environment": [("环评审批", "{p}扩产项目环评报告已报送，请求协调加快环评审批。")],
    "approval.license": [("生产许可证延续", "{p}生产许可证即将到期，延续办理材料较多，请求指导并加快审批。")],
    "market.matchmaking": [("产销对接需求", "希望对接本地整机企业，为{p}产品寻找新的采购商，请求纳入产业链对接会。")],
    "market.export": [("出口订单物流与汇率", "出口订单增加约{n}%，集装箱订舱困难，请求协助开拓海外市场和对接外贸综合服务。")],
    "market.procurement": [("首台套产品推广应用", "自主研发的{p}首台套产品需要示范应用场景，请求纳入推荐目录。")],
    "innovation.rd": [("企业研发中心认定", "企业拟申报市级企业研发中心，请求指导申报条件和材料准备。")],
    "innovation.ip": [("专利侵权维权", "企业{p}核心专利遭遇侵权，请求提供知识产权维权援助。")],
    "innovation.certification": [("高新技术企业认定", "申请高新技术企业认定，需要了解研发费用归集口径和知识产权数量要求。")],
    "other.general": [("周边道路和公交配套", "{s}园区周边道路照明不足、公交线路少，员工通勤不便，请求完善配套。")],
}
RESOLUTIONS = {
    "logistics": "已协调交通运输部门办理重点物资运输车辆通行证，运输恢复正常。",
    "supply_chain": "已对接上游供应企业，协调复工复产并落实替代供应，关键物料供应恢复。",
    "labour": "已组织专场招聘并对接劳务合作地区和职业院校，用工缺口基本填补。",
    "land": "已纳入用地保障清单，明确办理路径和时间节点。",
    "finance": "已对接合作银行完成授信审批，落实优惠利率。",
    "energy": "已协调供电供气单位调整负荷安排，保障连续生产。",
    "policy": "已完成审核，资金（退税）已拨付到企业账户。",
    "approval": "已开通绿色通道并联审批，审批已办结。",
    "market": "已纳入产业链对接活动，安排供需对接并推荐采购商。",
    "innovation": "已安排专人辅导申报，材料已通过形式审查。",
    "other": "已会同属地街道完善配套设施。",
}


# ------------------------------------------------------------------------------------- fast working days

class Calendar:
    """O(1) working-day arithmetic over a fixed span (same rules as core.workdays, precomputed)."""

    def __init__(self, start: dt.date, end: dt.date):
        from industry_brain.core.workdays import is_working_day

        self.start = start
        days = (end - start).days + 1
        self.work = [start + dt.timedelta(days=i) for i in range(days) if is_working_day(start + dt.timedelta(i))]
        self.ordinals = [d.toordinal() for d in self.work]

    def add(self, day: dt.date, n: int) -> dt.date:
        """`n` working days after `day` (day itself not counted)."""
        i = bisect.bisect_right(self.ordinals, day.toordinal())
        return self.work[min(i + n - 1, len(self.work) - 1)] if n > 0 else day

    def between(self, a: dt.date, b: dt.date) -> int:
        """Working days after a up to and including b."""
        if b <= a:
            return 0
        return bisect.bisect_right(self.ordinals, b.toordinal()) - bisect.bisect_right(self.ordinals, a.toordinal())


@functools.lru_cache(maxsize=50_000)
def _terms(title: str, description: str) -> str:
    return similarity.terms_text(title, description)


def _at(day: dt.date, rng: random.Random, start_hour: int = 9, end_hour: int = 17) -> dt.datetime:
    minutes = rng.randint(start_hour * 60, end_hour * 60)
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, minutes // 60, minutes % 60))


# ------------------------------------------------------------------------------------ cadres, assignments

def _seed_cadres(*, rng: random.Random, n_cadres: int, n_enterprises: int, today: dt.date) -> dict:
    """Cadres of each district bureau and their enterprises (above-scale first)."""
    district_orgs = {o.district_id: o for o in Organisation.objects.filter(kind="district")}
    names = dict(District.objects.values_list("code", "name"))
    demo_cadre = Cadre.objects.filter(code="XH-DEMO").first()
    taken = set(Assignment.objects.filter(ended_on__isnull=True).values_list("enterprise_id", flat=True))
    pool = list(Enterprise.objects.filter(is_above_scale=True).exclude(pk__in=taken).order_by("pk").values_list(
        "pk", "district_id"))
    if len(pool) < n_enterprises - len(taken):
        pool += list(Enterprise.objects.filter(is_above_scale=False).exclude(pk__in=taken).order_by("pk")
                     .values_list("pk", "district_id")[: n_enterprises - len(taken) - len(pool)])
    rng.shuffle(pool)
    pool = pool[: max(0, n_enterprises - len(taken))]
    by_district: dict[str, list[int]] = {}
    for pk, district in pool:
        by_district.setdefault(district, []).append(pk)
    total = sum(len(v) for v in by_district.values()) or 1
    cadres: list[Cadre] = []
    plan: list[tuple[int, int]] = []  # (index in cadres, enterprise id)
    wanted = n_cadres - (1 if demo_cadre else 0)
    codes = sorted(by_district)
    # Cadres per district in proportion to the enterprises served there (largest remainder).
    raw = {c: wanted * len(by_district[c]) / total for c in codes}
    alloc = {c: max(1, min(len(by_district[c]), int(raw[c]))) for c in codes}
    order = sorted(codes, key=lambda c: raw[c] - int(raw[c]), reverse=True)
    leftover, i = wanted - sum(alloc.values()), 0
    while leftover > 0 and any(alloc[c] < len(by_district[c]) for c in codes):
        c = order[i % len(order)]
        if alloc[c] < len(by_district[c]):
            alloc[c] += 1
            leftover -= 1
        i += 1
    for code in codes:
        ents, n, first = by_district[code], alloc[code], len(cadres)
        for k in range(n):
            cadres.append(Cadre(code=f"{code}-{k + 1:05d}", name=f"{names.get(code, code)}助企干部 {k + 1:04d}",
                                organisation=district_orgs[code], phone=f"0571-8{rng.randint(1000000, 9999999)}"))
        # every cadre serves at least one enterprise; the others are dealt out at random
        for j, pk in enumerate(ents):
            plan.append((first + (j if j < n else rng.randrange(n)), pk))
    Cadre.objects.bulk_create(cadres, batch_size=BATCH)
    saved = {c.code: c for c in Cadre.objects.filter(code__in=[c.code for c in cadres])}
    cadre_objs = [saved[c.code] for c in cadres]
    started = today - dt.timedelta(days=400)
    assignments = [Assignment(cadre=cadre_objs[idx], enterprise_id=pk,
                              started_on=started + dt.timedelta(days=rng.randint(0, 30))) for idx, pk in plan]
    Assignment.objects.bulk_create(assignments, batch_size=BATCH)
    serving: dict[int, int] = {}
    for a in Assignment.objects.filter(ended_on__isnull=True).values("enterprise_id", "cadre_id").order_by("id"):
        serving.setdefault(a["enterprise_id"], a["cadre_id"])
    return {"serving": serving, "cadres": len(cadre_objs) + (1 if demo_cadre else 0)}


# ------------------------------------------------------------------------------------------- simulation

def _leaf_weights(categories: dict[str, DemandCategory], surge: bool) -> tuple[list[str], list[float]]:
    leaves, weights = [], []
    for code, cat in categories.items():
        if cat.parent_id is None:
            continue
        group = code.split(".")[0]
        share = GROUPS[group][0]
        if surge:
            share = 0.55 if group == "logistics" else (0.15 if group == "supply_chain" else share * 0.45)
        n_leaves = sum(1 for c in categories if c.startswith(group + "."))
        leaves.append(code)
        weights.append(share / n_leaves * (1.6 if code == "logistics.road" and surge else 1.0))
    return leaves, weights


def _surge_window(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The spring logistics blockage of the demo year (the source's spring-2022 model case): April 1–21."""
    year = end.year if dt.date(end.year, 4, 21) < end else end.year - 1
    first = dt.date(year, 4, 1)
    return (first, dt.date(year, 4, 21)) if first >= start else (start, start + dt.timedelta(days=20))


def _handling_days(rng: random.Random, urgency: str, pace: float) -> int:
    if urgency == "urgent":
        return rng.choices([0, 1, 1, 1, 2, 3], weights=[3, 3, 3, 2, 1.2, 0.4])[0]
    centre = 2.0 if urgency == "normal" else 7.0
    value = rng.lognormvariate(math.log(centre * pace), 0.5)
    if rng.random() < 0.001:  # the hard cases: stuck for weeks
        value += rng.randint(25, 80)
    return max(0, round(value))


@transaction.atomic
def seed_demands(*, scale: str, seed: int, users: dict) -> None:
    rng = random.Random(seed * 7 + 4)
    n_cadres, n_enterprises, n_demands = SCALES[scale]
    today = timezone.localdate()
    now = timezone.now()
    start = today - dt.timedelta(days=365)
    cal = Calendar(start - dt.timedelta(days=30), today + dt.timedelta(days=400))
    cadre_info = _seed_cadres(rng=rng, n_cadres=n_cadres, n_enterprises=n_enterprises, today=today)
    serving: dict[int, int] = cadre_info["serving"]
    categories = {c.code: c for c in DemandCategory.objects.all()}
    departments = {o.name: o for o in Organisation.objects.filter(kind="department")}
    dept_names = sorted(departments)
    dept_users = {}
    for u in users.values():
        if u.role == "department":
            dept_users[u.organisation_id] = u
    ent_rows = {e["pk"]: e for e in Enterprise.objects.filter(pk__in=list(serving)).values("pk", "district_id",
                                                                                           "street", "name")}
    chain_of: dict[int, int] = {}
    for m in ChainMembership.objects.filter(enterprise_id__in=list(serving)).order_by("id").values(
            "enterprise_id", "node__chain_id"):
        chain_of.setdefault(m["enterprise_id"], m["node__chain_id"])
    enterprise_ids = sorted(serving)
    # Some enterprises raise many demands, most a few (a heavy tail).
    activity = [min(rng.paretovariate(1.6), 6.0) for _ in enterprise_ids]
    surge_start, surge_end = _surge_window(start, today)
    days = [start + dt.timedelta(days=i) for i in range(1, 366)]
    day_weights = [(0.25 if d.weekday() >= 5 else 1.0) * (2.6 if surge_start <= d <= surge_end else 1.0)
                   * (0.6 if not cal.between(d - dt.timedelta(days=1), d) else 1.0) for d in days]
    normal_leaves, normal_w = _leaf_weights(categories, surge=False)
    surge_leaves, surge_w = _leaf_weights(categories, surge=True)
    sat_choices = ["satisfied", "basically_satisfied", "dissatisfied"]
    demand_days = sorted(rng.choices(days, weights=day_weights, k=n_demands))
    visit_rows: list[Visit] = []
    created = 0
    for offset in range(0, n_demands, BATCH):
        batch_days = demand_days[offset: offset + BATCH]
        demands: list[Demand] = []
        plans: list[list[tuple]] = []
        for day in batch_days:
            surge = surge_start <= day <= surge_end
            leaf = rng.choices(surge_leaves if surge else normal_leaves, weights=surge_w if surge else normal_w)[0]
            group = leaf.split(".")[0]
            ent_id = rng.choices(enterprise_ids, weights=activity)[0]
            ent = ent_rows[ent_id]
            cadre_id = serving.get(ent_id)
            urgency = rng.choices(["urgent", "normal", "complex"], weights=[0.16, 0.7, 0.14] if not surge else
                                  [0.45, 0.5, 0.05])[0]
            title, text = rng.choice(TEXTS[leaf])
            fill = {"p": rng.choice(PRODUCTS), "s": ent["street"] or "园区", "n": rng.randint(2, 60)}
            title, text = title.format(**fill), text.format(**fill)
            channel = rng.choices([Channel.CADRE, Channel.ENTERPRISE, Channel.API, Channel.STAFF],
                                  weights=[0.6, 0.3, 0.05, 0.05])[0]
            submitted = _at(day, rng, 8, 18)
            if submitted > now:  # today's demands were raised before now
                submitted = now - dt.timedelta(minutes=rng.randint(5, 600))
            dept_name = APPROVAL_DEPARTMENTS.get(leaf, GROUPS[group][1])
            dept = departments[dept_name]
            pace = DEPARTMENT_PACE.get(dept_name, 1.0)
            steps: list[tuple] = [(StepAction.SUBMITTED, submitted, "", DemandStatus.SUBMITTED, None,
                                   "", "cadre" if channel == Channel.CADRE else "enterprise")]
            d = Demand(enterprise_id=ent_id, district_id=ent["district_id"], chain_id=chain_of.get(ent_id),
                       cadre_id=cadre_id, category=categories[leaf], category_root=categories[group],
                       urgency=urgency, title=title, description=text, channel=channel,
                       status=DemandStatus.SUBMITTED, submitted_at=submitted,
                       submitted_on=timezone.localtime(submitted).date(),
                       terms=_terms(title, text), search_text=f"{title} {ent['name']}".lower())
            # acceptance: the same working day or the next one or two
            accept_day = day if (cal.between(day - dt.timedelta(days=1), day) and rng.random() < 0.8) else \
                cal.add(day, rng.choices([1, 2], weights=[0.85, 0.15])[0])
            accept_at = max(_at(accept_day, rng), submitted + dt.timedelta(minutes=20))
            if accept_at > now:
                demands.append(d)
                plans.append(steps)
                continue
            d.status = DemandStatus.ACCEPTED
            d.department = dept
            d.accepted_at = accept_at
            d.due_date = cal.add(accept_day, services.due_working_days(urgency))
            steps.append((StepAction.ACCEPTED, accept_at, DemandStatus.SUBMITTED, DemandStatus.ACCEPTED, dept.pk,
                          f"办理期限 {d.due_date.isoformat()}", "bureau"))
            handling = _handling_days(rng, urgency, pace)
            start_day = accept_day if rng.random() < 0.7 else cal.add(accept_day, 1)
            if rng.random() < 0.06:  # transferred once: the first department was not the right one
                other = departments[rng.choice([n for n in dept_names if n != dept_name])]
                t_day = cal.add(accept_day, rng.randint(0, 2))
                t_at = max(_at(t_day, rng), accept_at + dt.timedelta(hours=1))
                if t_at <= now:
                    steps.append((StepAction.TRANSFERRED, t_at, DemandStatus.ACCEPTED, DemandStatus.ACCEPTED,
                                  dept.pk, f"从{other.name}转来：职责不属于本部门", "dept"))
                    d.transfer_count = 1
                    handling += rng.randint(1, 3)
                    start_day = t_day
            start_at = max(_at(start_day, rng), accept_at + dt.timedelta(minutes=30))
            if start_at > now:
                demands.append(d)
                plans.append(steps)
                continue
            d.status = DemandStatus.IN_PROGRESS
            d.started_at = start_at
            steps.append((StepAction.STARTED, start_at, DemandStatus.ACCEPTED, DemandStatus.IN_PROGRESS, None, "",
                          "dept"))
            self_resolve = cal.add(start_day, handling) if handling else start_day
            resolved_at = max(_at(self_resolve, rng), start_at + dt.timedelta(hours=1))
            rounds = 0
            while True:
                if resolved_at > now:
                    break
                d.status = DemandStatus.RESOLVED
                d.resolved_at = resolved_at
                d.resolved_on = timezone.localtime(resolved_at).date()
                d.resolution = RESOLUTIONS[group]
                d.handling_days = cal.between(day, d.resolved_on)
                d.on_time = d.resolved_on <= d.due_date
                steps.append((StepAction.RESOLVED, resolved_at, DemandStatus.IN_PROGRESS, DemandStatus.RESOLVED,
                              d.department_id, d.resolution, "dept"))
                rated_at = resolved_at + dt.timedelta(hours=rng.randint(2, 96))
                if rated_at > now or rng.random() < 0.02:  # not rated yet (or never)
                    break
                satisfaction = rng.choices(sat_choices, weights=[0.86, 0.11, 0.03] if rounds == 0 else
                                           [0.7, 0.3, 0.0])[0]
                d.satisfaction = satisfaction
                d.rated_at = rated_at
                if satisfaction != "dissatisfied":
                    d.status = DemandStatus.CLOSED
                    d.closed_at = rated_at
                    steps.append((StepAction.RATED, rated_at, DemandStatus.RESOLVED, DemandStatus.CLOSED, None,
                                  d.get_satisfaction_display(), "enterprise"))
                    break
                rounds += 1
                d.reopen_count += 1
                d.status = DemandStatus.IN_PROGRESS
                reopen_day = timezone.localtime(rated_at).date()
                d.due_date = cal.add(reopen_day, services.due_working_days(urgency))
                d.resolved_at = d.resolved_on = d.handling_days = d.on_time = None
                steps.append((StepAction.RATED, rated_at, DemandStatus.RESOLVED, DemandStatus.IN_PROGRESS, None,
                              "不满意：问题尚未彻底解决", "enterprise"))
                steps.append((StepAction.REOPENED, rated_at, DemandStatus.RESOLVED, DemandStatus.IN_PROGRESS,
                              d.department_id, f"办理期限 {d.due_date.isoformat()}", "enterprise"))
                resolved_at = _at(cal.add(reopen_day, rng.randint(1, 5)), rng)
            # historical escalation of demands that ran past their due date
            late_ref = d.resolved_on or today
            if d.due_date and late_ref > d.due_date and d.status in (DemandStatus.RESOLVED, DemandStatus.CLOSED):
                esc_at = _at(d.due_date + dt.timedelta(days=1), rng, 1, 2)
                d.escalation_level = EscalationLevel.CITY if cal.between(d.due_date, late_ref) > 3 else \
                    EscalationLevel.DISTRICT
                d.escalated_at = esc_at
                steps.append((StepAction.ESCALATED, esc_at, "", "", None,
                              f"逾期（期限 {d.due_date.isoformat()}），升级督办", "job"))
            demands.append(d)
            plans.append(steps)
            if channel == Channel.CADRE and cadre_id:
                visit_rows.append(Visit(date=day, cadre_id=cadre_id, enterprise_id=ent_id,
                                        mode=rng.choices(VisitMode.values, weights=[0.7, 0.2, 0.1])[0],
                                        notes=f"走访了解企业生产经营情况，企业反映：{title}。"))
        Demand.objects.bulk_create(demands, batch_size=1000)
        step_rows = []
        for d, steps in zip(demands, plans, strict=True):
            for action, at, frm, to, dept_id, note, who in steps:
                dept_obj_id = dept_id if action in (StepAction.ACCEPTED, StepAction.TRANSFERRED,
                                                    StepAction.RESOLVED, StepAction.REOPENED) else None
                actor = None
                label = {"cadre": "助企干部", "enterprise": "企业用户", "bureau": "区县经信局", "job": "job:escalate_overdue",
                         "dept": d.department.name if d.department_id else "职能部门"}[who]
                if who == "dept" and d.department_id in dept_users:
                    actor = dept_users[d.department_id]
                    label = actor.username
                step_rows.append(DemandStep(demand_id=d.pk, action=action, at=at, from_status=frm, to_status=to,
                                            department_id=dept_obj_id, note=note, actor=actor, actor_label=label))
        DemandStep.objects.bulk_create(step_rows, batch_size=5000)
        created += len(demands)
    # Visits: one for each demand raised on a visit, and routine visits (about 2.5 a year per enterprise).
    for ent_id in enterprise_ids:
        for _ in range(rng.choice([1, 2, 2, 3])):
            visit_rows.append(Visit(date=rng.choice(days[:-1]), cadre_id=serving[ent_id], enterprise_id=ent_id,
                                    mode=rng.choices(VisitMode.values, weights=[0.6, 0.3, 0.1])[0],
                                    notes="例行走访：了解生产经营、用工和订单情况，宣传惠企政策。"))
    Visit.objects.bulk_create(visit_rows, batch_size=BATCH)
    event_record(kind="demo.demands_seeded", message=f"Demo demands seeded: {created} demands, "
                 f"{cadre_info['cadres']} cadres, {len(serving)} enterprises served",
                 data={"scale": scale, "seed": seed})
    _seed_showcase(users=users, rng=rng, today=today)
    _detect_recent(days=14 if scale != "province" else 3)
    services.demand_escalate_overdue(today=today)
    services.demand_notify_due_soon(today=today)
    services.demand_stats_refresh()


def _detect_recent(*, days: int) -> None:
    """Run the real duplicate and systemic-problem detection over the last days' demands (older ones are
    history) and over the spring surge, so that flags and alerts appear as they would have."""
    since = timezone.now() - dt.timedelta(days=days)
    recent = list(Demand.objects.filter(submitted_at__gte=since, flags__isnull=True).order_by("submitted_at")[:2500])
    first = Demand.objects.filter(category__code="logistics.road").order_by("submitted_at").first()
    surge = []
    if first is not None:
        surge_start, _ = _surge_window(timezone.localdate() - dt.timedelta(days=365), timezone.localdate())
        surge = list(Demand.objects.filter(category__code="logistics.road", submitted_on__gte=surge_start,
                                           submitted_on__lte=surge_start + dt.timedelta(days=10))
                     .order_by("submitted_at")[:600])
    for d in surge + recent:
        services.demand_detect_similar(demand=d, at=d.submitted_at)


def _seed_showcase(*, users: dict, rng: random.Random, today: dt.date) -> None:
    """Demands of the demo accounts, taken through the real services at past times."""
    ent_user, city, xihu, dept = (users.get("enterprise_demo"), users.get("city_admin"), users.get("xihu_officer"),
                                  users.get("dept_transport"))
    if not all((ent_user, city, xihu, dept)):
        return
    cat = {c.code: c for c in DemandCategory.objects.all()}
    commerce = Organisation.objects.filter(name="杭州市商务局").first() or dept.organisation
    transport = dept.organisation

    def when(working_days_ago: int, hour: int = 10) -> dt.datetime:
        day = today
        for _ in range(working_days_ago):
            day -= dt.timedelta(days=1)
            while not is_working_day(day):
                day -= dt.timedelta(days=1)
        return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour, 0))

    def raise_(title, text, code, urgency="normal", at=None, actor=ent_user, enterprise=None):
        return services.demand_create(actor=actor, category=cat[code], urgency=urgency, title=title,
                                      description=text, enterprise=enterprise, at=at)

    # enterprise_demo: one demand in every state
    raise_("出口集装箱订舱困难", "欧洲订单增加，出口集装箱订舱困难、运价上涨，请求协助对接外贸综合服务平台。", "market.export",
           at=when(0, 9))
    d = raise_("展会补贴申报咨询", "计划参加境外专业展会，想了解展位费补贴的申报条件和流程。", "policy.consult", at=when(2))
    services.demand_accept(actor=xihu, demand=d, department=commerce, at=when(2, 15))
    d = raise_("原材料运输车辆通行受阻", "园区周边道路临时管控，运送电子元器件原材料的货车无法进入，请求协调办理通行证。",
               "logistics.road", urgency="urgent", at=when(1, 9))
    services.demand_accept(actor=city, demand=d, department=transport, at=when(1, 11))
    services.demand_start(actor=dept, demand=d, at=when(1, 14))
    d = raise_("成品发货物流中断", "高速卡口管控导致成品无法发往上海客户，请求协调货车通行。", "logistics.road", at=when(4))
    services.demand_accept(actor=city, demand=d, department=transport, at=when(4, 14))
    services.demand_start(actor=dept, demand=d, at=when(3))
    services.demand_resolve(actor=dept, demand=d, resolution="已协调办理重点物资运输通行证，并开通绿色通道，货车已恢复通行。",
                            at=when(1, 16))
    d = raise_("中转仓库周转困难", "中转仓库暂停作业，库存积压，请求协调恢复仓储中转。", "logistics.warehouse", at=when(30))
    services.demand_accept(actor=xihu, demand=d, department=transport, at=when(30, 15))
    services.demand_start(actor=dept, demand=d, at=when(29))
    services.demand_resolve(actor=dept, demand=d, resolution="已协调仓储企业恢复作业并增加临时周转库位。", at=when(27))
    services.demand_rate(actor=ent_user, demand=d, satisfaction="satisfied", comment="响应很快", at=when(26))
    d = raise_("关键零部件断供", "上游供应商停产，关键零部件库存仅够五天，请求协调上游企业复工。", "supply_chain.parts",
               at=when(20))
    services.demand_accept(actor=city, demand=d, department=transport, at=when(20, 15))
    services.demand_transfer(actor=dept, demand=d, reason="属于产业链供应链协调事项，转产业链处牵头",
                             department=Organisation.objects.get(name="杭州市经济和信息化局产业链处"), at=when(19))
    # dept_transport's inbox: new, due soon and overdue demands from other enterprises
    others = list(Enterprise.objects.filter(district_id__in=["330106", "330109"], is_above_scale=True,
                                            assignments__isnull=False).exclude(pk=ent_user.enterprise_id)
                  .order_by("pk")[:4])
    for i, (ago, start, urgency) in enumerate([(0, False, "urgent"), (1, False, "normal"), (4, True, "normal"),
                                               (9, True, "normal")]):
        if i >= len(others):
            break
        e = others[i]
        d = raise_("物流车辆通行受阻" if i % 2 == 0 else "港口提箱困难",
                   "受道路管控影响，运输货车无法按期进出厂区，原材料和成品运输受阻，请求协调通行。",
                   "logistics.road" if i % 2 == 0 else "logistics.port", urgency=urgency, at=when(ago, 9),
                   actor=city, enterprise=e)
        services.demand_accept(actor=city, demand=d, department=transport, at=when(ago, 10))
        if start:
            services.demand_start(actor=dept, demand=d, at=when(max(ago - 1, 0), 11))
