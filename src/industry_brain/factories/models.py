"""Future factories (数字化车间 → 智能工厂 → 未来工厂): applications against the 2025 gates, recognitions."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from industry_brain.accounts.choices import Role
from industry_brain.core.models import BaseModel


class FactoryLevel(models.TextChoices):
    DIGITAL_WORKSHOP = "digital_workshop", _("Digital workshop")
    SMART_FACTORY = "smart_factory", _("Smart factory")
    FUTURE_FACTORY = "future_factory", _("Future factory")


class ListLevel(models.TextChoices):
    PROVINCIAL = "provincial", _("provincial")
    MUNICIPAL = "municipal", _("municipal")


class FactoryStatus(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    DISTRICT_REVIEWED = "district_reviewed", _("reviewed by the district")
    EVALUATED = "evaluated", _("evaluated")
    PUBLICISED = "publicised", _("in public notice")
    RECOGNISED = "recognised", _("recognised")
    REJECTED = "rejected", _("rejected")


class FactoryApplication(BaseModel):
    """A factory's application for one level, with the figures the 2025 gates need and, where reported, its
    GB/T 39116 智能制造能力成熟度 level; linked to the firm's investment project when there is one."""

    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT,
                                   related_name="factory_applications", verbose_name=_("enterprise"))
    project = models.ForeignKey("projects.Project", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="factory_applications", verbose_name=_("investment project"))
    level = models.CharField(_("level"), max_length=20, choices=FactoryLevel.choices)
    list_level = models.CharField(_("list"), max_length=12, choices=ListLevel.choices, default=ListLevel.MUNICIPAL)
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2020), MaxValueValidator(2100)])
    status = models.CharField(_("status"), max_length=20, choices=FactoryStatus.choices,
                              default=FactoryStatus.SUBMITTED)
    investment = models.DecimalField(_("software and hardware investment, five years before completion"),
                                     max_digits=14, decimal_places=2, null=True, blank=True)
    digital_level = models.DecimalField(_("digital level"), max_digits=3, decimal_places=1, null=True, blank=True)
    credit_good = models.BooleanField(_("credit rating good or better"), null=True, blank=True)
    mountain_island = models.BooleanField(_("mountain or island county"), default=False)
    completion_year = models.PositiveSmallIntegerField(_("year of completion"), null=True, blank=True)
    gbt39116_level = models.PositiveSmallIntegerField(
        _("GB/T 39116 maturity level"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)])
    eligible = models.BooleanField(_("meets the gates"), null=True, blank=True)
    evaluation = models.JSONField(_("evaluation"), default=dict, blank=True)
    rule_set = models.ForeignKey("cultivation.TierRuleSet", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("rule set used"))
    notice_until = models.DateField(_("public notice until"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "level", "id"]
        verbose_name = _("factory application")
        verbose_name_plural = _("factory applications")
        indexes = [models.Index(fields=["status", "level", "year"], name="factoryapp_status_idx")]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.get_level_display()} {self.year}"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        from industry_brain.enterprises.models import enterprise_scope

        if action == "view":
            # Recognised factories are publicly announced: whoever sees the firm sees them (as recognitions);
            # applications are the firm's confidential data. Departments see neither.
            if user.role == Role.DEPARTMENT:
                return None
            own = enterprise_scope(user, "view_confidential", prefix="enterprise__")
            public = enterprise_scope(user, "view", prefix="enterprise__")
            recognised = Q(status=FactoryStatus.RECOGNISED) & public if public is not None else Q(pk__in=[])
            return recognised | own if own is not None else recognised
        if action in ("add", "change"):
            if user.role == Role.ENTERPRISE:
                return Q(enterprise_id=user.enterprise_id)
            if user.role == Role.DISTRICT:
                return Q(enterprise__district_id=user.district_code)
        return None
