"""Scheduled work: the daily warning evaluation (Celery beat, see CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task

from industry_brain.core.context import acting_as


@shared_task(name="projects.evaluate_warnings")
def evaluate_warnings() -> dict:
    """Run every warning rule over all projects and sync the supervision orders (as job:evaluate_warnings)."""
    from .services import warning_evaluate_all

    with acting_as(None, label="job:evaluate_warnings"):
        return warning_evaluate_all()
