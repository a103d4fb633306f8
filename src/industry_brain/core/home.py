"""Reads shared by the home panels (each role's inbox): a list with its total in one query, several counts in one
statement, and scope-wide figures kept per user under a data generation.

The home page asks every module for its panel; each panel used to read its list, then count it when the list was
full, and count each of its figures apart. The query count then grew with the data (a count appeared when a list
filled up) and the page paid one round trip and one SQL compilation per figure. These helpers keep the count
flat: a list carries its total, a panel's figures are one statement.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connections, transaction
from django.db.models import IntegerField, QuerySet, Subquery

# How long a kept figure lives (seconds). A save or delete of a watched model starts a new generation at once;
# this bounds how long a bulk write around the models (a queryset update, bulk_create, SQL) can go unseen.
FIGURES_SECONDS = 300
_GENERATION_KEY = "core:home-figures:generation"


class _Total(Subquery):
    """The number of rows of a queryset, as a scalar sub-query: uncorrelated, so the database computes it once."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) home_total)"
    output_field = IntegerField()


def total_of(queryset: QuerySet) -> _Total:
    """How many rows `queryset` has, as an expression to annotate another query with (computed once)."""
    return _Total(queryset.order_by().values("pk"))


def rows_and_total(queryset: QuerySet, n: int, *, read: Callable[[QuerySet], QuerySet] | None = None
                   ) -> tuple[list, int]:
    """The first `n` rows of `queryset` and how many rows it has, in one query whatever the number: each row
    carries the total (an uncorrelated sub-query, computed once), and no row means none at all.

    With `read`, the n rows are first picked by their keys from `queryset` alone (in its order, without the
    tables it joins only to show its rows), then `read(rows with those keys)` joins what they show and orders
    them: the database sorts narrow rows, then joins n of them, instead of joining every row before the sort."""
    if read is None:
        rows = list(queryset.annotate(home_total=total_of(queryset))[:n])
    else:
        keys = queryset.values("pk")[:n]
        rows = list(read(queryset.model._base_manager.filter(pk__in=keys)).annotate(
            home_total=total_of(queryset)))
    return rows, (rows[0].home_total if rows else 0)


def counts(querysets: dict[str, QuerySet]) -> dict[str, int]:
    """`{name: queryset.count()}` in one statement: each count a scalar sub-query, so each keeps its own plan
    (its own index) and the page pays one round trip. The querysets must share one database."""
    if not querysets:
        return {}
    names = list(querysets)
    using = querysets[names[0]].db
    parts, params = [], []
    for name in names:
        try:
            sql, p = querysets[name].order_by().values("pk").query.get_compiler(using=using).as_sql()
        except EmptyResultSet:  # a filter that matches nothing (`pk__in=[]`) compiles to no SQL
            sql, p = "SELECT 1 WHERE 1 = 0", ()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) home_c)")
        params.extend(p)
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return {name: int(value) for name, value in zip(names, row, strict=True)}


def figures_changed(**kwargs) -> None:
    """Forget every kept figure: a watched model was written. Bumped at once and again when the transaction
    commits, so a figure computed from the state before the commit is not kept under the new generation."""
    def bump() -> None:
        try:
            cache.incr(_GENERATION_KEY)
        except ValueError:
            cache.set(_GENERATION_KEY, 1, None)

    bump()
    transaction.on_commit(bump)


def watch(models: Iterable) -> None:
    """Any save or delete of one of `models` (through a service, the admin or a test factory) starts a new
    generation of the kept figures."""
    from django.db.models.signals import post_delete, post_save

    for model in models:
        uid = f"home-figures:{model._meta.label_lower}"
        post_save.connect(figures_changed, sender=model, dispatch_uid=uid + ":save", weak=False)
        post_delete.connect(figures_changed, sender=model, dispatch_uid=uid + ":delete", weak=False)


def kept_figures(user, name: str, compute: Callable[[], dict]) -> dict:
    """The figures `compute()` returns for `user`, kept for `FIGURES_SECONDS` under the current generation.

    Kept per user (never shared between users, so never across scopes) and per figure set `name`. Only for
    scope-wide figures that aggregate large tables (the registry of a city or a district); a user's own lists are
    read live."""
    generation = cache.get(_GENERATION_KEY, 0)
    key = f"core:home-figures:{name}:{user.pk}:{generation}"
    kept = cache.get(key)
    if kept is not None:
        return kept
    value = compute()
    cache.set(key, value, FIGURES_SECONDS)
    return value
