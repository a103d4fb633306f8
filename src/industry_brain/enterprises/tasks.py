"""Scheduled work of the enterprise registry (Celery beat, see CELERY_BEAT_SCHEDULE). Bodies only call services."""

from celery import shared_task

from industry_brain.core.context import acting_as


@shared_task(name="enterprises.expire_recognitions")
def expire_recognitions() -> int:
    from . import services

    with acting_as(None, label="job:enterprises.expire_recognitions"):
        return services.recognitions_expire()
