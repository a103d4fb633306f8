"""Request id (and, for reads, the request's memory of scope answers), acting user and Content-Security-Policy
header."""

from __future__ import annotations

import re

from django.conf import settings

from . import context

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestContextMiddleware:
    """Give every request an id (kept from X-Request-ID when it is well formed) and echo it back; GET and HEAD
    requests remember their scope answers (`context.remembering_scope_answers`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if _SAFE_ID.match(incoming) else context.new_request_id()
        token = context.set_request_id(request.id)
        try:
            if request.method in ("GET", "HEAD"):
                with context.remembering_scope_answers():
                    response = self.get_response(request)
            else:
                response = self.get_response(request)
        finally:
            context._request_id.reset(token)
        response["X-Request-ID"] = request.id
        return response


class ActorMiddleware:
    """Make the signed-in user the actor of everything written during the request.

    API token users are authenticated later by DRF; the base API view sets the actor again then.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user if request.user.is_authenticated else None
        tokens = context.set_actor(user)
        try:
            return self.get_response(request)
        finally:
            context.reset_actor(tokens)


class ContentSecurityPolicyMiddleware:
    """Add the Content-Security-Policy header (Django 5.2 has no built-in one)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith("/api/docs"):
            response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


class WriteConflictMiddleware:
    """Pages: a number too large for the database is a 400; a write that collides with a concurrent one
    (core.api_errors.is_write_conflict) answers 409 with a request to reload and try again, not 500. (The API's
    exception handler does the same for API views.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.http import HttpResponse
        from django.utils.html import escape
        from django.utils.translation import gettext as _

        from .api_errors import CONFLICT_MESSAGE, NUMBER_TOO_LARGE, is_write_conflict

        if isinstance(exception, OverflowError):  # a number beyond 64 bits in a query string: bad input
            return HttpResponse(f"<!doctype html><title>400</title><p>{escape(_(NUMBER_TOO_LARGE))}</p>", status=400)
        if not is_write_conflict(exception):
            return None
        import logging

        logging.getLogger("industry_brain.conflicts").warning("write conflict on %s: %s", request.path, exception)
        return HttpResponse(f"<!doctype html><title>409</title><p>{escape(_(CONFLICT_MESSAGE))}</p>", status=409)
