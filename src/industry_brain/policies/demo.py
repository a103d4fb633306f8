# ruff: noqa: E501  (the catalogue rows hold Chinese policy texts; breaking them would not make them clearer)
"""Demo data of the policies app (synthetic, deterministic from `seed`): department fact lists, about 40 policy
items written as rules, their evaluation over the demo registry, a simulated 免申即享 year (published, read,
confirmed, declined, expired, paid, held), and department imports so that the year's burden-reduction ledger
totals near the source's 867.1亿元 with a breakdown by kind.

The breakdown is a simulation: the source gives the total only. Its shape (tax and fee measures about two thirds,
VAT credit refunds the largest single kind, financing savings an estimate, deferrals apart) follows the published
Zhejiang composition quoted in the reference note; the individual figures are ours."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from industry_brain.accounts.models import Organisation
from industry_brain.core.workdays import add_working_days
from industry_brain.enterprises.models import Enterprise, YearlyFigures

from . import rollup, services
from .choices import Basis, EntrySource, Size, Status
from .models import Eligibility, EnterpriseFact, FactList, LedgerEntry, Policy, PolicyItem

# The year's ledger (亿元) by kind; deferrals are recorded but never part of the total.
TARGET_YI = {"cash_refund": 352.6, "tax_foregone": 241.3, "fee_foregone": 88.4, "price_cut": 61.2,
             "financing_saving": 57.9, "rent_waived": 19.6, "subsidy_paid": 46.1}
DEFERRAL_YI = 103.5
ESTIMATED = {"financing_saving"}
NEG = [{"var": "dishonest", "op": "is_true"}, {"var": "abnormal_operation", "op": "is_true"}]
ABOVE = {"var": "is_above_scale", "op": "is_true"}
MANUF = {"var": "industry_section", "op": "==", "value": "C"}
SMALL = {"var": "is_small_micro", "op": "is_true"}
SERVICES = {"var": "industry_section", "op": "not_in", "value": ["A", "B", "C", "D", "E"]}
ECON = "杭州市经济和信息化局产业链处"


def _all(*c):
    return {"all": list(c)}


def _has(tier):
    return {"var": "tiers", "op": "has", "value": tier}


# (issuer: department name or district code, policy, code, name, kind, mode, ledger kind, conditions, amount,
#  group, beneficiaries, extra: exclusions / params / tests)
ITEMS = [
    (ECON, "杭州市推进未来工厂建设若干政策", "FF-1", "未来工厂、智能工厂、数字化车间认定奖励", "award", "auto", "subsidy_paid",
     {"var": "factory_level", "op": "in", "value": ["future_factory", "smart_factory", "digital_workshop"]},
     {"tiers": {"var": "factory_level", "map": {"future_factory": 100, "smart_factory": 30, "digital_workshop": 15}}},
     "", "经认定的未来工厂、智能工厂、数字化车间", {"tests": [
         {"name": "未来工厂奖励100万元", "inputs": {"factory_level": "future_factory", "dishonest": False,
                                           "abnormal_operation": False}, "result": True, "amount": 100},
         {"name": "失信企业不予奖励", "inputs": {"factory_level": "future_factory", "dishonest": True,
                                         "abnormal_operation": False}, "result": False}]}),
    (ECON, "杭州市企业梯队培育奖励办法", "TIER-1", "专精特新中小企业认定奖励", "award", "auto", "subsidy_paid",
     _has("specialised"), {"fixed": 20}, "tier-award", "当年认定的专精特新中小企业", {}),
    (ECON, "杭州市企业梯队培育奖励办法", "TIER-2", "隐形冠军企业认定奖励", "award", "auto", "subsidy_paid",
     _has("hidden_champion"), {"fixed": 30}, "tier-award", "认定的隐形冠军企业", {}),
    (ECON, "杭州市企业梯队培育奖励办法", "TIER-3", "专精特新“小巨人”企业奖励", "award", "auto", "subsidy_paid",
     _has("little_giant"), {"fixed": {"param": "giant"}}, "tier-award", "国家级专精特新“小巨人”企业",
     {"params": {"giant": [{"from": "2022-01-01", "value": 50}, {"from": "2025-01-01", "value": 80}]},
      "tests": [{"name": "2024年奖励50万元", "on": "2024-06-01", "inputs": {
          "tiers": ["little_giant"], "dishonest": False, "abnormal_operation": False}, "result": True, "amount": 50},
                {"name": "2025年起奖励80万元", "on": "2025-06-01", "inputs": {
                    "tiers": ["little_giant"], "dishonest": False, "abnormal_operation": False}, "result": True,
                 "amount": 80}]}),
    (ECON, "杭州市企业梯队培育奖励办法", "TIER-4", "制造业单项冠军奖励", "award", "auto", "subsidy_paid",
     _has("single_champion"), {"fixed": 100}, "tier-award", "国家级制造业单项冠军企业", {}),
    (ECON, "杭州市企业梯队培育奖励办法", "TIER-5", "雄鹰企业奖励", "award", "auto", "subsidy_paid",
     _has("eagle"), {"fixed": 100}, "tier-award", "认定的雄鹰企业", {}),
    (ECON, "杭州市工业稳增长政策", "GROW-1", "规上工业企业增长奖励", "award", "auto", "subsidy_paid",
     _all(ABOVE, MANUF, {"var": "revenue_growth", "op": ">=", "value": 15}),
     {"tiers": {"var": "revenue_growth", "steps": [[15, 10], [25, 20], [40, 30]]}}, "growth",
     "上年营业收入增长15%以上的规上工业企业", {"tests": [
         {"name": "增长14.9%不奖励", "inputs": {"is_above_scale": True, "industry_section": "C", "revenue_growth": 14.9,
                                         "dishonest": False, "abnormal_operation": False}, "result": False},
         {"name": "增长25%奖励20万元", "inputs": {"is_above_scale": True, "industry_section": "C", "revenue_growth": 25,
                                          "dishonest": False, "abnormal_operation": False}, "result": True,
          "amount": 20}]}),
    (ECON, "杭州市工业稳增长政策", "DIG-1", "数字化改造项目投资补助", "award", "apply", "subsidy_paid",
     _all(ABOVE, {"var": "project_investment", "op": ">=", "value": 1000}),
     {"rate": {"var": "project_investment", "per": 0.05, "cap": 300}}, "", "实施数字化改造项目的规上企业", {}),
    (ECON, "杭州市软件和信息服务业发展政策", "SOFT-1", "软件和信息服务企业营收档次奖励", "award", "auto", "subsidy_paid",
     _all({"var": "industry", "op": "in", "value": ["63", "64", "65"]}, {"var": "revenue", "op": ">=", "value": 1000}),
     {"tiers": {"var": "revenue", "steps": [[1000, 10], [2000, 20], [5000, 50], [10000, 100]]}}, "",
     "上年营业收入达到1000万元以上的软件和信息服务企业（按档次）", {}),
    ("杭州市科学技术局", "杭州市企业研发投入激励办法", "RD-1", "研发投入强度奖励", "award", "auto", "subsidy_paid",
     _all(ABOVE, {"var": "rd_intensity", "op": ">=", "value": 3}),
     {"tiers": {"var": "rd_intensity", "steps": [[3, 10], [5, 20], [8, 40]]}}, "rd-support",
     "研发费用占营业收入3%以上的规上企业", {"tests": [
         {"name": "强度5%奖励20万元", "inputs": {"is_above_scale": True, "rd_intensity": 5, "dishonest": False,
                                          "abnormal_operation": False}, "result": True, "amount": 20},
         {"name": "缺研发数据为未知", "inputs": {"is_above_scale": True, "dishonest": False,
                                         "abnormal_operation": False}, "result": None}]}),
    ("杭州市科学技术局", "杭州市企业研发投入激励办法", "RD-2", "制造业企业研发费用补助", "award", "auto", "subsidy_paid",
     _all(MANUF, {"var": "rd_expense", "op": ">=", "value": 500}),
     {"rate": {"var": "rd_expense", "per": 0.05, "cap": 200}}, "rd-support", "上年研发费用500万元以上的制造业企业", {}),
    ("杭州市科学技术局", "杭州市知识产权资助办法", "IP-1", "发明专利授权奖励", "award", "auto", "subsidy_paid",
     {"var": "invention_patents", "op": ">=", "value": 5},
     {"tiers": {"var": "invention_patents", "steps": [[5, 5], [20, 15], [50, 30]]}}, "", "发明专利5件以上的企业", {}),
    ("杭州市科学技术局", "杭州市企业研发投入激励办法", "TECH-1", "科技型小微企业研发补助", "award", "quick", "subsidy_paid",
     _all(SMALL, {"var": "rd_staff_share", "op": ">=", "value": 10}, {"var": "rd_intensity", "op": ">=", "value": 2}),
     {"fixed": 10}, "", "研发人员占比10%以上、研发强度2%以上的小微企业", {}),
    ("杭州市人力资源和社会保障局", "杭州市稳就业若干措施", "JOB-1", "失业保险稳岗返还", "reduction", "auto", "fee_foregone",
     _all(ABOVE, {"var": "employees", "op": ">=", "value": 1}),
     {"rate": {"var": "employees", "per": 0.06, "cap": 100}}, "", "上年未裁员或裁员率低于标准的参保企业", {}),
    ("杭州市人力资源和社会保障局", "杭州市稳就业若干措施", "JOB-2", "小微企业扩岗补助", "award", "quick", "subsidy_paid",
     _all(SMALL, {"var": "employees", "op": ">=", "value": 10}), {"fixed": 1.5}, "", "吸纳高校毕业生就业的小微企业", {}),
    ("杭州市人力资源和社会保障局", "杭州市稳就业若干措施", "JOB-3", "高技能人才培训补贴", "award", "apply", "subsidy_paid",
     {"var": "employees", "op": ">=", "value": 300}, {"fixed": 5}, "", "开展高技能人才培训的企业", {}),
    ("杭州市财政局", "杭州市减税降费政策直达快享", "TAX-1", "小微企业“六税两费”减半征收", "reduction", "auto", "tax_foregone",
     SMALL, {"fixed": 0.8}, "", "小型微利企业（按上年测算）", {}),
    ("杭州市财政局", "杭州市减税降费政策直达快享", "TAX-2", "先进制造业企业增值税加计抵减", "reduction", "auto", "tax_foregone",
     _all(MANUF, ABOVE, {"var": "rd_intensity", "op": ">=", "value": 3}),
     {"rate": {"var": "revenue", "per": 0.002, "cap": 500}}, "", "符合条件的先进制造业企业", {}),
    ("杭州市财政局", "杭州市减税降费政策直达快享", "TAX-3", "研发费用加计扣除（所得税减免）", "reduction", "auto", "tax_foregone",
     _all(ABOVE, {"var": "rd_expense", "op": ">", "value": 0}), {"rate": {"var": "rd_expense", "per": 0.25}}, "",
     "发生研发费用的规上企业", {}),
    ("杭州市财政局", "杭州市减税降费政策直达快享", "FEE-1", "小微企业残疾人就业保障金免征", "reduction", "auto", "fee_foregone",
     _all(SMALL, {"var": "employees", "op": "<=", "value": 30}), {"fixed": 0.5}, "", "在职职工30人以下的小微企业", {}),
    ("杭州市住房和城乡建设局", "杭州市国有房屋租金减免办法", "RENT-1", "服务业小微企业国有房屋租金减免", "reduction", "auto",
     "rent_waived", _all({"var": "state_lease_tenant", "op": "is_true"}, SMALL, SERVICES),
     {"rate": {"var": "monthly_rent", "per": {"param": "months"}}}, "rent", "承租国有房屋的服务业小微企业",
     {"params": {"months": [{"from": "2022-01-01", "value": 3}, {"from": "2026-01-01", "value": 6}]}}),
    ("杭州市住房和城乡建设局", "杭州市国有房屋租金减免办法", "RENT-2", "制造业小微企业国有厂房租金减免", "reduction", "auto",
     "rent_waived", _all({"var": "state_lease_tenant", "op": "is_true"}, SMALL, MANUF),
     {"rate": {"var": "monthly_rent", "per": 3}}, "rent", "承租国有厂房的制造业小微企业", {}),
    ("杭州市发展和改革委员会", "杭州市降低企业用能成本措施", "POWER-1", "工业企业电费阶段性减免", "reduction", "auto", "price_cut",
     _all(ABOVE, MANUF), {"rate": {"var": "revenue", "per": 0.001, "cap": 100}}, "", "规上工业企业（按用电规模测算）", {}),
    ("杭州市发展和改革委员会", "杭州市降低企业用能成本措施", "GAS-1", "工业用气价格优惠", "reduction", "auto", "price_cut",
     _all(MANUF, {"var": "revenue", "op": ">=", "value": 10000}), {"fixed": 3}, "", "年营收1亿元以上的工业用气企业", {}),
    ("杭州市地方金融监督管理局", "杭州市小微企业融资支持政策", "LOAN-1", "小微企业贷款贴息", "award", "quick", "financing_saving",
     _all(SMALL, {"var": "revenue", "op": ">=", "value": 200}), {"rate": {"var": "revenue", "per": 0.005, "cap": 20}}, "",
     "获得银行贷款的小微企业", {}),
    ("杭州市地方金融监督管理局", "杭州市小微企业融资支持政策", "LOAN-2", "专精特新企业融资担保费补助", "award", "auto",
     "financing_saving", {"any": [_has("specialised"), _has("little_giant"), _has("hidden_champion")]}, {"fixed": 5},
     "", "专精特新梯队企业", {}),
    ("杭州市商务局", "杭州市稳外贸若干措施", "EXP-1", "外贸企业出口奖励", "award", "auto", "subsidy_paid",
     {"var": "export_revenue", "op": ">=", "value": 1000},
     {"tiers": {"var": "export_revenue", "steps": [[1000, 5], [5000, 15], [20000, 30]]}}, "",
     "上年出口额1000万元以上的企业", {}),
    ("杭州市商务局", "杭州市稳外贸若干措施", "EXP-2", "小微外贸企业出口信用保险保费补助", "award", "quick", "subsidy_paid",
     _all(SMALL, {"var": "export_revenue", "op": ">=", "value": 200}), {"fixed": 2}, "", "投保出口信用保险的小微企业", {}),
    ("杭州市交通运输局", "杭州市物流降本增效措施", "LOG-1", "规上企业物流降本补助", "award", "auto", "subsidy_paid",
     ABOVE, {"tiers": {"var": "revenue", "steps": [[2000, 5], [10000, 10], [50000, 20]]}}, "",
     "规上企业（按上年营业收入档次）", {}),
    ("杭州市交通运输局", "杭州市物流降本增效措施", "LOG-2", "货车ETC通行费优惠", "reduction", "auto", "fee_foregone",
     {"var": "industry", "op": "in", "value": ["54", "58", "59", "60"]}, {"fixed": 2}, "", "道路运输、仓储和邮政企业", {}),
    ("杭州市交通运输局", "杭州市物流降本增效措施", "LOG-3", "多式联运示范项目补助", "award", "apply", "subsidy_paid",
     _all({"var": "industry", "op": "in", "value": ["54", "58", "59"]}, {"var": "revenue", "op": ">=", "value": 5000}),
     {"fixed": 50}, "", "开展多式联运的运输企业", {}),
    ("杭州市市场监督管理局", "杭州市标准化和品牌建设资助办法", "STD-1", "主导制定国家标准奖励", "award", "apply", "subsidy_paid",
     _all(ABOVE, {"var": "invention_patents", "op": ">=", "value": 10}), {"fixed": 20}, "", "主导制定国家标准的企业", {}),
    ("杭州市市场监督管理局", "杭州市标准化和品牌建设资助办法", "BRAND-1", "“品字标浙江制造”认证奖励", "award", "apply",
     "subsidy_paid", _all(MANUF, ABOVE), {"fixed": 10}, "", "获得“品字标”认证的制造企业", {}),
    ("杭州市生态环境局", "杭州市绿色低碳转型资助办法", "ENV-1", "环保设施提标改造补助", "award", "apply", "subsidy_paid",
     _all(MANUF, {"var": "project_investment", "op": ">=", "value": 500}),
     {"rate": {"var": "project_investment", "per": 0.1, "cap": 100}}, "", "实施环保提标改造的工业企业",
     {"exclusions": [*NEG, {"var": "major_incident", "op": "is_true"}]}),
    ("杭州市生态环境局", "杭州市绿色低碳转型资助办法", "ENV-2", "小微企业排污权有偿使用费减免", "reduction", "auto",
     "fee_foregone", _all(SMALL, MANUF), {"fixed": 1}, "", "制造业小微企业", {}),
    ("330106", "西湖区数字经济高质量发展政策", "XH-1", "西湖区数字经济企业奖励", "award", "auto", "subsidy_paid",
     _all({"var": "district", "op": "==", "value": "330106"}, {"var": "industry", "op": "in", "value": ["63", "64", "65"]},
          {"var": "revenue", "op": ">=", "value": 1000}), {"fixed": 20}, "", "西湖区数字经济企业", {}),
    ("330106", "西湖区数字经济高质量发展政策", "XH-2", "西湖区小微企业房租补贴", "award", "quick", "rent_waived",
     _all({"var": "district", "op": "==", "value": "330106"}, SMALL), {"fixed": 3}, "", "西湖区小微企业", {}),
    ("330109", "萧山区制造业高质量发展政策", "XS-1", "萧山区规上工业企业增长奖励", "award", "auto", "subsidy_paid",
     _all({"var": "district", "op": "==", "value": "330109"}, ABOVE, MANUF,
          {"var": "revenue_growth", "op": ">=", "value": 10}),
     {"tiers": {"var": "revenue_growth", "steps": [[10, 10], [20, 20]]}}, "growth", "萧山区增长10%以上的规上工业企业", {}),
    ("330109", "萧山区制造业高质量发展政策", "XS-2", "萧山区智能工厂配套奖励", "award", "auto", "subsidy_paid",
     _all({"var": "district", "op": "==", "value": "330109"},
          {"var": "factory_level", "op": "in", "value": ["smart_factory", "future_factory"]}), {"fixed": 20}, "",
     "萧山区智能工厂、未来工厂", {}),
    (ECON, "杭州市推动企业上市若干政策", "LIST-1", "企业上市奖励", "award", "auto", "subsidy_paid",
     {"var": "is_listed", "op": "is_true"}, {"fixed": 200}, "", "在境内外上市的企业", {}),
]


def _load_fact_lists(rng: random.Random, year: int, keep_clean: set[int]) -> None:
    """Department lists over the registry (simulated membership; no size threshold is claimed)."""
    today = timezone.localdate()
    rows = list(YearlyFigures.objects.filter(year=year - 1).values_list(
        "enterprise_id", "employees", "enterprise__is_above_scale"))
    lists = {}
    for var, source in [("is_small_micro", "市场监管局小微企业名录"), ("dishonest", "市中级人民法院失信被执行人名单"),
                        ("abnormal_operation", "市场监管局经营异常名录"), ("major_incident", "应急管理局重大事故通报"),
                        ("state_lease_tenant", "市国资委国有房屋承租名单"), ("monthly_rent", "市国资委国有房屋租金台账")]:
        lists[var] = FactList.objects.update_or_create(variable=var, defaults={"source": source, "as_of": today})[0]
    facts = []
    for pk, employees, above in rows:
        if not above and employees < 90 and rng.random() < 0.4:
            facts.append(EnterpriseFact(fact_list=lists["is_small_micro"], enterprise_id=pk))
            if rng.random() < 0.08:
                facts.append(EnterpriseFact(fact_list=lists["state_lease_tenant"], enterprise_id=pk))
                if rng.random() < 0.8:  # the rent ledger misses some leases: those firms get the short form
                    facts.append(EnterpriseFact(fact_list=lists["monthly_rent"], enterprise_id=pk,
                                                value=f"{rng.uniform(0.3, 6):.2f}"))
        if pk not in keep_clean:
            if rng.random() < 0.004:
                facts.append(EnterpriseFact(fact_list=lists["dishonest"], enterprise_id=pk))
            if rng.random() < 0.006:
                facts.append(EnterpriseFact(fact_list=lists["abnormal_operation"], enterprise_id=pk))
            if rng.random() < 0.002:
                facts.append(EnterpriseFact(fact_list=lists["major_incident"], enterprise_id=pk))
    EnterpriseFact.objects.bulk_create(facts, batch_size=5000, ignore_conflicts=True)


def _catalogue(city, year: int) -> list[PolicyItem]:
    depts = {o.name: o for o in Organisation.objects.filter(kind="department")}
    policies: dict[str, Policy] = {}
    items = []
    for issuer, pname, code, name, kind, mode, measure, cond, amount, group, who, extra in ITEMS:
        if pname not in policies:
            district = issuer if issuer.isdigit() else None
            policies[pname] = Policy.objects.create(
                name=pname, document_no=f"杭政办〔{year - 1}〕{len(policies) + 11}号" if not district else
                f"{'西' if district == '330106' else '萧'}政发〔{year - 1}〕{len(policies) + 3}号",
                level="district" if district else "city", department=None if district else depts[issuer],
                district_id=district, published_on=dt.date(year, 2, 15),
                legal_basis="《国务院办公厅关于进一步优化营商环境降低市场主体制度性交易成本的意见》；本市惠企政策直达快享工作要求",
                summary=f"{pname}（演示数据）")
        item = PolicyItem.objects.create(
            policy=policies[pname], code=code, name=name, kind=kind, mode=mode, measure_kind=measure,
            beneficiaries=who, conditions_text="、".join([who, "未列入失信被执行人名单和经营异常名录"]),
            payout_working_days=20 if mode == "auto" else 60, confirm_working_days=15, phone="0571-12345",
            budget_year=year, exclusive_group=group,
            budget_cap=None if mode != "apply" else Decimal(5000))
        services.version_create(actor=city, item=item, effective_from=dt.date(year - 4, 1, 1), conditions=cond,
                                exclusions=extra.get("exclusions", NEG), amount=amount, params=extra.get("params"),
                                tests=extra.get("tests", []), reference=f"{pname} 第{len(items) % 9 + 1}条")
        items.append(item)
    return items


def _steps(pks: list[int], **kwargs) -> None:
    for k in range(0, len(pks), 20_000):
        services._bulk_steps(Eligibility.objects.filter(pk__in=pks[k:k + 20_000]), actor=None, **kwargs)


def _simulate_workflow(*, rng: random.Random, city, items, year: int, demo_firms: set[int]) -> None:
    """A year of 免申即享: lists published 60 days ago; firms read, confirm, decline or let the deadline pass;
    departments pay most confirmed ones, hold a few (account problems), and some approved stay unpaid."""
    today = timezone.localdate()
    published = today - dt.timedelta(days=60)
    computed = timezone.make_aware(dt.datetime.combine(published - dt.timedelta(days=3), dt.time(9)))
    Eligibility.objects.filter(item__in=items).update(computed_at=computed)
    for item in items:
        if item.mode in ("auto", "quick"):  # quick items: after the department's review of the short forms
            services.item_publish(actor=city, item=item, today=published)
    notified = list(Eligibility.objects.filter(status=Status.NOTIFIED).values_list("pk", "enterprise_id"))
    groups: dict[str, list[int]] = {k: [] for k in ("read", "confirmed", "declined", "paid", "held", "payable")}
    for pk, firm in notified:
        if firm in demo_firms:
            continue  # the demo accounts' notices stay open: they confirm themselves
        x = rng.random()
        if x < 0.82:
            groups["read"].append(pk)
            if x < 0.74:
                y = rng.random()
                key = "paid" if y < 0.86 else "held" if y < 0.89 else "payable" if y < 0.95 else "confirmed"
                groups[key].append(pk)
            elif x < 0.76:
                groups["declined"].append(pk)
    at = timezone.make_aware(dt.datetime.combine(published, dt.time(10)))
    Eligibility.objects.filter(pk__in=groups["read"]).update(read_at=at + dt.timedelta(days=1))
    confirmed = groups["paid"] + groups["held"] + groups["payable"] + groups["confirmed"]
    Eligibility.objects.filter(pk__in=confirmed).update(confirmed_at=at + dt.timedelta(days=4), bank_name="演示银行",
                                                        bank_account="6222000000000000", status=Status.CONFIRMED)
    Eligibility.objects.filter(pk__in=groups["declined"]).update(status=Status.DECLINED, reason="企业自愿放弃")
    Eligibility.objects.filter(pk__in=groups["held"]).update(status=Status.HELD, reason="银行账户信息与登记不一致")
    Eligibility.objects.filter(pk__in=groups["payable"]).update(status=Status.PAYABLE)
    _steps(confirmed, action="confirm", from_status=Status.NOTIFIED, to_status=Status.CONFIRMED)
    # Payments, spread over the weeks after confirmation, each entering the ledger.
    rows = list(Eligibility.objects.filter(pk__in=groups["paid"]).values_list(
        "pk", "amount", "item__measure_kind", "item__policy_id", "item__policy__department_id", "enterprise_id",
        "enterprise__district_id", "enterprise__industry_id", "enterprise__is_above_scale"))
    now = timezone.now()
    entries, by_day = [], {}
    for pk, amount, kind, policy, dept, firm, district, industry, above in rows:
        day = min(today, published + dt.timedelta(days=rng.randint(6, 45)))
        by_day.setdefault(day, []).append(pk)
        entries.append({"year": day.year, "month": day.month, "kind": kind, "basis": Basis.MEASURED, "amount": amount,
                        "district_id": district, "industry_id": industry,
                        "size": Size.ABOVE_SCALE if above else Size.BELOW_SCALE, "policy_id": policy,
                        "enterprise_id": firm, "department_id": dept, "source": EntrySource.WORKFLOW,
                        "eligibility_id": pk, "note": "免申即享兑现", "batch": "", "created": now, "updated": now})
    for day, pks in by_day.items():
        Eligibility.objects.filter(pk__in=pks).update(
            status=Status.PAID, paid_amount=F("amount"),
            paid_at=timezone.make_aware(dt.datetime.combine(day, dt.time(15))))
    services.fast_insert(LedgerEntry, entries)
    _steps(groups["paid"], action="pay", from_status=Status.CONFIRMED, to_status=Status.PAID)
    # The demo accounts' notices are fresh (published today), the others' deadlines (official working days)
    # passed: unconfirmed ones are waived.
    Eligibility.objects.filter(enterprise_id__in=demo_firms, status=Status.NOTIFIED).update(
        notified_at=timezone.now(), deadline=add_working_days(today, 15))
    # Their inbox notices (written when the lists were published) carry the fresh deadlines too.
    from industry_brain.demands.models import Notification

    Notification.objects.filter(kind="policy_benefit", recipient__enterprise_id__in=demo_firms).delete()
    for row in Eligibility.objects.filter(enterprise_id__in=demo_firms, status=Status.NOTIFIED).select_related(
            "item"):
        services._notify_benefit(services._firm_users([row.enterprise_id]), row.item, row.deadline)
    services.eligibilities_expire(today=max(today, add_working_days(published, 16)))


def _department_imports(*, rng: random.Random, year: int) -> None:
    """What departments report beyond the platform's own payments: VAT refunds, tax and fee measures, price cuts,
    financing savings (an estimate), rent, deferrals; spread over districts, months and size classes."""
    from django.db.models import Count, Sum

    paid = dict(LedgerEntry.objects.filter(year=year).values_list("kind").annotate(s=Sum("amount")))
    weights = dict(Enterprise.objects.values_list("district_id").annotate(n=Count("pk")))
    depts = {o.name: o.pk for o in Organisation.objects.filter(kind="department")}
    reporter = {"cash_refund": "杭州市财政局", "tax_foregone": "杭州市财政局", "fee_foregone": "杭州市人力资源和社会保障局",
                "price_cut": "杭州市发展和改革委员会", "financing_saving": "杭州市地方金融监督管理局",
                "rent_waived": "杭州市住房和城乡建设局", "subsidy_paid": "杭州市财政局", "deferral": "杭州市人力资源和社会保障局"}
    month_shape = {"cash_refund": [2, 2, 3, 14, 16, 15, 9, 8, 8, 8, 8, 7]}
    entries = []
    total_w = sum(weights.values())
    for kind, yi in [*TARGET_YI.items(), ("deferral", DEFERRAL_YI)]:
        remaining = Decimal(str(yi)) * 10000 - (paid.get(kind) or Decimal(0))
        if remaining <= 0:
            continue
        months = month_shape.get(kind, [1] * 12)
        cells = []
        for district, w in weights.items():
            for m in range(1, 13):
                for size, share in ((Size.ABOVE_SCALE, 0.68), (Size.BELOW_SCALE, 0.32)):
                    cells.append((district, m, size, w / total_w * months[m - 1] / sum(months) * share
                                  * rng.uniform(0.85, 1.15)))
        scale = float(remaining) / sum(c[3] for c in cells)
        for district, m, size, share in cells:
            entries.append(LedgerEntry(
                year=year, month=m, kind=kind, basis=Basis.ESTIMATED if kind in ESTIMATED else Basis.MEASURED,
                amount=Decimal(str(round(share * scale, 2))), district_id=district, size=size,
                department_id=depts.get(reporter[kind]), source=EntrySource.IMPORT, batch=f"demo-{kind}",
                note="部门报送（演示数据）"))
    LedgerEntry.objects.bulk_create(entries, batch_size=5000)
    rollup.rebuild(LedgerEntry.objects.order_by().values_list("year", flat=True).distinct())


@transaction.atomic
def seed_policies(*, scale: str, seed: int, users: dict) -> None:
    rng = random.Random(seed + 14)
    year = timezone.localdate().year
    city = users["city_admin"]
    demo_firms = {u.enterprise_id for k, u in users.items() if k.startswith("enterprise_demo")}
    _load_fact_lists(rng, year, keep_clean=demo_firms)
    items = _catalogue(city, year)
    services.evaluate_items(actor=city, items=items)
    _simulate_workflow(rng=rng, city=city, items=items, year=year, demo_firms=demo_firms)
    _department_imports(rng=rng, year=year)
