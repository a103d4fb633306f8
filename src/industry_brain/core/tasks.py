"""Platform-level background tasks."""

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

HEARTBEAT_KEY = "ib:worker-heartbeat"


@shared_task(name="core.heartbeat")
def heartbeat() -> str:
    """Beat → broker → worker, end to end: the worker stores the time it ran the scheduled task (shared
    cache), so monitoring can tell a stalled scheduler or worker from an idle one."""
    now = timezone.now().isoformat()
    cache.set(HEARTBEAT_KEY, now, timeout=None)
    return now


@shared_task(name="core.import_job_run")
def import_job_run(job_id: int) -> str:
    """A large Excel import (`core.imports`): checked in chunks, then written whole or not at all."""
    from .imports import import_job_execute

    return import_job_execute(job_id)


@shared_task(name="core.import_jobs_fail_stale")
def import_jobs_fail_stale() -> int:
    """Every five minutes: import jobs whose worker died (no heartbeat for IMPORT_STALE_SECONDS) are failed
    (`core.imports.fail_stale_jobs`)."""
    from .context import acting_as
    from .imports import fail_stale_jobs

    with acting_as(None, label="job:core.import_jobs_fail_stale"):
        return fail_stale_jobs()
