#!/usr/bin/env python
"""Exercise the production stack on this machine: gunicorn + Celery worker + Celery beat against PostgreSQL and
Redis, bound to 127.0.0.1 only (docs/deployment.md).

1. creates its own database (default `ib_deploy_check`, dropped first), migrates it, collects static files and
   seeds the tiny demo data set, with production settings (DEBUG=0, a fresh SECRET_KEY, private var directory);
2. starts gunicorn, a worker and beat (beat with a 2-second heartbeat schedule set by this check);
3. over HTTP: signs in through the login page, reads the enterprise list page and the API list, serves a static
   file, takes a workflow step (a demand is accepted; its notifications are delivered by a queued task) and
   checks that the delivery ran in the worker process, not in the web process;
4. sees the beat heartbeat fire in the worker (the worker wrote it to the shared Redis cache);
5. stops every process it started, by process id, and drops the database (unless --keep).

Exit status 0 when every step passed. Usage: `make deploy-check` or
`python scripts/deploy_check.py [--database-url URL] [--redis-url URL] [--keep]`.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PASSWORD = os.environ.get("DEMO_PASSWORD", "IndustryBrain#2026")


class CheckFailed(Exception):
    pass


def say(message: str) -> None:
    print(f"[deploy-check] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_admin(url: str):
    """A psycopg connection to the server's maintenance database, and the check database's name."""
    import psycopg

    parsed = urllib.parse.urlparse(url)
    name = parsed.path.lstrip("/")
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", name):
        raise CheckFailed(f"unexpected database name {name!r}")
    admin = parsed._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
    return psycopg.connect(admin, autocommit=True), name


def recreate_database(url: str) -> None:
    conn, name = database_admin(url)
    with conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    conn, name = database_admin(url)
    with conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Stack:
    """The processes this check started (each in its own process group, so that gunicorn's and Celery's
    children stop with their parent), stopped by id in reverse order."""

    def __init__(self, env: dict, logdir: Path):
        self.env = env
        self.logdir = logdir
        self.procs: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, argv: list[str]) -> subprocess.Popen:
        log = open(self.logdir / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(argv, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        self.procs.append((name, proc))
        say(f"started {name} (pid {proc.pid})")
        return proc

    def log(self, name: str) -> str:
        path = self.logdir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def check_alive(self) -> None:
        for name, proc in self.procs:
            if proc.poll() is not None:
                raise CheckFailed(f"{name} exited with {proc.returncode}:\n{self.log(name)[-3000:]}")

    def stop(self) -> None:
        for _name, proc in reversed(self.procs):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)  # the group whose id is the started process's id
        deadline = time.monotonic() + 20
        for name, proc in reversed(self.procs):
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            say(f"stopped {name} (pid {proc.pid}, exit {proc.returncode})")
        self.procs.clear()


class Browser:
    """A cookie-keeping HTTP client for the page flow and a token client for the API."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def request(self, method: str, path: str, *, data=None, headers=None, token=None, raw_body=None):
        headers = dict(headers or {})
        body = raw_body
        if data is not None:
            body = json.dumps(data).encode()
            headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = f"Token {token}"
        req = urllib.request.Request(self.base + path, data=body, method=method, headers=headers)
        try:
            with self.opener.open(req, timeout=30) as resp:
                return resp.status, resp.read(), resp.headers
        except urllib.error.HTTPError as err:
            return err.code, err.read(), err.headers
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return 0, b"", {}

    def cookie(self, name: str) -> str:
        return next((c.value for c in self.jar if c.name == name), "")

    def api(self, method: str, path: str, token: str, data=None, expect=(200,)):
        status, body, _ = self.request(method, path, data=data, token=token)
        if status not in expect:
            raise CheckFailed(f"{method} {path} answered {status}: {body[:500]!r}")
        return json.loads(body) if body else None


