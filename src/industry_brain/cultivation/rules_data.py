# ruff: noqa: E501  (criteria text in Chinese is counted by display width; kept on one line per rule)
"""The criteria shipped with the platform, transcribed from the research note `standards/tier-criteria.md`
(sections 1–4 and 6). Every rule carries its source and the note's verification tag; nothing is added that the
note does not give, and what the note marks NOT FOUND is absent (a rule set without rules says so).

Loaded by the data migration `0002_rule_sets` (and `services.rulesets_ensure_defaults` after a test flush); the
city adds later versions through the pages. A rule is
    (code, indicator, kind, figure, operator, threshold, extra)
with `extra` holding bands, group, applies_if, application_type, verification, source, note, inclusive.
"""

from __future__ import annotations

MIIT_2022 = "工信部《优质中小企业梯度培育管理暂行办法》（工信部企业〔2022〕63号）"
MIIT_2026 = "工信部《优质中小企业梯度培育管理办法》（报道为工信部企业〔2026〕2号，2026-04-01起施行）"
SC_2023 = "工信部《制造业单项冠军企业认定管理办法》（工信部政法〔2023〕138号）附件1"
HC_2025 = "浙江省经信厅《关于开展2025年浙江省隐形冠军企业认定和复核工作的通知》（浙经信企业〔2025〕233号）"
HC_2026 = "浙江省经信厅《关于开展2026年度浙江省制造业单项冠军（隐形冠军）企业遴选认定工作的通知》附件4/5"
KP_2022 = "杭州市经信局“2022年度‘鲲鹏’企业摸底”通知"
FF_2025 = "浙江省经信厅 2025年未来工厂梯度培育通知（浙经信产数〔2025〕174号）"
BOUNDARY_NOTE = "边界值按高分档计分、“以上/以下”含本数（广东实施口径，T1）"


def _r(code, indicator, kind, figure, operator="", threshold=None, **extra):
    return {"code": code, "indicator": indicator, "kind": kind, "figure": figure, "operator": operator,
            "threshold": threshold, **extra}


def _bands(code, indicator, figure, bands, *, direction="higher", group="", **extra):
    return _r(code, indicator, "score", figure, bands=bands, direction=direction, group=group,
              max_points=max(p for _, p in bands), **extra)


