"""API error format: Django validation errors are 400 with field names, workflow conflicts 409, and a write that
collides with another one committed at the same moment (a unique row, a deadlock, a lock wait that timed out) 409
with a request to try again, never 500."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, OperationalError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .exceptions import TransitionNotAllowed


def validation_error_detail(exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for e in errs for m in e.messages] for field, errs in exc.error_dict.items()}
    return {"detail": " ".join(str(m) for m in exc.messages)}


def is_write_conflict(exc) -> bool:
    """A collision with a concurrent write: unique/foreign-key violations, deadlocks, serialisation failures and
    lock timeouts (SQLite "database is locked", PostgreSQL lock_timeout)."""
    if isinstance(exc, IntegrityError):
        return True
    if isinstance(exc, OperationalError):
        cause = exc.__cause__
        sqlstate = getattr(cause, "sqlstate", None) or getattr(getattr(cause, "diag", None), "sqlstate", None)
        return sqlstate in {"40001", "40P01", "55P03"} or "database is locked" in str(exc)
    return False


CONFLICT_MESSAGE = gettext_noop("The data were changed by another request at the same moment. Reload and try again.")


NUMBER_TOO_LARGE = gettext_noop("A number in the request is too large.")


def exception_handler(exc, ctx):
    if is_write_conflict(exc):
        return Response({"detail": _(CONFLICT_MESSAGE)}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, OverflowError):  # a number beyond 64 bits that no form bounded (SQLite cannot bind it)
        return Response({"detail": _(NUMBER_TOO_LARGE)}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, TransitionNotAllowed):
        return Response({"detail": str(exc.message)}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        detail = validation_error_detail(exc)
        if "__all__" in detail:
            detail["non_field_errors"] = detail.pop("__all__")
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    return drf_exception_handler(exc, ctx)
