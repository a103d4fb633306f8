"""The PostgreSQL deadlock the soak run reproduced (HTTP 500 under concurrent demand steps), as a unit test.

Two transactions, each on its own connection (thread): each locks one demand for a workflow step, then writes a
row referencing the OTHER demand (here a possible-duplicate flag, as intake writes). Django's foreign keys are
checked at commit (DEFERRABLE INITIALLY DEFERRED), where PostgreSQL takes FOR KEY SHARE on each referenced row.
Under FOR UPDATE that share waits for the other transaction's lock, and the other transaction waits the same way:
a deadlock, one side aborted. Under FOR NO KEY UPDATE (the lock of the steps since the fix) the key share does
not conflict, and both commit.

Only on PostgreSQL (SQLite has neither row locks nor this deadlock; its concurrency test is test_concurrency)."""

import threading

import pytest
from django.db import OperationalError, connection, connections, transaction

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row-lock deadlocks are PostgreSQL's"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _old_lock(demand):
    """The step lock before the fix (plain FOR UPDATE), kept here to show the scenario does deadlock."""
    from industry_brain.demands.models import Demand

    return Demand.objects.select_for_update().get(pk=demand.pk)


def _run_crossed(lock, first, second) -> list[str]:
    """Two threads: lock `a`, wait for the other, flag `a` as similar to `b`, commit. Returns each outcome."""
    from industry_brain.demands.models import DemandFlag

    locked = threading.Barrier(2, timeout=30)
    outcomes: list[str] = []

    def work(a, b):
        try:
            with transaction.atomic():
                lock(a)
                locked.wait()  # both rows are locked before either writes its reference
                DemandFlag.objects.create(demand=a, similar_to=b, kind="similar_text", score=0.9)
            outcomes.append("committed")
        except OperationalError as exc:  # a deadlock aborts one side (SQLSTATE 40P01)
            outcomes.append("deadlock" if "deadlock" in str(exc) else f"error: {exc}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(first, second)),
               threading.Thread(target=work, args=(second, first))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return sorted(outcomes)


@pytest.fixture
def two_demands():
    from industry_brain.demands.tests.helpers import raise_demand
    from industry_brain.testing import build_world

    world = build_world()
    first = raise_demand(world, title="道路施工影响货车通行")
    second = raise_demand(world, title="园区夜间货车限行", user_key="enterprise_other")
    from industry_brain.demands.models import DemandFlag

    DemandFlag.objects.all().delete()  # intake may have flagged them already; the threads write the flags
    return first, second


def test_the_old_for_update_lock_deadlocks_in_this_scenario(two_demands):
    assert _run_crossed(_old_lock, *two_demands) == ["committed", "deadlock"]


def test_the_step_lock_lets_both_transactions_commit(two_demands):
    from industry_brain.demands.models import DemandFlag
    from industry_brain.demands.services._common import _locked

    assert _run_crossed(_locked, *two_demands) == ["committed", "committed"]
    assert DemandFlag.objects.filter(demand__in=two_demands, similar_to__in=two_demands).count() == 2
