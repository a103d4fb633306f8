"""Excel export at scale: 200,000 rows through the platform's export (`core.excel.workbook_response`: openpyxl
write-only workbook fed from `queryset.iterator()`, streamed from a temporary file) beside the non-streaming way
(the queryset read into a list and an ordinary openpyxl workbook saved to bytes), measured in the same run.

Each export runs in a forked child process so that its peak resident memory is its own: the row reports the
growth of the child's peak RSS over its RSS when it started (MB). The streaming export is also measured at 20,000
rows: flat memory means the 200,000-row peak is about the 20,000-row peak, not ten times it.

The rows are the event log (`core.Event`); when the database holds fewer than 200,000 events the bench adds
synthetic ones (kind `bench.export`) once, set-based.
"""

from __future__ import annotations

import multiprocessing
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import Report, run_standalone  # noqa: E402

SECTION = "Excel export (200,000 rows)"
ROWS = 200_000
SMALL = 20_000
PEAK_TARGET_MB = 64.0
HEADERS = ["编号", "类型", "说明", "操作人", "对象", "时间"]


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _row(e) -> list:
    return [e.pk, e.kind, e.message, e.actor_label, e.object_id, e.at.isoformat() if e.at else ""]


def _queryset(n: int):
    from industry_brain.core.models import Event

    return Event.objects.order_by("pk").only("id", "kind", "message", "actor_label", "object_id", "at")[:n]


def _streaming(n: int) -> int:
    from industry_brain.core.excel import workbook_response

    response = workbook_response("export.xlsx", HEADERS, (_row(e) for e in _queryset(n).iterator(chunk_size=2000)))
    return sum(len(chunk) for chunk in response.streaming_content)


def _in_memory(n: int) -> int:
    import io

    from openpyxl import Workbook

    rows = [_row(e) for e in list(_queryset(n))]
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return len(buf.getvalue())


def _child(name: str, n: int, out) -> None:
    start = _rss_mb()
    t0 = time.perf_counter()
    size = {"streaming": _streaming, "in_memory": _in_memory}[name](n)
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux
    out.send({"seconds": seconds, "peak_growth_mb": max(peak - start, 0.0), "bytes": size})
    out.close()


def _measure(name: str, n: int) -> dict:
    from django.db import connections

    connections.close_all()  # the child opens its own connection
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(name, n, child))
    proc.start()
    result = parent.recv()
    proc.join()
    if proc.exitcode != 0:
        raise RuntimeError(f"{name} export failed in the child process (exit {proc.exitcode})")
    return result


def ensure_rows(n: int = ROWS) -> int:
    """At least `n` events to export; synthetic ones are added once, in bulk."""
    from django.utils import timezone

    from industry_brain.core.models import Event

    have = Event.objects.count()
    if have < n:
        now = timezone.now()
        Event.objects.bulk_create([
            Event(kind="bench.export", message=f"导出基准事件 {i}：企业诉求已受理，协调部门已指定", actor_label="bench",
                  object_id=str(i), data={}, at=now) for i in range(n - have)], batch_size=5000)
    return Event.objects.count()


def run(report: Report) -> None:
    ensure_rows()
    small = _measure("streaming", SMALL)
    stream = _measure("streaming", ROWS)
    base = _measure("in_memory", ROWS)
    report.add(SECTION, "peak memory growth, streaming export of 200,000 rows", stream["peak_growth_mb"], "MB",
               f"< {PEAK_TARGET_MB:.0f} MB", stream["peak_growth_mb"] < PEAK_TARGET_MB,
               baseline=base["peak_growth_mb"], baseline_label="list(queryset) + ordinary workbook in memory")
    flat = stream["peak_growth_mb"] < 2 * small["peak_growth_mb"] + 8
    report.add(SECTION, "peak memory growth, streaming export of 20,000 rows (flat: 200,000 rows < 2× this + 8 MB)",
               small["peak_growth_mb"], "MB", "200k within 2× + 8 MB", flat)
    report.add(SECTION, "time, streaming export of 200,000 rows", stream["seconds"], "s", "< 120 s",
               stream["seconds"] < 120, baseline=base["seconds"],
               baseline_label="list(queryset) + ordinary workbook in memory")
    report.note(SECTION, f"workbook sizes: streaming {stream['bytes'] / 1e6:.1f} MB, in-memory "
                         f"{base['bytes'] / 1e6:.1f} MB (same rows)")


if __name__ == "__main__":
    run_standalone(__doc__.splitlines()[0], SECTION, run)
