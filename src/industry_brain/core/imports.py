"""Large Excel imports as background jobs with a progress bar, for any `ExcelImporter`.

An upload above `settings.IMPORT_BACKGROUND_ROWS` rows is stored privately with an `ImportJob` and run by the task
queue (`core.import_job_run`). The job keeps all or nothing (docs/decisions.md):

1. checking: the rows are read, then each chunk of `settings.IMPORT_CHUNK_ROWS` rows goes through the row form and
   the job records how many rows are checked; the checks across rows (`validate_rows`) run over all rows at the end;
2. if any row is wrong, nothing is written: the job lists every wrong row with its row number, column and reason;
3. writing: the chunks are written through the importer's `write` (the same services as the page and the API) in
   ONE transaction; a refusal in any chunk, the last one included, rolls every chunk back. Progress during this
   phase cannot be read from the job's row (the transaction is not committed yet), so it goes through the cache.

A job whose worker died would show "checking" or "writing" for ever. The worker leaves a heartbeat at each step and
chunk (the job's `heartbeat`; while writing, beside the progress in the cache), and a running job without one for
`settings.IMPORT_STALE_SECONDS` is failed with "nothing written" — true, since the write is one transaction — by
its page, the API and the sweep `fail_stale_jobs` (Celery beat, `core.import_jobs_fail_stale`). Every step of the
worker is a conditional update on the job still running, and the final "done" is written inside the write
transaction, so a job failed as stale by then rolls its writes back instead of reporting them: the two never
disagree. A queued job is not failed: the broker keeps its message until a worker takes it.

An importer takes part by its page view setting `background = True` (`ExcelImportView`); its class is
rebuilt in the worker from its dotted path with the importing user as `actor`.
"""

from __future__ import annotations

import datetime as dt
import time

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views import View

from . import context
from .excel import ImportFileError, RowError, _messages
from .models import ImportJob, ImportJobState

RUNNING = (ImportJobState.QUEUED, ImportJobState.CHECKING, ImportJobState.WRITING)
WORKING = (ImportJobState.CHECKING, ImportJobState.WRITING)  # a worker has taken the job and must show signs


def _progress_key(job_id: int) -> str:
    return f"ib:import-job:{job_id}:written"


def _written(job_id: int) -> dict:
    """What the worker left in the cache while writing: rows written (`done`) and its last beat (`beat`, epoch)."""
    value = cache.get(_progress_key(job_id))
    return value if isinstance(value, dict) else {"done": value or 0}


class _Abandoned(Exception):
    """The job is no longer running (failed as stale, or taken by another delivery): stop and write nothing."""


def import_job_start(*, actor, importer_class, upload, title: str, success_url: str = "") -> ImportJob:
    """Store the upload privately, record the job and queue it (after the commit, so the worker finds both)."""
    from .tasks import import_job_run

    job = ImportJob(user=actor, importer=f"{importer_class.__module__}.{importer_class.__qualname__}",
                    title=str(title), filename=getattr(upload, "name", "") or "import.xlsx", success_url=success_url)
    job.file.save(job.filename, upload, save=False)
    job.save()
    transaction.on_commit(lambda: import_job_run.delay(job.pk))
    return job


def _save(job: ImportJob, expect=WORKING, **values) -> None:
    """One step of the worker with its heartbeat, only while the job is in one of the `expect` states; otherwise
    (failed as stale meanwhile) `_Abandoned`."""
    values["heartbeat"] = timezone.now()
    if not ImportJob.objects.filter(pk=job.pk, state__in=expect).update(**values):
        raise _Abandoned
    for k, v in values.items():
        setattr(job, k, v)


def _fail(job: ImportJob, errors: list[RowError]) -> None:
    errors = sorted(errors, key=lambda e: e.row)
    try:
        _save(job, expect=RUNNING, state=ImportJobState.FAILED, finished=timezone.now(),
              errors=[{"row": e.row, "column": str(e.column), "message": str(e.message)} for e in errors])
    except _Abandoned:
        job.state = ImportJobState.FAILED  # already failed (as stale): its message stays


