"""Reusable tables for list pages: columns are declared once, sorting and rendering are generic."""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Callable, Sequence
from typing import Any

from django.template.base import render_value_in_context
from django.template.context import Context
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

_CELL = '<td class="">'
_NUMERIC_CELL = '<td class="num">'
_AUTOESCAPE = Context(autoescape=True)


def _shown(value) -> str:
    """What `{{ value }}` writes in a template: local time, localised, escaped unless marked safe. Most cells are
    already text (or safe HTML), which needs no look-up of the language's formats."""
    kind = type(value)
    if kind is SafeString:
        return value
    if kind is str:
        return html.escape(value)  # django.utils.html.escape without its lazy-argument wrapper
    return render_value_in_context(value, _AUTOESCAPE)


@dataclasses.dataclass
class Col:
    name: str
    label: Any
    accessor: str | Callable[[Any], Any] | None = None
    order_by: str | None = None  # database field to sort by; None: not sortable
    link: bool = False  # link the cell to the row's get_absolute_url()
    numeric: bool = False
    badge: bool = False

    def value(self, row) -> Any:
        acc = self.accessor or self.name
        if callable(acc):
            return acc(row)
        value = row
        for part in acc.split("__"):
            value = getattr(value, part, None)
            if callable(value):
                value = value()
            if value is None:
                return ""
        return value


class Table:
    columns: Sequence[Col] = ()
    default_order = "-pk"

    def __init__(self, rows, *, request=None):
        self.rows = rows
        self.request = request

    @classmethod
    def ordering_for(cls, requested: str | None) -> str:
        allowed = {c.name: c.order_by for c in cls.columns if c.order_by}
        if requested:
            desc = requested.startswith("-")
            key = requested.lstrip("-")
            if key in allowed:
                return ("-" if desc else "") + allowed[key]
        return cls.default_order

    def headers(self):
        current = self.request.GET.get("sort", "") if self.request else ""
        for c in self.columns:
            if c.order_by:
                nxt = f"-{c.name}" if current == c.name else c.name
                params = self.request.GET.copy() if self.request else {}
                if params:
                    params["sort"] = nxt
                    params.pop("page", None)
                    query = params.urlencode()
                else:
                    query = f"sort={nxt}"
                arrow = "▲" if current == c.name else ("▼" if current == f"-{c.name}" else "")
                yield {"label": c.label, "url": f"?{query}", "arrow": arrow, "numeric": c.numeric}
            else:
                yield {"label": c.label, "url": None, "arrow": "", "numeric": c.numeric}

    def body(self):
        """The rows as lists of cells (`value`, `numeric`): the values the page shows, for templates of their own."""
        for row in self.rows:
            yield [{"value": v, "numeric": c.numeric} for c, v in self._cells(row)]

    def body_html(self) -> SafeString:
        """The table's `<tr>` rows, written here rather than by a template loop over every cell (a list page's
        fifty rows of ten cells cost more to render in the template engine than the page's queries). Each value
        is shown as `{{ value }}` shows it: local time, localised, escaped unless marked safe."""
        out = []
        for row in self.rows:
            out.append("<tr>")
            for c, v in self._cells(row):
                out.append(_NUMERIC_CELL if c.numeric else _CELL)
                out.append(_shown(v))
                out.append("</td>")
            out.append("</tr>")
        return mark_safe("".join(out))

    def _cells(self, row):
        url = None  # a row with two linked columns reverses its URL once
        for c in self.columns:
            v = c.value(row)
            if c.numeric and v not in ("", None):
                v = number_format(v, force_grouping=True)
            if c.link and hasattr(row, "get_absolute_url"):
                if url is None:
                    url = row.get_absolute_url()
                v = format_html('<a href="{}">{}</a>', url, v)
            elif c.badge and v:
                v = format_html('<span class="badge badge-{}">{}</span>', getattr(row, c.name, ""),
                                getattr(row, f"get_{c.name}_display", lambda v=v: v)())
            yield c, v
