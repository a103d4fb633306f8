"""Reads of organisations."""

from django.db.models import QuerySet

from .choices import OrganisationKind
from .models import Organisation


def departments(request=None) -> QuerySet[Organisation]:
    """The departments that coordinate demands, by name (usable as a filter's callable queryset)."""
    return Organisation.objects.filter(kind=OrganisationKind.DEPARTMENT).order_by("name")
