"""Fixtures shared by every app's tests."""

import os

import pytest
from rest_framework.test import APIClient

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API beside the live server


@pytest.fixture(autouse=True)
def _fresh_content_types():
    """Transactional tests flush and restore the database; content-type ids cached from before would then
    point at rows that no longer exist."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast hashing in tests only
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    redis_url = os.environ.get("TEST_REDIS_URL")
    if redis_url:
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                       "LOCATION": redis_url, "KEY_PREFIX": f"t{os.getpid()}"}}
    else:
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture
def world(db):
    from industry_brain.testing import build_world

    return build_world()


@pytest.fixture
def api():
    """An API client; `api.as_user(user)` authenticates it with a token."""
    from rest_framework.authtoken.models import Token

    client = APIClient()

    def as_user(user):
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    client.as_user = as_user
    return client


@pytest.fixture(scope="session")
def plain_http_live_server(request):
    """The live server speaks plain HTTP. Middleware reads the TLS settings once, when the server's handler is
    built, before any per-test override applies; so they are switched off for the session first."""
    from django.conf import settings

    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.SECURE_HSTS_SECONDS = 0
    return request.getfixturevalue("live_server")


@pytest.fixture
def browser_page(plain_http_live_server):
    """A Playwright page in Debian's Chromium (never a downloaded browser), failing on console errors."""
    from playwright.sync_api import sync_playwright

    if not os.path.exists("/usr/bin/chromium"):
        pytest.fail("Debian's chromium is missing: run `make browser-deps`")
    import tempfile

    with tempfile.TemporaryDirectory() as profile, sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            profile, executable_path="/usr/bin/chromium", headless=True, locale="zh-CN",
            viewport={"width": 1400, "height": 900},
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        page = context.new_page()
        page.console_errors = []
        page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: page.console_errors.append(str(e)))
        page.on("response", lambda r: page.console_errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        page.base_url = plain_http_live_server.url
        yield page
        context.close()