def wait_for(predicate, what: str, timeout: float, stack: Stack | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if stack:
            stack.check_alive()
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    raise CheckFailed(f"timed out after {timeout:.0f}s waiting for {what}")


def manage(env: dict, *args: str) -> None:
    result = subprocess.run([str(BIN / "python"), "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                            text=True)
    if result.returncode != 0:
        raise CheckFailed(f"manage.py {' '.join(args)} failed:\n{result.stdout[-2000:]}{result.stderr[-4000:]}")


def token_for(client: Browser, username: str) -> str:
    status, body, _ = client.request("POST", "/api/v1/auth/token/",
                                     data={"username": username, "password": PASSWORD})
    if status != 200:
        raise CheckFailed(f"token for {username}: {status} {body[:300]!r}")
    return json.loads(body)["token"]


def run_checks(stack: Stack, base: str, redis_url: str) -> None:
    client = Browser(base)
    wait_for(lambda: client.request("GET", "/healthz/")[0] == 200, "gunicorn to answer /healthz/", 60, stack)
    say("gunicorn answers /healthz/")

    # Sign in through the page, as a person does: the login form, its CSRF cookie and the session cookie.
    status, body, _ = client.request("GET", "/accounts/login/")
    if status != 200 or not client.cookie("csrftoken"):
        raise CheckFailed(f"login page: {status}")
    form = urllib.parse.urlencode({"username": "city_admin", "password": PASSWORD,
                                   "csrfmiddlewaretoken": client.cookie("csrftoken")}).encode()
    status, body, _ = client.request("POST", "/accounts/login/", raw_body=form, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Referer": base + "/accounts/login/"})
    if status != 200 or not client.cookie("sessionid"):
        raise CheckFailed(f"sign-in did not give a session ({status})")
    status, body, _ = client.request("GET", "/enterprises/")
    if status != 200 or "<table" not in body.decode():
        raise CheckFailed(f"enterprise list page: {status}")
    say("signed in through the login page; the enterprise list renders")
    css = re.search(r'href="(/static/[^"]+\.css)"', body.decode())
    if not css or client.request("GET", css.group(1))[0] != 200:
        raise CheckFailed("a static file of the page is not served")
    say(f"static file served: {css.group(1)}")

    city = token_for(client, "city_admin")
    firms = client.api("GET", "/api/v1/enterprises/?page_size=5", city)
    if not firms["results"]:
        raise CheckFailed("the enterprise API list is empty")
    say(f"API list read: {firms['count']} enterprises")

    # A workflow step whose follow-up goes through the queue: the enterprise files a demand, the city accepts it
    # for a department; the department's notifications are delivered by the task demands.deliver_notifications.
    firm = token_for(client, "enterprise_demo")
    category = client.api("GET", "/api/v1/demand-categories/", firm)
    categories = category["results"] if isinstance(category, dict) else category
    leaf = next(c["code"] for c in categories if "." in c["code"])
    demand = client.api("POST", "/api/v1/demands/", firm, data={
        "category": leaf, "urgency": "normal", "title": "部署检查：道路施工影响物流",
        "description": "部署检查提交的诉求。"}, expect=(201,))
    departments = client.api("GET", "/api/v1/departments/?page_size=100", city)
    departments = departments["results"] if isinstance(departments, dict) else departments
    dept = next((d["id"] for d in departments if "交通" in d["name"]), departments[0]["id"])
    accepted = client.api("POST", f"/api/v1/demands/{demand['id']}/accept/", city, data={"department": dept})
    if accepted["status"] != "accepted":
        raise CheckFailed(f"the demand was not accepted: {accepted['status']}")
    say(f"workflow step: demand {demand['id']} accepted for department {dept}")
    line = wait_for(lambda: re.search(r"Task demands\.deliver_notifications\[[0-9a-f-]+\] succeeded[^\n]*",
                                      stack.log("worker")), "the queued delivery to run in the worker", 60, stack)
    if "deliver_notifications" in stack.log("gunicorn"):
        raise CheckFailed("the delivery ran in the web process")
    delivered = re.search(r"'delivered': (\d+)", line.group(0))
    if not delivered or int(delivered.group(1)) < 1:
        raise CheckFailed(f"the worker delivered nothing: {line.group(0)}")
    say(f"the worker ran the follow-up: {line.group(0).strip()}")

    # Beat: the heartbeat scheduled every 2 s by this check reaches the worker, which writes the shared cache.
    import redis

    r = redis.Redis.from_url(redis_url)
    wait_for(lambda: "Sending due task worker-heartbeat" in stack.log("beat"), "beat to send the heartbeat", 60,
             stack)
    wait_for(lambda: re.search(r"Task core\.heartbeat\[[0-9a-f-]+\] succeeded", stack.log("worker")),
             "the worker to run the heartbeat", 60, stack)
    keys = wait_for(lambda: r.keys("*ib:worker-heartbeat*"), "the heartbeat in the shared cache", 30, stack)
    stamp = re.search(rb"\d{4}-\d\d-\d\dT[\d:.]+", r.get(keys[0]) or b"")
    say(f"beat fired: the worker stored heartbeat {stamp.group(0).decode() if stamp else '?'} in the shared cache")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get(
        "DEPLOY_CHECK_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ib_deploy_check"))
    parser.add_argument("--redis-url", default=os.environ.get("DEPLOY_CHECK_REDIS_URL", "redis://127.0.0.1:6379/7"))
    parser.add_argument("--keep", action="store_true", help="keep the database and the logs")
    args = parser.parse_args()

    import redis

    redis.Redis.from_url(args.redis_url).flushdb()  # the check's own Redis database: queue, beat, cache
    var = Path(tempfile.mkdtemp(prefix="ib-deploy-check-"))
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_"))}
    env.update({
        "DJANGO_SETTINGS_MODULE": "industry_brain.settings", "PYTHONPATH": str(ROOT / "src"),
        "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(64), "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": args.database_url, "REDIS_URL": args.redis_url, "IB_VAR_DIR": str(var),
        # Plain HTTP on loopback: TLS is the reverse proxy's (docs/deployment.md); cookies and redirects follow.
        "SECURE_SSL_REDIRECT": "0", "SESSION_COOKIE_SECURE": "0", "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0", "HEARTBEAT_SECONDS": "2", "LOG_LEVEL": "WARNING",
    })
    say(f"database {args.database_url}, Redis {args.redis_url}, var {var}")
    stack = Stack(env, var)
    ok = False
    try:
        recreate_database(args.database_url)
        t = time.monotonic()
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        manage(env, "seed_demo", "--scale", "tiny", "--quiet")
        say(f"database migrated and seeded in {time.monotonic() - t:.0f}s")
        stack.start("gunicorn", [str(BIN / "gunicorn"), "industry_brain.wsgi:application", "--config",
                                 str(ROOT / "deploy" / "gunicorn.conf.py"), "--bind", f"127.0.0.1:{port}",
                                 "--workers", "2"])
        stack.start("worker", [str(BIN / "celery"), "-A", "industry_brain", "worker", "--loglevel", "INFO",
                               "--concurrency", "1", "--hostname", "deploy-check@%h"])
        stack.start("beat", [str(BIN / "celery"), "-A", "industry_brain", "beat", "--loglevel", "INFO",
                             "--schedule", str(var / "celerybeat-schedule")])
        run_checks(stack, f"http://127.0.0.1:{port}", args.redis_url)
        ok = True
    except CheckFailed as exc:
        say(f"FAILED: {exc}")
        for name, _ in stack.procs:
            tail = stack.log(name)[-1500:]
            print(f"----- {name} log (tail) -----\n{tail}", flush=True)
    finally:
        stack.stop()
        if not args.keep:
            drop_database(args.database_url)
            redis.Redis.from_url(args.redis_url).flushdb()
    say("PASSED: gunicorn, worker and beat on PostgreSQL and Redis" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
