"""The pre-aggregated demand statistics."""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from industry_brain.accounts.choices import Role
from industry_brain.core.querysets import RestrictedManager

from .cadres import Cadre
from .demand import DemandCategory


class DemandDailyStat(models.Model):
    """Pre-aggregated demand statistics: one row per submission day × category × district × department ×
    chain × cadre. Every measure counts demands submitted that day (a cohort), in their current state.
    Rebuilt set-based by `services.demand_stats_refresh`; the statistics endpoint and page read only this."""

    day = models.DateField(_("day"))
    category = models.ForeignKey(DemandCategory, on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("category"))
    category_root = models.ForeignKey(DemandCategory, on_delete=models.CASCADE, related_name="+",
                                      verbose_name=_("category group"))
    district = models.ForeignKey("core.District", on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("district"))
    department = models.ForeignKey("accounts.Organisation", null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="+", verbose_name=_("department"))
    chain = models.ForeignKey("chains.Chain", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                              verbose_name=_("chain"))
    cadre = models.ForeignKey(Cadre, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                              verbose_name=_("cadre"))
    collected = models.PositiveIntegerField(_("collected"), default=0)
    resolved = models.PositiveIntegerField(_("resolved"), default=0)
    on_time = models.PositiveIntegerField(_("resolved on time"), default=0)
    handling_days = models.PositiveIntegerField(_("handling working days (sum)"), default=0)
    rated = models.PositiveIntegerField(_("rated"), default=0)
    satisfied = models.PositiveIntegerField(_("satisfied"), default=0)
    basically_satisfied = models.PositiveIntegerField(_("basically satisfied"), default=0)
    dissatisfied = models.PositiveIntegerField(_("dissatisfied"), default=0)
    reopened = models.PositiveIntegerField(_("reopened"), default=0)
    transferred = models.PositiveIntegerField(_("transferred"), default=0)
    escalated = models.PositiveIntegerField(_("escalated"), default=0)

    objects = RestrictedManager()

    class Meta:
        ordering = ["day", "id"]
        verbose_name = _("daily demand statistics")
        verbose_name_plural = _("daily demand statistics")
        indexes = [
            models.Index(fields=["day"], name="demandstat_day_idx"),
            models.Index(fields=["district", "day"], name="demandstat_district_idx"),
            models.Index(fields=["category_root", "day"], name="demandstat_category_idx"),
            models.Index(fields=["department", "day"], name="demandstat_department_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(resolved__lte=models.F("collected")),
                                   name="demandstat_resolved_within_collected",
                                   violation_error_message=_("Resolved cannot exceed collected.")),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.category_id} {self.district_id}: {self.collected}"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        if action != "view":
            return None
        if user.role == Role.DISTRICT:
            return Q(district_id=user.district_code)
        if user.role == Role.DEPARTMENT:
            return Q(department_id=user.organisation_id)
        if user.role == Role.CHAIN_TEAM:
            return Q(chain__ecosystem_id=user.ecosystem_id)
        if user.role == Role.CADRE:
            return Q(cadre__user=user)
        return None


class DemandStatDay(models.Model):
    """Bookkeeping of the statistics refresh: one row per submission day, locked while that day's
    aggregate rows are rebuilt so that concurrent refreshes of the same day cannot double-count. The row of a
    month's first day (present even when nothing was submitted that day) also guards that month's rows of the
    monthly tables, which a refresh of any day of the month updates in place."""

    day = models.DateField(_("day"), primary_key=True)
    refreshed_at = models.DateTimeField(_("refreshed at"), null=True, blank=True)

    class Meta:
        ordering = ["day"]
        verbose_name = _("statistics day")
        verbose_name_plural = _("statistics days")

    def __str__(self) -> str:
        return f"{self.day}"


def _scope_fields(q: Q) -> set[str]:
    """The fields (first part of each lookup) a scope rule names."""
    fields: set[str] = set()
    for child in q.children:
        if isinstance(child, Q):
            fields |= _scope_fields(child)
        else:
            fields.add(child[0].split("__", 1)[0])
    return fields


def _scope_kept(model: type[models.Model], user, action: str) -> Q | None:
    """The daily table's scope rule for `model`, a coarser table with the same column names, when the rule names
    only columns the coarser table keeps; otherwise None (nothing: the table cannot tell that reader's rows apart,
    and the statistics read the daily table for them)."""
    q = DemandDailyStat.scope(user, action)
    if q is None:
        return None
    for name in _scope_fields(q):
        try:
            model._meta.get_field(name)
        except FieldDoesNotExist:
            return None
    return q


