"""Login, lockout, security headers, CSRF and deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from industry_brain.testing import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_and_logout(client, world):
    response = client.post("/accounts/login/", {"username": "t_xihu", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


def test_repeated_failed_logins_lock_the_account(client, world, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post("/accounts/login/", {"username": "t_xihu", "password": "wrong-password"})
        assert response.status_code == 200
        assert "30" in response.content.decode()  # the message says how long the lock lasts
    assert client.post("/accounts/login/", {"username": "t_xihu", "password": "wrong"}).status_code == 429
    locked = client.post("/accounts/login/", {"username": "t_xihu", "password": PASSWORD})
    assert locked.status_code == 429
    assert client.get("/").status_code == 302  # still not signed in
    # Another account is not affected.
    assert client.post("/accounts/login/", {"username": "t_city", "password": PASSWORD}).status_code == 302


def test_api_token_and_lockout(api, world, settings):
    ok = api.post("/api/v1/auth/token/", {"username": "t_city", "password": PASSWORD}, format="json")
    assert ok.status_code == 200 and len(ok.json()["token"]) == 40
    for _ in range(settings.AXES_FAILURE_LIMIT):
        api.post("/api/v1/auth/token/", {"username": "t_dept", "password": "nope"}, format="json")
    locked = api.post("/api/v1/auth/token/", {"username": "t_dept", "password": PASSWORD}, format="json")
    assert locked.status_code == 429
    assert "token" not in locked.json()


def test_security_headers(client, world):
    client.force_login(world.user("city"))
    response = client.get("/enterprises/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "'unsafe-inline'" not in csp.split(
        "script-src")[1].split(";")[0]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_pages_carry_no_inline_script(client, world):
    client.force_login(world.user("city"))
    for url in ("/", "/enterprises/", f"/enterprises/{world.ent_xihu.pk}/", "/chains/", f"/chains/{world.chain.pk}/"):
        body = client.get(url).content.decode()
        for chunk in body.split("<script")[1:]:
            head = chunk.split(">", 1)[0]
            assert "src=" in head or 'type="application/json"' in head, (url, head)


def test_csrf_is_enforced_on_session_posts(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.user("city"))
    response = client.post("/enterprises/add/", {"name": "x"})
    assert response.status_code == 403


def test_check_deploy_is_clean_with_production_values():
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "a" * 20 + "-production-secret-key-with-enough-entropy-0123456789",
           "ALLOWED_HOSTS": "brain.example.gov.cn", "IB_VAR_DIR": "/tmp/ib-check-deploy"}
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    root = Path(__file__).resolve().parents[4]
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], cwd=root,
                            env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
