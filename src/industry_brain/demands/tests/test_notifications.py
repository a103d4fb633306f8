"""The inbox: who is told what, the pluggable delivery backends, marking read."""

import pytest

from industry_brain.demands import services
from industry_brain.demands.models import Cadre, Notification

from .helpers import accepted, raise_demand, resolved

pytestmark = pytest.mark.django_db
DELIVERED = []


class RecordingBackend:
    def send(self, notifications):
        DELIVERED.extend((n.recipient.username, n.kind) for n in notifications)


def kinds(user):
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_new_cadre_assignment_tells_the_cadre(world):
    from industry_brain.testing import make_enterprise

    e = make_enterprise("杭州通知测试有限公司")
    services.assignment_create(actor=world.user("district"), cadre=world.cadre, enterprise=e)
    assert kinds(world.user("cadre")) == ["enterprise_assigned"]


def test_accept_tells_the_department_and_resolve_asks_the_enterprise_to_rate(world):
    d = accepted(world, raise_demand(world))
    assert kinds(world.user("department")) == ["new_assignment"]
    assert kinds(world.user("department_other")) == []
    resolved(world, raise_demand(world, code="finance.loan", title="贷款", description="授信额度不足"))
    d = services.demand_start(actor=world.user("department"), demand=d)
    services.demand_resolve(actor=world.user("department"), demand=d, resolution="已办")
    assert kinds(world.user("enterprise")).count("please_rate") == 2
    assert "resolved" in kinds(world.user("cadre"))  # the cadre serving the enterprise hears of it too
    assert kinds(world.user("enterprise_other")) == []


def test_dissatisfied_rating_tells_the_department(world):
    d = resolved(world, raise_demand(world))
    services.demand_rate(actor=world.user("enterprise"), demand=d, satisfaction="dissatisfied", comment="未解决")
    assert "reopened" in kinds(world.user("department"))


def test_backends_are_pluggable_and_run_after_commit(world, settings, django_capture_on_commit_callbacks):
    settings.DEMAND_NOTIFICATION_BACKENDS = ["industry_brain.demands.tests.test_notifications.RecordingBackend",
                                             "industry_brain.demands.notifications.ConsoleBackend"]
    DELIVERED.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        accepted(world, raise_demand(world))
    assert DELIVERED == []  # nothing leaves before the transaction commits
    for cb in callbacks:
        cb()
    assert ("t_dept", "new_assignment") in DELIVERED


def test_a_failing_backend_does_not_undo_the_step(world, settings, django_capture_on_commit_callbacks):
    settings.DEMAND_NOTIFICATION_BACKENDS = ["industry_brain.demands.tests.test_notifications.Broken"]
    with django_capture_on_commit_callbacks(execute=True):
        d = accepted(world, raise_demand(world))
    assert d.status == "accepted" and Notification.objects.filter(kind="new_assignment").exists()


class Broken:
    def send(self, notifications):
        raise RuntimeError("SMS gateway down")


def test_inbox_api_marks_read(api, world):
    accepted(world, raise_demand(world))
    client = api.as_user(world.user("department"))
    data = client.get("/api/v1/notifications/?unread=true").json()
    assert data["count"] == 1
    n = data["results"][0]
    assert n["link"].startswith("/demands/")
    r = client.post(f"/api/v1/notifications/{n['id']}/read/")
    assert r.status_code == 200 and r.json()["read_at"]
    assert client.get("/api/v1/notifications/?unread=true").json()["count"] == 0
    assert Cadre.objects.count() == 1


def test_inbox_page_lists_and_marks_read(client, world):
    accepted(world, raise_demand(world))
    client.force_login(world.user("department"))
    r = client.get("/demands/inbox/")
    assert r.status_code == 200 and "物流车辆通行受阻" in r.content.decode()
    client.post("/demands/inbox/", {})
    assert not Notification.objects.filter(recipient=world.user("department"), read_at__isnull=True).exists()