SPECIALISED_2022 = {
    "tier": "specialised", "level": "provincial", "version": "2022", "effective_from": "2022-06-01",
    "application_type": "any", "name": "专精特新中小企业认定标准（2022）", "source": MIIT_2022 + " 附件2",
    "verification": "V",
    "note": "同时满足四项条件；评价指标表为第三方转录（T2）。第9项地方特色指标（15分）浙江口径未找到，引擎不计该项，"
            "满分按85分计、门槛仍为60分。印发日期报道为2022年6月，起始日按6月1日计。",
    "rules": [
        _r("SP22-NICHE", "从事特定细分市场时间（年）", "gate", "niche_years", ">=", 2, source="附件2 认定条件（一）",
           verification="V"),
        _r("SP22-RD", "上年度研发费用总额（万元）", "gate", "rd_expense", ">=", 100, source="附件2 认定条件（二）",
           verification="V"),
        _r("SP22-RDI", "上年度研发费用占营业收入比重（%）", "gate", "rd_intensity", ">=", 3, source="附件2 认定条件（二）",
           verification="V"),
        _r("SP22-REV", "上年度营业收入（万元）", "gate", "revenue", ">=", 1000, group="revenue",
           source="附件2 认定条件（三）", verification="V"),
        _r("SP22-REV-EQ", "近2年新增股权融资总额（万元），营收不足1000万元时", "route", "equity_financing_2y", ">=", 2000,
           group="revenue", source="附件2 认定条件（三）", verification="V"),
        _r("SP22-SCORE", "评价得分", "gate", "score", ">=", 60, group="score", source="附件2 认定条件（四）",
           verification="V"),
        _r("SP22-D1", "近三年省级科技奖励（获奖单位前三）或国家级（前五）", "route", "provincial_award_top3", "true",
           group="score", source="附件2 认定条件（四）1", verification="V"),
        _r("SP22-D2", "近两年研发费用总额均值（万元）", "route", "rd_expense_avg_2y", ">=", 1000, group="score",
           source="附件2 认定条件（四）2", verification="V"),
        _r("SP22-D3", "近两年新增股权融资总额（万元）", "route", "equity_financing_2y", ">=", 6000, group="score",
           source="附件2 认定条件（四）3", verification="V"),
        _r("SP22-D4", "近三年“创客中国”全国500强", "route", "chuangke_top500", "true", group="score",
           source="附件2 认定条件（四）4", verification="V"),
        _bands("SP22-S1", "主营业务收入占营业收入比重（%）", "main_share", [[80, 5], [70, 3], [60, 1]],
               source="附件2 评价指标1", verification="T2", note=BOUNDARY_NOTE),
        _bands("SP22-S2", "近2年主营业务收入平均增长率（%）", "main_growth_avg_2y",
               [[10, 10], [8, 8], [6, 6], [4, 4], [0, 2]], source="附件2 评价指标2", verification="T2"),
        _bands("SP22-S3", "从事特定细分市场年限（每满2年1分，最高5分）", "niche_years",
               [[10, 5], [8, 4], [6, 3], [4, 2], [2, 1]], source="附件2 评价指标3", verification="T2"),
        _bands("SP22-S4", "主导产品所属领域情况（2=补短板锻长板填空白，1=工业六基等）", "field_effect", [[2, 5], [1, 3]],
               source="附件2 评价指标4", verification="T2"),
        _bands("SP22-S5", "数字化水平（级）", "digital_level", [[3, 5], [2, 3]], source="附件2 评价指标5",
               verification="T2", note="按《中小企业数字化水平评测指标》自测（U）"),
        _bands("SP22-S6", "质量管理水平（满足项数，每项3分，最高5分）", "quality_items", [[2, 5], [1, 3]],
               source="附件2 评价指标6", verification="T2"),
        _bands("SP22-S7", "上年度净利润率（%）", "net_margin", [[10, 10], [8, 8], [6, 6], [4, 4], [2, 2]],
               source="附件2 评价指标7", verification="T2"),
        _bands("SP22-S8", "上年度资产负债率（%）", "debt_ratio", [[50, 5], [60, 3], [70, 1]], direction="lower",
               source="附件2 评价指标8", verification="T2"),
        _bands("SP22-S10", "与主导产品相关的有效知识产权（4=Ⅰ类高价值，2=Ⅰ类，1=Ⅱ类）", "ip_grade",
               [[4, 10], [2, 6], [1, 2]], source="附件2 评价指标10", verification="T2",
               note="平台不区分“自主研发的Ⅰ类”，Ⅰ类按C档（6分）计"),
        _bands("SP22-S11A", "上年度研发费用投入（金额，万元）", "rd_expense", [[500, 10], [400, 8], [300, 6], [200, 4], [100, 2]],
               group="best:rd", source="附件2 评价指标11", verification="V", note="金额与比重取高者"),
        _bands("SP22-S11B", "上年度研发费用投入（占营收比重，%）", "rd_intensity",
               [[10, 10], [8, 8], [6, 6], [4, 4], [3, 2]], group="best:rd", source="附件2 评价指标11",
               verification="V", note="金额与比重取高者"),
        _bands("SP22-S12", "上年度研发人员占比（%）", "rd_staff_share", [[20, 5], [10, 3], [5, 1]],
               source="附件2 评价指标12", verification="T2"),
        _bands("SP22-S13", "研发机构级别（4国家级 3省级 2市级 1市级以下）", "rd_institution",
               [[4, 10], [3, 8], [2, 4], [1, 2]], source="附件2 评价指标13", verification="T2"),
    ],
}

