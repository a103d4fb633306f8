"""Named rights on enterprises that are neither a scope nor a workflow step, declared once for
`core.permissions.can` (views, templates, panels, forms and services ask `can`, never the role)."""

from __future__ import annotations

from industry_brain.accounts.choices import Role
from industry_brain.core.permissions import can, is_city, rule

from .models import Enterprise, Recognition


@rule(Enterprise, "change_registration")
def may_change_registration(user, enterprise) -> bool:
    """Registration facts (credit code, name, district, industry, size) are the bureau's: a bureau user who may
    change (or add) the enterprise, never the enterprise's own account (it keeps its contact facts)."""
    if user.role == Role.ENTERPRISE:
        return False
    return can(user, "change", enterprise) if enterprise is not None else can(user, "add", Enterprise)


@rule(Enterprise, "view_reads")
def may_view_reads(user, enterprise) -> bool:
    """Who read an enterprise's confidential figures: the enterprise itself and the city bureau."""
    return is_city(user) or (enterprise is not None and user.enterprise_id == enterprise.pk)


@rule(Enterprise, "verify_figures")
def may_verify_figures(user, enterprise) -> bool:
    """Yearly figures are verified by the bureau (the city, or the district bureau of the firm's district): a bureau
    user who may change the enterprise, never the enterprise itself."""
    if user.role == Role.ENTERPRISE:
        return False
    return can(user, "change", enterprise) if enterprise is not None else can(user, "add", Enterprise)


@rule(Enterprise, "import")
def may_import(user, _enterprise) -> bool:
    """Import a file of enterprises: the bureaus that register firms (the city, a district bureau); each row is
    then checked against the district the user may add firms in."""
    return can(user, "add", Enterprise)


@rule(Enterprise, "register_in_district")
def may_register_in_district(user, enterprise) -> bool:
    """Register a firm in the district it names, or import a row about a firm on record there (`enterprise` an
    unsaved firm with its district, or the firm on record): the city in every district, a district bureau in its
    own. The add scope of `Enterprise.scope` read on one row without a query; the service checks the saved firm
    again. Model target: whether the user registers firms in some district."""
    if is_city(user):
        return True
    if user.role != Role.DISTRICT:
        return False
    return enterprise is None or enterprise.district_id == user.district_code


@rule(Recognition, "record")
def may_record_recognition(user, _recognition) -> bool:
    """Record a tier recognition (专精特新, 小巨人...): the city bureau, which announces them."""
    return is_city(user)


@rule(Recognition, "renew")
def may_renew_recognition(user, recognition) -> bool:
    """Be reminded to renew or re-apply for a recognition: the firm holding it, and the bureaus that register firms
    (the city, a district bureau). The reminders are read among the firms the user may change."""
    if can(user, "add", Enterprise):
        return True
    return user.role == Role.ENTERPRISE and (recognition is None or recognition.enterprise_id == user.enterprise_id)
