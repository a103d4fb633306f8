"""The set-based SQL writes of the evaluation (PostgreSQL) open, escalate, clear and supervise exactly what the ORM
path does: the same warnings with the same facts, the same orders, the same project levels, the same events (kind,
actor, request id, object, message, data) and the same counts, from no warning at all (a first run) and on the
days after (escalations, clearings, overdue orders)."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.db.models import Max

from industry_brain.core.context import acting_as
from industry_brain.core.models import Event
from industry_brain.projects import services
from industry_brain.projects.models import Project, ProjectWarning, SupervisionOrder, SupervisionResponse
from industry_brain.projects.services import _common

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(connection.vendor != "postgresql", reason="the SQL path is PostgreSQL's; elsewhere "
                                                                          "the ORM path is the only one")]


def _snapshot(event_floor: int, counts: list[dict]) -> dict:
    warnings = {w.pk: (w.project_id, w.rule.code) for w in ProjectWarning.objects.select_related("rule")}
    orders = {o.pk: (o.project_id, o.warning.rule.code, o.warning.opened_at)
              for o in SupervisionOrder.objects.select_related("warning__rule")}

    def about(e: Event):
        model = e.content_type.model_class() if e.content_type_id else None
        if model is ProjectWarning:
            return warnings[int(e.object_id)]
        if model is SupervisionOrder:
            return orders[int(e.object_id)][:2]
        return e.object_id

    def data(e: Event):  # ids differ between the two runs: name warnings by project and rule
        return sorted((k, warnings[v] if k == "warning" else v) for k, v in e.data.items())

    return {
        "counts": [{k: v for k, v in c.items() if k != "duration_ms"} for c in counts],
        "warnings": sorted((w.project_id, w.rule.code, w.rule_version, w.level, sorted(w.facts.items()),
                            w.escalated_at is not None, w.cleared_at is not None, w.opened_at.date())
                           for w in ProjectWarning.objects.select_related("rule")),
        "orders": sorted((o.project_id, o.warning.rule.code, o.unit_id, o.status, o.level, o.issued_on, o.due_date,
                          o.escalated_on, o.closed_at is not None, o.close_reason)
                         for o in SupervisionOrder.objects.select_related("warning__rule")),
        "levels": dict(Project.objects.values_list("id", "warning_level")),
        "events": sorted((e.kind, e.user_id, e.actor_label, e.request_id, e.content_type_id, about(e), e.message,
                          data(e)) for e in Event.objects.filter(pk__gt=event_floor)),
    }


def _run(days: list[dt.date], *, sql: bool, fresh: bool, actor) -> dict:
    """Evaluate on each day (from no warning at all when `fresh`) by one path, snapshot, and roll back."""
    old = _common.SQL_WRITES
    _common.SQL_WRITES = sql
    try:
        with transaction.atomic():
            if fresh:
                SupervisionResponse.objects.all().delete()
                SupervisionOrder.objects.all().delete()
                ProjectWarning.objects.all().delete()
            floor = Event.objects.aggregate(m=Max("id"))["m"] or 0
            counts = []
            for day in days:
                with acting_as(actor, request_id=f"req-{day:%Y%m%d}"):
                    counts.append(services.warning_evaluate_all(today=day))
            snap = _snapshot(floor, counts)
            transaction.set_rollback(True)
    finally:
        _common.SQL_WRITES = old
    return snap


@pytest.mark.parametrize(("fresh", "actor"), [(True, None), (False, "city_admin")], ids=["first-run", "steady"])
def test_sql_writes_equal_the_orm_writes(seeded, fresh, actor):
    today = dt.date.today()
    days = [today, today + dt.timedelta(days=20), today + dt.timedelta(days=75)]
    actor = seeded[actor] if actor else None
    plain = _run(days, sql=False, fresh=fresh, actor=actor)
    fast = _run(days, sql=True, fresh=fresh, actor=actor)
    assert plain["counts"][0]["opened"] > 0 or not fresh
    assert any(c["supervisions_opened"] for c in plain["counts"])
    assert {"warning.raised", "supervision.opened", "warning.cleared"} <= {e[0] for e in plain["events"]}
    for key in plain:
        assert fast[key] == plain[key], key
