"""Pickers that search large tables by name or code (enterprise, project, cadre, department, handler …).

One endpoint, `GET /autocomplete/<source>/?q=…`, answers every picker of the platform; one widget
(`Autocomplete`, `core/widgets/autocomplete.html`, behaviour in `static/js/app.js`) renders it. Apps declare
their sources in `<app>/autocomplete.py` (found automatically), each with a `queryset(user, params)` that is
already restricted to the user: the endpoint never widens it, so a picker can only offer and name what the user
may see. The chosen item's name is fetched the same way (`?id=…`), never rendered from an unrestricted query.

    register(Source("cadre", queryset=lambda user, params: Cadre.objects.restrict(user, "view"),
                    search=lambda qs, q: qs.filter(Q(name__contains=q) | Q(code__istartswith=q)),
                    item=lambda c: {"id": c.pk, "label": c.name, "detail": c.code}, order=("code",)))
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from django import forms
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

MAX_QUERY = 100
LIMIT = 20
MAX_ID = 2**63 - 1


@dataclasses.dataclass(frozen=True)
class Source:
    """What one picker searches. `queryset(user, params)` returns the user's restricted rows (params: the
    request's other query parameters, e.g. the chosen department of a handler picker); `search(qs, q)` narrows
    them by the typed text; `item(obj)` is the answer row: id, label, detail (a code, an organisation) and
    optionally `value` (what the form submits when it is not the id, e.g. a credit code) and `note`."""

    name: str
    queryset: Callable[..., QuerySet]
    search: Callable[[QuerySet, str], QuerySet]
    item: Callable[[object], dict]
    order: tuple[str, ...] = ("pk",)
    # Ranks the unfiltered list (empty q), e.g. departments by how often they coordinated this category.
    suggest: Callable[..., list[dict]] | None = None
    value_field: str = "pk"  # the field `?id=` looks up (a credit code for pickers that submit one)


_sources: dict[str, Source] = {}
_discovered = False


def register(source: Source) -> Source:
    _sources[source.name] = source
    return source


def get_source(name: str) -> Source | None:
    global _discovered
    if not _discovered:
        _discovered = True
        autodiscover_modules("autocomplete")
    return _sources.get(name)


def lookup(source: Source, user, params) -> dict:
    """The endpoint's answer: `{"results": [...], "more": bool}` for `q` (or the suggestions when empty), or the
    one item whose value is `id` (the name of a chosen item) — always within the user's scope."""
    qs = source.queryset(user, params)
    wanted = (params.get("id") or "").strip()
    if wanted:
        if source.value_field == "pk":
            if not wanted.isdigit() or int(wanted) > MAX_ID:
                return {"results": [], "more": False}
            qs = qs.filter(pk=int(wanted))
        else:
            qs = qs.filter(**{source.value_field: wanted[:MAX_QUERY]})
        return {"results": [_row(source, o) for o in qs[:1]], "more": False}
    q = (params.get("q") or "").strip()[:MAX_QUERY]
    if not q and source.suggest is not None:
        rows = source.suggest(user, params, qs)
        return {"results": [r | {"value": r.get("value", r["id"])} for r in rows[:LIMIT]], "more": len(rows) > LIMIT}
    if q:
        qs = source.search(qs, q)
    rows = list(qs.order_by(*source.order)[:LIMIT + 1])
    return {"results": [_row(source, o) for o in rows[:LIMIT]], "more": len(rows) > LIMIT}


def _row(source: Source, obj) -> dict:
    row = source.item(obj)
    row.setdefault("value", row["id"])
    return row


class Autocomplete(forms.Widget):
    """A search box that picks one row of a large table: the form submits the chosen row's id (or `value`) in a
    hidden input; the visible box shows its name. Keyboard: ↓/↑ move, Enter chooses, Esc closes.

    `depends`: another field of the same form whose value is passed along (a handler picker narrowed to the
    chosen department) and whose change clears this one. `context`: query parameters taken from the form
    element's `data-ac-<name>` attributes (the demand's category for the department suggestion).

    `free_text`: another field of the same form (usually hidden) that keeps a typed name which is not in the table
    (an investor not registered as a firm): the list then ends with "未登记企业：<typed name>", choosing it leaves
    this field empty and puts the name in that field; choosing a registered row empties that field again."""

    template_name = "core/widgets/autocomplete.html"

    def __init__(self, source: str, *, depends: str = "", context: tuple[str, ...] = (), placeholder=None,
                 empty_hint=None, free_text: str = "", free_label=None, attrs=None):
        super().__init__(attrs)
        self.free_text = free_text
        self.free_label = free_label or _("Unregistered firm: {name}")
        self.source = source
        self.depends = depends
        self.context = context
        self.placeholder = placeholder or _("Type a name or code")
        self.empty_hint = empty_hint

    def get_context(self, name, value, attrs):
        ctx = super().get_context(name, value, attrs)
        ctx["widget"].update({
            "url": reverse("core:autocomplete", args=[self.source]), "source": self.source,
            "depends": self.depends, "context": " ".join(self.context), "placeholder": self.placeholder,
            "empty_hint": self.empty_hint or "", "free_text": self.free_text, "free_label": self.free_label,
        })
        return ctx

    def format_value(self, value):
        if value is None or value == "":
            return ""
        return str(getattr(value, "pk", value))


# Filter fields shown as pickers on every list page (core.views.friendly_filter_form): a field of this name
# holding an id becomes a picker of this source.
FILTER_PICKERS = {"enterprise": "enterprise", "project": "project", "cadre": "cadre", "handler": "handler",
                  "node": "node"}


def autocomplete_view(request, source: str):
    """GET /autocomplete/<source>/?q=…: the user's matching rows as JSON (404 for an unknown source)."""
    from django.http import Http404, JsonResponse

    found = get_source(source)
    if found is None:
        raise Http404
    return JsonResponse(lookup(found, request.user, request.GET), json_dumps_params={"ensure_ascii": False})
