"""Cadres, their assignments to enterprises and their visits."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from industry_brain.accounts.choices import Role
from industry_brain.accounts.models import Organisation, User
from industry_brain.core.events import event_record
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

def _may_manage_district(actor, district_code: str | None) -> bool:
    return actor.is_city or (actor.role == Role.DISTRICT and district_code is not None
                             and actor.district_code == district_code)


def cadre_refusal(actor, cadre: Cadre, enterprise: Enterprise) -> str | None:
    """The one rule for naming a cadre (visits and assignments, by page, API and importer alike): a district
    bureau names only cadres of its own district, serving enterprises of that district; the city names any cadre.
    Returns the refusal, or None."""
    if actor.is_city:
        return None
    cadre_district = cadre.organisation.district_id if cadre.organisation_id else None
    if cadre_district is None or cadre_district != actor.district_code:
        return _("This cadre belongs to another district; name a cadre of your district.")
    if enterprise.district_id != cadre_district:
        return _("The cadre and the enterprise are in different districts.")
    return None


@transaction.atomic
def cadre_create(*, actor, code: str, name: str, organisation: Organisation, phone: str = "", email: str = "",
                 user: User | None = None) -> Cadre:
    """Register a cadre. District bureaus register cadres of organisations in their district."""
    if not (actor.is_city or (actor.role == Role.DISTRICT and organisation.district_id == actor.district_code)):
        raise PermissionDenied(_("You may register cadres only for organisations of your district."))
    cadre = Cadre(code=code.strip(), name=name.strip(), organisation=organisation, phone=phone, email=email,
                  user=user)
    cadre.full_clean()
    cadre.save()
    event_record(kind="cadre.registered", message=_("Cadre %(code)s registered") % {"code": cadre.code},
                 obj=cadre, actor=actor)
    return cadre


@transaction.atomic
def assignment_create(*, actor, cadre: Cadre, enterprise: Enterprise, started_on: dt.date | None = None,
                      notify_cadre: bool = True) -> Assignment:
    """Assign a cadre to serve an enterprise from `started_on` (today by default)."""
    if not _may_manage_district(actor, enterprise.district_id):
        raise PermissionDenied(_("You may assign cadres only to enterprises of your district."))
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
    if not _may_manage_district(actor, assignment.enterprise.district_id):
        raise PermissionDenied(_("You may end assignments only in your district."))
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
    if actor.role == Role.CADRE:
        own = getattr(actor, "cadre_profile", None)
        if own is None:
            raise PermissionDenied(_("Your account has no cadre profile."))
        if cadre is not None and cadre.pk != own.pk:
            raise ValidationError({"cadre": [_("You may log only your own visits.")]})
        cadre = own
        if not Assignment.objects.filter(cadre=own, enterprise=enterprise, ended_on__isnull=True).exists():
            raise ValidationError({"enterprise": [_("You do not serve this enterprise.")]})
    elif _may_manage_district(actor, enterprise.district_id):
        if cadre is None:
            raise ValidationError({"cadre": [_("Name the cadre who made the visit.")]})
        refusal = cadre_refusal(actor, cadre, enterprise)
        if refusal:
            raise ValidationError({"cadre": [refusal]})
    else:
        raise PermissionDenied(_("You may not log visits."))
    if date > timezone.localdate():
        raise ValidationError({"date": [_("A visit cannot be in the future.")]})
    visit = Visit(date=date, cadre=cadre, enterprise=enterprise, mode=mode, notes=notes)
    visit.full_clean()
    visit.save()
    event_record(kind="visit.logged", message=str(visit), obj=visit, actor=actor)
    return visit
