"""Reads of the enterprise registry."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import FilteredRelation, Q, QuerySet, Value

from .models import ConfidentialReadLog, Enterprise, YearlyFigures, enterprise_scope_ecosystem

# The alias under which a list reads its firms' stored ecosystem rows (EcosystemMember), and the one naming the
# ecosystem (a constant, never selected).
ROW = "ecosystem_row"
ROW_ECOSYSTEM = "ecosystem_row_ecosystem"


def enterprise_list(*, user, queryset: QuerySet[Enterprise] | None = None) -> QuerySet[Enterprise]:
    """The enterprises `user` may see, for the list page and the API list (unordered: see `list_ordering`).

    A reader whose view scope is exactly an ecosystem's confirmed member firms (a work team) reads them from the
    ecosystem's stored rows, joined one to one, so that filters and sorts on the list columns run on the stored
    copies' (ecosystem, column, firm) indexes; while those rows do not match the memberships (written around the
    services, not yet repaired by the hourly sync) the plain restricted query answers. Either way the rows are
    `Enterprise.objects.restrict(user, "view")`'s (tests compare both for every role, filter and sort)."""
    qs = queryset if queryset is not None else Enterprise.objects.select_related("district", "industry")
    ecosystem = enterprise_scope_ecosystem(user, "view")
    if ecosystem is not None and ecosystem_rows_current(ecosystem_id=ecosystem):
        row = FilteredRelation("ecosystem_rows", condition=Q(ecosystem_rows__ecosystem_id=ecosystem))
        return qs.alias(**{ROW: row, ROW_ECOSYSTEM: Value(ecosystem)}).filter(**{f"{ROW}__ecosystem_id": ecosystem})
    return qs.restrict(user, "view")


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