_ID = models.BigIntegerField()


class DemandStatMeasures(models.Model):
    """The measures of the coarser statistics tables: sums of `DemandDailyStat`'s measures of the same name."""

    collected = models.PositiveIntegerField(_("collected"), default=0)
    resolved = models.PositiveIntegerField(_("resolved"), default=0)
    on_time = models.PositiveIntegerField(_("resolved on time"), default=0)
    handling_days = models.PositiveIntegerField(_("handling working days (sum)"), default=0)
    rated = models.PositiveIntegerField(_("rated"), default=0)
    satisfied = models.PositiveIntegerField(_("satisfied"), default=0)
    basically_satisfied = models.PositiveIntegerField(_("basically satisfied"), default=0)
    dissatisfied = models.PositiveIntegerField(_("dissatisfied"), default=0)
    reopened = models.PositiveIntegerField(_("reopened"), default=0)
    transferred = models.PositiveIntegerField(_("transferred"), default=0)
    escalated = models.PositiveIntegerField(_("escalated"), default=0)

    class Meta:
        abstract = True


class DemandMonthlyStat(DemandStatMeasures):
    """`DemandDailyStat` summed by submission month × category group × district × department × chain (no day,
    category or cadre): the statistics page reads it whenever its filters and the reader's scope keep to these
    columns and its period is whole months. Kept by `services.demand_stats_refresh`: rebuilt whole from the daily
    table, or each changed group's difference added in place for the refreshed days (docs/decisions.md)."""

    month = models.DateField(_("month"))  # its first day
    category_root = models.ForeignKey(DemandCategory, on_delete=models.CASCADE, related_name="+", db_index=False,
                                      verbose_name=_("category group"))
    district = models.ForeignKey("core.District", on_delete=models.CASCADE, related_name="+", db_index=False,
                                 verbose_name=_("district"))
    department = models.ForeignKey("accounts.Organisation", null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="+", db_index=False, verbose_name=_("department"))
    chain = models.ForeignKey("chains.Chain", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                              db_index=False, verbose_name=_("chain"))

    objects = RestrictedManager()

    class Meta:
        ordering = ["month", "id"]
        verbose_name = _("monthly demand statistics")
        verbose_name_plural = _("monthly demand statistics")
        indexes = [
            # A group's row by its keys (the refresh of a day deletes its groups' rows), empty keys as 0.
            models.Index("month", "district", "category_root", Coalesce("department", 0, output_field=_ID),
                         Coalesce("chain", 0, output_field=_ID), name="demandmonthstat_group_idx"),
            models.Index(fields=["district", "month"], name="demandmonthstat_district_idx"),
            models.Index(fields=["department", "month"], name="demandmonthstat_dept_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(resolved__lte=models.F("collected")),
                                   name="demandmonthstat_resolved_within_collected",
                                   violation_error_message=_("Resolved cannot exceed collected.")),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.category_root_id} {self.district_id}: {self.collected}"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        return _scope_kept(cls, user, action)


class DemandCadreMonthlyStat(DemandStatMeasures):
    """`DemandDailyStat` summed by submission month × district × cadre: the page's cadre breakdown (the top
    fifteen over the selected months, ranked in the query) when the monthly table answers the rest. Top cadres
    per month would not do: a cadre sixteenth in every month may be first over the year."""

    month = models.DateField(_("month"))  # its first day
    district = models.ForeignKey("core.District", on_delete=models.CASCADE, related_name="+", db_index=False,
                                 verbose_name=_("district"))
    cadre = models.ForeignKey(Cadre, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                              db_index=False, verbose_name=_("cadre"))

    objects = RestrictedManager()

    class Meta:
        ordering = ["month", "id"]
        verbose_name = _("monthly demand statistics by cadre")
        verbose_name_plural = _("monthly demand statistics by cadre")
        indexes = [
            models.Index("month", "district", Coalesce("cadre", 0, output_field=_ID), name="demandcadrestat_group_idx"),
            models.Index(fields=["district", "month"], name="demandcadrestat_district_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(resolved__lte=models.F("collected")),
                                   name="demandcadrestat_resolved_within_collected",
                                   violation_error_message=_("Resolved cannot exceed collected.")),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.cadre_id} {self.district_id}: {self.collected}"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        return _scope_kept(cls, user, action)
