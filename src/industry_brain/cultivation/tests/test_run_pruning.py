"""Pruning of old evaluation runs: after a run, the stored rows of every run but the latest CULTIVATION_KEEP_RUNS
go in one DELETE per run; the latest runs and the runs another record refers to keep theirs; every run keeps its
record (date, counts naming the rule-set version), so a version an old run used stays history."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from industry_brain.cultivation import services
from industry_brain.cultivation.models import EvaluationRun, TierEvaluation, TierRuleSet

from .helpers import craft_firm

pytestmark = pytest.mark.django_db


def _run(world, as_of=dt.date(2026, 3, 1)):
    return services.evaluation_run(actor=world.user("city"), as_of=as_of, tiers=["little_giant"])


def _stored(run) -> int:
    return TierEvaluation.objects.filter(run=run).count()


def test_a_new_run_deletes_the_rows_of_runs_older_than_the_latest_n(world, settings):
    settings.CULTIVATION_KEEP_RUNS = 2
    craft_firm()
    first = _run(world, dt.date(2026, 5, 1))  # the 2026 standard (in force from April 2026)
    second = _run(world)  # the 2022 standard, as the runs after it
    assert _stored(first) > 0 and _stored(second) > 0  # two runs: nothing pruned yet
    third = _run(world)
    fourth = _run(world)
    assert _stored(first) == 0 and _stored(second) == 0
    assert _stored(third) > 0 and _stored(fourth) > 0
    # the run records stay, with their counts; the version only the pruned run used is still history
    assert set(EvaluationRun.objects.values_list("id", flat=True)) == {first.pk, second.pk, third.pk, fourth.pk}
    old_version = TierRuleSet.objects.get(pk=first.counts["little_giant"]["rule_set"])
    assert old_version.pk != fourth.counts["little_giant"]["rule_set"]
    assert services.ruleset_used(old_version)


def test_the_latest_run_is_always_kept_and_the_bound_is_a_setting(world, settings):
    settings.CULTIVATION_KEEP_RUNS = 5
    craft_firm()
    runs = [_run(world) for _ in range(3)]
    assert all(_stored(r) > 0 for r in runs)
    assert services.evaluation_runs_prune(keep=0) == [runs[0].pk, runs[1].pk]  # at least the latest stays
    assert _stored(runs[2]) > 0


def test_runs_referred_to_keep_their_rows(world, settings, monkeypatch):
    settings.CULTIVATION_KEEP_RUNS = 1
    craft_firm()
    referred = _run(world)
    monkeypatch.setattr(services, "run_references",
                        lambda: [EvaluationRun.objects.filter(pk=referred.pk).values("pk")])
    other = _run(world)
    latest = _run(world)
    assert _stored(referred) > 0 and _stored(latest) > 0
    assert _stored(other) == 0


def test_nothing_refers_to_a_run_but_its_rows_today():
    """If a record starts to refer to a run (or to one of its rows), `run_references` finds it and the prune keeps
    that run; this lists what exists so that such a reference is seen and tested."""
    to_run = {(rel.related_model, rel.field.name) for rel in EvaluationRun._meta.related_objects}
    assert to_run == {(TierEvaluation, "run")}
    assert not TierEvaluation._meta.related_objects
    assert services.run_references() == []


def test_the_prune_deletes_in_bulk_without_reading_the_rows(world, settings):
    settings.CULTIVATION_KEEP_RUNS = 10
    craft_firm()
    craft_firm("杭州临界精密仪器有限公司")
    old = [_run(world), _run(world)]
    _run(world)
    table = TierEvaluation._meta.db_table
    with CaptureQueriesContext(connection) as ctx:
        assert services.evaluation_runs_prune(keep=1) == [r.pk for r in old]
    sql = [q["sql"] for q in ctx.captured_queries]
    assert len([q for q in sql if q.startswith(f"DELETE FROM {table}")]) == 2  # one statement per run
    assert not [q for q in sql if q.startswith("SELECT") and f'"{table}"."id"' in q.split(" FROM ")[0]]
    assert all(_stored(r) == 0 for r in old)


def test_a_pruned_run_still_answers_a_firms_tiers_decided_again(world, settings, api):
    settings.CULTIVATION_KEEP_RUNS = 1
    firm = craft_firm()
    pruned = _run(world)
    _run(world)
    assert _stored(pruned) == 0
    body = api.as_user(world.user("city")).get(
        f"/api/v1/tier-evaluations/?enterprise={firm.pk}&run={pruned.pk}&tier=little_giant").json()
    assert [(r["id"], r["eligible"], r["as_of"]) for r in body["results"]] == [(None, True, "2026-03-01")]
