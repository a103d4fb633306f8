"""Scheduled work: the hourly refresh of the ecosystem overview's member counts (Celery beat, see
CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task

from industry_brain.core.context import acting_as


@shared_task(name="chains.refresh_stats")
def refresh_stats() -> int:
    """Rebuild the pre-aggregated ecosystem member counts (as job:chains.refresh_stats)."""
    from .services import ecosystem_stats_refresh

    with acting_as(None, label="job:chains.refresh_stats"):
        return len(ecosystem_stats_refresh())
