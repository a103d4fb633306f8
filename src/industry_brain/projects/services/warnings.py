"""The set-based warning evaluation."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections import defaultdict

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from industry_brain.core.events import events_record_bulk
from industry_brain.core.permissions import ensure_can

from .. import rules as rule_engine
from ..choices import (
    LEVEL_RANK,
)
from ..models import (
    Project,
    ProjectWarning,
    WarningRule,
)
from ._common import (
    RESPONSE_WORKING_DAYS,
    _chunks,
    event_insert_head,
    sql_writes,
    today_local,
)
from .supervision import supervision_sync

# ---------------------------------------------------------------------------------------------------------
# Warning evaluation (set-based) and supervision
# ---------------------------------------------------------------------------------------------------------

@transaction.atomic
def warning_evaluate_all(*, actor=None, today: dt.date | None = None,
                         working_days: int = RESPONSE_WORKING_DAYS) -> dict[str, int]:
    """Run every active rule over all projects, reconcile the warnings (open, escalate, de-escalate, clear),
    store each project's warning level, then open supervision orders for red warnings, close those whose
    warning cleared, and escalate overdue ones. Answers counts."""
    if actor is not None and getattr(actor, "pk", None):  # a job (no actor) runs it on the city's behalf
        ensure_can(actor, "evaluate", WarningRule, _("Only the city bureau runs the warning evaluation."))
    started = time.monotonic()
    today = today or today_local()
    now = timezone.now()
    counts = {"opened": 0, "escalated": 0, "deescalated": 0, "cleared": 0}
    desired_level: dict[int, str] = {}
    rules = list(WarningRule.objects.all())
    for rule in rules:
        result = rule_engine.evaluate_rule(rule, today) if rule.is_active else {}
        for pid, (level, _facts) in result.items():
            if LEVEL_RANK[level] > LEVEL_RANK.get(desired_level.get(pid, "green"), 0):
                desired_level[pid] = level
        active = {pid: (wid, level) for wid, pid, level in ProjectWarning.objects.filter(
            rule=rule, cleared_at__isnull=True).values_list("id", "project_id", "level")}
        opened = _open_warnings(rule, [(pid, level, {**facts, "as_of": today.isoformat(),
                                                     "rule_version": rule.version})
                                       for pid, (level, facts) in result.items() if pid not in active], now)
        up, down = [], []
        for pid, (level, facts) in result.items():
            if pid in active and active[pid][1] != level:
                w = ProjectWarning(id=active[pid][0], project_id=pid, rule=rule, level=level,
                                   facts={**facts, "as_of": today.isoformat(), "rule_version": rule.version},
                                   rule_version=rule.version)
                if LEVEL_RANK[level] > LEVEL_RANK[active[pid][1]]:
                    w.escalated_at = now
                    up.append(w)
                else:
                    down.append(w)
        ProjectWarning.objects.bulk_update(up, ["level", "facts", "rule_version", "escalated_at"], batch_size=2000)
        ProjectWarning.objects.bulk_update(down, ["level", "facts", "rule_version"], batch_size=2000)
        gone = [wid for pid, (wid, _level) in active.items() if pid not in result]
        for chunk in _chunks(gone):
            ProjectWarning.objects.filter(pk__in=chunk).update(cleared_at=now, updated=now)
        cleared = [ProjectWarning(id=wid, project_id=pid, rule=rule) for pid, (wid, _l) in active.items()
                   if pid not in result]
        code = rule.code
        events_record_bulk(
            kind="warning.escalated", objs=up,
            message=lambda w, c=code: f"{c} yellow → red #{w.project_id}",
            data=lambda w, c=code: {"project": w.project_id, "rule": c})
        events_record_bulk(
            kind="warning.cleared", objs=cleared,
            message=lambda w, c=code: f"{c} cleared #{w.project_id}",
            data=lambda w, c=code: {"project": w.project_id, "rule": c})
        counts["opened"] += opened
        counts["escalated"] += len(up)
        counts["deescalated"] += len(down)
        counts["cleared"] += len(gone)
    # Store each project's level where it changed (three UPDATEs by level, chunked).
    current = dict(Project.objects.filter(~Q(warning_level="green")).values_list("id", "warning_level"))
    targets: dict[str, list[int]] = defaultdict(list)
    for pid in set(current) | set(desired_level):
        level = desired_level.get(pid, "green")
        if current.get(pid, "green") != level:
            targets[level].append(pid)
    for level, ids in targets.items():
        for chunk in _chunks(ids):
            Project.objects.filter(pk__in=chunk).update(warning_level=level, updated=now)
    sup = supervision_sync(today=today, working_days=working_days)
    levels = list(desired_level.values())
    return {"projects": Project.objects.count(), "rules": sum(1 for r in rules if r.is_active), **counts,
            "active_yellow": levels.count("yellow"), "active_red": levels.count("red"),
            "projects_changed": sum(len(v) for v in targets.values()), **sup,
            "duration_ms": round((time.monotonic() - started) * 1000)}


def _open_warnings(rule: WarningRule, rows: list[tuple[int, str, dict]], now) -> int:
    """Open a warning of `rule` for each (project id, level, facts) and record one `warning.raised` event per
    warning; answers how many opened. On PostgreSQL one statement does both: the rows travel as one JSON document
    (`jsonb_to_recordset`), the warnings' INSERT … RETURNING feeds the events' INSERT … SELECT. The ORM path
    (bulk_create, then the events from the instances) writes the same rows; it spent most of a first evaluation
    over 250,000 projects turning 34,000 warnings and their events into arrays of parameters."""
    if not rows:
        return 0
    code = rule.code
    if not sql_writes(connection):
        created = ProjectWarning.objects.bulk_create(
            [ProjectWarning(project_id=pid, rule=rule, rule_version=rule.version, level=level, facts=facts,
                            opened_at=now) for pid, level, facts in rows], batch_size=2000)
        if created and created[0].pk is None:  # a backend without RETURNING: fetch the new rows
            created = list(ProjectWarning.objects.filter(rule=rule, opened_at=now, cleared_at__isnull=True))
        events_record_bulk(
            kind="warning.raised", objs=created,
            message=lambda w, c=code: f"{c} {w.level} #{w.project_id}",
            data=lambda w, c=code: {"project": w.project_id, "rule": c, "level": w.level})
        return len(created)
    head, head_params = event_insert_head(kind="warning.raised", model=ProjectWarning, at=timezone.now())
    table = connection.ops.quote_name(ProjectWarning._meta.db_table)
    document = json.dumps([{"p": pid, "l": level, "f": facts} for pid, level, facts in rows], ensure_ascii=False)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH w AS (INSERT INTO {table} (created, updated, project_id, rule_id, rule_version, level, facts, "
            f"opened_at, escalated_at, cleared_at) SELECT %s, %s, x.p, %s, %s, x.l, x.f, %s, NULL, NULL "
            f"FROM jsonb_to_recordset(CAST(%s AS jsonb)) AS x(p bigint, l text, f jsonb) "
            f"RETURNING id, project_id, level) "
            f"{head} CAST(w.id AS text), %s || ' ' || w.level || ' #' || w.project_id, "
            f"jsonb_build_object('project', w.project_id, 'rule', %s, 'level', w.level) FROM w",
            [now, now, rule.pk, rule.version, now, document, *head_params, code, code])
        return cursor.rowcount
