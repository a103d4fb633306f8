"""Import jobs whose worker died (core.imports: heartbeat, failed as stale by the sweep, the page and the API) and the
import-jobs API (own jobs, the city every job, 404 for everyone else)."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.utils import timezone
from rest_framework.test import APIClient

from industry_brain.core import imports
from industry_brain.core.models import ImportJob
from industry_brain.core.tasks import import_jobs_fail_stale
from industry_brain.enterprises.models import Enterprise
from industry_brain.enterprises.tests.test_import_export import row, workbook
from industry_brain.testing import ALL_ROLES, new_uscc

pytestmark = pytest.mark.django_db
STALE = "导入中断：后台任务无响应，请重新上传"


@pytest.fixture(autouse=True)
def bounds(settings):
    settings.IMPORT_STALE_SECONDS = 600
    settings.IMPORT_BACKGROUND_ROWS = 5
    settings.IMPORT_CHUNK_ROWS = 4


def _job(user, state="checking", beat_minutes_ago=None, **values):
    job = ImportJob.objects.create(user=user, importer="x", title="导入企业", filename="企业.xlsx", state=state,
                                   rows_total=200, rows_checked=80, **values)
    if beat_minutes_ago is not None:
        job.heartbeat = timezone.now() - dt.timedelta(minutes=beat_minutes_ago)
        job.save(update_fields=["heartbeat"])
    return job


def test_the_sweep_fails_a_job_without_heartbeat_and_keeps_a_fresh_one(world):
    user = world.user("district")
    dead = _job(user, "checking", beat_minutes_ago=11)
    dead.file.save("企业.xlsx", ContentFile(workbook([row(new_uscc())]).getvalue()), save=True)
    stored = dead.file.name
    dead_writing = _job(user, "writing", beat_minutes_ago=30)
    fresh = _job(user, "checking", beat_minutes_ago=2)
    queued = _job(user, "queued", beat_minutes_ago=None)
    ImportJob.objects.filter(pk=queued.pk).update(created=timezone.now() - dt.timedelta(hours=2))
    done = _job(user, "done", beat_minutes_ago=60)

    assert import_jobs_fail_stale() == 2  # the beat task
    for job in (dead, dead_writing):
        job.refresh_from_db()
        assert job.state == "failed" and job.finished is not None
        assert [(e["row"], e["column"], e["message"]) for e in job.errors] == [(1, "-", STALE)]
    assert not dead.file and not ImportJob.file.field.storage.exists(stored)  # the orphaned upload is removed
    for job, state in ((fresh, "checking"), (queued, "queued"), (done, "done")):
        job.refresh_from_db()
        assert job.state == state and job.errors == []
    assert imports.fail_stale_jobs() == 0  # nothing left to fail


def test_a_writing_job_whose_chunks_still_beat_is_not_stale(world):
    """While writing, the row's heartbeat stays at the start of the phase; the chunks beat in the cache."""
    job = _job(world.user("district"), "writing", beat_minutes_ago=45)
    cache.set(imports._progress_key(job.pk), {"done": 120, "beat": timezone.now().timestamp() - 30})
    assert imports.fail_stale_jobs() == 0
    job.refresh_from_db()
    assert job.state == "writing" and imports.progress(job)["done"] == 120
    cache.set(imports._progress_key(job.pk), {"done": 120, "beat": timezone.now().timestamp() - 11 * 60})
    assert imports.fail_stale_jobs() == 1


def test_the_bound_is_a_setting(world, settings):
    job = _job(world.user("district"), "checking", beat_minutes_ago=11)
    settings.IMPORT_STALE_SECONDS = 3600
    assert imports.fail_stale_jobs() == 0
    settings.IMPORT_STALE_SECONDS = 300
    assert imports.fail_stale_jobs() == 1
    job.refresh_from_db()
    assert job.state == "failed"


def test_the_page_shows_a_stale_job_failed_and_stops_polling(client, world):
    job = _job(world.user("district"), "writing", beat_minutes_ago=20)
    client.force_login(world.user("district"))
    part = client.get(f"/imports/{job.pk}/?part=progress").content.decode()
    assert 'data-state="failed"' in part and STALE in part and "hx-trigger" not in part
    job.refresh_from_db()
    assert job.state == "failed"
    fresh = _job(world.user("district"), "checking", beat_minutes_ago=1)
    part = client.get(f"/imports/{fresh.pk}/?part=progress").content.decode()
    assert 'hx-trigger="every 2s"' in part and STALE not in part


