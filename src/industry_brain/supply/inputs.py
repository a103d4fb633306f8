"""Each local enterprise's inputs summed from its supply links, stored (`FirmInputs`) so that the chain page's
node security panel does not group every member's links on each request (docs/decisions.md).

Per customer: its links, its input materials (distinct materials among the links), those with exactly one
supplier, and those with no supplier inside the province (a local enterprise, or an external firm whose region
code starts with the province prefix). Rewritten set-based, per firm, by the step that changes it: the supply link
services (a link created, corrected or deleted, an import, a confirmed match moving links), and in full by the
demo seeder and the hourly task `supply.refresh_inputs`, which also repairs anything written around the services
(an enterprise or external firm deleted with its links, a bulk write).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from industry_brain.core.derived import rewrite_rows

from .models import ExternalFirm, FirmInputs, SupplyLink, settings_province_prefix

# One row per customer with at least one link; the migration that created the table fills it with a copy of this
# statement.
_FILL = """
INSERT INTO {inputs} (created, updated, enterprise_id, links, link_id_sum, inputs, single_source, outside_only)
SELECT %s, %s, g.cid, SUM(g.n), SUM(g.ids), COUNT(*), SUM(CASE WHEN g.n = 1 THEN 1 ELSE 0 END),
       SUM(CASE WHEN g.inside = 0 THEN 1 ELSE 0 END)
FROM (SELECT l.customer_id AS cid, l.material_id AS mid, COUNT(*) AS n, SUM(l.id) AS ids,
             SUM(CASE WHEN l.supplier_enterprise_id IS NOT NULL OR x.region LIKE %s THEN 1 ELSE 0 END) AS inside
      FROM {link} l LEFT JOIN {external} x ON x.id = l.supplier_external_id{where}
      GROUP BY l.customer_id, l.material_id) g
GROUP BY g.cid
"""


def firm_inputs_refresh(*, enterprises: Iterable[int] | None = None) -> int:
    """Rewrite the stored inputs of the `enterprises` (ids), or of every firm when none are given: one DELETE and
    one INSERT … SELECT that groups their links. Returns the number of rows written. Derived rows: no change log,
    no event (the link change that caused it is recorded by its own service)."""
    q = connection.ops.quote_name

    def fill(table, marks, now, ids):
        return (_FILL.format(inputs=table, link=q(SupplyLink._meta.db_table),
                             external=q(ExternalFirm._meta.db_table),
                             where=f" WHERE l.customer_id IN ({marks})" if marks else ""),
                [now, now, settings_province_prefix() + "%", *ids])

    return rewrite_rows(FirmInputs, "enterprise_id", enterprises, fill)
