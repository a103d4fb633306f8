"""Liveness and readiness for load balancers: says whether the platform answers, and nothing about its settings."""

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    """200 when the database answers, 503 when it does not; the body names no setting, engine or version."""
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
    except Exception:  # any database failure is "not ready"; the log has the reason
        import logging

        logging.getLogger(__name__).exception("health check: database unavailable")
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})
