"""Celery tasks of the industry brains (scheduled in settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from industry_brain.core.context import acting_as


@shared_task(name="brains.refresh_all")
def refresh_all() -> int:
    """Recompute every brain's linked firms and published aggregates (daily)."""
    from .services import brains_refresh_all

    with acting_as(None, label="job:brains.refresh_all"):
        return brains_refresh_all()
