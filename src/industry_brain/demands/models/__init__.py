"""Enterprise service (千名干部助千企, 一诉求一协调), by concept: cadres, their assignments and visits (`cadres`);
demands with one accountable coordinating department, their categories, attachments, timeline, co-handling tasks
and similarity flags (`demand`); systemic-problem alerts (`alerts`); the in-app inbox (`notifications`); the
pre-aggregated statistics (`stats`)."""

from .alerts import SystemicAlert
from .cadres import Assignment, Cadre, Visit
from .demand import CoHandlingTask, Demand, DemandAttachment, DemandCategory, DemandFlag, DemandStep
from .notifications import Notification
from .stats import DemandCadreMonthlyStat, DemandDailyStat, DemandMonthlyStat, DemandStatDay

__all__ = [
    "Assignment", "Cadre", "CoHandlingTask", "Demand", "DemandAttachment", "DemandCadreMonthlyStat",
    "DemandCategory", "DemandDailyStat", "DemandFlag", "DemandMonthlyStat", "DemandStatDay", "DemandStep",
    "Notification", "SystemicAlert", "Visit",
]
