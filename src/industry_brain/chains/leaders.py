"""Each chain node's largest confirmed members, stored (`ChainNodeLeader`) so that the chain page does not rank every
member of a chain against the registry on each request (docs/decisions.md).

The ranking is the page's own: above-scale first, then by name, then by id, over the node's confirmed memberships.
It is rewritten set-based, per node, by the step that changes it: the membership services (a placement, a
confirmation, a removal), the enterprise services (a firm renamed, its scale flag changed, the firm deleted), and
in full by the chain statistics refresh (demo seeder, hourly task, `manage.py refresh_chain_stats`), which also
repairs anything written around the services.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from industry_brain.core.derived import rewrite_rows
from industry_brain.enterprises.models import Enterprise

from .choices import MembershipStatus
from .models import LEADERS_PER_NODE, ChainMembership, ChainNodeLeader

# The same ORDER BY as selectors.nodes_enterprises' live window; the migration that created the table fills it
# with a copy of this statement.
_FILL = """
INSERT INTO {leader} (created, updated, node_id, "rank", enterprise_id)
SELECT %s, %s, node_id, rnk, enterprise_id FROM (
    SELECT m.node_id, m.enterprise_id,
           ROW_NUMBER() OVER (PARTITION BY m.node_id ORDER BY e.is_above_scale DESC, e.name ASC, e.id ASC) AS rnk
    FROM {membership} m JOIN {enterprise} e ON e.id = m.enterprise_id
    WHERE m.status = %s{nodes}
) ranked
WHERE rnk <= %s
"""


def chain_leader_nodes(*, enterprises: Iterable[int]) -> list[int]:
    """The nodes whose leaders may change with these enterprises: where they are confirmed members. Also asked
    before a firm is deleted (its memberships go with it), then passed to `chain_leaders_refresh(nodes=…)`."""
    return list(ChainMembership.objects.counted().filter(enterprise_id__in=list(enterprises)).order_by()
                .values_list("node_id", flat=True).distinct())


def chain_leaders_refresh(*, nodes: Iterable[int] | None = None, enterprises: Iterable[int] | None = None) -> int:
    """Rewrite the stored leaders of `nodes` (ids), of the nodes the `enterprises` (ids) are confirmed members of,
    or of every node when neither is given: one DELETE and one INSERT … SELECT that ranks the nodes' confirmed
    members. Returns the number of leader rows written. Derived rows: no change log, no event (the membership or
    enterprise change that caused it is recorded by its own service)."""
    if enterprises is not None:
        nodes = [*(nodes or []), *chain_leader_nodes(enterprises=enterprises)]
    q = connection.ops.quote_name

    def fill(table, marks, now, ids):
        return (_FILL.format(leader=table, membership=q(ChainMembership._meta.db_table),
                             enterprise=q(Enterprise._meta.db_table),
                             nodes=f" AND m.node_id IN ({marks})" if marks else ""),
                [now, now, MembershipStatus.CONFIRMED.value, *ids, LEADERS_PER_NODE])

    return rewrite_rows(ChainNodeLeader, "node_id", nodes, fill)
