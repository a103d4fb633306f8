"""Named rights of the enterprise service, declared once for `core.permissions.can`.

What each role sees and changes is each model's `scope` (`models/`); who takes a demand step is the workflow's
`may` (`workflows.py`). The rights below are neither: views, templates, panels, forms, importers and services
ask `can(user, "<name>", obj_or_model)` and never test a role themselves. A model target (e.g. `Enterprise`)
asks whether the user has the right for any object at all (menus, buttons, which form to show).
"""

from __future__ import annotations

from industry_brain.accounts.choices import Role
from industry_brain.accounts.models import Organisation
from industry_brain.core.permissions import is_city, rule
from industry_brain.enterprises.models import Enterprise

from .models import Assignment, Demand


def _cadre_serves(user, enterprise) -> bool:
    return Assignment.objects.filter(cadre__user=user, enterprise=enterprise, ended_on__isnull=True).exists()


def _is_cadre(user) -> bool:
    return user.role == Role.CADRE and hasattr(user, "cadre_profile")


@rule(Enterprise, "organise_service")
def may_organise_service(user, enterprise) -> bool:
    """Organise the cadre service of a firm: assign and end cadres, log a visit on a cadre's behalf, raise a
    demand as the bureau. The city for every firm, a district bureau for the firms of its district."""
    if is_city(user):
        return True
    if user.role != Role.DISTRICT:
        return False
    return enterprise is None or enterprise.district_id == user.district_code


@rule(Enterprise, "raise_demand")
def may_raise_demand(user, enterprise) -> bool:
    """Raise a demand for a firm: the firm itself, a cadre serving it now, the bureau organising its service."""
    if may_organise_service(user, enterprise):
        return True
    if user.role == Role.ENTERPRISE:
        return enterprise is None or enterprise.pk == user.enterprise_id
    if _is_cadre(user):
        return enterprise is None or _cadre_serves(user, enterprise)
    return False


@rule(Enterprise, "log_visit")
def may_log_visit(user, enterprise) -> bool:
    """Log a visit to a firm: a cadre serving it (its own visit), the bureau organising its service (naming the
    cadre)."""
    if may_organise_service(user, enterprise):
        return True
    return _is_cadre(user) and (enterprise is None or _cadre_serves(user, enterprise))


@rule(Demand, "view_similar")
def may_view_similar(user, _demand) -> bool:
    """See which other demands look like this one, and its systemic-problem alerts: the public side (the firm
    that raised it sees its own demand, not how it compares with other firms')."""
    return user.role != Role.ENTERPRISE


@rule(Organisation, "name_handler")
def may_name_handler(user, department) -> bool:
    """Look up a department's staff to name a demand's handler: the bureaus that accept demands (the city, a
    district bureau) for any department, a department for its own."""
    if is_city(user) or user.role == Role.DISTRICT:
        return True
    return user.role == Role.DEPARTMENT and department is not None and user.organisation_id == department.pk
