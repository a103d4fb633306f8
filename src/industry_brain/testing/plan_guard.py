"""The plan guard: do the queries behind a page still use their indexes?

A page is requested as a given user while every SQL statement is captured; each SELECT that reads one of the
large tables is then explained by PostgreSQL with sequential scans priced out (`SET enable_seqscan = off`).
On a small test data set the planner would rightly prefer a sequential scan, so pricing it out asks the real
question: *could* an index serve this query? When the index a list relies on is dropped, the only plan left is
the sequential scan, and the guard names the table and the statement. A regression therefore shows in
`make test`, not only in a benchmark run.
"""

from __future__ import annotations

import dataclasses
import json
import re

LARGE_TABLES = (
    "enterprises_enterprise",
    "enterprises_yearlyfigures",
    "enterprises_ecosystemmember",
    "projects_project",
    "projects_progressreport",
    "demands_demand",
    "demands_demandstep",
    "chains_chainmembership",
)


@dataclasses.dataclass
class SeqScan:
    table: str
    sql: str

    def __str__(self) -> str:
        return f"whole-table read of {self.table} in: {self.sql[:300]}"


def _walk(plan: dict, limited: bool = False):
    """Every plan node with whether a LIMIT above it stops the scan early."""
    limited = limited or plan.get("Node Type") == "Limit"
    yield plan, limited
    for child in plan.get("Plans", []):
        yield from _walk(child, limited)


def _reads_whole_table(node: dict, limited: bool) -> bool:
    """A sequential scan, or an index walked from end to end only to filter its rows (what the planner falls back
    to when the index a filter needs is gone); under a LIMIT such a walk stops early and is the intended plan of
    an ordered page."""
    kind = node.get("Node Type")
    if kind == "Seq Scan":
        return True
    if kind in ("Index Scan", "Index Only Scan") and "Index Cond" not in node and "Filter" in node:
        return not limited
    return False


def sequential_scans(sql: str, params, tables=LARGE_TABLES) -> list[SeqScan]:
    """The large tables that `sql` can only read by a sequential scan."""
    from django.db import connection

    found = []
    with connection.cursor() as cur:
        cur.execute("SET LOCAL enable_seqscan = off")
        cur.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        raw = cur.fetchone()[0]
        cur.execute("SET LOCAL enable_seqscan = on")
    plan = (raw if isinstance(raw, list) else json.loads(raw))[0]["Plan"]
    for node, limited in _walk(plan):
        if node.get("Relation Name") in tables and _reads_whole_table(node, limited):
            found.append(SeqScan(node["Relation Name"], sql))
    return found


_READS_LARGE = re.compile(r'FROM\s+"?(' + "|".join(LARGE_TABLES) + r')"?|JOIN\s+"?(' + "|".join(LARGE_TABLES) + r')"?')


def page_sequential_scans(client, url: str, tables=LARGE_TABLES) -> list[SeqScan]:
    """Request `url` with `client` and return every sequential scan of a large table among its queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    if response.status_code != 200:
        raise AssertionError(f"GET {url} answered {response.status_code}")
    scans: list[SeqScan] = []
    for query in ctx.captured_queries:
        sql = query["sql"]
        if not sql.lstrip().upper().startswith("SELECT") or not _READS_LARGE.search(sql):
            continue
        # The captured text has its parameters inlined; explain it as it ran.
        scans += sequential_scans(sql.replace("%", "%%"), None, tables)
    return scans
