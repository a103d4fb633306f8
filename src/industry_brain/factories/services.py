"""Writes of future factories: applications, evaluation against the 2025 gates (the cultivation engine and its
versioned rule sets), public notice, recognition."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from industry_brain.core.events import event_record
from industry_brain.core.permissions import can, ensure_can_after_write
from industry_brain.core.workdays import add_working_days
from industry_brain.cultivation import engine
from industry_brain.cultivation.services import ruleset_for

from .models import FactoryApplication
from .workflows import FACTORY_WORKFLOW

FIELDS = ("enterprise", "project", "level", "list_level", "year", "investment", "digital_level", "credit_good",
          "mountain_island", "completion_year", "gbt39116_level")
NOTICE_WORKING_DAYS = 5


@transaction.atomic
def application_create(*, actor, data: dict[str, Any]) -> FactoryApplication:
    if not can(actor, "add", FactoryApplication):  # the firm, its district bureau, the city (the model's scope)
        raise PermissionDenied(_("Only the enterprise or a bureau may file an application."))
    app = FactoryApplication(**{k: v for k, v in data.items() if k in FIELDS})
    app.full_clean()
    if app.project_id and app.project.enterprise_id not in (None, app.enterprise_id):
        raise ValidationError({"project": [_("The project belongs to another enterprise.")]})
    app.save()
    ensure_can_after_write(actor, app, "add", _("You may not apply for this enterprise."))
    event_record(kind="factories.applied", message=str(app), obj=app.enterprise, actor=actor,
                 data={"application": app.pk})
    return app


def gates(app: FactoryApplication, on: dt.date | None = None) -> dict:
    """The application against the rule set of its level in force (one row through the same engine)."""
    on = on or timezone.localdate()  # the gates in force when the bureau evaluates
    rs = ruleset_for(app.level, on, "new")
    if rs is None:
        return {"rule_set": None, "eligible": None, "indicators": []}

    def col(v):
        return np.array([np.nan if v is None else float(v)])

    frame = {"investment_5y": col(app.investment), "digital_level": col(app.digital_level),
             "credit_good": col(app.credit_good), "mountain_island": col(app.mountain_island),
             "completion_year": col(app.completion_year)}
    rules = [engine.Rule.from_row(r) for r in rs.rules.all()]
    res = engine.evaluate(rules, frame, 1)
    rows = {r.code: r for r in rs.rules.all()}
    indicators = [{"code": r.code, "indicator": r.indicator, "value": None if np.isnan(res.values[i][0]) else
                   float(res.values[i][0]), "operator": r.operator, "threshold": r.threshold,
                   "passed": {1: True, 0: False, -1: None, 2: None}[int(res.status[i][0])],
                   "not_applicable": int(res.status[i][0]) == 2, "verification": rows[r.code].verification}
                  for i, r in enumerate(res.rules)]
    return {"rule_set": rs.pk, "version": rs.version, "eligible": {1: True, 0: False, -1: None}[int(res.eligible[0])],
            "indicators": indicators}


def application_step(*, actor, application: FactoryApplication, action: str, note: str = "") -> FactoryApplication:
    """One step of the factory workflow (district-review, evaluate, publicise, recognise, reject); a rejection
    names its reason in the note."""
    action = action.replace("-", "_")
    today = timezone.localdate()

    def apply(app, t):
        if action == "evaluate":
            result = gates(app)
            app.evaluation, app.eligible, app.rule_set_id = result, result["eligible"], result["rule_set"]
        elif action == "publicise":
            if app.eligible is not True:
                raise ValidationError({"eligible": [_("Only an application meeting every gate is publicised.")]})
            app.notice_until = add_working_days(today, NOTICE_WORKING_DAYS)
        elif action == "reject" and not note.strip():
            raise ValidationError({"note": [_("Give the reason.")]})
        elif action == "recognise" and app.notice_until and app.notice_until > today:
            raise ValidationError({"notice_until": [
                _("The public notice runs until %(d)s.") % {"d": app.notice_until.isoformat()}]})
        return None

    return FACTORY_WORKFLOW.run(action, application, actor=actor, apply=apply, note=note,
                                extra_fields=["evaluation", "eligible", "rule_set", "notice_until"])
