"""The synthetic supply network of the demo (deterministic from `seed`, bulk inserts only).

City scale: about 3,000 local manufacturing firms of the five ecosystems with bills of materials, about 2,000
external suppliers in the Yangtze River Delta and beyond (上海, 苏州, 无锡, 宁波, 合肥, 深圳, 东莞, abroad), about
40,000 links; a server maker with dozens of suppliers in and around the city; and the saved, already-run scenario
"上海、苏州 管控 30 天". Province scale is ten times larger; tiny is for tests.
"""

from __future__ import annotations

import random
from collections import defaultdict
from decimal import Decimal

from industry_brain.chains.models import ChainMembership, ChainNode, NodeLink
from industry_brain.enterprises.models import Enterprise, YearlyFigures

from .inputs import firm_inputs_refresh
from .models import (
    BomLine,
    ExternalFirm,
    FirmProfile,
    Material,
    RecoveryEstimate,
    Scenario,
    SupplyLink,
)
from .regions import region_centroid

SCALES = {"tiny": (150, 100), "city": (3_000, 2_000), "province": (30_000, 20_000)}  # local firms, external firms
BATCH = 5000

RAW_MATERIALS = [
    ("晶圆", "片"), ("光刻胶", "千克"), ("电子特气", "立方米"), ("铜箔", "千克"), ("覆铜板", "张"),
    ("被动元件", "千只"), ("存储芯片", "颗"), ("处理器芯片", "颗"), ("电源模块", "个"), ("光模块", "个"),
    ("连接器", "千只"), ("线缆", "米"), ("特种钢材", "吨"), ("铝合金型材", "吨"), ("工程塑料", "吨"),
    ("轴承", "套"), ("伺服电机", "台"), ("数控系统", "套"), ("原料药", "千克"), ("药用辅料", "千克"),
    ("培养基", "升"), ("一次性生物反应袋", "个"), ("药用玻璃瓶", "千只"), ("锂盐", "吨"), ("隔膜", "平方米"),
    ("电解液", "吨"), ("硅料", "吨"), ("光伏玻璃", "平方米"), ("碳纤维", "千克"), ("稀土永磁材料", "千克"),
    ("化纤切片", "吨"), ("染料助剂", "吨"),
]
SERVER_INPUTS = [("处理器芯片", 2), ("存储芯片", 16), ("服务器主板", 1), ("固态硬盘", 4), ("电源模块", 2),
                 ("服务器机箱", 1), ("散热风扇", 6), ("网卡", 2), ("线缆", 3), ("连接器", 0.05),
                 ("印制电路板", 3), ("光模块", 2)]
# Regions of external suppliers: (code, weight, name words).
REGION_WEIGHTS = [("310000", 18, "上海"), ("320500", 16, "苏州"), ("320200", 8, "无锡"), ("330200", 9, "宁波"),
                  ("340100", 6, "合肥"), ("440300", 9, "深圳"), ("441900", 6, "东莞"), ("330400", 5, "嘉兴"),
                  ("330500", 4, "湖州"), ("330600", 4, "绍兴"), ("320100", 3, "南京"), ("320400", 3, "常州"),
                  ("JP", 4, "日本"), ("KR", 3, "韩国"), ("DE", 2, "德国")]
AROUND_CITY = ["330400", "330500", "330600", "320500", "310000"]
WORDS = list("精创华恒鑫泰远嘉宏睿联达盛科新宇辰诚博瑞晟凯正昌特优卓越润信")
KINDS = ["电子", "材料", "科技", "精密", "半导体", "化工", "机电", "新能源", "医药", "器件"]
SCENARIO_NAME = "上海、苏州 管控 30 天"


def _weighted(rng: random.Random, items: list[tuple]) -> tuple:
    total = sum(w for _c, w, *_ in items)
    x = rng.uniform(0, total)
    for item in items:
        x -= item[1]
        if x <= 0:
            return item
    return items[-1]


def _d(x: float, places: int = 2) -> Decimal:
    return Decimal(str(round(x, places)))


