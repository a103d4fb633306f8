"""The enterprise picker: the registry within the user's view scope, searched like the list's search box (a name
fragment, a credit-code prefix or a whole code). `enterprise-uscc` submits the credit code instead of the id."""

from __future__ import annotations

from industry_brain.core.autocomplete import Source, register

from .filtersets import EnterpriseFilterSet
from .models import Enterprise


def _enterprises(user, params):
    return Enterprise.objects.restrict(user, "view").select_related("district")


def _search(qs, q):
    return EnterpriseFilterSet(queryset=qs).filter_search(qs, "search", q)


def _item(e):
    return {"id": e.pk, "value": e.pk, "label": e.name, "detail": f"{e.uscc} · {e.district.name}"}


register(Source("enterprise", queryset=_enterprises, search=_search, item=_item, order=("name", "pk")))
register(Source("enterprise-uscc", queryset=_enterprises, search=_search, order=("name", "pk"),
                item=lambda e: _item(e) | {"value": e.uscc}, value_field="uscc"))
