"""Systemic-problem alerts."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from industry_brain.accounts.choices import Role
from industry_brain.core.models import BaseModel

from ..choices import (
    AlertScope,
    AlertStatus,
)
from .demand import Demand, DemandCategory


class SystemicAlert(BaseModel):
    """Several enterprises of one district (or chain) raising the same problem within a week."""

    scope_kind = models.CharField(_("grouped by"), max_length=10, choices=AlertScope.choices)
    district = models.ForeignKey("core.District", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("district"))
    chain = models.ForeignKey("chains.Chain", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("chain"))
    category = models.ForeignKey(DemandCategory, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("category"))
    window_start = models.DateField(_("first demand on"))
    window_end = models.DateField(_("latest demand on"))
    enterprise_count = models.PositiveIntegerField(_("enterprises"))
    demands = models.ManyToManyField(Demand, related_name="systemic_alerts", verbose_name=_("demands"))
    status = models.CharField(_("status"), max_length=15, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-window_end", "-id"]
        verbose_name = _("systemic-problem alert")
        verbose_name_plural = _("systemic-problem alerts")
        constraints = [
            models.CheckConstraint(
                condition=(Q(scope_kind="district", district__isnull=False, chain__isnull=True)
                           | Q(scope_kind="chain", chain__isnull=False, district__isnull=True)),
                name="systemicalert_scope_matches", violation_error_message=_(
                    "A district alert names a district, a chain alert names a chain.")),
            models.CheckConstraint(condition=Q(window_end__gte=models.F("window_start")),
                                   name="systemicalert_window_in_order",
                                   violation_error_message=_("The window ends after it starts.")),
        ]

    # What an alert's label (`__str__`) reads: select these with every list of alerts shown by name.
    LABEL_RELATED = ("district", "chain", "category", "category__parent")

    def __str__(self) -> str:
        where = self.district or self.chain
        return f"{where} · {self.category} · {self.enterprise_count}"

    def get_absolute_url(self) -> str:
        return reverse("demands:alert_detail", args=[self.pk])

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        if user.role == Role.DISTRICT and action == "view":
            return Q(district_id=user.district_code)
        if user.role == Role.CHAIN_TEAM and action == "view":
            return Q(chain__ecosystem_id=user.ecosystem_id)
        return None