SPECIALISED_2026 = {
    "tier": "specialised", "level": "provincial", "version": "2026", "effective_from": "2026-04-01",
    "application_type": "new", "name": "专精特新中小企业（2026 管理办法）", "source": MIIT_2026, "verification": "T1",
    "note": "单一第三方来源（T1）。“主导产品细分市场占有率较为靠前”为定性条件，未纳入引擎。复核适用版本未见来源，按2022标准。",
    "rules": [
        _r("SP26-INNO", "已获科技和创新型中小企业称号", "gate", "innovative_sme", "true", source="第二章", verification="T1"),
        _r("SP26-NICHE", "截至上年末从事特定细分市场（年）", "gate", "niche_years", ">=", 3, source="第二章",
           verification="T1"),
        _r("SP26-REV", "上年度营业收入（万元）", "gate", "revenue", ">=", 1500, group="revenue", source="第二章",
           verification="T1"),
        _r("SP26-REV-EQ", "近两年新增股权投资（万元）", "route", "equity_financing_2y", ">=", 2000, group="revenue",
           source="第二章", verification="T1"),
        _r("SP26-MAIN", "主营业务收入占比（%）", "gate", "main_share", ">=", 80, source="第二章", verification="T1"),
        _r("SP26-DEBT", "上年末资产负债率（%）", "gate", "debt_ratio", "<=", 80, source="第二章", verification="T1"),
        _r("SP26-RD", "近两年研发费用（每年，万元）", "gate", "rd_expense_min_2y", ">=", 100, source="第二章",
           verification="T1"),
        _r("SP26-RDI", "近两年研发费用占营收比重（每年，%）", "gate", "rd_intensity_min_2y", ">=", 3, source="第二章",
           verification="T1"),
        _r("SP26-IP", "与主导产品相关的Ⅰ类知识产权（项）", "gate", "ip_class1", ">=", 1, group="ip", source="第二章",
           verification="T1"),
        _r("SP26-IP-AWARD", "近三年省部级以上科技奖励（前三）豁免知识产权", "route", "provincial_award_top3", "true",
           group="ip", source="第二章", verification="T1"),
        _r("SP26-IP-INST", "省部级以上研发机构豁免知识产权", "route", "rd_institution", ">=", 3, group="ip",
           source="第二章", verification="T1"),
        _r("SP26-SCORE", "本年度专精特新发展评价得分（平台计算）", "gate", "sme_score", ">=", 50, source="第二章",
           verification="T1"),
    ],
}

