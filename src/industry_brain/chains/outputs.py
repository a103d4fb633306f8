"""Each chain node's output per year, stored (`ChainNodeOutput`) so that the chain map does not sum every member's
figures on each request (docs/decisions.md).

The output is the map's own: the sum of the node's confirmed members' revenue that year, over every confirmed
member whoever reads (a published aggregate under MIN_GROUP). It is rewritten set-based, per node, by the step that
changes it: the membership services (a placement, a confirmation, a removal), the enterprise services (a year's
figures recorded, a firm deleted), and in full by the chain statistics refresh (demo seeder, hourly task,
`manage.py refresh_chain_stats`), which also repairs anything written around the services.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from industry_brain.core.derived import rewrite_rows
from industry_brain.enterprises.models import YearlyFigures

from .choices import MembershipStatus
from .leaders import chain_leader_nodes
from .models import ChainMembership, ChainNodeOutput

# One row per (node, year) in which at least one confirmed member has figures, with the node's confirmed member
# count; the migration that created the table fills it with a copy of this statement.
_FILL = """
INSERT INTO {output} (created, updated, node_id, {year}, members, output)
SELECT %s, %s, m.node_id, f.{year}, c.n, SUM(f.revenue)
FROM {membership} m
JOIN {figures} f ON f.enterprise_id = m.enterprise_id
JOIN (SELECT node_id, COUNT(*) AS n FROM {membership} WHERE status = %s{nodes_c} GROUP BY node_id) c
  ON c.node_id = m.node_id
WHERE m.status = %s{nodes_m}
GROUP BY m.node_id, f.{year}, c.n
"""


def chain_outputs_refresh(*, nodes: Iterable[int] | None = None, enterprises: Iterable[int] | None = None) -> int:
    """Rewrite the stored outputs of `nodes` (ids), of the nodes the `enterprises` (ids) are confirmed members of,
    or of every node when neither is given: one DELETE and one INSERT … SELECT that sums the nodes' confirmed
    members' figures per year. Returns the number of rows written. Derived rows: no change log, no event (the
    membership, figures or enterprise change that caused it is recorded by its own service)."""
    if enterprises is not None:
        nodes = [*(nodes or []), *chain_leader_nodes(enterprises=enterprises)]
    q = connection.ops.quote_name
    status = MembershipStatus.CONFIRMED.value

    def fill(table, marks, now, ids):
        return (_FILL.format(output=table, year=q("year"), membership=q(ChainMembership._meta.db_table),
                             figures=q(YearlyFigures._meta.db_table),
                             nodes_c=f" AND node_id IN ({marks})" if marks else "",
                             nodes_m=f" AND m.node_id IN ({marks})" if marks else ""),
                [now, now, status, *ids, status, *ids])

    return rewrite_rows(ChainNodeOutput, "node_id", nodes, fill)
