"""Scheduled work of tier cultivation (Celery beat; the schedule entries are listed in docs/cultivation.md).
Bodies only call services."""

from celery import shared_task

from industry_brain.core.context import acting_as


@shared_task(name="cultivation.evaluate_all")
def evaluate_all() -> int:
    """The yearly (or on-demand) evaluation of every firm for every tier."""
    from . import services

    with acting_as(None, label="job:cultivation.evaluate_all"):
        return services.evaluation_run(actor=None).pk


@shared_task(name="cultivation.rereview_reminders")
def rereview_reminders() -> int:
    """Daily: one reminder per recognition entering its re-review window."""
    from . import services

    with acting_as(None, label="job:cultivation.rereview_reminders"):
        return services.rereview_remind()