LITTLE_GIANT_2022 = {
    "tier": "little_giant", "level": "national", "version": "2022", "effective_from": "2022-06-01",
    "application_type": "any", "name": "专精特新“小巨人”企业认定标准（2022）", "source": MIIT_2022 + " 附件3",
    "verification": "V",
    "note": "专、精、特、新、链、品六方面同时满足。“须已为省级专精特新中小企业”在2022标准中未核实（U），未作为门槛；"
            "2026年复核仍按本标准（T1）。",
    "rules": [
        _r("LG22-NICHE", "截至上年末从事特定细分市场（年）", "gate", "niche_years", ">=", 3, source="附件3 专业化",
           verification="V"),
        _r("LG22-MAIN", "主营业务收入占营业收入比重（%）", "gate", "main_share", ">=", 70, source="附件3 专业化",
           verification="V"),
        _r("LG22-GROWTH", "近2年主营业务收入平均增长率（%）", "gate", "main_growth_avg_2y", ">=", 5, source="附件3 专业化",
           verification="V"),
        _r("LG22-INFO", "至少1项核心业务采用信息系统支撑", "gate", "info_system", "true", source="附件3 精细化",
           verification="V"),
        _r("LG22-CERT", "取得管理体系认证或发达国家和地区产品认证", "gate", "certification", "true", source="附件3 精细化",
           verification="V"),
        _r("LG22-DEBT", "截至上年末资产负债率（%）", "gate", "debt_ratio", "<=", 70, source="附件3 精细化",
           verification="V"),
        _r("LG22-SHARE", "主导产品全国细分市场占有率（%）", "gate", "market_share", ">=", 10, source="附件3 特色化",
           verification="V"),
        _r("LG22-BRAND", "拥有直接面向市场并具有竞争优势的自主品牌", "gate", "own_brand", "true", source="附件3 特色化",
           verification="V"),
        _r("LG22-CHAIN", "位于产业链关键环节、主导产品属于重点领域（局认定）", "gate", "key_field", "true",
           source="附件3 产业链配套/主导产品所属领域", verification="V",
           note="定性条件，由区县经信局核定；领域清单措辞未核实（U）"),
        _r("LG22-RD-A", "营收1亿元以上：近2年研发费用占营收比重均不低于（%）", "gate", "rd_intensity_min_2y", ">=", 3,
           group="innovation", applies_if=[["revenue", ">=", 10000]], source="附件3 创新能力 一般性条件1",
           verification="V"),
        _r("LG22-RD-B", "营收5000万—1亿元：近2年研发费用占营收比重均不低于（%）", "gate", "rd_intensity_min_2y", ">=", 6,
           group="innovation", applies_if=[["revenue", ">=", 5000], ["revenue", "<", 10000]],
           source="附件3 创新能力 一般性条件1", verification="V"),
        _r("LG22-RD-C1", "营收5000万元以下：近2年新增股权融资（万元）", "gate", "equity_financing_2y", ">=", 8000,
           group="innovation", applies_if=[["revenue", "<", 5000]], source="附件3 创新能力 一般性条件1",
           verification="V"),
        _r("LG22-RD-C2", "营收5000万元以下：研发费用总额（近2年，万元）", "gate", "rd_expense_sum_2y", ">=", 3000,
           group="innovation", applies_if=[["revenue", "<", 5000]], source="附件3 创新能力 一般性条件1",
           verification="V", note="原文“研发费用总额3000万元以上”，按近2年合计计"),
        _r("LG22-RD-C3", "营收5000万元以下：研发人员占职工总数比重（%）", "gate", "rd_staff_share", ">=", 50,
           group="innovation", applies_if=[["revenue", "<", 5000]], source="附件3 创新能力 一般性条件1",
           verification="V"),
        _r("LG22-INST", "自建或联合建立研发机构", "gate", "rd_institution", ">=", 1, group="innovation",
           source="附件3 创新能力 一般性条件2", verification="V"),
        _r("LG22-IP", "与主导产品相关的Ⅰ类知识产权（项）", "gate", "ip_class1", ">=", 2, group="innovation",
           source="附件3 创新能力 一般性条件3", verification="V"),
        _r("LG22-DIRECT-AWARD", "近三年国家级科技奖励（获奖单位前三）", "route", "national_award_top3", "true",
           group="innovation", source="附件3 创新直通条件1", verification="U",
           note="“国家级”字样一份转载缺失，凭记忆（U）"),
        _r("LG22-DIRECT-MAKER", "近三年“创客中国”全国50强企业组", "route", "chuangke_top50", "true", group="innovation",
           source="附件3 创新直通条件2", verification="V"),
    ],
}