def seed_supply(*, scale: str, seed: int, users: dict) -> dict:
    rng = random.Random(seed + 1010)
    n_local, n_ext = SCALES[scale]
    # ---- materials: one per chain node (what its firms make) and the raw materials bought outside
    nodes = list(ChainNode.objects.select_related("chain").order_by("id"))
    existing = set(Material.objects.values_list("name", flat=True))
    new = []
    for node in nodes:
        name = f"{node.name}产品" if not node.name.endswith(("件", "品")) else node.name
        if name not in existing:
            new.append(Material(name=name[:100], unit="件", node=node))
            existing.add(name)
    for name, unit in RAW_MATERIALS + [(n, "件") for n, _q in SERVER_INPUTS] + [("服务器", "台")]:
        if name not in existing:
            new.append(Material(name=name, unit=unit))
            existing.add(name)
    Material.objects.bulk_create(new, batch_size=BATCH)
    mat = dict(Material.objects.values_list("name", "pk"))
    node_material = {m_node: pk for pk, m_node in Material.objects.filter(node__isnull=False).values_list("pk", "node")}
    raw_ids = [mat[n] for n, _u in RAW_MATERIALS]
    preds: dict[int, list[int]] = defaultdict(list)
    for s, c in NodeLink.objects.values_list("supplier_id", "customer_id"):
        preds[c].append(s)

    # ---- local firms: chain members, above-scale first, deterministic order
    demo_ents = [u.enterprise_id for k in ("enterprise_demo", "enterprise_demo2") if (u := users.get(k)) and
                 u.enterprise_id]
    members = list(ChainMembership.objects.order_by("-enterprise__is_above_scale", "enterprise_id", "id")
                   .values_list("enterprise_id", "node_id"))
    node_of: dict[int, int] = {}
    for e, n in members:
        node_of.setdefault(e, n)
    chosen = [e for e in demo_ents if e in node_of] + [e for e in node_of if e not in demo_ents]
    chosen = chosen[:n_local]
    latest = YearlyFigures.objects.order_by("-year").values_list("year", flat=True).first()
    revenue = dict(YearlyFigures.objects.filter(year=latest, enterprise_id__in=chosen)
                   .values_list("enterprise_id", "main_revenue")) if latest else {}
    makers: dict[int, list[int]] = defaultdict(list)  # material → local firms making it
    prof: dict[int, dict] = {}
    for e in chosen:
        m = node_material[node_of[e]]
        unit_value = rng.choice([0.01, 0.02, 0.05, 0.1, 0.2, 0.5])  # 万元 per unit
        output = max(float(revenue.get(e, 1000) or 1000), 100.0) / 12 / unit_value
        prof[e] = {"product": m, "output": output, "unit_value": unit_value}
        makers[m].append(e)

    # ---- external firms: region, the materials each makes
    ext_rows = []
    ext_materials: dict[int, list[int]] = {}
    used_names: set[str] = set(ExternalFirm.objects.values_list("name", flat=True))
    for i in range(n_ext):
        code, _w, place = _weighted(rng, REGION_WEIGHTS)
        for _ in range(20):
            name = f"{place}{rng.choice(WORDS)}{rng.choice(WORDS)}{rng.choice(KINDS)}有限公司"
            if name not in used_names:
                break
        else:
            name = f"{place}{rng.choice(WORDS)}{rng.choice(KINDS)}{i}有限公司"
        used_names.add(name)
        lat, lon = region_centroid(code)
        ext_rows.append(ExternalFirm(name=name, region=code, lat=(lat or 0) + rng.uniform(-0.3, 0.3),
                                     lon=(lon or 0) + rng.uniform(-0.3, 0.3),
                                     address=f"{place}{rng.choice(WORDS)}{rng.choice(['路', '街', '大道'])}{i + 1}号"))
    ExternalFirm.objects.bulk_create(ext_rows, batch_size=BATCH)
    ext_ids = list(ExternalFirm.objects.filter(name__in=[x.name for x in ext_rows]).order_by("id")
                   .values_list("pk", flat=True))
    node_mats = list(node_material.values())
    ext_by_material: dict[int, list[int]] = defaultdict(list)
    for x in ext_ids:
        k = rng.randint(1, 3)
        ms = rng.sample(raw_ids, k) + ([rng.choice(node_mats)] if rng.random() < 0.4 and node_mats else [])
        ext_materials[x] = ms
        for m in ms:
            ext_by_material[m].append(x)
    for m in raw_ids + node_mats:  # every material has at least a few external makers
        while len(ext_by_material[m]) < 3:
            x = rng.choice(ext_ids)
            ext_by_material[m].append(x)

    # ---- bills of materials and links
    boms: list[BomLine] = []
    links: dict[tuple, list] = {}
    local_out: dict[int, float] = defaultdict(float)
    ext_out: dict[int, float] = defaultdict(float)

    def add_link(kind: str, sup: int, cust: int, m: int, share: float, volume: float) -> None:
        key = (kind, sup, cust, m)
        if key in links or (kind == "e" and sup == cust):
            return
        links[key] = [share, volume]
        (local_out if kind == "e" else ext_out)[sup] += volume

    for e in chosen:
        p = prof[e]
        inputs = [node_material[n] for n in preds.get(node_of[e], []) if n in node_material][:2]
        inputs += rng.sample(raw_ids, rng.randint(4, 5))
        for m in dict.fromkeys(inputs):
            per_unit = rng.choice([0.5, 1, 1, 2, 3])
            need = p["output"] * per_unit
            boms.append(BomLine(enterprise_id=e, material_id=m, per_unit=_d(per_unit, 6),
                                inventory=_d(need / 30 * rng.uniform(3, 25))))
            n_sup = rng.choices([1, 2, 3, 4], weights=[20, 35, 28, 17])[0]  # about 40,000 links at city scale
            shares = [rng.uniform(0.2, 1.0) for _ in range(n_sup)]
            total = sum(shares)
            local_pool = [x for x in makers.get(m, []) if x != e]
            for s in shares:
                share = s / total
                if local_pool and rng.random() < 0.35:
                    add_link("e", rng.choice(local_pool), e, m, share, need * share)
                else:
                    add_link("x", rng.choice(ext_by_material[m]), e, m, share, need * share)

    # ---- the server maker: dozens of suppliers in and around the city
    server = _server_maker(chosen, node_of)
    if server is not None:
        sm = mat["服务器"]
        prof[server] = {"product": sm, "output": 4000.0, "unit_value": 2.0}
        boms[:] = [b for b in boms if b.enterprise_id != server]
        for k in [k for k in links if k[2] == server]:
            del links[k]
        around = [x for x, r in ExternalFirm.objects.filter(pk__in=ext_ids, region__in=AROUND_CITY)
                  .values_list("pk", "region")]
        for name, per_unit in SERVER_INPUTS:
            m = mat[name]
            need = 4000.0 * per_unit
            boms.append(BomLine(enterprise_id=server, material_id=m, per_unit=_d(per_unit, 6),
                                inventory=_d(need / 30 * rng.uniform(4, 12))))
            n_sup = rng.randint(2, 5)
            shares = [rng.uniform(0.3, 1.0) for _ in range(n_sup)]
            total = sum(shares)
            for s in shares:
                share = s / total
                if rng.random() < 0.3 and chosen:
                    add_link("e", rng.choice(chosen[: max(len(chosen) // 3, 1)]), server, m, share, need * share)
                else:
                    add_link("x", rng.choice(around or ext_ids), server, m, share, need * share)

    # ---- profiles: a supplier's output covers what it ships locally, with headroom
    profiles = []
    for e in chosen:
        p = prof[e]
        output = max(p["output"], local_out.get(e, 0.0) / 0.7)
        profiles.append(FirmProfile(enterprise_id=e, product_id=p["product"], monthly_output=_d(output),
                                    monthly_capacity=_d(output * rng.uniform(1.05, 1.45)),
                                    inventory=_d(output / 30 * rng.uniform(1, 10)), unit_value=_d(p["unit_value"], 6)))
    FirmProfile.objects.bulk_create(profiles, batch_size=BATCH)
    BomLine.objects.bulk_create(boms, batch_size=BATCH)
    rows = [SupplyLink(supplier_enterprise_id=sup if kind == "e" else None,
                       supplier_external_id=sup if kind == "x" else None, customer_id=cust, material_id=m,
                       share=_d(min(share, 1.0), 4), monthly_volume=_d(volume))
            for (kind, sup, cust, m), (share, volume) in links.items()]
    SupplyLink.objects.bulk_create(rows, batch_size=BATCH)
    firm_inputs_refresh()  # the chain page's stored input summaries (written around the link services here)
    # External capacity: what they ship here with headroom (some run nearly full).
    caps = []
    for x in ext_ids:
        used = ext_out.get(x, 0.0)
        caps.append(ExternalFirm(pk=x, monthly_capacity=_d(max(used, 10.0) * rng.uniform(1.0, 1.6)),
                                 inventory=_d(used / 30 * rng.uniform(0, 3))))
    ExternalFirm.objects.bulk_update(caps, ["monthly_capacity", "inventory"], batch_size=BATCH)
    estimates = [RecoveryEstimate(supplier_external_id=x, ttr_days=_d(rng.choice([7, 14, 21, 30, 45]), 2),
                                  source=rng.choice(["supplier", "bureau", "customer"]))
                 for x in ext_ids if rng.random() < 0.12]
    RecoveryEstimate.objects.bulk_create(estimates, batch_size=BATCH)
    result = {"local": len(chosen), "external": len(ext_ids), "links": len(rows), "server_maker": server}
    city = users.get("city_admin")
    if city is not None and scale != "province":
        from . import services

        sc = Scenario.objects.create(name=SCENARIO_NAME, regions=["310000", "320500"], periods=30, created_by=city)
        run = services.scenario_run(actor=city, scenario=sc, background=False)
        result["scenario"] = sc.pk
        result["run"] = run.pk
    return result


def _server_maker(chosen: list[int], node_of: dict[int, int]) -> int | None:
    """An above-scale member of an 智能物联 chain's downstream node (the firm the source's story is about)."""
    iot = set(ChainNode.objects.filter(chain__ecosystem__code="iot", segment="downstream").values_list("pk", flat=True))
    cands = [e for e in chosen if node_of.get(e) in iot]
    if not cands:
        return None
    above = set(Enterprise.objects.filter(pk__in=cands, is_above_scale=True).values_list("pk", flat=True))
    ranked = [e for e in cands if e in above] or cands
    return ranked[0]
