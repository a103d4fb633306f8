"""Reads of the enterprise registry."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import FilteredRelation, Q, QuerySet, Value
from django.db.models.expressions import Col
from django.db.models.lookups import Exact, In

from .models import ConfidentialReadLog, EcosystemMember, Enterprise, YearlyFigures, enterprise_scope_ecosystem

# The alias under which a list reads its firms' stored ecosystem rows (EcosystemMember), and the one naming the
# ecosystem (a constant, never selected).
ROW = "ecosystem_row"
ROW_ECOSYSTEM = "ecosystem_row_ecosystem"


def enterprise_list(*, user, queryset: QuerySet[Enterprise] | None = None,
                    params: Mapping[str, str] | None = None) -> QuerySet[Enterprise]:
    """The enterprises `user` may see, for the list page and the API list (unordered: see `list_ordering`); `params`
    (the request's query) names the list's filters.

    A reader whose view scope is exactly an ecosystem's confirmed member firms (a work team) reads them from the
    ecosystem's stored rows, joined one to one, so that filters and sorts on the list columns run on the stored
    copies' (ecosystem, column, firm) indexes; while those rows do not match the memberships (written around the
    services, not yet repaired by the hourly sync) the plain restricted query answers. Any other reader whose list
    is narrowed to one ecosystem's members (the ecosystem filter, which like the rows counts confirmed memberships
    only) reads the stored rows of that ecosystem within its restricted query, under the same check: they are then
    exactly the firms the filter keeps from the registry. Either way the rows are
    `Enterprise.objects.restrict(user, "view")`'s narrowed by the FilterSet (tests compare both for every role,
    filter and sort)."""
    qs = queryset if queryset is not None else Enterprise.objects.select_related("district", "industry")
    ecosystem = enterprise_scope_ecosystem(user, "view")
    if ecosystem is not None:
        return _stored_rows(qs, ecosystem) if ecosystem_rows_current(ecosystem_id=ecosystem) \
            else qs.restrict(user, "view")
    qs = qs.restrict(user, "view")
    filtered = filtered_ecosystem(params or {})
    if filtered is not None and ecosystem_rows_current(ecosystem_id=filtered):
        return _stored_rows(qs, filtered)
    return qs


def _stored_rows(qs: QuerySet[Enterprise], ecosystem: int) -> QuerySet[Enterprise]:
    """`qs`'s firms among the ecosystem's stored rows, joined one to one under `ROW` (marked by `ROW_ECOSYSTEM`)."""
    row = FilteredRelation("ecosystem_rows", condition=Q(ecosystem_rows__ecosystem_id=ecosystem))
    rows = qs.alias(**{ROW: row, ROW_ECOSYSTEM: Value(ecosystem)}).filter(**{f"{ROW}__ecosystem_id": ecosystem})
    rows.__class__ = _rows_queryset_class(type(rows))
    return rows


def row_condition(column: str, value, *, many: bool = False) -> Exact | In:
    """A stored-rows list's condition on its joined row's copy of a registry column (`district`, `top_tier` …):
    equal to `value`, or one of `value` when `many`. On the row joined by `_stored_rows` itself, not on a second
    join of the rows (which a filter by the relation's name would add)."""
    col = Col(ROW, EcosystemMember._meta.get_field(column))
    return In(col, value) if many else Exact(col, value)


class _StoredRowsCounting:
    """Counts and page keys of a stored-rows list (`_stored_rows`) from the stored rows alone.

    While the list is an ecosystem's stored rows with conditions on their copied columns only (the team's list
    unfiltered or filtered by district, industry, scale or tier; a city or district reader's list filtered by the
    ecosystem alone) in an order of their copied columns, its count and a
    page's firm ids are those of the rows themselves, read from their (ecosystem, column, firm) indexes without
    the registry: the join adds nothing (one row per firm, every row's firm exists) and cost a probe of the
    registry's primary key for each row counted or stepped over. Any other list is counted and paged as it is."""

    def _rows_alone(self):
        """The stored rows this list is exactly (ordered as the list is), or None."""
        query = self.query
        ecosystem = stored_rows_ecosystem(self)
        where = query.where
        if (ecosystem is None or query.distinct or query.combinator or query.extra or where.negated
                or where.connector != "AND"):
            return None
        conditions = {}
        for leaf in where.children:
            # Only plain values compared with the joined row's own columns (`_stored_rows`, `row_condition`).
            lhs = getattr(leaf, "lhs", None)
            if not (isinstance(lhs, Col) and lhs.alias == ROW and getattr(leaf, "lookup_name", None) in ("exact", "in")
                    and not hasattr(leaf.rhs, "resolve_expression")):
                return None
            key = f"{lhs.target.attname}__{leaf.lookup_name}"
            if key in conditions:
                return None
            conditions[key] = leaf.rhs
        if conditions.get("ecosystem_id__exact") != ecosystem:
            return None
        order = []
        for key in query.order_by:
            if not isinstance(key, str) or not key.lstrip("-").startswith(f"{ROW}__"):
                return None
            column = key.lstrip("-")[len(ROW) + 2:]
            order.append(("-" if key.startswith("-") else "") + column)
        rows = EcosystemMember.objects.filter(**conditions).order_by(*order)
        rows.query.set_limits(query.low_mark, query.high_mark)
        return rows

    def count(self) -> int:
        rows = self._rows_alone() if self._result_cache is None else None
        return rows.count() if rows is not None else super().count()

    def values_list(self, *fields, flat=False, named=False):
        # Only an explicitly ordered list: the registry's default order is not the rows'.
        rows = self._rows_alone() if fields in (("pk",), ("id",)) and flat and not named and self.query.order_by \
            else None
        if rows is None:
            return super().values_list(*fields, flat=flat, named=named)
        return rows.values_list("enterprise_id", flat=True)


@functools.cache
def _rows_queryset_class(base: type) -> type:
    return type(f"StoredRows{base.__name__}", (_StoredRowsCounting, base), {})


def filtered_ecosystem(params: Mapping[str, str]) -> int | None:
    """The ecosystem the list's `ecosystem` filter names (the value the FilterSet reads: the last one given), or None
    when there is none or it is not an id (the FilterSet then rejects it). The chain and node filters are left to
    the plain query: joining the stored rows to a chain's members only adds a probe per member to its sort."""
    value = params.get("ecosystem")
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def reads_ecosystem_rows(queryset: QuerySet) -> bool:
    """Whether a list queryset came from `enterprise_list`'s stored-rows path."""
    return stored_rows_ecosystem(queryset) is not None


def stored_rows_ecosystem(queryset: QuerySet) -> int | None:
    """The ecosystem whose stored rows a list queryset reads (`enterprise_list`), or None."""
    marker = queryset.query.annotations.get(ROW_ECOSYSTEM)
    return None if marker is None else marker.value


def list_column(queryset: QuerySet, field: str) -> str:
    """The lookup of a registry list column (`district`, `top_tier`, `pk` …) for this list queryset: the stored
    copy on the stored-rows path (the firm's id is the row's `enterprise`), the registry's own column otherwise."""
    if not reads_ecosystem_rows(queryset):
        return field
    return f"{ROW}__enterprise_id" if field in ("pk", "id") else f"{ROW}__{field}"


def list_ordering(queryset: QuerySet[Enterprise], ordering: Sequence[str]) -> list[str]:
    """`ordering` (registry columns, `-` for descending) with each column read where `list_column` says: the same
    order, served by the stored rows' indexes on their path."""
    return [("-" if key.startswith("-") else "") + list_column(queryset, key.lstrip("-")) for key in ordering]


# How long a positive answer of `ecosystem_rows_current` is kept (seconds), under the current generation of the
# memberships (`memberships_changed` bumps it whenever a membership, node or chain is saved or deleted).
ROWS_CHECK_SECONDS = 300
_GENERATION_KEY = "enterprises:ecosystem-rows:generation"


def memberships_changed() -> None:
    """Forget every kept answer of `ecosystem_rows_current`: a membership, node or chain was written (by a service
    or around them). Bumped at once and again when the transaction commits, so that an answer computed from the
    state before the commit is not kept under the new generation."""
    def bump() -> None:
        try:
            cache.incr(_GENERATION_KEY)
        except ValueError:
            cache.set(_GENERATION_KEY, 1, None)

    bump()
    transaction.on_commit(bump)


def ecosystem_rows_current(*, ecosystem_id: int) -> bool:
    """Whether the ecosystem's stored rows are its confirmed member firms: the same number and the same sum of
    firm ids as the memberships give. Rows written around the services are repaired by the hourly sync; until then
    the list takes the plain path. The comparison reads every member (about 40 ms for the province's largest
    ecosystem), so a positive answer is kept for `ROWS_CHECK_SECONDS` under the memberships' generation: any save or
    delete of a membership, node or chain starts a new generation. Only a bulk write around the services (a
    queryset update, bulk_create, SQL) can go unseen, for at most that time (docs/decisions.md)."""
    generation = cache.get(_GENERATION_KEY, 0)
    key = f"enterprises:ecosystem-rows:{ecosystem_id}:{generation}"
    if cache.get(key):
        return True
    current = _ecosystem_rows_compare(ecosystem_id)
    if current:
        cache.set(key, True, ROWS_CHECK_SECONDS)
    return current


def _ecosystem_rows_compare(ecosystem_id: int) -> bool:
    """The comparison itself (one query: the stored rows' two figures and the live members' two)."""
    # One DISTINCT (a hash of the firm ids) for both figures; COUNT(DISTINCT) and SUM(DISTINCT) sorted twice.
    sql = """
        SELECT (SELECT COUNT(*) FROM enterprises_ecosystemmember WHERE ecosystem_id = %s),
               (SELECT COALESCE(SUM(enterprise_id), 0) FROM enterprises_ecosystemmember WHERE ecosystem_id = %s),
               COUNT(*), COALESCE(SUM(enterprise_id), 0)
        FROM (SELECT DISTINCT m.enterprise_id
              FROM chains_chainmembership m
              JOIN chains_chainnode n ON n.id = m.node_id
              JOIN chains_chain c ON c.id = n.chain_id
              WHERE m.status = 'confirmed' AND c.ecosystem_id = %s) live"""
    with connection.cursor() as cursor:
        cursor.execute(sql, [ecosystem_id, ecosystem_id, ecosystem_id])
        stored, stored_sum, live, live_sum = cursor.fetchone()
    return stored == live and int(stored_sum) == int(live_sum)


def enterprise_can_see_confidential(*, user, enterprise: Enterprise) -> bool:
    return Enterprise.objects.permits(user, enterprise, "view_confidential")


def figures_for(*, user, enterprise: Enterprise) -> QuerySet[YearlyFigures]:
    return YearlyFigures.objects.restrict(user, "view").filter(enterprise=enterprise).order_by("year")


def confidential_reads_for(*, user, enterprise: Enterprise, limit: int = 50):
    return ConfidentialReadLog.objects.restrict(user, "view").filter(enterprise=enterprise).select_related(
        "user")[:limit]