LITTLE_GIANT_2026 = {
    "tier": "little_giant", "level": "national", "version": "2026", "effective_from": "2026-04-01",
    "application_type": "new", "name": "专精特新“小巨人”企业（2026 管理办法，新申请）", "source": MIIT_2026,
    "verification": "T2",
    "note": "七项同时满足（两份第三方来源，T2）。复核企业仍按2022标准（T1），故本版本只适用于新申请。"
            "第（六）项为定性条件，由区县经信局核定。",
    "rules": [
        _r("LG26-SPEC", "已获得专精特新中小企业称号", "gate", "holds_specialised", "true", source="第（一）项",
           verification="T2"),
        _r("LG26-NICHE", "截至上年末从事特定细分市场（年）", "gate", "niche_years", ">=", 3, source="第（一）项",
           verification="T2"),
        _r("LG26-REV", "上年度营业收入（万元）", "gate", "revenue", ">=", 5000, source="第（二）项", verification="T2"),
        _r("LG26-MAIN", "主营业务收入占营业收入比重（%）", "gate", "main_share", ">=", 90, source="第（二）项",
           verification="T2"),
        _r("LG26-CAGR", "近两年营业收入复合增长率（%）", "gate", "revenue_cagr_2y", ">=", 5, application_type="new",
           source="第（二）项", verification="T2", note="复核企业不考查"),
        _r("LG26-DEBT", "上年末资产负债率（%）", "gate", "debt_ratio", "<=", 75, source="第（二）项", verification="T2"),
        _r("LG26-RD", "近两年研发费用合计（万元）", "gate", "rd_expense_sum_2y", ">=", 1200, source="第（三）项",
           verification="T2"),
        _r("LG26-RDI", "近两年研发费用占营收比重（每年，%）", "gate", "rd_intensity_min_2y", ">=", 3, source="第（三）项",
           verification="T2"),
        _r("LG26-IP", "与主导产品相关的Ⅰ类知识产权（项）", "gate", "ip_class1", ">=", 4, group="ip", source="第（四）项",
           verification="T2"),
        _r("LG26-IP-AWARD", "近三年国家级科技奖励（前三）不考察知识产权", "route", "national_award_top3", "true",
           group="ip", source="第（四）项", verification="T2"),
        _r("LG26-SHARE", "主导产品细分市场占有率（%）", "gate", "market_share", ">=", 10, group="market",
           source="第（五）项", verification="T2"),
        _r("LG26-RANK", "主导产品国内细分市场前三名", "route", "market_rank_national", "<=", 3, group="market",
           source="第（五）项", verification="T2"),
        _r("LG26-FIELD", "主导产品属于重点领域、位于产业链关键环节（局认定）", "gate", "key_field", "true",
           source="第（六）项", verification="T2"),
        _r("LG26-SCORE", "本年度专精特新发展评价得分（平台计算）", "gate", "sme_score", ">=", 60, source="第（七）项",
           verification="T2"),
        _r("LG26-X-SC", "已获制造业单项冠军的企业不再推荐新申请", "exclusion", "holds_single_champion", "true",
           application_type="new", source="工信厅企业函〔2026〕117号", verification="T1"),
    ],
}

HIDDEN_CHAMPION_2025 = {
    "tier": "hidden_champion", "level": "provincial", "version": "2025", "effective_from": "2025-01-01",
    "application_type": "any", "name": "浙江省隐形冠军企业（2025）", "source": HC_2025, "verification": "V",
    "note": "原则上以中型企业为主、限额推荐。专利、标准、品牌条款所在转载年份不明，未纳入2025版本。通知日期未见，起始日按1月1日计。",
    "rules": [
        _r("HC25-YEARS", "连续经营年限（年）", "gate", "operating_years", ">=", 10, source="条件1", verification="V"),
        _r("HC25-REV", "上年度营业收入（万元）", "gate", "revenue", ">=", 5000, source="条件2", verification="V"),
        _r("HC25-REV-MAX", "上年度营业收入一般不超过（万元）", "gate", "revenue", "<=", 200000, source="条件2",
           verification="V", note="“一般不超过20亿元”"),
        _r("HC25-GROW", "近2年营业收入持续增长", "gate", "revenue_growing_2y", "true", source="条件3", verification="V"),
        _r("HC25-PROFIT", "近2年净利润平均增长率（%）", "gate", "net_profit_growth_avg_2y", ">=", 10, source="条件3",
           verification="V"),
        _r("HC25-DEBT", "资产负债率（%）", "gate", "debt_ratio", "<=", 70, source="条件3", verification="V"),
        _r("HC25-CREDIT", "银行资信等级A级以上（或征信无不良记录）", "gate", "credit_a", "true", source="条件3",
           verification="V"),
        _r("HC25-NICHE", "从事特定细分领域（年）", "gate", "niche_years", ">=", 10, source="条件4", verification="V"),
        _r("HC25-PRODUCTS", "主导产品数量（个）", "gate", "main_products", "<=", 3, source="条件4", verification="V"),
        _r("HC25-MAIN", "主营业务收入占营业收入比重（%）", "gate", "main_share", ">=", 70, source="条件4",
           verification="V"),
        _r("HC25-GLOBAL", "细分市场全球排名", "gate", "market_rank_global", "<=", 10, group="market", source="条件4",
           verification="V"),
        _r("HC25-NATIONAL", "细分市场全国排名（前三）", "route", "market_rank_national", "<=", 3, group="market",
           source="条件4", verification="V"),
        _r("HC25-RDI", "近2年研发投入占营收比重（每年，%）", "gate", "rd_intensity_min_2y", ">=", 4, source="条件5",
           verification="V"),
    ],
}

