"""The seed of the two-level demand taxonomy (used by the data migration and the demo).

Codes are stable API identifiers and never change; names may be edited by the city bureau.
"""

TAXONOMY: list[tuple[str, str, list[tuple[str, str]]]] = [
    ("logistics", "物流运输", [("road", "道路通行"), ("port", "港口与航空货运"), ("warehouse", "仓储与中转")]),
    ("supply_chain", "供应链断链", [("parts", "零部件断供"), ("materials", "原材料短缺"), ("imports", "进口受阻")]),
    ("labour", "用工", [("recruitment", "招工"), ("skills", "技能人才"), ("housing", "人才住房与子女入学")]),
    ("land", "用地", [("industrial", "工业用地"), ("certificate", "厂房办证"), ("expansion", "扩产空间")]),
    ("finance", "融资", [("loan", "贷款授信"), ("guarantee", "融资担保"), ("listing", "上市辅导")]),
    ("energy", "能源要素", [("power", "用电保障"), ("gas", "用气保障"), ("quota", "能耗指标")]),
    ("policy", "政策兑现", [("subsidy", "补助兑付"), ("tax", "税费减免"), ("consult", "政策咨询")]),
    ("approval", "审批许可", [("construction", "工程建设审批"), ("environment", "环评审批"), ("license", "资质许可")]),
    ("market", "市场拓展", [("matchmaking", "产销对接"), ("export", "外贸出口"), ("procurement", "政府采购")]),
    ("innovation", "科技创新", [("rd", "研发平台"), ("ip", "知识产权"), ("certification", "资质认定")]),
    ("other", "其他", [("general", "其他事项")]),
]
