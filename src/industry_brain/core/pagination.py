"""Pagination of pages and API lists: `?page=` and, in the API, `?page_size=` (at most 1000)."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property
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


class CappedCountPaginator(DeferredJoinPaginator):
    """The pages' paginator: counts at most `count_cap` + 1 rows.

    Counting every match of an unselective filter (a credit-code prefix such as 9133, which nearly every code in
    the province shares) reads the whole index however it is built; a person needs "more than 10,000" and the
    first pages, not the exact figure. `count_is_capped` says when the count stopped at the cap; the page then
    reads "10,000+" and offers pages up to the cap. The API keeps exact counts (the contract's `count`)."""

    count_cap = 10_000

    @cached_property
    def count(self) -> int:
        rows = self.object_list
        if isinstance(rows, QuerySet):
            return rows.order_by()[: self.count_cap + 1].count()
        return len(rows)

    @property
    def count_is_capped(self) -> bool:
        return self.count > self.count_cap


class StandardPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 1000
    django_paginator_class = DeferredJoinPaginator
