"""Users and the organisations they work for."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from industry_brain.core.models import BaseModel
from industry_brain.core.querysets import RestrictedQuerySet

from .choices import OrganisationKind, Role


class Organisation(BaseModel):
    """A unit that uses the platform: the city bureau, a district bureau, a department, a chain work team."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices, db_index=True)
    district = models.ForeignKey("core.District", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="organisations", verbose_name=_("district"))
    ecosystem = models.ForeignKey("chains.Ecosystem", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="teams", verbose_name=_("ecosystem"))
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
                               verbose_name=_("parent organisation"))
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="district") | Q(district__isnull=False), name="organisation_district_has_code",
                violation_error_message=_("A district bureau must name its district."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="chain_team") | Q(ecosystem__isnull=False), name="organisation_team_has_ecosystem",
                violation_error_message=_("A chain work team must name its ecosystem."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        # The directory of organisations is public inside the platform; only the city bureau edits it.
        return Q() if action == "view" else None


class UserQuerySet(RestrictedQuerySet):
    pass


class PlatformUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A person signed in to the platform, with one role and the organisation or enterprise it acts for."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.ENTERPRISE, db_index=True)
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="users", verbose_name=_("organisation"))
    enterprise = models.ForeignKey("enterprises.Enterprise", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="users", verbose_name=_("enterprise"))
    title = models.CharField(_("position"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    objects = PlatformUserManager()

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="enterprise") | Q(enterprise__isnull=False),
                name="user_enterprise_role_has_enterprise",
                violation_error_message=_("An enterprise user must belong to an enterprise."),
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.username

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        return Q(pk=user.pk) if action == "view" else None

    # Derived scope facts, read by the models' scope rules.
    @property
    def is_city(self) -> bool:
        return self.is_superuser or self.role == Role.CITY

    @property
    def district_code(self) -> str | None:
        org = self.organisation
        return org.district_id if org is not None else None

    @property
    def ecosystem_id(self) -> int | None:
        org = self.organisation
        return org.ecosystem_id if org is not None and self.role == Role.CHAIN_TEAM else None