def import_job_execute(job_id: int) -> str:
    """Run one job (the task body): check every chunk, then write all chunks in one transaction or nothing."""
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    if job.state not in (ImportJobState.QUEUED,):
        return job.state  # delivered twice: the first delivery runs it
    chunk = max(1, int(settings.IMPORT_CHUNK_ROWS))
    importer = import_string(job.importer)(actor=job.user)
    try:
        _save(job, expect=[ImportJobState.QUEUED], state=ImportJobState.CHECKING)
    except _Abandoned:  # another delivery took it meanwhile: that one runs it (and removes the upload)
        return ImportJob.objects.filter(pk=job.pk).values_list("state", flat=True).first()
    try:
        try:
            with job.file.open("rb") as f:
                raw = importer.read(f)
        except ImportFileError as exc:
            _fail(job, [RowError(1, "-", str(exc))])
            return job.state
        if not raw:
            _fail(job, [RowError(1, "-", _("The workbook has no data rows."))])
            return job.state
        _save(job, rows_total=len(raw))
        rows, errors = [], []
        for k in range(0, len(raw), chunk):
            cleaned, wrong = importer.clean_chunk(raw[k:k + chunk])
            rows += cleaned
            errors += wrong
            _save(job, rows_checked=min(len(raw), k + chunk))
        errors += importer.validate_rows(rows)
        if errors:
            _fail(job, errors)
            return job.state
        _save(job, state=ImportJobState.WRITING)
        created = updated = 0
        try:
            with context.acting_as(job.user, label=job.user.get_username()), transaction.atomic():
                for k in range(0, len(rows), chunk):
                    c, u = importer.write(rows[k:k + chunk])
                    created, updated = created + c, updated + u
                    cache.set(_progress_key(job.pk), {"done": min(len(rows), k + chunk), "beat": time.time()},
                              timeout=24 * 3600)
                # Inside the transaction: a job failed as stale by now rolls every chunk back (`_Abandoned`).
                _save(job, expect=[ImportJobState.WRITING], state=ImportJobState.DONE, rows_written=len(rows),
                      created_count=created, updated_count=updated, finished=timezone.now())
        except (ValidationError, PermissionDenied) as exc:
            _fail(job, [RowError(1, "-", m) for m in _messages(exc)])
            return job.state
        return job.state
    except _Abandoned:
        job.state = ImportJobState.FAILED
        return job.state
    except Exception:
        _fail(job, [RowError(1, "-", _("The import stopped on an unexpected error; nothing was written."))])
        raise
    finally:
        cache.delete(_progress_key(job.pk))
        if job.file:
            job.file.delete(save=False)  # the uploaded data are not kept once the job has run
            ImportJob.objects.filter(pk=job.pk).update(file="")


def progress(job: ImportJob) -> dict:
    """What the progress bar shows: the phase, rows done of rows in it, and the share (0–100)."""
    if job.state == ImportJobState.WRITING:
        done = _written(job.pk).get("done", 0)
    elif job.state == ImportJobState.DONE:
        done = job.rows_written
    else:
        done = job.rows_checked
    total = job.rows_total
    return {"done": done, "total": total, "percent": int(done * 100 / total) if total else 0,
            "running": job.state in RUNNING}


def _last_sign(job: ImportJob) -> dt.datetime:
    """When the job's worker last showed signs of life: the row's heartbeat, or while writing the chunks' beat."""
    last = job.heartbeat or job.created
    if job.state == ImportJobState.WRITING:
        beat = _written(job.pk).get("beat")
        if beat:
            last = max(last, dt.datetime.fromtimestamp(beat, tz=dt.UTC))
    return last


def fail_if_stale(job: ImportJob, now: dt.datetime | None = None) -> bool:
    """Fail a working job whose worker has shown no sign for `settings.IMPORT_STALE_SECONDS` (nothing was written:
    the write is one transaction). One conditional update, so a worker's own last step and this never both win;
    `job` is updated in place. True when this call failed it."""
    if job.state not in WORKING:
        return False
    now = now or timezone.now()
    if now - _last_sign(job) <= dt.timedelta(seconds=settings.IMPORT_STALE_SECONDS):
        return False
    errors = [{"row": 1, "column": "-",
               "message": _("Import interrupted: the background job stopped responding; please upload again.")}]
    if not ImportJob.objects.filter(pk=job.pk, state=job.state, heartbeat=job.heartbeat).update(
            state=ImportJobState.FAILED, finished=now, errors=errors, file=""):
        job.refresh_from_db()
        return False
    if job.file:
        job.file.delete(save=False)  # the dead worker did not get to delete the upload
    job.state, job.finished, job.errors, job.file = ImportJobState.FAILED, now, errors, ""
    cache.delete(_progress_key(job.pk))
    return True


def fail_stale_jobs(now: dt.datetime | None = None) -> int:
    """The sweep (Celery beat): fail every working job without a sign of its worker for too long. Returns how
    many it failed."""
    now = now or timezone.now()
    old = now - dt.timedelta(seconds=settings.IMPORT_STALE_SECONDS)
    candidates = ImportJob.objects.filter(state__in=WORKING).filter(
        Q(heartbeat__lt=old) | Q(heartbeat__isnull=True, created__lt=old))
    return sum(fail_if_stale(job, now) for job in candidates)


class BackgroundImportMixin:
    """Put before `ExcelImportView` in an import page's bases: an upload above `settings.IMPORT_BACKGROUND_ROWS`
    rows becomes a background job and the page sends the user to the job's progress page; smaller uploads run at
    once, as before."""

    def post(self, request):
        from django.shortcuts import redirect

        from .forms import ImportUploadForm

        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if self.importer_class.count_rows(upload) > settings.IMPORT_BACKGROUND_ROWS:
                job = import_job_start(actor=request.user, importer_class=self.importer_class, upload=upload,
                                       title=self.title, success_url=reverse(self.success_url_name))
                return redirect(reverse("imports:job", args=[job.pk]))
        return super().post(request)


class ImportJobView(LoginRequiredMixin, View):
    """GET /imports/<pk>/: the job's page (its importer's user only, 404 for everyone else); the progress part
    reloads itself every two seconds while the job runs (`?part=progress`, htmx)."""

    def get(self, request, pk: int):
        job = get_object_or_404(ImportJob.objects.restrict(request.user, "view"), pk=pk)
        fail_if_stale(job)
        ctx = {"job": job, "progress": progress(job), "title": job.title}
        if request.GET.get("part") == "progress":
            return render(request, "core/_import_job_progress.html", ctx)
        return render(request, "core/import_job.html", ctx)
