"""The in-app inbox and pluggable delivery backends.

Every notification is stored (the inbox page and API read it); after the transaction commits, each backend
named in `settings.DEMAND_NOTIFICATION_BACKENDS` (dotted paths; default: the console backend below) is
given the new notifications, e.g. to send SMS or 浙政钉 messages in production.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from .models import Notification

logger = logging.getLogger("industry_brain.demands.notifications")

DEFAULT_BACKENDS = ["industry_brain.demands.notifications.ConsoleBackend"]


class ConsoleBackend:
    """Writes each notification to the log (the demo's delivery channel)."""

    def send(self, notifications: list[Notification]) -> None:
        for n in notifications:
            logger.info("notify %s [%s] %s %s", n.recipient_id, n.kind, n.text, n.link)


def backends() -> list:
    return [import_string(path)() for path in getattr(settings, "DEMAND_NOTIFICATION_BACKENDS", DEFAULT_BACKENDS)]


def deliver(notifications: list[Notification]) -> None:
    for backend in backends():
        try:
            backend.send(notifications)
        except Exception:  # a failing channel must not undo the business step; the inbox keeps the message
            logger.exception("notification backend %s failed", type(backend).__name__)


def notify(*, users: Iterable, kind: str, text: str, link: str = "", demand=None) -> list[Notification]:
    """Put one notification in each user's inbox (once per user) and deliver after commit."""
    seen: set[int] = set()
    rows = []
    for user in users:
        if user is None or user.pk in seen:
            continue
        seen.add(user.pk)
        rows.append(Notification(recipient=user, kind=kind, text=text[:300], link=link, demand=demand))
    if not rows:
        return []
    created = Notification.objects.bulk_create(rows)
    ids = [n.pk for n in created]
    transaction.on_commit(lambda: queue_delivery(ids))
    return created


def queue_delivery(ids: list[int]) -> None:
    """Hand the delivery to the background queue: a slow SMS gateway never holds a page request. In the
    embedded default (no Redis) the task runs at once, in the same process."""
    from .tasks import deliver_notifications

    deliver_notifications.delay(ids)
