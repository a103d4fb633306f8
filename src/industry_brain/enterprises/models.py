"""The enterprise registry: one home for each enterprise fact (一数一源)."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from industry_brain.accounts.choices import Role
from industry_brain.core.codes import validate_uscc
from industry_brain.core.models import BaseModel
from industry_brain.core.querysets import RestrictedManager, ids_or_subquery

from .choices import ReadChannel, RecognitionLevel, Tier


def enterprise_scope(user, action: str, prefix: str = "") -> Q | None:
    """Which enterprises a user may see or change; `prefix` lets related models reuse the rule
    (e.g. prefix="enterprise__" for yearly figures). Memberships and assignments are matched with
    sub-queries so that the result needs no DISTINCT."""
    p = prefix
    role = user.role
    if role == Role.ENTERPRISE:
        if action in ("view", "view_confidential", "change"):
            return Q(**{f"{p}pk": user.enterprise_id})
        return None
    if role == Role.DISTRICT:
        if action == "view":
            return Q()  # all enterprises' public profiles
        return Q(**{f"{p}district_id": user.district_code})
    if role == Role.CHAIN_TEAM:
        if action in ("view", "view_confidential"):
            # Confirmed memberships only: a team's own proposal does not open the firm (docs/scope.md).
            members = apps.get_model("chains", "ChainMembership").objects.counted().filter(
                node__chain__ecosystem_id=user.ecosystem_id).values("enterprise_id")
            return Q(**{f"{p}pk__in": members})
        return None
    if role == Role.CADRE:
        if action in ("view", "view_confidential"):
            assigned = apps.get_model("demands", "Assignment").objects.filter(
                cadre__user=user, ended_on__isnull=True).values("enterprise_id")
            return Q(**{f"{p}pk__in": ids_or_subquery(assigned)})
        return None
    if role == Role.DEPARTMENT:
        if action == "view":
            routed = apps.get_model("demands", "Demand").objects.filter(
                department_id=user.organisation_id).values("enterprise_id")
            q = Q(**{f"{p}pk__in": ids_or_subquery(routed)})
            # A department asked to co-handle a demand sees that demand, so it sees whose demand it is.
            cohandled = ids_or_subquery(apps.get_model("demands", "CoHandlingTask").objects.filter(
                department_id=user.organisation_id).values("demand__enterprise_id"))
            if not isinstance(cohandled, list) or cohandled:
                q |= Q(**{f"{p}pk__in": cohandled})
            return q
        return None
    return None


class Enterprise(BaseModel):
    """A registered enterprise, identified by its unified social credit code."""

    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True, validators=[validate_uscc])
    name = models.CharField(_("name"), max_length=200)
    district = models.ForeignKey("core.District", on_delete=models.PROTECT, related_name="enterprises",
                                 verbose_name=_("district"))
    street = models.CharField(_("street or town"), max_length=50, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                              validators=[MinValueValidator(-90), MaxValueValidator(90)])
    lon = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                              validators=[MinValueValidator(-180), MaxValueValidator(180)])
    industry = models.ForeignKey("core.IndustryDivision", on_delete=models.PROTECT, related_name="enterprises",
                                 verbose_name=_("industry division"))
    is_above_scale = models.BooleanField(_("above designated size"), default=False)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    is_listed = models.BooleanField(_("listed company"), default=False)
    # Highest valid tier, kept by the recognition services so lists can filter and sort without a join.
    top_tier = models.CharField(_("highest tier"), max_length=20, choices=Tier.choices, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        indexes = [
            models.Index(fields=["district", "name"], name="enterprise_district_name_idx"),
            models.Index(fields=["industry", "name"], name="enterprise_industry_name_idx"),
            # One (column, id) index per sortable list column: the list orders by the column and breaks ties by
            # id in the same direction, so the first page and deep pages (keys first, then rows) read an index
            # range instead of sorting the registry. Name search has its own trigram index (migration 0002).
            models.Index(fields=["name", "id"], name="enterprise_name_id_idx"),
            models.Index(fields=["district", "id"], name="enterprise_district_id_idx"),
            models.Index(fields=["industry", "id"], name="enterprise_industry_id_idx"),
            models.Index(fields=["is_above_scale", "id"], name="enterprise_above_id_idx"),
            models.Index(fields=["top_tier", "id"], name="enterprise_tier_id_idx"),
            models.Index(fields=["founded_on", "id"], name="enterprise_founded_id_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(lat__isnull=True, lon__isnull=True) | Q(lat__isnull=False, lon__isnull=False),
                name="enterprise_lat_lon_together",
                violation_error_message=_("Latitude and longitude are given together or not at all."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("enterprises:enterprise_detail", args=[self.pk])

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        if action == "add":
            return Q(district_id=user.district_code) if user.role == Role.DISTRICT else None
        if action == "delete":
            return None
        return enterprise_scope(user, action)


def enterprise_scope_ecosystem(user, action: str) -> int | None:
    """The ecosystem whose confirmed member firms are exactly the user's `action` scope over enterprises (a work
    team's view: `enterprise_scope`), or None. For such a reader the list reads the ecosystem's stored rows
    (`EcosystemMember`) instead of semi-joining the memberships against the registry; the rule itself stays in
    `enterprise_scope`."""
    if user.role == Role.CHAIN_TEAM and action in ("view", "view_confidential") and user.ecosystem_id:
        return user.ecosystem_id
    return None


class YearlyFigures(BaseModel):
    """One enterprise's figures for one year (万元 unless stated). Confidential: shown only within scope."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="figures",
                                   verbose_name=_("enterprise"))
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)])
    revenue = models.DecimalField(_("revenue"), max_digits=14, decimal_places=2, default=0)
    main_revenue = models.DecimalField(_("main-business revenue"), max_digits=14, decimal_places=2, default=0)
    rd_expense = models.DecimalField(_("R&D expense"), max_digits=14, decimal_places=2, default=0)
    rd_staff = models.PositiveIntegerField(_("R&D staff"), default=0)
    employees = models.PositiveIntegerField(_("employees"), default=0)
    total_assets = models.DecimalField(_("total assets"), max_digits=14, decimal_places=2, default=0)
    liabilities = models.DecimalField(_("liabilities"), max_digits=14, decimal_places=2, default=0)
    net_profit = models.DecimalField(_("net profit"), max_digits=14, decimal_places=2, default=0)
    invention_patents = models.PositiveIntegerField(_("invention patents"), default=0)
    export_revenue = models.DecimalField(_("export revenue"), max_digits=14, decimal_places=2, default=0)
    # Figures an enterprise reports itself are unverified until a bureau (city or the firm's district) verifies
    # them; the above-scale flag follows verified figures only (services.enterprise_refresh_scale).
    verified = models.BooleanField(_("verified by the bureau"), default=False)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("verified by"))
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)

    class Meta:
        ordering = ["enterprise", "-year"]
        verbose_name = _("yearly figures")
        verbose_name_plural = _("yearly figures")
        indexes = [
            # The latest year (MAX) and one year's revenue per enterprise (chain output) from the index alone.
            models.Index(fields=["year", "enterprise", "revenue"], name="figures_year_enterprise_idx"),
            # One year's firms by revenue, largest first: a chain node's leading firms without ranking every member.
            models.Index(fields=["year", "-revenue", "enterprise"], name="figures_year_revenue_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="figures_one_row_per_year",
                                    violation_error_message=_("Figures for this year are already recorded.")),
            models.CheckConstraint(condition=Q(main_revenue__lte=models.F("revenue")),
                                   name="figures_main_revenue_within_revenue",
                                   violation_error_message=_("Main-business revenue cannot exceed revenue.")),
            models.CheckConstraint(condition=Q(revenue__gte=0) & Q(main_revenue__gte=0) & Q(rd_expense__gte=0),
                                   name="figures_revenue_not_negative",
                                   violation_error_message=_("Revenue and R&D expense cannot be negative.")),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        if action == "view":
            action = "view_confidential"
        return enterprise_scope(user, action, prefix="enterprise__")

    @property
    def debt_ratio(self):
        return (self.liabilities / self.total_assets * 100) if self.total_assets else None

    @property
    def rd_intensity(self):
        return (self.rd_expense / self.revenue * 100) if self.revenue else None


class Recognition(BaseModel):
    """A tier recognition held by an enterprise (tier, level, year, valid until)."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="recognitions",
                                   verbose_name=_("enterprise"))
    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices)
    level = models.CharField(_("level"), max_length=20, choices=RecognitionLevel.choices)
    year = models.PositiveSmallIntegerField(_("year recognised"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    batch = models.CharField(_("batch or document"), max_length=100, blank=True)

    class Meta:
        ordering = ["enterprise", "-year"]
        verbose_name = _("recognition")
        verbose_name_plural = _("recognitions")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "tier", "level", "year"], name="recognition_unique",
                                    violation_error_message=_("This recognition is already recorded.")),
        ]
        # The renewal reminders of a district's firms (home page): the firms' recognitions within the renewal
        # window, read from the index alone and merged with the district's firm index, instead of every
        # recognition's row fetched through the firm index to test its end date (decision 69).
        indexes = [models.Index(fields=["enterprise", "valid_until", "id"], name="recognition_firm_until_idx")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.get_tier_display()} ({self.year})"

    # A recognition without an end date is valid indefinitely; one whose date has passed no longer counts
    # (top tier, lists, filters, exports, home counts), but stays on record, marked expired.
    RENEWAL_WINDOW_DAYS = 90

    def is_valid_on(self, day) -> bool:
        return self.valid_until is None or self.valid_until >= day

    def validity_on(self, day) -> str:
        """`valid`, `expiring` (within the renewal window) or `expired`."""
        import datetime as dt

        if not self.is_valid_on(day):
            return "expired"
        if self.valid_until is not None and self.valid_until <= day + dt.timedelta(days=self.RENEWAL_WINDOW_DAYS):
            return "expiring"
        return "valid"

    @property
    def validity(self) -> str:
        from django.utils import timezone

        return self.validity_on(timezone.localdate())

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        # Recognitions are publicly announced (公示), so whoever sees the enterprise sees them.
        if action == "view":
            return enterprise_scope(user, "view", prefix="enterprise__")
        return None


class ConfidentialReadLog(models.Model):
    """Who read an enterprise's confidential figures, when and where (DESIGN principle 5)."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="confidential_reads",
                                   verbose_name=_("enterprise"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("reader"))
    organisation_name = models.CharField(_("reader's organisation"), max_length=200, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)
    channel = models.CharField(_("channel"), max_length=10, choices=ReadChannel.choices)
    what = models.CharField(_("what was read"), max_length=200)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("confidential data read")
        verbose_name_plural = _("confidential data reads")
        indexes = [models.Index(fields=["enterprise", "-at"], name="confread_enterprise_at_idx")]

    def __str__(self) -> str:
        return f"{self.user} {self.what} {self.at:%Y-%m-%d %H:%M}"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        # The enterprise sees who read its data; nobody else but the city bureau sees the log.
        if user.role == Role.ENTERPRISE and action == "view":
            return Q(enterprise_id=user.enterprise_id)
        return None


class EcosystemMember(BaseModel):
    """A confirmed member firm of an ecosystem, with copies of the firm's list columns (name, credit code,
    district, industry, scale, tier, founding date).

    Derived from the confirmed memberships and the registry, so that a work team's enterprise list (its scope is its
    ecosystem's confirmed members) reads one index range in the requested order, as the city's list reads the
    registry's (column, id) indexes, instead of semi-joining the memberships against the registry and sorting.
    Kept per firm by the membership services (place, confirm, remove) and the enterprise services (a copied column
    changed), and synchronised whole by the chain statistics refresh (hourly), which also repairs rows written
    around the services; the list reads it only while its row count equals the live member count
    (`selectors.ecosystem_rows_current`), so each role's rows are always the plain query's (docs/decisions.md)."""

    ecosystem = models.ForeignKey("chains.Ecosystem", on_delete=models.CASCADE, related_name="+", db_index=False,
                                  verbose_name=_("ecosystem"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="ecosystem_rows",
                                   verbose_name=_("enterprise"))
    name = models.CharField(_("name"), max_length=200)
    uscc = models.CharField(_("unified social credit code"), max_length=18)
    district = models.ForeignKey("core.District", on_delete=models.CASCADE, related_name="+", db_index=False,
                                 verbose_name=_("district"))
    industry = models.ForeignKey("core.IndustryDivision", on_delete=models.CASCADE, related_name="+",
                                 db_index=False, verbose_name=_("industry division"))
    is_above_scale = models.BooleanField(_("above designated size"), default=False)
    top_tier = models.CharField(_("highest tier"), max_length=20, choices=Tier.choices, blank=True)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)

    class Meta:
        ordering = ["ecosystem", "name", "enterprise"]
        verbose_name = _("ecosystem member firm")
        verbose_name_plural = _("ecosystem member firms")
        # One (ecosystem, column, firm) index per sortable list column, the twin of the registry's (column, id)
        # indexes: an ecosystem's first page and deep pages are an index range in either direction.
        indexes = [
            models.Index(fields=["ecosystem", "name", "enterprise"], name="ecomember_name_idx"),
            models.Index(fields=["ecosystem", "uscc", "enterprise"], name="ecomember_uscc_idx"),
            models.Index(fields=["ecosystem", "district", "enterprise"], name="ecomember_district_idx"),
            models.Index(fields=["ecosystem", "industry", "enterprise"], name="ecomember_industry_idx"),
            models.Index(fields=["ecosystem", "is_above_scale", "enterprise"], name="ecomember_above_idx"),
            models.Index(fields=["ecosystem", "top_tier", "enterprise"], name="ecomember_tier_idx"),
            models.Index(fields=["ecosystem", "founded_on", "enterprise"], name="ecomember_founded_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["ecosystem", "enterprise"], name="ecomember_unique",
                                    violation_error_message=_("The enterprise is already listed in this ecosystem.")),
        ]

    def __str__(self) -> str:
        return f"{self.ecosystem_id}: {self.name}"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        # Firms' public list columns: whoever may see the enterprise; nobody writes here but the services.
        return enterprise_scope(user, "view", prefix="enterprise__") if action == "view" else None