HIDDEN_CHAMPION_2026 = {
    "tier": "hidden_champion", "level": "provincial", "version": "2026", "effective_from": "2026-03-26",
    "application_type": "any", "name": "浙江省隐形冠军企业（2026）", "source": HC_2026, "verification": "T1",
    "note": "单一第三方来源（T1）。复核适用同一门槛；未按规定参加复核的撤销称号。",
    "rules": [
        _r("HC26-YEARS", "连续经营年限（年）", "gate", "operating_years", ">=", 10, source="附件4", verification="T1"),
        _r("HC26-REV", "上年度营业收入（万元）", "gate", "revenue", ">=", 5000, source="附件4", verification="T1"),
        _r("HC26-REV-MAX", "上年度营业收入一般不超过（万元）", "gate", "revenue", "<=", 200000, source="附件4",
           verification="T1"),
        _r("HC26-GROW", "近2年营业收入持续增长", "gate", "revenue_growing_2y", "true", source="附件4", verification="T1"),
        _r("HC26-PROFIT", "近2年净利润平均增长率（%）", "gate", "net_profit_growth_avg_2y", ">=", 10, source="附件4",
           verification="T1"),
        _r("HC26-DEBT", "资产负债率（%）", "gate", "debt_ratio", "<=", 75, source="附件4", verification="T1"),
        _r("HC26-CREDIT", "A级资信或征信无不良", "gate", "credit_a", "true", source="附件4", verification="T1"),
        _r("HC26-NICHE", "从事细分领域（年）", "gate", "niche_years", ">=", 10, source="附件4", verification="T1"),
        _r("HC26-PRODUCTS", "主导产品数量（个）", "gate", "main_products", "<=", 3, source="附件4", verification="T1"),
        _r("HC26-MAIN", "主营业务收入占比（%）", "gate", "main_share", ">=", 70, source="附件4", verification="T1"),
        _r("HC26-GLOBAL", "细分市场全球排名", "gate", "market_rank_global", "<=", 10, group="market", source="附件4",
           verification="T1"),
        _r("HC26-NATIONAL", "细分市场全国排名（前三）", "route", "market_rank_national", "<=", 3, group="market",
           source="附件4", verification="T1"),
        _r("HC26-RDI", "近2年研发投入占营收比重（每年，%）", "gate", "rd_intensity_min_2y", ">=", 4, source="附件4",
           verification="T1"),
        _r("HC26-PATENT", "有效发明专利（项）", "gate", "invention_patents", ">=", 4, source="附件4", verification="T1"),
        _r("HC26-INST", "研发机构", "gate", "rd_institution", ">=", 1, source="附件4", verification="T1"),
        _r("HC26-INFO", "至少1项核心业务采用信息系统", "gate", "info_system", "true", source="附件4", verification="T1"),
        _r("HC26-STD", "主导或参与制定国际/国家/行业标准（项）", "gate", "standards", ">=", 1, source="附件4",
           verification="T1"),
        _r("HC26-BRAND", "自主品牌", "gate", "own_brand", "true", source="附件4", verification="T1"),
        _r("HC26-INTL", "国际认证（项）", "gate", "intl_certification", "true", source="附件4", verification="T1"),
        _r("HC26-X-SC", "已认定国家制造业单项冠军的不再推荐新申请", "exclusion", "holds_single_champion", "true",
           application_type="new", source="附件4", verification="T1"),
        _r("HC26-X-LG", "有效“小巨人”不再推荐新申请", "exclusion", "holds_little_giant", "true", application_type="new",
           source="附件4", verification="T1"),
    ],
}

