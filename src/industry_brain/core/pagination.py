"""Pagination of pages and API lists: `?page=` and, in the API, `?page_size=` (at most 1000)."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from rest_framework.pagination import PageNumberPagination


class DeferredJoinPaginator(Paginator):
    """A paginator that reads a deep page's primary keys first and then only those rows.

    `OFFSET n` makes the database step over n rows before the page; stepping over the entries of the sort
    column's (column, id) index is far cheaper than over whole rows, so deep pages ask for the page's keys
    (an index-only scan) and then fetch those rows by primary key, in the same order. Shallow pages, lists
    and unordered querysets are read directly. The rows and their order are exactly those of a plain slice."""

    deep_offset = 1000

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = self.object_list
        if bottom >= self.deep_offset and isinstance(rows, QuerySet) and rows.ordered:
            keys = list(rows.values_list("pk", flat=True)[bottom:top])
            return self._get_page(rows.filter(pk__in=keys), number, self)
        return self._get_page(rows[bottom:top], number, self)


class StandardPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 1000
    django_paginator_class = DeferredJoinPaginator
