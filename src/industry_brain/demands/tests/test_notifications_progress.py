"""The enterprise hears of every step of its own demand, with the demand's number and title; the cadre serving
a firm hears of the firm's new demands."""

import pytest

from industry_brain.demands import services
from industry_brain.demands.models import DemandCategory, Notification

pytestmark = pytest.mark.django_db


def _texts(user):
    return list(Notification.objects.filter(recipient=user).order_by("pk").values_list("kind", "text"))


def test_enterprise_is_told_each_step_with_number_and_title(world):
    ent = world.user("enterprise")
    category = DemandCategory.objects.get(code="logistics.road")
    d = services.demand_create(actor=ent, enterprise=world.ent_xihu, category=category, title="运输车辆通行受阻",
                               description="请求协调通行证。")
    services.demand_accept(actor=world.user("city"), demand=d, department=world.department)
    d.refresh_from_db()
    services.demand_start(actor=world.user("department"), demand=d)
    d.refresh_from_db()
    services.demand_resolve(actor=world.user("department"), demand=d, resolution="已办理通行证。")
    texts = _texts(ent)
    assert [k for k, _t in texts] == ["progress", "progress", "please_rate"]
    assert all(f"#{d.pk}" in t and "运输车辆通行受阻" in t for _k, t in texts)
    assert world.department.name in texts[0][1]
    assert _texts(world.user("enterprise_other")) == []


def test_the_cadre_serving_the_firm_hears_of_its_new_demands(world):
    category = DemandCategory.objects.get(code="logistics.road")
    d = services.demand_create(actor=world.user("enterprise"), enterprise=world.ent_xihu, category=category,
                               title="用工招聘困难", description="急需技术工人。")
    (kind, text), = _texts(world.user("cadre"))
    assert kind == "new_demand" and f"#{d.pk}" in text and world.ent_xihu.name in text
    services.demand_create(actor=world.user("city"), enterprise=world.ent_xiaoshan, category=category,
                           title="另一区县的诉求", description="与该干部无关。")
    assert len(_texts(world.user("cadre"))) == 1
