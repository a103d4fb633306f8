"""Words for the enterprise service's event kinds (see `industry_brain.core.labels`)."""

from django.utils.translation import gettext_lazy as _

from industry_brain.core import labels

labels.register("event", {
    "demand.submitted": _("Demand submitted"),
    "demand.accepted": _("Demand accepted"),
    "demand.started": _("Handling started"),
    "demand.transferred": _("Demand transferred"),
    "demand.cohandling_opened": _("Co-handling requested"),
    "demand.cohandling_done": _("Co-handling answered"),
    "demand.resolved": _("Demand resolved"),
    "demand.rated": _("Demand rated"),
    "demand.reopened": _("Demand reopened"),
    "demand.escalated": _("Demand escalated"),
    "demand.systemic_alert": _("Systemic problem detected"),
    "demand.systemic_alert_acknowledged": _("Systemic problem acknowledged"),
    "visit.logged": _("Visit logged"),
    "cadre.registered": _("Cadre registered"),
    "assignment.created": _("Enterprise assigned to a cadre"),
    "assignment.ended": _("Assignment ended"),
    "demo.demands_seeded": _("Demo demands generated"),
})


def _statuses():
    from .choices import DemandStatus

    return dict(DemandStatus.choices)


labels.register("demand_status", _statuses())


def _flag_kinds():
    from .choices import FlagKind

    return dict(FlagKind.choices)


labels.register("flag_kind", _flag_kinds())
