"""Jobs of the supply module: bodies only call services, acting as the job."""

from celery import shared_task

from industry_brain.core.context import acting_as


@shared_task(name="supply.compute_scenario")
def compute_scenario(run_id: int) -> str:
    from . import services
    from .models import ScenarioRun

    with acting_as(None, label="job:supply.compute_scenario"):
        run = services.scenario_compute(run=ScenarioRun.objects.select_related("scenario").get(pk=run_id))
    return run.status


@shared_task(name="supply.refresh_inputs")
def refresh_inputs() -> int:
    """Hourly: every firm's stored inputs rebuilt from the links (repairs anything written around the services)."""
    from .inputs import firm_inputs_refresh

    with acting_as(None, label="job:supply.refresh_inputs"):
        return firm_inputs_refresh()
