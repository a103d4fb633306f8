"""Celery tasks of the enterprise service (scheduled in settings.CELERY_BEAT_SCHEDULE). Bodies only call
services, inside acting_as so that every write names the job."""

from celery import shared_task

from industry_brain.core.context import acting_as


@shared_task(name="demands.escalate_overdue")
def escalate_overdue() -> dict:
    from . import services

    with acting_as(None, label="job:demands.escalate_overdue"):
        counts = services.demand_escalate_overdue()
        counts["due_soon"] = services.demand_notify_due_soon()
    return counts


@shared_task(name="demands.refresh_stats")
def refresh_stats() -> int:
    from . import services

    with acting_as(None, label="job:demands.refresh_stats"):
        return services.demand_stats_refresh()


@shared_task(name="demands.deliver_notifications")
def deliver_notifications(ids: list[int]) -> dict:
    """Give stored notifications to the delivery backends (queued by notifications.notify after commit)."""
    from .models import Notification
    from .notifications import deliver

    notifications = list(Notification.objects.filter(pk__in=ids).select_related("recipient"))
    deliver(notifications)
    return {"delivered": len(notifications)}
