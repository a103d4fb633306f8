"""Cadres, their assignments to enterprises and their visits."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from industry_brain.accounts.models import Organisation, User
from industry_brain.core.events import event_record
from industry_brain.core.permissions import can, ensure_can, ensure_can_after_write
from industry_brain.enterprises.models import Enterprise

from ..choices import (
    NotificationKind,
)
from ..models import (
    Assignment,
    Cadre,
    Visit,
)
from ..notifications import notify

# ------------------------------------------------------------------------------------ cadres, assignments

def cadre_refusal(actor, cadre: Cadre, enterprise: Enterprise) -> str | None:
    """The one rule for naming a cadre (visits and assignments, by page, API and importer alike): a district
    bureau names only cadres of its own district, serving enterprises of that district; the city names any cadre.
    Returns the refusal, or None."""
    if not can(actor, "change", cadre):  # the cadres a bureau keeps: the city's all, a district's its own
        return _("This cadre belongs to another district; name a cadre of your district.")
    if not can(actor, "organise_service", enterprise):  # the district's own cadre, another district's firm
        return _("The cadre and the enterprise are in different districts.")
    return None


@transaction.atomic
def cadre_create(*, actor, code: str, name: str, organisation: Organisation, phone: str = "", email: str = "",
                 user: User | None = None) -> Cadre:
    """Register a cadre. District bureaus register cadres of organisations in their district."""
    ensure_can(actor, "add", Cadre, _("You may register cadres only for organisations of your district."))
    cadre = Cadre(code=code.strip(), name=name.strip(), organisation=organisation, phone=phone, email=email,
                  user=user)
    cadre.full_clean()
    cadre.save()
    ensure_can_after_write(actor, cadre, "add", _("You may register cadres only for organisations of your district."))
    event_record(kind="cadre.registered", message=_("Cadre %(code)s registered") % {"code": cadre.code},
                 obj=cadre, actor=actor)
    return cadre


@transaction.atomic
def assignment_create(*, actor, cadre: Cadre, enterprise: Enterprise, started_on: dt.date | None = None,
                      notify_cadre: bool = True) -> Assignment:
    """Assign a cadre to serve an enterprise from `started_on` (today by default)."""
    ensure_can(actor, "organise_service", enterprise, _("You may assign cadres only to enterprises of your district."))
    refusal = cadre_refusal(actor, cadre, enterprise)
    if refusal:
        raise ValidationError({"cadre": [refusal]})
    assignment = Assignment(cadre=cadre, enterprise=enterprise, started_on=started_on or timezone.localdate())
    assignment.full_clean()
    assignment.save()
    event_record(kind="assignment.created", message=_("%(cadre)s now serves %(enterprise)s") % {
        "cadre": cadre, "enterprise": enterprise.name}, obj=assignment, actor=actor)
    if notify_cadre and cadre.user_id:
        notify(users=[cadre.user], kind=NotificationKind.ENTERPRISE_ASSIGNED,
               text=_("You now serve %(enterprise)s.") % {"enterprise": enterprise.name},
               link=enterprise.get_absolute_url())
    return assignment


@transaction.atomic
def assignment_end(*, actor, assignment: Assignment, ended_on: dt.date | None = None) -> Assignment:
    ensure_can(actor, "organise_service", assignment.enterprise, _("You may end assignments only in your district."))
    if assignment.ended_on is not None:
        raise ValidationError({"ended_on": [_("This assignment has already ended.")]})
    assignment.ended_on = ended_on or timezone.localdate()
    assignment.full_clean()
    assignment.save(update_fields=["ended_on", "updated"])
    event_record(kind="assignment.ended", message=str(assignment), obj=assignment, actor=actor)
    return assignment


@transaction.atomic
def visit_create(*, actor, enterprise: Enterprise, date: dt.date, mode: str, notes: str = "",
                 cadre: Cadre | None = None) -> Visit:
    """Log a visit. A cadre logs its own visits to enterprises it serves; district bureaus and the city may
    log visits of cadres in their scope."""
    if not can(actor, "log_visit", Enterprise):
        raise PermissionDenied(_("You may not log visits."))
    if can(actor, "organise_service", Enterprise):  # a bureau logs a visit of a cadre it names
        if not can(actor, "organise_service", enterprise):
            raise PermissionDenied(_("You may not log visits."))
        if cadre is None:
            raise ValidationError({"cadre": [_("Name the cadre who made the visit.")]})
        refusal = cadre_refusal(actor, cadre, enterprise)
        if refusal:
            raise ValidationError({"cadre": [refusal]})
    else:  # a cadre logs its own visits to the firms it serves
        own = actor.cadre_profile
        if cadre is not None and cadre.pk != own.pk:
            raise ValidationError({"cadre": [_("You may log only your own visits.")]})
        cadre = own
        if not can(actor, "log_visit", enterprise):
            raise ValidationError({"enterprise": [_("You do not serve this enterprise.")]})
    if date > timezone.localdate():
        raise ValidationError({"date": [_("A visit cannot be in the future.")]})
    visit = Visit(date=date, cadre=cadre, enterprise=enterprise, mode=mode, notes=notes)
    visit.full_clean()
    visit.save()
    event_record(kind="visit.logged", message=str(visit), obj=visit, actor=actor)
    return visit
