"""Stored derived rows (a node's leaders, a node's output, a firm's input summary, …) kept beside the rows they
come from, rewritten set-based by the service step that changes them and in full by a refresh."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import connection, transaction
from django.utils import timezone

# fill(table, marks, now, ids) -> (INSERT … SELECT, params): `table` is the quoted table, `marks` the ids'
# placeholders ("" when every row is rewritten), `now` the adapted time for created/updated, `ids` the ids in the
# order of `marks` (empty when every row is rewritten).
Fill = Callable[[str, str, object, list[int]], tuple[str, list]]


@transaction.atomic
def rewrite_rows(model, key: str, ids: Iterable[int] | None, fill: Fill) -> int:
    """Rewrite the rows of `model` whose column `key` is one of `ids`, or every row when `ids` is None: one DELETE,
    then the INSERT … SELECT of `fill`, in one transaction. Returns the number of rows written (0 for no ids)."""
    ids = None if ids is None else sorted(set(ids))
    if ids == []:
        return 0
    q = connection.ops.quote_name
    table = q(model._meta.db_table)
    marks = "" if ids is None else ", ".join(["%s"] * len(ids))
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        if ids is None:
            cursor.execute(f"DELETE FROM {table}")
        else:
            cursor.execute(f"DELETE FROM {table} WHERE {q(key)} IN ({marks})", ids)
        sql, params = fill(table, marks, now, ids or [])
        cursor.execute(sql, params)
        return cursor.rowcount
