"""Large enterprise imports as background jobs (core.imports): chunked checks with progress, one transaction for
the writes, a wrong row in the last chunk (at checking or at writing) leaving nothing written, the job page."""

import pytest
from django.core.exceptions import ValidationError

from industry_brain.core.models import ImportJob
from industry_brain.enterprises import services
from industry_brain.enterprises.models import Enterprise
from industry_brain.testing import new_uscc

from .test_import_export import row, workbook

pytestmark = pytest.mark.django_db
ROWS, CHUNK = 11, 4  # three chunks: 4 + 4 + 3


@pytest.fixture(autouse=True)
def small_jobs(settings):
    settings.IMPORT_BACKGROUND_ROWS = 5
    settings.IMPORT_CHUNK_ROWS = CHUNK


def _upload(client, user, rows, django_capture_on_commit_callbacks):
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):  # the queue runs eagerly in tests, after the commit
        response = client.post("/enterprises/import/", {"file": workbook(rows)})
    return response


def _rows(n=ROWS):
    return [row(new_uscc(), f"杭州批量导入{k}号科技有限公司") for k in range(n)]


def test_a_large_file_runs_as_a_job_and_its_page_shows_the_result(client, world, django_capture_on_commit_callbacks):
    before = Enterprise.objects.count()
    rows = _rows()
    response = _upload(client, world.user("city"), rows, django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/imports/{job.pk}/"
    assert (job.state, job.rows_total, job.rows_checked, job.rows_written) == ("done", ROWS, ROWS, ROWS)
    assert (job.created_count, job.updated_count) == (ROWS, 0) and job.errors == []
    assert Enterprise.objects.count() == before + ROWS
    assert not job.file  # the upload is not kept once the job has run
    page = client.get(f"/imports/{job.pk}/")
    assert page.status_code == 200 and 'value="100"' in page.content.decode()
    assert "hx-trigger" not in page.content.decode()  # a finished job stops polling
    # Someone else cannot open the job (404 like a missing one).
    client.force_login(world.user("district"))
    assert client.get(f"/imports/{job.pk}/").status_code == 404


def test_a_small_file_still_runs_at_once(client, world):
    client.force_login(world.user("city"))
    response = client.post("/enterprises/import/", {"file": workbook(_rows(3))})
    assert response.status_code == 302 and response["Location"] == "/enterprises/"
    assert not ImportJob.objects.exists()


def test_a_wrong_row_in_the_last_chunk_leaves_nothing_written(client, world, django_capture_on_commit_callbacks):
    before = Enterprise.objects.count()
    rows = _rows()
    rows[-1] = row("91330000733796106X", "杭州错码有限公司")  # a wrong check character, in the third chunk
    _upload(client, world.user("city"), rows, django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert job.state == "failed" and job.rows_checked == ROWS  # every chunk was checked
    assert [(e["row"], e["column"]) for e in job.errors] == [(ROWS + 1, "统一社会信用代码")]
    assert Enterprise.objects.count() == before
    page = client.get(f"/imports/{job.pk}/").content.decode()
    assert "import-errors" in page and str(ROWS + 1) in page


def test_a_refusal_while_writing_the_last_chunk_rolls_back_the_chunks_before(client, world, monkeypatch,
                                                                            django_capture_on_commit_callbacks):
    before = Enterprise.objects.count()
    rows = _rows()
    last = rows[-1][0]
    create = services.enterprise_create

    def refusing(*, actor, data):
        if data["uscc"] == last:
            raise ValidationError({"name": ["拒绝写入"]})
        return create(actor=actor, data=data)

    monkeypatch.setattr(services, "enterprise_create", refusing)
    _upload(client, world.user("city"), rows, django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert job.state == "failed" and any("拒绝写入" in e["message"] for e in job.errors)
    assert Enterprise.objects.count() == before  # the two chunks written before it were rolled back


def test_the_progress_part_polls_while_the_job_runs(client, world):
    job = ImportJob.objects.create(user=world.user("district"), importer="x", title="导入企业",
                                   filename="企业.xlsx", state="checking", rows_total=200, rows_checked=50)
    client.force_login(world.user("district"))
    part = client.get(f"/imports/{job.pk}/?part=progress").content.decode()
    assert 'hx-trigger="every 2s"' in part and 'value="25"' in part and "50" in part and "200" in part
