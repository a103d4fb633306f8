"""The API matches its OpenAPI schema: a bounded schemathesis run over every operation of the existing apps, as the
city bureau (the widest scope), against the WSGI application in the test database. Every response must be a
non-5xx with a documented status code and a body that conforms to the documented schema."""

from __future__ import annotations

import os

import pytest

pytestmark = pytest.mark.django_db

# Examples per operation: the whole run stays within a few minutes on a small machine (SCHEMA_FUZZ_EXAMPLES to
# dig deeper locally).
EXAMPLES = int(os.environ.get("SCHEMA_FUZZ_EXAMPLES", "4"))
# The modules covered by this run (the "existing apps"); later modules add their prefixes.
PREFIXES = ("/api/v1/auth/", "/api/v1/me/", "/api/v1/districts/", "/api/v1/industries/", "/api/v1/departments/",
            "/api/v1/ecosystems/", "/api/v1/chains/", "/api/v1/chain-", "/api/v1/enterprises/",
            "/api/v1/projects/", "/api/v1/progress-reports/", "/api/v1/warnings/", "/api/v1/supervision",
            "/api/v1/warning-rules/", "/api/v1/cadres/", "/api/v1/assignments/", "/api/v1/visits/",
            "/api/v1/demand-categories/", "/api/v1/demands/", "/api/v1/systemic-alerts/", "/api/v1/notifications/")


def fuzz(schema_dict: dict, token: str, *, examples: int = EXAMPLES) -> list[str]:
    from schemathesis.openapi import from_dict

    schema = from_dict(schema_dict)
    # Calls go straight to the WSGI application, whose request signals would close the database connection (and
    # with it the test's transaction on PostgreSQL); keep it open for the run, as Django's test client does.
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        return _fuzz(schema, token, examples=examples)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _fuzz(schema, token: str, *, examples: int) -> list[str]:
    import hypothesis
    from django.db import transaction
    from hypothesis import HealthCheck, given, settings
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    from industry_brain.wsgi import application

    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if not operation.path.startswith(PREFIXES):
            continue

        @given(case=operation.as_strategy())
        @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck), phases=[hypothesis.Phase.explicit,
                                                                  hypothesis.Phase.generate])
        def run(case):
            # identity: the map answers gzip when asked, and the WSGI transport does not decompress
            # Each call in a savepoint: a database error in one answer must not poison the calls after it.
            with transaction.atomic():
                response = case.call(app=application, headers={"Authorization": f"Token {token}",
                                                               "Accept-Encoding": "identity"})
            case.validate_response(response, checks=checks)

        try:
            run()
        except BaseException as exc:  # noqa: BLE001 - hypothesis re-raises what it found; keep going
            if isinstance(exc, KeyboardInterrupt):
                raise
            message = str(exc).strip().splitlines()
            failures.append(f"{operation.method.upper()} {operation.path}: " + " | ".join(message[:8])[:700])
    return failures


def test_the_api_answers_as_its_schema_says(world, client, settings):
    from rest_framework.authtoken.models import Token

    settings.SECURE_SSL_REDIRECT = False
    schema = client.get("/api/schema/?format=json").json()
    token = Token.objects.create(user=world.user("city")).key
    failures = fuzz(schema, token)
    assert failures == [], "\n".join(sorted(set(failures)))
