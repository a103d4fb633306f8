"""Scheduled jobs: after the reporting deadline, remind the firms that have not reported, recompute the indicators
and write the month's briefing (a draft for the editor)."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from celery.schedules import crontab
from django.utils import timezone

from industry_brain.celery import app


@shared_task(name="monitoring.after_deadline")
def after_deadline(today: str | None = None) -> dict:
    """Run every morning; acts once the last month's deadline (working days) has passed and no briefing of the
    platform exists for that month yet."""
    from . import briefing, services
    from .models import Briefing

    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    period = (day.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    if day <= services.report_deadline(period):
        return {"period": period.isoformat(), "done": False}
    reminded = services.send_reminders(period=period, today=day)
    if Briefing.objects.filter(period=period, author__isnull=True).exists():
        return {"period": period.isoformat(), "done": False, "reminders": reminded}
    services.compute_indicators()
    b = briefing.generate_for(actor=None, period=period)
    return {"period": period.isoformat(), "done": True, "reminders": reminded, "briefing": b.pk}


@shared_task(name="monitoring.compute_indicators")
def compute_indicators() -> int:
    from . import services

    return services.compute_indicators().rows_out


@app.on_after_finalize.connect
def schedule(sender, **kwargs):
    sender.add_periodic_task(crontab(hour=6, minute=30), after_deadline.s(), name="monitoring-after-deadline")
