#!/usr/bin/env python
"""Soak: a bounded, open-loop load run against gunicorn + PostgreSQL (+ Redis and a Celery worker) on loopback.

Requests are sent at a fixed rate (default 50/s for 600 s) whatever the server's speed, by a pool of client
threads; a late server shows as latency and backlog, not as a lower offered rate. The mix, by several roles:
  ~80 %  reads: API lists (enterprises, projects, demands, notifications) and rendered pages (enterprise list,
         demand list, home inbox) by the city, a district, a chain team, a department, a cadre and an enterprise;
  ~20 %  workflow writes: an enterprise files a demand, the city accepts it for a department, the department
         starts and resolves it, the enterprise rates it (each demand walks the whole way, one step per request).
Reported per minute: requests, errors (5xx, connection failures, unexpected 4xx), p50/p95/p99 latency and the
resident memory of the gunicorn processes and the worker. Written to benchmarks/RESULTS-soak.md (and .json).

Usage: `make soak` or `python benchmarks/soak.py --seconds 600 --rate 50 --output benchmarks/RESULTS-soak.md`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import queue
import random
import secrets
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from deploy_check import (  # noqa: E402  (the stack helpers of the deployment check)
    BIN,
    PASSWORD,
    Browser,
    CheckFailed,
    Stack,
    drop_database,
    free_port,
    manage,
    recreate_database,
    say,
    token_for,
    wait_for,
)

READ_ROLES = ["city_admin", "xihu_officer", "chain_iot", "dept_transport", "cadre_demo", "enterprise_demo"]
API_READS = ["/api/v1/enterprises/?page_size=25", "/api/v1/projects/?page_size=25", "/api/v1/demands/?page_size=25",
             "/api/v1/notifications/?page_size=25"]
PAGE_READS = ["/enterprises/", "/demands/", "/"]


def rss_kb(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except (FileNotFoundError, ProcessLookupError):
            pass
    return total


def group_pids(pgid: int) -> list[int]:
    """Every process in the process group the stack started (gunicorn master and its workers)."""
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getpgid(int(entry.name)) == pgid:
                    out.append(int(entry.name))
            except (ProcessLookupError, PermissionError):
                pass
    return out


class Workload:
    def __init__(self, base: str, tokens: dict[str, str], sessions: dict[str, Browser], category: str, dept: int):
        self.base = base
        self.tokens = tokens
        self.sessions = sessions
        self.category = category
        self.dept = dept
        self.stages: dict[str, queue.Queue] = {s: queue.Queue() for s in ("new", "accepted", "started", "resolved")}
        self.lock = threading.Lock()
        self.local = threading.local()
        self.seq = 0

    def client(self) -> Browser:
        if not hasattr(self.local, "client"):
            self.local.client = Browser(self.base)
        return self.local.client

    def pick(self, rng: random.Random):
        """One request: (label, callable returning the HTTP status, the statuses that count as success)."""
        if rng.random() < 0.2:
            return self.write_step(rng)
        role = rng.choice(READ_ROLES)
        if rng.random() < 0.6:
            path = rng.choice(API_READS)
            token = self.tokens[role]
            return f"GET {path.split('?')[0]}", lambda: self.client().request("GET", path, token=token)[0], {200}
        path = rng.choice(PAGE_READS)
        session = self.sessions[role]
        return f"page {path}", lambda: session.request("GET", path)[0], {200}

    def write_step(self, rng: random.Random):
        for stage, step in (("resolved", "rate"), ("started", "resolve"), ("accepted", "start"), ("new", "accept")):
            if rng.random() < 0.8:
                try:
                    demand = self.stages[stage].get_nowait()
                except queue.Empty:
                    continue
                return f"POST demand {step}", lambda d=demand, s=step: self.advance(d, s), {200, 204}
        return "POST demand create", self.create, {201}

    def create(self) -> int:
        with self.lock:
            self.seq += 1
            n = self.seq
        status, body, _ = self.client().request("POST", "/api/v1/demands/", token=self.tokens["enterprise_demo"], data={
            "category": self.category, "urgency": "normal", "title": f"压测诉求 {n}",
            "description": "负载测试提交的诉求，用于检验长时间运行的稳定性。"})
        if status == 201:
            self.stages["new"].put(json.loads(body)["id"])
        return status

    def advance(self, demand: int, step: str) -> int:
        actor, data, next_stage = {
            "accept": ("city_admin", {"department": self.dept}, "accepted"),
            "start": ("dept_transport", {}, "started"),
            "resolve": ("dept_transport", {"resolution": "已协调解决。"}, "resolved"),
            "rate": ("enterprise_demo", {"satisfaction": "satisfied"}, None),
        }[step]
        status, _, _ = self.client().request("POST", f"/api/v1/demands/{demand}/{step}/", token=self.tokens[actor],
                                             data=data)
        if status in (200, 204) and next_stage:
            self.stages[next_stage].put(demand)
        return status


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def run_load(work: Workload, seconds: int, rate: float, threads: int, stack: Stack, web_pgid: int,
             worker_pgid: int) -> dict:
    jobs: queue.Queue = queue.Queue()
    results: list[tuple[float, str, float, int, bool]] = []  # (answered at, label, latency ms, status, ok)
    results_lock = threading.Lock()
    start = time.monotonic()

    def runner():
        while True:
            item = jobs.get()
            if item is None:
                return
            scheduled, label, call, good = item
            t0 = time.monotonic()
            try:
                status = call()
            except Exception:  # a client-side failure counts as an error, never stops the run
                status = 0
            done = time.monotonic()
            latency = (done - t0) * 1000
            with results_lock:  # grouped by when the answer came (the per-minute rows follow the server over time)
                results.append((done - start, label, latency, status, status in good))

    pool = [threading.Thread(target=runner, daemon=True) for _ in range(threads)]
    for t in pool:
        t.start()
    memory: list[tuple[float, int, int]] = []
    rng = random.Random(2026)
    interval = 1.0 / rate
    n = 0
    next_sample = start
    while True:
        now = time.monotonic()
        if now >= next_sample:
            memory.append((now - start, rss_kb(group_pids(web_pgid)), rss_kb(group_pids(worker_pgid))))
            next_sample += 10
            stack.check_alive()
        if now - start >= seconds:
            break
        due = start + n * interval
        if now < due:
            time.sleep(min(due - now, 0.05))
            continue
        label, call, good = work.pick(rng)
        jobs.put((due, label, call, good))
        n += 1
    # Time is up: requests the clients have not started yet are dropped (counted as the backlog), not sent late.
    backlog = 0
    while True:
        try:
            jobs.get_nowait()
            backlog += 1
        except queue.Empty:
            break
    for _ in pool:
        jobs.put(None)
    for t in pool:
        t.join(timeout=120)
    memory.append((time.monotonic() - start, rss_kb(group_pids(web_pgid)), rss_kb(group_pids(worker_pgid))))
    return {"offered": n, "results": results, "memory": memory, "backlog_at_end": backlog,
            "elapsed": time.monotonic() - start}


def summarise(run: dict, args, meta: dict) -> tuple[str, dict]:
    results = run["results"]
    by_minute: dict[int, list] = defaultdict(list)
    by_label: dict[str, list] = defaultdict(list)
    for offset, label, latency, status, ok in results:
        by_minute[int(offset // 60)].append((latency, status, ok))
        by_label[label].append((latency, status, ok))
    lat = [r[2] for r in results]
    errors = [r for r in results if not r[4]]
    server_errors = [r for r in results if r[3] >= 500 or r[3] == 0]
    total = {"requests": len(results), "offered": run["offered"], "achieved_rate": len(results) / run["elapsed"],
             "errors": len(errors), "server_errors": len(server_errors), "p50_ms": percentile(lat, 50),
             "p95_ms": percentile(lat, 95), "p99_ms": percentile(lat, 99), "max_ms": max(lat) if lat else 0}
    mem = run["memory"]
    lines = [
        "# Soak run: gunicorn + PostgreSQL on loopback",
        "",
        f"Run {meta['started']} UTC on {meta['machine']}; load average before {meta['load_before']}, after "
        f"{meta['load_after']}. Data: the `{args.scale}` demo data set. Stack: gunicorn ({args.web_workers} sync "
        f"workers), one Celery worker (Redis), PostgreSQL {meta['pg']}; client and server share the machine's "
        f"{os.cpu_count()} cores.",
        "",
        f"Offered: {args.rate:g} requests/s for {args.seconds} s ({run['offered']} requests) from {args.threads} "
        "client threads, open loop: about 80 % reads (API lists and rendered pages by six roles) and 20 % workflow "
        "writes (file, accept, start, resolve, rate a demand).",
        "",
        "| total | requests | achieved req/s | errors | 5xx or no answer | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---|---|---|---|---|---|---|---|",
        f"| all | {total['requests']} | {total['achieved_rate']:.1f} | {total['errors']} | {total['server_errors']} | "
        f"{total['p50_ms']:.0f} | {total['p95_ms']:.0f} | {total['p99_ms']:.0f} | {total['max_ms']:.0f} |",
        "",
        "## Per minute",
        "",
        "| minute | requests | errors | p50 ms | p95 ms | gunicorn RSS MB | worker RSS MB |",
        "|---|---|---|---|---|---|---|",
    ]
    for minute in sorted(by_minute):
        rows = by_minute[minute]
        ml = [r[0] for r in rows]
        samples = [m for m in mem if minute * 60 <= m[0] < (minute + 1) * 60] or mem[-1:]
        web = max(s[1] for s in samples) / 1024
        worker = max(s[2] for s in samples) / 1024
        lines.append(f"| {minute + 1} | {len(rows)} | {sum(1 for r in rows if not r[2])} | "
                     f"{percentile(ml, 50):.0f} | {percentile(ml, 95):.0f} | {web:.0f} | {worker:.0f} |")
    lines += ["", "## Per request kind", "", "| request | count | errors | p50 ms | p95 ms | statuses |",
              "|---|---|---|---|---|---|"]
    for label in sorted(by_label):
        rows = by_label[label]
        statuses = defaultdict(int)
        for r in rows:
            statuses[r[1]] += 1
        ml = [r[0] for r in rows]
        lines.append(f"| {label} | {len(rows)} | {sum(1 for r in rows if not r[2])} | {percentile(ml, 50):.0f} | "
                     f"{percentile(ml, 95):.0f} | {', '.join(f'{k}: {v}' for k, v in sorted(statuses.items()))} |")
    first, last = mem[0], mem[-1]
    peak = max(m[1] for m in mem)
    lines += ["", "## Server memory", "",
              f"gunicorn (master and workers) resident memory: {first[1] / 1024:.0f} MB at the start, "
              f"{peak / 1024:.0f} MB at the peak, {last[1] / 1024:.0f} MB at the end; the worker "
              f"{first[2] / 1024:.0f} → {last[2] / 1024:.0f} MB. Sampled every 10 s "
              f"({len(mem)} samples, in the JSON file). Offered requests the clients had not started when the time was "
              f"up (dropped, not sent): {run['backlog_at_end']}.", ""]
    data = {"total": total, "memory": mem, "meta": meta, "args": vars(args),
            "per_label": {k: {"count": len(v), "errors": sum(1 for r in v if not r[2]),
                              "p95_ms": percentile([r[0] for r in v], 95)} for k, v in by_label.items()}}
    return "\n".join(lines), data


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=600)
    parser.add_argument("--rate", type=float, default=50)
    parser.add_argument("--threads", type=int, default=24)
    parser.add_argument("--web-workers", type=int, default=3)
    parser.add_argument("--scale", default="tiny", choices=["tiny", "city"])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/ib_soak")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/8")
    parser.add_argument("--output", default=str(ROOT / "benchmarks" / "RESULTS-soak.md"))
    args = parser.parse_args()

    import psycopg
    import redis

    redis.Redis.from_url(args.redis_url).flushdb()
    var = Path(tempfile.mkdtemp(prefix="ib-soak-"))
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_"))}
    env.update({
        "DJANGO_SETTINGS_MODULE": "industry_brain.settings", "PYTHONPATH": str(ROOT / "src"),
        "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(64), "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": args.database_url, "REDIS_URL": args.redis_url, "IB_VAR_DIR": str(var),
        "SECURE_SSL_REDIRECT": "0", "SESSION_COOKIE_SECURE": "0", "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0", "LOG_LEVEL": "WARNING", "AXES_FAILURE_LIMIT": "1000",
    })
    stack = Stack(env, var)
    ok = False
    try:
        recreate_database(args.database_url)
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "seed_demo", "--scale", args.scale, "--quiet")
        say(f"database seeded ({args.scale})")
        web = stack.start("gunicorn", [str(BIN / "gunicorn"), "industry_brain.wsgi:application", "--config",
                                       str(ROOT / "deploy" / "gunicorn.conf.py"), "--bind", f"127.0.0.1:{port}",
                                       "--workers", str(args.web_workers), "--access-logfile", "/dev/null"])
        worker = stack.start("worker", [str(BIN / "celery"), "-A", "industry_brain", "worker", "--loglevel",
                                        "WARNING", "--concurrency", "1"])
        base = f"http://127.0.0.1:{port}"
        probe = Browser(base)
        wait_for(lambda: probe.request("GET", "/healthz/")[0] == 200, "gunicorn", 60, stack)
        tokens = {u: token_for(probe, u) for u in READ_ROLES}
        sessions = {}
        for user in READ_ROLES:
            b = Browser(base)
            b.request("GET", "/accounts/login/")
            form = urllib.parse.urlencode({"username": user, "password": PASSWORD,
                                           "csrfmiddlewaretoken": b.cookie("csrftoken")}).encode()
            b.request("POST", "/accounts/login/", raw_body=form, headers={
                "Content-Type": "application/x-www-form-urlencoded", "Referer": base + "/accounts/login/"})
            if not b.cookie("sessionid"):
                raise CheckFailed(f"{user} could not sign in")
            sessions[user] = b
        cats = probe.api("GET", "/api/v1/demand-categories/", tokens["city_admin"])
        cats = cats["results"] if isinstance(cats, dict) else cats
        category = next(c["code"] for c in cats if "." in c["code"])
        depts = probe.api("GET", "/api/v1/departments/?page_size=100", tokens["city_admin"])
        depts = depts["results"] if isinstance(depts, dict) else depts
        dept = next(d["id"] for d in depts if "交通" in d["name"])
        with psycopg.connect(args.database_url.replace("postgres://", "postgresql://", 1)) as conn:
            pg = conn.execute("SHOW server_version").fetchone()[0]
        meta = {"started": time.strftime("%Y-%m-%d %H:%M", time.gmtime()), "machine": platform.machine(),
                "load_before": " ".join(f"{x:.2f}" for x in os.getloadavg()), "pg": pg}
        say(f"load: {args.rate:g} req/s for {args.seconds} s")
        run = run_load(Workload(base, tokens, sessions, category, dept), args.seconds, args.rate, args.threads,
                       stack, web.pid, worker.pid)
        meta["load_after"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
        text, data = summarise(run, args, meta)
        Path(args.output).write_text(text)
        Path(args.output).with_suffix(".json").write_text(json.dumps(data, indent=1))
        print(text)
        ok = data["total"]["server_errors"] == 0
    except CheckFailed as exc:
        say(f"FAILED: {exc}")
        for name, _ in stack.procs:
            print(f"----- {name} log (tail) -----\n{stack.log(name)[-1500:]}", flush=True)
    finally:
        stack.stop()
        drop_database(args.database_url)
        redis.Redis.from_url(args.redis_url).flushdb()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