SINGLE_CHAMPION_2023 = {
    "tier": "single_champion", "level": "national", "version": "2023", "effective_from": "2023-09-01",
    "application_type": "any", "name": "制造业单项冠军企业认定标准（2023）", "source": SC_2023, "verification": "T2",
    "note": "附件1认定标准为两份第三方来源（T2）。定性条件（技术国际先进、能耗先进值等）与加分项未纳入引擎。"
            "省级专精特新放宽至2亿元一说为单一来源（T1），未采用。浙江省单项冠军（2025办法，T1）的豁免分支门槛未找到，未建版本。",
    "rules": [
        _r("SC23-YEARS", "截至上年末从事相关领域（年）", "gate", "niche_years", ">=", 10,
           applies_if=[["new_product", "false", None]], source="附件1 专业发展", verification="T2"),
        _r("SC23-YEARS-NEW", "新产品：从事相关领域（年）", "gate", "niche_years", ">=", 5,
           applies_if=[["new_product", "true", None]], source="附件1 专业发展", verification="T2"),
        _r("SC23-REV", "近3年平均主营业务收入（万元）", "gate", "main_revenue_avg_3y", ">=", 40000,
           source="附件1 专业发展", verification="T2"),
        _r("SC23-RANK", "申请产品全球市场占有率排名", "gate", "market_rank_global", "<=", 3, source="附件1 市场竞争",
           verification="T2"),
    ],
}

EAGLE = {
    "tier": "eagle", "level": "provincial", "version": "2019", "effective_from": "2019-01-01",
    "application_type": "any", "name": "雄鹰企业（“雄鹰行动”）", "source": "浙江省工业转型升级领导小组（名单）",
    "verification": "NOT_FOUND",
    "note": "雄鹰企业的数量化遴选条件与文件号未找到；引擎不评价，称号以省公布名单为准（登记在企业名录）。",
    "rules": [],
}

KUNPENG_2022 = {
    "tier": "kunpeng", "level": "city", "version": "2022", "effective_from": "2022-01-01",
    "application_type": "any", "name": "杭州“鲲鹏”企业（营收档）", "source": KP_2022, "verification": "V",
    "note": "年度营收含母公司及全部在杭下属子公司；档位取在杭合并营收超过的最高一档（50/100/200/500/1000/2000亿元）。",
    "rules": [
        _r("KP-REV", "在杭合并营收（万元），超过", "gate", "hz_group_revenue", ">", 500000, source="范围",
           verification="V", note="“超50亿”：不含本数"),
        _r("KP-SECTOR", "制造业或数字经济企业", "gate", "manufacturing_or_digital", "true", source="范围",
           verification="V"),
        _r("KP-X-SOE", "省属国资企业原则上不纳入", "exclusion", "provincial_soe", "true", source="范围",
           verification="V"),
        _bands("KP-BAND", "营收档（亿元）", "hz_group_revenue",
               [[20000000, 2000], [10000000, 1000], [5000000, 500], [2000000, 200], [1000000, 100], [500000, 50]],
               inclusive=False, source="范围", verification="V", note="档位，不是分数"),
    ],
}


def _factory(level, name, version_rules, note):
    return {"tier": level, "level": "provincial", "version": "2025", "effective_from": "2025-01-01",
            "application_type": "any", "name": name, "source": FF_2025, "verification": "V", "note": note,
            "rules": version_rules}


