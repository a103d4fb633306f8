"""Reads of future factories. `factory_levels` is the public read for other apps (policies)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, QuerySet

from .models import FactoryApplication, FactoryStatus

LEVEL_ORDER = ["digital_workshop", "smart_factory", "future_factory"]


def factory_levels(enterprise_ids: Iterable[int], *, user=None) -> dict[int, list[dict]]:
    """Recognised factory levels of these firms: {enterprise id: [{level, list_level, year, gbt39116_level}]},
    highest level first. With `user`, restricted to what the user may see; a platform job passes none."""
    qs = FactoryApplication.objects.filter(enterprise_id__in=list(enterprise_ids), status=FactoryStatus.RECOGNISED)
    if user is not None:
        qs = qs & FactoryApplication.objects.restrict(user, "view")
    out: dict[int, list[dict]] = {}
    for pk, level, list_level, year, gbt in qs.values_list("enterprise_id", "level", "list_level", "year",
                                                           "gbt39116_level"):
        out.setdefault(pk, []).append({"level": level, "list_level": list_level, "year": year,
                                       "gbt39116_level": gbt})
    for rows in out.values():
        rows.sort(key=lambda r: (-LEVEL_ORDER.index(r["level"]), -r["year"]))
    return out


def applications(*, user) -> QuerySet[FactoryApplication]:
    return FactoryApplication.objects.restrict(user, "view").select_related("enterprise", "project")


def recognised(*, user) -> QuerySet[FactoryApplication]:
    return applications(user=user).filter(status=FactoryStatus.RECOGNISED)


def statistics(*, user) -> list[dict]:
    """Recognised factories by level, list and year (public lists)."""
    return list(recognised(user=user).values("level", "list_level", "year").annotate(n=Count("id"))
                .order_by("year", "level", "list_level"))
