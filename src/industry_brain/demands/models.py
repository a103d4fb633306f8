"""Enterprise service: cadres, their assignments to enterprises, and enterprise demands (诉求)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from industry_brain.accounts.choices import Role
from industry_brain.core.models import BaseModel


class Cadre(BaseModel):
    """A cadre (助企干部) who serves enterprises; may have a platform account."""

    code = models.CharField(_("cadre number"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=50)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="cadres",
                                     verbose_name=_("organisation"))
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="cadre_profile", verbose_name=_("platform account"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("cadre")
        verbose_name_plural = _("cadres")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        if user.role == Role.DISTRICT:
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
        if user.role == Role.DISTRICT:
            return Q(enterprise__district_id=user.district_code)
        if user.role == Role.CADRE and action == "view":
            return Q(cadre__user=user)
        return None


class Demand(BaseModel):
    """An enterprise demand (诉求) with one accountable coordinating department."""

    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="demands",
                                   verbose_name=_("enterprise"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    status = models.CharField(_("status"), max_length=20, default="submitted", db_index=True)
    department = models.ForeignKey("accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="demands", verbose_name=_("coordinating department"))
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("raised by"))

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("demand")
        verbose_name_plural = _("demands")

    def __str__(self) -> str:
        return self.title

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        if user.role == Role.ENTERPRISE:
            return Q(enterprise_id=user.enterprise_id)
        if user.role == Role.DISTRICT:
            return Q(enterprise__district_id=user.district_code)
        if user.role == Role.DEPARTMENT:
            return Q(department_id=user.organisation_id)
        if user.role == Role.CADRE:
            return Q(raised_by=user) | Q(enterprise__assignments__cadre__user=user)
        return None