FACTORY_2025 = [
    _factory("digital_workshop", "数字化车间培育项目（2025）", [
        _r("DW25-CREDIT", "企业信用良好以上", "gate", "credit_good", "true", source="主体条件", verification="V"),
        _r("DW25-DIGITAL", "数字化水平", "gate", "digital_level", ">=", 2.0, source="数字化水平", verification="V",
           note="“2.0/3.0”的量表含义未找到（U）"),
        _r("DW25-INVEST", "建成前五年软硬件总投资（万元）", "gate", "investment_5y", ">=", 2000,
           applies_if=[["mountain_island", "false", None]], source="数字化车间", verification="V"),
        _r("DW25-INVEST-MI", "山区海岛县：建成前五年软硬件总投资（万元）", "gate", "investment_5y", ">=", 1500,
           applies_if=[["mountain_island", "true", None]], source="数字化车间", verification="V"),
        _r("DW25-BUILT", "建成年份（2023年以后）", "gate", "completion_year", ">=", 2023, source="数字化车间",
           verification="V", note="或2026年10月底前建成"),
    ], "软硬件总投资含设备购置、软件购置和其他技术咨询与服务费，不含土建和厂房。"),
    _factory("smart_factory", "智能工厂培育项目（2025）", [
        _r("SF25-CREDIT", "企业信用良好以上", "gate", "credit_good", "true", source="主体条件", verification="V"),
        _r("SF25-DIGITAL", "数字化水平", "gate", "digital_level", ">=", 2.0, source="数字化水平", verification="V"),
        _r("SF25-INVEST", "建成前五年软硬件总投资（万元）", "gate", "investment_5y", ">=", 4000,
           applies_if=[["mountain_island", "false", None]], source="智能工厂", verification="V"),
        _r("SF25-INVEST-MI", "山区海岛县：建成前五年软硬件总投资（万元）", "gate", "investment_5y", ">=", 3000,
           applies_if=[["mountain_island", "true", None]], source="智能工厂", verification="V"),
    ], "软硬件总投资含设备购置、软件购置和其他技术咨询与服务费，不含土建和厂房。"),
    _factory("future_factory", "未来工厂试点企业（2025）", [
        _r("FF25-CREDIT", "企业信用良好以上", "gate", "credit_good", "true", source="主体条件", verification="V"),
        _r("FF25-DIGITAL", "数字化水平", "gate", "digital_level", ">=", 3.0, source="数字化水平", verification="V"),
    ], "试点的投资与成熟度门槛、评价维度未找到；只校验已核实的两项。"),
]

RULE_SETS = [SPECIALISED_2022, SPECIALISED_2026, LITTLE_GIANT_2022, LITTLE_GIANT_2026, HIDDEN_CHAMPION_2025,
             HIDDEN_CHAMPION_2026, SINGLE_CHAMPION_2023, EAGLE, KUNPENG_2022, *FACTORY_2025]


def load_rule_sets(RuleSet, Rule) -> int:  # noqa: N803  (historical models in the migration)
    """Create the shipped rule sets that are not there yet (by tier, version, application type)."""
    created = 0
    for spec in RULE_SETS:
        rs, new = RuleSet.objects.get_or_create(
            tier=spec["tier"], version=spec["version"], application_type=spec["application_type"],
            defaults={k: spec[k] for k in ("level", "name", "effective_from", "source", "verification", "note")})
        if not new:
            continue
        created += 1
        Rule.objects.bulk_create([Rule(
            rule_set=rs, order=i, code=r["code"], indicator=r["indicator"], kind=r["kind"], figure=r["figure"],
            operator=r.get("operator", ""), threshold=r.get("threshold"), bands=r.get("bands", []),
            direction=r.get("direction", "higher"), inclusive=r.get("inclusive", True),
            max_points=r.get("max_points"), group=r.get("group", ""), applies_if=r.get("applies_if", []),
            application_type=r.get("application_type", "any"), source=r.get("source", ""),
            verification=r.get("verification", spec["verification"]), note=r.get("note", ""))
            for i, r in enumerate(spec["rules"])])
    return created
