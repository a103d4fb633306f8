"""The answer given to a locked-out account: JSON for the API, the lockout page for browsers."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def lockout_response(request, original_response=None, credentials=None):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Too many failed log-in attempts; the account is locked for 30 minutes.")},
                            status=429)
    return render(request, "accounts/locked_out.html", status=429)
