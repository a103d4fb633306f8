"""Every write of the enterprise service, by concept: cadres and visits (`cadres`), raising demands (`intake`),
duplicate flags and systemic alerts (`alerts`), the demand workflow steps (`workflow`), escalation and due-soon
notices (`escalation`), notifications and the statistics refresh (`stats`).

Each service is keyword-only, atomic, validates before saving, takes `actor=` and writes a timeline step
(for demands) and a business event. `from industry_brain.demands import services; services.demand_accept(...)`
keeps working: the package re-exports every service.
"""

from ._common import DEFAULT_DUE_WORKING_DAYS, SAME_ENTERPRISE_WINDOW_DAYS, SYSTEMIC_WINDOW_DAYS, due_working_days
from .alerts import demand_detect_similar, systemic_alert_acknowledge
from .cadres import assignment_create, assignment_end, cadre_create, visit_create
from .escalation import demand_escalate_overdue, demand_notify_due_soon
from .intake import demand_create
from .notifications import notification_mark_read
from .stats import STAT_COLUMNS, STAT_KEYS, demand_stats_refresh, is_due_soon
from .workflow import (
    demand_accept,
    demand_cohandle_answer,
    demand_cohandle_open,
    demand_rate,
    demand_resolve,
    demand_start,
    demand_transfer,
    demand_transition,
)

__all__ = [
    "DEFAULT_DUE_WORKING_DAYS", "SAME_ENTERPRISE_WINDOW_DAYS", "SYSTEMIC_WINDOW_DAYS", "STAT_COLUMNS", "STAT_KEYS",
    "assignment_create", "assignment_end", "cadre_create", "demand_accept", "demand_cohandle_answer",
    "demand_cohandle_open", "demand_create", "demand_detect_similar", "demand_escalate_overdue",
    "demand_notify_due_soon", "demand_rate", "demand_resolve", "demand_start", "demand_stats_refresh",
    "demand_transfer", "demand_transition", "due_working_days", "is_due_soon", "notification_mark_read",
    "systemic_alert_acknowledge", "visit_create",
]