def test_a_job_failed_as_stale_before_its_write_commits_writes_nothing(client, world, monkeypatch,
                                                                    django_capture_on_commit_callbacks):
    """The worker's last step ("done") is conditional on the job still writing and runs inside the write
    transaction: a job failed meanwhile rolls back every chunk, so "nothing written" stays true."""
    from industry_brain.enterprises import services

    before = Enterprise.objects.count()
    rows = [row(new_uscc(), f"杭州心跳导入{k}号科技有限公司") for k in range(11)]
    last = rows[-1][0]
    create = services.enterprise_create

    def failed_meanwhile(*, actor, data):
        made = create(actor=actor, data=data)
        if data["uscc"] == last:  # the sweep fails the job while its last chunk is written
            ImportJob.objects.filter(state="writing").update(state="failed")
        return made

    monkeypatch.setattr(services, "enterprise_create", failed_meanwhile)
    client.force_login(world.user("city"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/enterprises/import/", {"file": workbook(rows)})
    assert Enterprise.objects.count() == before  # all eleven rows rolled back
    job = ImportJob.objects.get()
    assert job.rows_written == 0 and job.created_count == 0 and not job.file


# --- the API ---------------------------------------------------------------------------------------------------

def _api(world, role):
    api = APIClient()
    api.force_authenticate(world.user(role))
    return api


def test_every_role_lists_only_its_own_jobs_and_the_city_every_job(world):
    jobs = {role: _job(world.user(role), "done", rows_written=200) for role in ("district", "enterprise")}
    for role in ALL_ROLES:
        body = _api(world, role).get("/api/v1/import-jobs/").json()
        ids = {r["id"] for r in body["results"]}
        if role == "city":
            assert ids == {j.pk for j in jobs.values()} and body["count"] == 2
        else:
            assert ids == ({jobs[role].pk} if role in jobs else set()), role
        assert set(body) == {"count", "next", "previous", "results"}


def test_the_owner_reads_a_job_with_its_errors_everyone_else_gets_404(world):
    errors = [{"row": 7, "column": "统一社会信用代码", "message": "校验码错误"}]
    job = _job(world.user("district"), "failed", errors=errors, finished=timezone.now())
    for role in ALL_ROLES:
        response = _api(world, role).get(f"/api/v1/import-jobs/{job.pk}/")
        if role in ("district", "city"):
            body = response.json()
            assert response.status_code == 200, role
            assert body["status"] == "failed" and body["errors"] == errors and body["error_count"] == 1
            assert body["imported_by"] == world.user("district").username and body["page"] == f"/imports/{job.pk}/"
            assert (body["rows_total"], body["rows_checked"], body["rows_written"]) == (200, 80, 0)
        else:
            assert response.status_code == 404, role
            assert set(response.json()) == {"detail"}
    assert _api(world, "district").get("/api/v1/import-jobs/999999/").status_code == 404
    assert APIClient().get(f"/api/v1/import-jobs/{job.pk}/").status_code == 401


def test_the_api_shows_progress_fails_a_stale_job_and_filters_by_status(world):
    api = _api(world, "district")
    running = _job(world.user("district"), "checking", beat_minutes_ago=1)
    body = api.get(f"/api/v1/import-jobs/{running.pk}/").json()
    assert body["status"] == "checking" and body["progress"] == {"done": 80, "total": 200, "percent": 40,
                                                                   "running": True}
    dead = _job(world.user("district"), "writing", beat_minutes_ago=15)
    listed = {r["id"]: r for r in api.get("/api/v1/import-jobs/").json()["results"]}
    assert listed[dead.pk]["status"] == "failed" and listed[dead.pk]["error_count"] == 1
    assert listed[running.pk]["status"] == "checking"
    assert "errors" not in listed[running.pk]  # the wrong rows are read one job at a time
    assert [r["id"] for r in api.get("/api/v1/import-jobs/?status=failed").json()["results"]] == [dead.pk]
    bad = api.get("/api/v1/import-jobs/?status=stuck")
    assert bad.status_code == 400 and "status" in bad.json()
    assert api.post("/api/v1/import-jobs/", {}).status_code == 405
