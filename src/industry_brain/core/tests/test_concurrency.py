"""Concurrent writes on the embedded default (a SQLite file) never answer 500: ten parallel workflow steps on one
object give one success and nine 409s; ten unrelated writes all succeed.

The test suite's own SQLite database lives in memory with one shared connection, which cannot show lock
contention, so the scenario runs in a separate process on a real database file (WAL, as installed), with one
connection per thread, through the API."""

import json
import os
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[4]


def scenario() -> dict:
    """Run inside `manage.py shell` against a migrated, empty database file."""
    from django.db import connection
    from rest_framework.test import APIClient

    from industry_brain.demands.tests.helpers import raise_demand
    from industry_brain.testing import build_world

    world = build_world()
    demand = raise_demand(world)
    connection.close()
    barrier = threading.Barrier(10)

    def step(results, path, user, data):
        from django.db import connections

        client = APIClient()
        client.force_authenticate(user)
        barrier.wait()
        try:
            results.append(client.post(path, data, format="json", secure=True).status_code)
        except Exception as exc:  # an unhandled database error would be a 500
            results.append(type(exc).__name__ + ": " + str(exc)[:40])
        finally:
            connections.close_all()

    def parallel(jobs):
        results: list = []
        threads = [threading.Thread(target=step, args=(results, *job)) for job in jobs]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return dict(Counter(str(r) for r in results))

    city = world.user("city")
    same = parallel([(f"/api/v1/demands/{demand.pk}/accept/", city, {"department": world.department.pk})] * 10)
    enterprise = world.user("enterprise")
    unrelated = parallel([("/api/v1/demands/", enterprise, {
        "category": "logistics.road", "urgency": "normal", "title": f"并发诉求{i}",
        "description": f"并发写入测试的第{i}条诉求，内容互不相同，编号{i * 7919}。"}) for i in range(10)])
    return {"same_object": same, "unrelated": unrelated, "vendor": connection.vendor}


@pytest.mark.skipif(os.environ.get("DATABASE_URL", "").strip() != "", reason="the embedded default is SQLite")
def test_parallel_steps_on_sqlite_give_one_success_and_409s_never_500(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY", "REDIS_URL"}}
    env.update({"IB_VAR_DIR": str(tmp_path), "DEBUG": "0", "SECRET_KEY": "t" * 60})
    migrate = subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=600)
    assert migrate.returncode == 0, migrate.stderr
    code = ("import json; from industry_brain.core.tests.test_concurrency import scenario; "
            "print('RESULT ' + json.dumps(scenario()))")
    run = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=600)
    line = next((x for x in run.stdout.splitlines() if x.startswith("RESULT ")), None)
    assert line, run.stdout[-2000:] + run.stderr[-4000:]
    result = json.loads(line[len("RESULT "):])
    assert result["vendor"] == "sqlite"
    assert result["same_object"] == {"200": 1, "409": 9}, result
    assert result["unrelated"] == {"201": 10}, result


@pytest.mark.django_db
def test_write_conflicts_answer_409_in_the_api_and_on_pages(client, world, monkeypatch):
    from django.db import IntegrityError, OperationalError
    from rest_framework.test import APIClient

    from industry_brain.enterprises.api import views as api_views

    def collide(*args, **kwargs):
        raise IntegrityError('duplicate key value violates unique constraint "enterprises_enterprise_uscc_key"')

    api = APIClient()
    api.force_authenticate(world.user("city"))
    monkeypatch.setattr(api_views.EnterpriseViewSet, "list", collide)
    response = api.get("/api/v1/enterprises/")
    detail = response.json()["detail"]
    assert response.status_code == 409
    assert "try again" in detail.lower() or "重试" in detail

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    from industry_brain.core import views as core_views

    monkeypatch.setattr(core_views.HomeView, "get", locked)
    client.force_login(world.user("city"))
    page = client.get("/")
    assert page.status_code == 409


def test_other_database_errors_are_not_disguised_as_conflicts():
    from django.db import OperationalError

    from industry_brain.core.api_errors import is_write_conflict

    assert not is_write_conflict(OperationalError("no such table: x"))
    assert not is_write_conflict(ValueError("database is locked"))
