"""Cadres, their assignments to enterprises and their visits."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from industry_brain.accounts.choices import Role
from industry_brain.core.models import BaseModel

from ..choices import (
    VisitMode,
)


def _assigned_enterprises(user):
    """Enterprises the cadre account currently serves (a sub-query, so scopes need no DISTINCT)."""
    return Assignment.objects.filter(cadre__user=user, ended_on__isnull=True).values("enterprise_id")


class Cadre(BaseModel):
    """A cadre (助企干部) who serves enterprises; may have a platform account.

    Demo cadres carry functional labels ("西湖区助企干部 0012"), never invented personal names."""

    code = models.CharField(_("cadre number"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=50)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="cadres",
                                     verbose_name=_("organisation"))
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="cadre_profile", verbose_name=_("platform account"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("cadre")
        verbose_name_plural = _("cadres")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("demands:cadre_detail", args=[self.pk])

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        if user.role == Role.DISTRICT and action in ("view", "add", "change"):
            return Q(organisation__district_id=user.district_code)
        if user.role == Role.CADRE and action == "view":
            return Q(user=user)
        return None


class Assignment(BaseModel):
    """A cadre assigned to serve an enterprise for a period (ended_on empty: current)."""

    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("cadre"))
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="assignments",
                                   verbose_name=_("enterprise"))
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["-started_on", "id"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        indexes = [models.Index(fields=["enterprise", "ended_on"], name="assignment_enterprise_idx")]
        constraints = [
            models.UniqueConstraint(fields=["cadre", "enterprise"], condition=Q(ended_on__isnull=True),
                                    name="assignment_one_current_per_pair",
                                    violation_error_message=_("This cadre already serves this enterprise.")),
            models.CheckConstraint(condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                                   name="assignment_period_in_order",
                                   violation_error_message=_("The end date cannot be before the start date.")),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} → {self.enterprise}"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        if user.role == Role.DISTRICT and action in ("view", "add", "change"):
            return Q(enterprise__district_id=user.district_code)
        if user.role == Role.CADRE and action == "view":
            return Q(cadre__user=user)
        if user.role == Role.ENTERPRISE and action == "view":
            return Q(enterprise_id=user.enterprise_id)
        return None


class Visit(BaseModel):
    """A cadre's visit to (or call with) an enterprise; demands raised on the visit link back to it."""

    date = models.DateField(_("date"))
    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="visits", verbose_name=_("cadre"))
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="visits",
                                   verbose_name=_("enterprise"))
    mode = models.CharField(_("mode"), max_length=10, choices=VisitMode.choices, default=VisitMode.ON_SITE)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        indexes = [models.Index(fields=["enterprise", "-date"], name="visit_enterprise_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(mode__in=VisitMode.values), name="visit_mode_known",
                                   violation_error_message=_("Unknown visit mode.")),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.cadre} → {self.enterprise}"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        if user.role == Role.DISTRICT and action in ("view", "add", "change"):
            return Q(enterprise__district_id=user.district_code)
        if user.role == Role.CADRE and action in ("view", "add", "change"):
            return Q(cadre__user=user)
        if user.role == Role.ENTERPRISE and action == "view":
            return Q(enterprise_id=user.enterprise_id)
        return None
