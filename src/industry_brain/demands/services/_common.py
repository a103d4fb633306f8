"""Shared helpers of the enterprise-service writes: settings, recipients, timeline steps, locking."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from industry_brain.accounts.choices import OrganisationKind, Role
from industry_brain.accounts.models import Organisation, User

from ..choices import (
    Urgency,
)
from ..models import (
    Demand,
    DemandStep,
)
from .stats import demand_stats_refresh

# ---------------------------------------------------------------------------------------------- settings

DEFAULT_DUE_WORKING_DAYS = {Urgency.URGENT: 1, Urgency.NORMAL: 5, Urgency.COMPLEX: 15}


def due_working_days(urgency: str) -> int:
    """Working days allowed per urgency: settings.DEMAND_DUE_WORKING_DAYS overrides the defaults
    (urgent 1, normal 5, complex 15)."""
    table = {**DEFAULT_DUE_WORKING_DAYS, **getattr(settings, "DEMAND_DUE_WORKING_DAYS", {})}
    return int(table[urgency])


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


SAME_ENTERPRISE_WINDOW_DAYS = 30
SYSTEMIC_WINDOW_DAYS = 7


def _now(at: dt.datetime | None) -> dt.datetime:
    return at or timezone.now()


def _local_date(at: dt.datetime) -> dt.date:
    return timezone.localtime(at).date()


# ----------------------------------------------------------------------------------------------- helpers

def _users_of_department(department_id: int | None):
    if department_id is None:
        return User.objects.none()
    return User.objects.filter(role=Role.DEPARTMENT, organisation_id=department_id, is_active=True)


def _users_of_enterprise(enterprise_id: int):
    return User.objects.filter(role=Role.ENTERPRISE, enterprise_id=enterprise_id, is_active=True)


def _users_of_district(code: str):
    return User.objects.filter(role=Role.DISTRICT, organisation__district_id=code, is_active=True)


def _city_users():
    return User.objects.filter(role=Role.CITY, is_active=True)


def _step(demand: Demand, *, action: str, actor, at: dt.datetime, from_status: str = "", to_status: str = "",
          department=None, note: str = "") -> DemandStep:
    from industry_brain.core import context

    label = getattr(actor, "username", "") or context.current_actor_label() or "system"
    return DemandStep.objects.create(
        demand=demand, action=action, actor=actor if getattr(actor, "pk", None) else None, actor_label=label,
        at=at, from_status=from_status, to_status=to_status, department=department, note=note)


def _locked(demand: Demand) -> Demand:
    """Re-read the demand under a row lock so that two concurrent steps cannot both pass the state check."""
    return Demand.objects.select_for_update(no_key=True).get(pk=demand.pk)


def _require_text(field: str, value: str | None, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: [message]})
    return value


def _department(value, field: str = "department") -> Organisation:
    org = value if isinstance(value, Organisation) else Organisation.objects.filter(pk=value).first()
    if org is None or org.kind != OrganisationKind.DEPARTMENT:
        raise ValidationError({field: [_("Choose a department (an organisation of kind department).")]})
    return org


def _after_step(demand: Demand) -> None:
    """Keep the pre-aggregated statistics current for the demand's submission day (synchronously, so that
    /demands/stats/ counts a step the moment it is taken)."""
    demand_stats_refresh(days=[demand.submitted_on])
