"""The enterprise's own report of its tier figures and the bureau's check of each figure (verify or return with a
reason). Reporting and verifying go through services.tier_figures_report / tier_figures_verify; this module adds
the return and the pages' reads."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from industry_brain.core.events import event_record
from industry_brain.core.permissions import can
from industry_brain.core.querysets import ensure_permitted

from . import engine, services
from .choices import FigureState
from .models import EnterpriseTierFigures


@transaction.atomic
def tier_figures_submit(*, actor, enterprise, year: int, values: dict[str, Any]) -> EnterpriseTierFigures:
    """The enterprise reports its figures for a year (all or nothing). A figure reported again after a return
    loses the return's reason: it waits for the bureau once more."""
    row = services.tier_figures_report(actor=actor, enterprise=enterprise, year=year, values=values)
    reasons = {k: v for k, v in (row.reasons or {}).items() if k not in values}
    if reasons != (row.reasons or {}):
        row.reasons = reasons
        row.save(update_fields=["reasons", "updated"])
    return row


@transaction.atomic
def tier_figures_verify_one(*, actor, figures: EnterpriseTierFigures, field: str) -> EnterpriseTierFigures:
    row = services.tier_figures_verify(actor=actor, figures=figures, fields=[field])
    if field in (row.reasons or {}):
        row.reasons = {k: v for k, v in row.reasons.items() if k != field}
        row.save(update_fields=["reasons", "updated"])
    return row


@transaction.atomic
def tier_figures_return(*, actor, figures: EnterpriseTierFigures, field: str, reason: str) -> EnterpriseTierFigures:
    """The district (or city) bureau sends a figure back to the enterprise with a reason; the value stays on record
    (and in the evaluation, like any figure on record) until the enterprise reports it again."""
    if not can(actor, "verify_figures", figures.enterprise):
        raise PermissionDenied(_("Only a bureau verifies figures."))
    ensure_permitted(actor, figures, "change", _("You may not verify these figures."))
    if field not in engine.TIER_FIGURE_FIELDS:
        raise ValidationError({"field": [_("Not a tier figure: %(f)s") % {"f": field}]})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for returning the figure.")]})
    figures.states = {**(figures.states or {}), field: FigureState.RETURNED}
    figures.reasons = {**(figures.reasons or {}), field: reason}
    figures.save(update_fields=["states", "reasons", "updated"])
    event_record(kind="cultivation.figures_returned", message=f"{figures}: {field}", obj=figures.enterprise,
                 actor=actor, data={"year": figures.year, "field": field, "reason": reason})
    return figures


def figure_rows(row: EnterpriseTierFigures) -> list[dict[str, Any]]:
    """Each figure on record of a year: label, value, state, reason."""
    out = []
    for f in engine.TIER_FIGURE_FIELDS:
        value = getattr(row, f)
        if value is None:
            continue
        field = EnterpriseTierFigures._meta.get_field(f)
        state = row.state_of(f)
        out.append({"field": f, "label": field.verbose_name, "value": value, "year": row.year, "state": state,
                    "state_label": FigureState(state).label, "reason": (row.reasons or {}).get(f, ""),
                    "source": _("self-reported by the enterprise") if state != FigureState.VERIFIED
                    else _("confirmed by the bureau")})
    return out


def awaiting_verification(user):
    """Rows of figures within the user's scope of change with a figure still self-reported (not yet verified nor
    returned)."""
    q = Q()
    for f in engine.TIER_FIGURE_FIELDS:
        # a figure without a recorded state is self-reported (EnterpriseTierFigures.state_of); has_key keeps the
        # negation off SQL NULL for a missing key
        q |= Q(**{f"{f}__isnull": False}) & (~Q(states__has_key=f) | ~Q(**{
            f"states__{f}__in": [FigureState.VERIFIED, FigureState.RETURNED]}))
    return (EnterpriseTierFigures.objects.restrict(user, "change").filter(q)
            .select_related("enterprise").order_by("enterprise__name", "-year"))
