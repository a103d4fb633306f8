"""The five brains the source names, configured as data over the demo registry, with operating data shared by
some of their firms. Their linked-firm counts are whatever the refresh finds in the records."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from industry_brain.chains.models import ChainNode

from .models import Brain, BrainFirm, OperatingReport, OptIn
from .services import brain_refresh

BRAINS = [
    ("pcb", "印制电路板", "印制电路板（PCB）产业大脑：覆铜板、电子电器材料到封装测试与整机的配套。",
     [("先进高分子材料", "电子电器"), ("集成电路", "封装测试"), ("集成电路", "消费电子")], [], "电路板 线路板 覆铜板"),
    ("autonomous", "无人驾驶", "无人驾驶产业大脑：车规芯片、电机电控、视觉感知与算法、整车。",
     [("节能与新能源汽车", "车规芯片"), ("节能与新能源汽车", "电机电控"), ("视觉智能", "图像传感器"),
      ("视觉智能", "视觉算法")], [], "自动驾驶 智能网联 激光雷达"),
    ("robot", "机器人", "机器人产业大脑：伺服电机、减速器、控制器到工业和服务机器人。",
     [("机器人与智能装备", "伺服电机"), ("机器人与智能装备", "减速器"), ("机器人与智能装备", "控制器"),
      ("机器人与智能装备", "工业机器人"), ("机器人与智能装备", "服务机器人")], [], "机器人"),
    ("biomed", "生物医药", "生物医药产业大脑：创新药物与生物制品全链条。",
     [("创新药物", None), ("生物制品", None)], ["27"], ""),
    ("fibre", "化纤", "化纤产业大脑：从PTA、乙二醇、己内酰胺到长丝、织造和服装家纺的上下游。",
     [("化学纤维", None)], ["28"], "化纤 纺织"),
]


@transaction.atomic
def seed_brains(*, scale: str, seed: int, users: dict) -> dict:
    rng = random.Random(seed + 77)
    counts = {}
    for code, name, description, node_specs, industries, keywords in BRAINS:
        brain, _ = Brain.objects.get_or_create(code=code, defaults={"name": name, "description": description,
                                                                   "keywords": keywords})
        nodes = ChainNode.objects.none()
        for chain_name, node_name in node_specs:
            q = ChainNode.objects.filter(chain__name=chain_name)
            nodes |= q.filter(name=node_name) if node_name else q
        brain.nodes.set(nodes)
        brain.industries.set(industries)
        brain_refresh(brain=brain)
        counts[name] = brain.linked_firms
        # About one linked firm in five shares twelve months of operating data.
        firms = list(BrainFirm.objects.filter(brain=brain).order_by("enterprise_id").values_list("enterprise_id",
                                                                                                 flat=True))
        demo = [u.enterprise_id for k in ("enterprise_demo",) if (u := users.get(k))]
        sharing = [e for e in firms if e in demo] + rng.sample(firms, min(len(firms), max(3, len(firms) // 5)))
        sharing = list(dict.fromkeys(sharing))
        OptIn.objects.bulk_create([OptIn(brain=brain, enterprise_id=e) for e in sharing], ignore_conflicts=True)
        today = timezone.localdate().replace(day=1)
        reports = []
        for e in sharing:
            base = rng.uniform(55, 95)
            for k in range(1, 13):
                month = (today - dt.timedelta(days=31 * k)).strftime("%Y-%m")
                reports.append(OperatingReport(
                    brain=brain, enterprise_id=e, period=month,
                    capacity_use=Decimal(str(round(min(120, max(20, base + rng.gauss(0, 6))), 1))),
                    orders=Decimal(rng.randint(200, 20000)), inventory=Decimal(rng.randint(50, 5000)),
                    price_index=Decimal(str(round(rng.gauss(101, 3), 1)))))
        OperatingReport.objects.bulk_create(reports, batch_size=5000, ignore_conflicts=True)
    return counts
