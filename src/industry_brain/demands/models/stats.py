"""The pre-aggregated demand statistics."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
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
    aggregate rows are rebuilt so that concurrent refreshes of the same day cannot double-count."""

    day = models.DateField(_("day"), primary_key=True)
    refreshed_at = models.DateTimeField(_("refreshed at"), null=True, blank=True)

    class Meta:
        ordering = ["day"]
        verbose_name = _("statistics day")
        verbose_name_plural = _("statistics days")

    def __str__(self) -> str:
        return f"{self.day}"
