"""Reads of the enterprise registry."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import ConfidentialReadLog, Enterprise, YearlyFigures


def enterprise_list(*, user) -> QuerySet[Enterprise]:
    return Enterprise.objects.restrict(user, "view").select_related("district", "industry")


def enterprise_can_see_confidential(*, user, enterprise: Enterprise) -> bool:
    return Enterprise.objects.permits(user, enterprise, "view_confidential")


def figures_for(*, user, enterprise: Enterprise) -> QuerySet[YearlyFigures]:
    return YearlyFigures.objects.restrict(user, "view").filter(enterprise=enterprise).order_by("year")


def confidential_reads_for(*, user, enterprise: Enterprise, limit: int = 50):
    return ConfidentialReadLog.objects.restrict(user, "view").filter(enterprise=enterprise).select_related(
        "user")[:limit]
