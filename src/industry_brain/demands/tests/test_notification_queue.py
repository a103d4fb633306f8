"""Delivery after a workflow step goes through the background queue (the worker in production)."""

import pytest

from industry_brain.demands import tasks
from industry_brain.demands.models import Notification

from .helpers import accepted, raise_demand

pytestmark = pytest.mark.django_db


def test_accept_queues_the_delivery_task_after_commit(world, monkeypatch, django_capture_on_commit_callbacks):
    queued = []
    monkeypatch.setattr(tasks.deliver_notifications, "delay", lambda ids: queued.append(ids))
    with django_capture_on_commit_callbacks(execute=True):
        accepted(world, raise_demand(world))
    # One delivery per notify call (the department's assignment, the enterprise's and the cadre's news), each
    # with exactly its notifications, and every stored notification queued once.
    expected = set(Notification.objects.filter(kind="new_assignment").values_list("pk", flat=True))
    assert expected and any(set(q) == expected for q in queued)
    assert sorted(pk for q in queued for pk in q) == sorted(Notification.objects.values_list("pk", flat=True))


def test_the_delivery_task_hands_the_stored_notifications_to_the_backends(world, settings):
    from .test_notifications import DELIVERED

    settings.DEMAND_NOTIFICATION_BACKENDS = ["industry_brain.demands.tests.test_notifications.RecordingBackend"]
    accepted(world, raise_demand(world))  # inside the test transaction: nothing delivered yet
    DELIVERED.clear()
    ids = list(Notification.objects.filter(kind="new_assignment").values_list("pk", flat=True))
    assert tasks.deliver_notifications.apply(args=[ids]).get() == {"delivered": len(ids)}
    assert ("t_dept", "new_assignment") in DELIVERED
