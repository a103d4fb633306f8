"""Pickers of the enterprise service: cadres (within the user's scope), coordinating departments (suggested from
the demand's category) and handlers (the chosen department's staff).

Department suggestion: the departments that coordinated most of the demands of the same category (or, without
history there, of its category group) among the demands the user may see — what this reviewer's colleagues
decided before, not a fixed table that would drift from practice.

Handlers: only a department user of the chosen department is offered (the service checks the same on accept).
Their names are shown to who names a handler — the city and district reviewers, for any department — and to a
department's own staff for their colleagues; to no one else."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from industry_brain.accounts.choices import Role
from industry_brain.accounts.models import User
from industry_brain.accounts.selectors import departments
from industry_brain.core.autocomplete import MAX_ID, Source, register
from industry_brain.core.labels import person
from industry_brain.core.permissions import can

from .models import Cadre, Demand, DemandCategory


def _int(params, key):
    value = (params.get(key) or "").strip()
    return int(value) if value.isdigit() and int(value) <= MAX_ID else None


def _cadres(user, params):
    return Cadre.objects.restrict(user, "view").select_related("organisation")


register(Source("cadre", queryset=_cadres, order=("code",),
                search=lambda qs, q: qs.filter(Q(name__icontains=q) | Q(code__istartswith=q)),
                item=lambda c: {"id": c.pk, "label": c.name, "detail": f"{c.code} · {c.organisation}"}))


def _departments(user, params):
    return departments()


def _suggest_departments(user, params, qs):
    """Departments ranked by how many of the user's visible demands of this category they coordinated."""
    category_id = _int(params, "category")
    category = DemandCategory.objects.filter(pk=category_id).first() if category_id else None
    counts: dict[int, int] = {}
    if category is not None:
        seen = Demand.objects.restrict(user, "view").filter(department__isnull=False).order_by()
        for field, value in (("category_id", category.pk), ("category_root_id", category.root_id)):
            rows = seen.filter(**{field: value}).values("department_id").annotate(n=Count("pk"))
            counts = {r["department_id"]: r["n"] for r in rows}
            if counts:
                break
    ranked = sorted(qs, key=lambda d: (-counts.get(d.pk, 0), d.name))
    total = sum(counts.values())
    rows = []
    for d in ranked:
        row = {"id": d.pk, "label": d.name, "detail": ""}
        n = counts.get(d.pk, 0)
        if n and n * 5 >= total:  # a fifth or more of the category's demands: worth suggesting
            row["suggested"] = True
            row["detail"] = _("coordinated %(n)s of %(total)s similar demands") % {"n": n, "total": total}
        rows.append(row)
    return rows


register(Source("department", queryset=_departments, order=("name",), suggest=_suggest_departments,
                search=lambda qs, q: qs.filter(name__icontains=q),
                item=lambda d: {"id": d.pk, "label": d.name, "detail": ""}))


def _handlers(user, params):
    department_id = _int(params, "department")
    staff = User.objects.filter(role=Role.DEPARTMENT, is_active=True).select_related("organisation")
    if department_id is None or not user.is_authenticated:
        return staff.none()
    department = departments().filter(pk=department_id).first()
    if department is None or not can(user, "name_handler", department):  # declared in permissions.py
        return staff.none()
    return staff.filter(organisation_id=department_id)


register(Source("handler", queryset=_handlers, order=("title", "username"),
                search=lambda qs, q: qs.filter(Q(title__icontains=q) | Q(first_name__icontains=q)
                                               | Q(last_name__icontains=q) | Q(username__istartswith=q)),
                item=lambda u: {"id": u.pk, "label": person(u), "detail": ""}))
