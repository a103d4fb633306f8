"""Celery tasks of the matchmaking module (scheduled in settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from industry_brain.core.context import acting_as


@shared_task(name="matchmaking.daily")
def daily() -> dict:
    """Expire old listings and remind the owners of overdue follow-ups."""
    from . import services

    with acting_as(None, label="job:matchmaking.daily"):
        return {"expired": services.listings_expire(), "reminded": services.intentions_remind()}
