"""Builders for the demand tests (on top of testing.build_world)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from industry_brain.demands import services
from industry_brain.demands.models import DemandCategory

LOGISTICS_TEXT = ("受疫情影响，园区周边道路临时管控，物流货车无法进出，原材料运输受阻，"
                  "请求协调办理重点物资运输车辆通行证，保障产业链供应链稳定")
LOGISTICS_TEXT_2 = ("因疫情防控道路管控，物流货车进出园区受限，原材料运输受阻，"
                    "希望协调重点物资运输车辆通行证，保障供应链稳定")
UNRELATED_TEXT = "申请高新技术企业认定，需要了解研发费用归集口径和知识产权数量要求"


def category(code: str = "logistics.road") -> DemandCategory:
    return DemandCategory.objects.get(code=code)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour, 0))


def raise_demand(world, *, user_key="enterprise", enterprise=None, code="logistics.road", urgency="normal",
                 title="物流车辆通行受阻", description=LOGISTICS_TEXT, when: dt.datetime | None = None):
    return services.demand_create(actor=world.user(user_key), enterprise=enterprise, category=category(code),
                                  urgency=urgency, title=title, description=description, at=when)


def accepted(world, demand, *, when=None, department=None):
    return services.demand_accept(actor=world.user("city"), demand=demand,
                                  department=department or world.department, at=when)


def in_progress(world, demand, *, when=None):
    demand = accepted(world, demand, when=when)
    return services.demand_start(actor=world.user("department"), demand=demand, at=when)


def resolved(world, demand, *, when=None):
    demand = in_progress(world, demand, when=when)
    return services.demand_resolve(actor=world.user("department"), demand=demand, resolution="已协调办理通行证",
                                   at=when)
