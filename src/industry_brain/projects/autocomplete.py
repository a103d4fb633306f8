"""The project picker: projects within the user's view scope, by name or project code."""

from __future__ import annotations

from django.db.models import Q

from industry_brain.core.autocomplete import Source, register

from .models import Project


def _projects(user, params):
    return Project.objects.restrict(user, "view").select_related("district")


def _search(qs, q):
    return qs.filter(Q(name__icontains=q) | Q(code__istartswith=q))


def _item(p):
    return {"id": p.pk, "value": p.pk, "label": p.name, "detail": f"{p.code} · {p.district.name}"}


register(Source("project", queryset=_projects, search=_search, order=("name", "pk"), item=_item))
# Forms that name a project by its code (a factory application) submit the code.
register(Source("project-code", queryset=_projects, search=_search, order=("name", "pk"),
                item=lambda p: _item(p) | {"value": p.code}, value_field="code"))
