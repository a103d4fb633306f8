"""The supply network (materials, external suppliers, supply links, bills of materials, capacities, inventories,
recovery times), the chain-break scenarios with their stored runs and results, and emergency mode (应急保障)."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from industry_brain.accounts.choices import Role
from industry_brain.core.models import BaseModel

from .choices import EmergencyStatus, FirmStatus, MatchStatus, RunStatus, TtrSource, WhitelistStatus

REGION_RE = r"^([0-9]{4}00|[A-Z]{2})$"


def emergency_team_enterprises(user):
    """Enterprises on the white lists of the active emergencies whose team includes the user's department."""
    return WhitelistEntry.objects.filter(emergency__team=user.organisation_id).values("enterprise_id")


def supply_scope(user, action: str, prefix: str = "enterprise__") -> Q | None:
    """Who sees or changes supply facts and risk results of a local enterprise (issue item 8): districts their
    district's firms, chain teams their ecosystem's members, an enterprise only itself, departments only the
    white-listed firms of emergencies they work on; cadres nothing. The city sees everything (restrict())."""
    p = prefix
    role = user.role
    if role == Role.DISTRICT:
        return Q(**{f"{p}district_id": user.district_code})
    if role == Role.CHAIN_TEAM:
        if action in ("view", "view_confidential"):
            # Confirmed memberships only, as for the firm itself: a team's own proposal (or a rejected one) does
            # not open the firm's supply facts (docs/scope.md).
            members = apps.get_model("chains", "ChainMembership").objects.counted().filter(
                node__chain__ecosystem_id=user.ecosystem_id).values("enterprise_id")
            return Q(**{f"{p}pk__in": members})
        return None
    if role == Role.ENTERPRISE:
        if action in ("view", "view_confidential", "change", "add"):
            return Q(**{f"{p}pk": user.enterprise_id})
        return None
    if role == Role.DEPARTMENT and action == "view" and user.organisation_id:
        return Q(**{f"{p}pk__in": emergency_team_enterprises(user)})
    return None


def supply_scope_covers_chain(user, chain) -> bool:
    """Whether every member firm of `chain` lies within the user's supply `view` scope by the scope's own rule,
    without asking for each firm: a chain work team sees every firm with a confirmed membership in its ecosystem, so the
    chains of its own ecosystem are seen whole (the city's scope is every firm: `view_network`)."""
    return (user.role == Role.CHAIN_TEAM and user.ecosystem_id is not None
            and chain.ecosystem_id == user.ecosystem_id)


def _analyst(user) -> bool:
    return user.role in (Role.DISTRICT, Role.CHAIN_TEAM)


class Material(BaseModel):
    """A material or product that flows along supply links (optionally placed on a chain node, with HS code)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    unit = models.CharField(_("unit"), max_length=20, default="件")
    node = models.ForeignKey("chains.ChainNode", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="materials", verbose_name=_("chain node"))
    hs_code = models.CharField(_("HS code"), max_length=10, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        if action == "view" and user.role != Role.CADRE:
            return Q()  # a shared vocabulary
        return None


class ExternalFirm(BaseModel):
    """A supplier outside the city's registry: region is a GB/T 2260 prefecture code (上海 310000, 苏州 320500) or
    an ISO 3166 country code for firms abroad."""

    name = models.CharField(_("name"), max_length=200)
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True, db_index=True)
    region = models.CharField(_("region"), max_length=6)
    address = models.CharField(_("address"), max_length=300, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    monthly_capacity = models.DecimalField(_("monthly capacity"), max_digits=16, decimal_places=2, null=True,
                                           blank=True, validators=[MinValueValidator(0)])
    inventory = models.DecimalField(_("inventory on hand"), max_digits=16, decimal_places=2, default=0,
                                    validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("external firm")
        verbose_name_plural = _("external firms")
        indexes = [models.Index(fields=["region"], name="externalfirm_region_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(region__regex=REGION_RE), name="externalfirm_region_code",
                                   violation_error_message=_("The region is a six-digit GB/T 2260 prefecture code "
                                                             "(e.g. 310000, 320500) or a two-letter country code.")),
            models.UniqueConstraint(fields=["uscc"], condition=~Q(uscc=""), name="externalfirm_uscc_unique",
                                    violation_error_message=_("An external firm with this credit code exists.")),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def in_province(self) -> bool:
        return self.region.startswith(settings_province_prefix())

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        if action == "view":
            if _analyst(user):
                return Q()
            if user.role == Role.ENTERPRISE:
                return Q(pk__in=SupplyLink.objects.filter(customer_id=user.enterprise_id)
                         .values("supplier_external_id"))
        return None


def settings_province_prefix() -> str:
    """The first two digits of the province's GB/T 2260 codes (Zhejiang: 33)."""
    return getattr(settings, "SUPPLY_PROVINCE_PREFIX", "33")


class SupplyLink(BaseModel):
    """Supplier → local customer for one material: share of the customer's need and monthly volume."""

    supplier_enterprise = models.ForeignKey("enterprises.Enterprise", null=True, blank=True, on_delete=models.CASCADE,
                                            related_name="supplies", verbose_name=_("supplier (local)"))
    supplier_external = models.ForeignKey(ExternalFirm, null=True, blank=True, on_delete=models.CASCADE,
                                          related_name="supplies", verbose_name=_("supplier (external)"))
    customer = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="supplied_by",
                                 verbose_name=_("customer"))
    material = models.ForeignKey(Material, on_delete=models.PROTECT, related_name="links",
                                 verbose_name=_("material"))
    share = models.DecimalField(_("share of need"), max_digits=5, decimal_places=4,
                                validators=[MinValueValidator(0), MaxValueValidator(1)])
    monthly_volume = models.DecimalField(_("monthly volume"), max_digits=16, decimal_places=2,
                                         validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["customer", "material", "id"]
        verbose_name = _("supply link")
        verbose_name_plural = _("supply links")
        indexes = [
            models.Index(fields=["customer", "material"], name="supplylink_customer_idx"),
            # The chain page's check of the stored input summaries: each firm's link count and id sum, index-only.
            models.Index(fields=["customer", "id"], name="supplylink_customer_id_idx"),
            models.Index(fields=["supplier_external"], name="supplylink_external_idx"),
            models.Index(fields=["supplier_enterprise"], name="supplylink_local_idx"),
            models.Index(fields=["material"], name="supplylink_material_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(supplier_enterprise__isnull=False) & Q(supplier_external__isnull=True))
                | (Q(supplier_enterprise__isnull=True) & Q(supplier_external__isnull=False)),
                name="supplylink_one_supplier",
                violation_error_message=_("A link has exactly one supplier: a local enterprise or an external firm.")),
            models.CheckConstraint(condition=Q(share__gte=0) & Q(share__lte=1), name="supplylink_share_range",
                                   violation_error_message=_("The share is between 0 and 1.")),
            models.CheckConstraint(condition=Q(monthly_volume__gte=0), name="supplylink_volume_not_negative",
                                   violation_error_message=_("The monthly volume cannot be negative.")),
            models.CheckConstraint(condition=~Q(supplier_enterprise=models.F("customer")), name="supplylink_not_self",
                                   violation_error_message=_("An enterprise cannot supply itself.")),
            models.UniqueConstraint(fields=["supplier_enterprise", "customer", "material"],
                                    condition=Q(supplier_enterprise__isnull=False), name="supplylink_unique_local",
                                    violation_error_message=_("This supplier already supplies this material.")),
            models.UniqueConstraint(fields=["supplier_external", "customer", "material"],
                                    condition=Q(supplier_external__isnull=False), name="supplylink_unique_external",
                                    violation_error_message=_("This supplier already supplies this material.")),
        ]

    def __str__(self) -> str:
        try:
            return f"{self.supplier} → {self.customer} ({self.material})"
        except ObjectDoesNotExist:  # a firm deleted with its links: the change log names the link by its ids
            supplier = self.supplier_enterprise_id or self.supplier_external_id
            return f"{supplier} → {self.customer_id} ({self.material_id})"

    @property
    def supplier(self):
        return self.supplier_enterprise if self.supplier_enterprise_id else self.supplier_external

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        return supply_scope(user, action, prefix="customer__")


class FirmProfile(BaseModel):
    """What a local enterprise makes for the supply model: its main product, capacity and output per month,
    finished stock and the value of one unit (万元)."""

    enterprise = models.OneToOneField("enterprises.Enterprise", on_delete=models.CASCADE,
                                      related_name="supply_profile", verbose_name=_("enterprise"))
    product = models.ForeignKey(Material, on_delete=models.PROTECT, related_name="makers",
                                verbose_name=_("main product"))
    monthly_capacity = models.DecimalField(_("monthly capacity"), max_digits=16, decimal_places=2,
                                           validators=[MinValueValidator(0)])
    monthly_output = models.DecimalField(_("monthly output"), max_digits=16, decimal_places=2,
                                         validators=[MinValueValidator(0)])
    inventory = models.DecimalField(_("finished stock"), max_digits=16, decimal_places=2, default=0,
                                    validators=[MinValueValidator(0)])
    unit_value = models.DecimalField(_("value per unit (10k yuan)"), max_digits=14, decimal_places=6, default=0,
                                     validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["enterprise"]
        verbose_name = _("production profile")
        verbose_name_plural = _("production profiles")
        constraints = [
            models.CheckConstraint(condition=Q(monthly_output__lte=models.F("monthly_capacity")),
                                   name="firmprofile_output_within_capacity",
                                   violation_error_message=_("Monthly output cannot exceed the capacity.")),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.product}"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        return supply_scope(user, action)


class BomLine(BaseModel):
    """One input of an enterprise's main product: units needed per unit made, and the stock of it on hand."""

    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="bom_lines",
                                   verbose_name=_("enterprise"))
    material = models.ForeignKey(Material, on_delete=models.PROTECT, related_name="bom_lines",
                                 verbose_name=_("input material"))
    per_unit = models.DecimalField(_("units per unit made"), max_digits=14, decimal_places=6,
                                   validators=[MinValueValidator(0)])
    inventory = models.DecimalField(_("stock on hand"), max_digits=16, decimal_places=2, default=0,
                                    validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["enterprise", "material"]
        verbose_name = _("bill-of-materials line")
        verbose_name_plural = _("bill-of-materials lines")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "material"], name="bomline_unique",
                                    violation_error_message=_("This input is already in the bill of materials.")),
            models.CheckConstraint(condition=Q(per_unit__gt=0), name="bomline_per_unit_positive",
                                   violation_error_message=_("Units per unit made must be positive.")),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} ← {self.material} × {self.per_unit}"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        return supply_scope(user, action)


class FirmInputs(BaseModel):
    """A local enterprise's inputs summed from its supply links: how many links, how many input materials, how
    many of those have one supplier and how many are sourced only outside the province. Derived rows, kept per firm
    by the supply link services and rebuilt whole hourly (`firm_inputs_refresh`), so that the chain page's node
    security panel does not group every member's links on each request. The panel reads a firm's row only while
    the stored link counts and link id sums of the node's firms equal the live ones (docs/decisions.md: a link
    added and another removed around the services change the sum); a firm without links has no row."""

    enterprise = models.OneToOneField("enterprises.Enterprise", on_delete=models.CASCADE, related_name="+",
                                      verbose_name=_("enterprise"))
    links = models.PositiveIntegerField(_("supply links"))
    link_id_sum = models.BigIntegerField(_("sum of the link ids"))
    inputs = models.PositiveIntegerField(_("input materials"))
    single_source = models.PositiveIntegerField(_("single-sourced inputs"))
    outside_only = models.PositiveIntegerField(_("inputs sourced only outside the province"))

    class Meta:
        ordering = ["enterprise"]
        verbose_name = _("input summary")
        verbose_name_plural = _("input summaries")

    def __str__(self) -> str:
        return f"{self.enterprise_id}: {self.inputs} inputs"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        return supply_scope(user, action) if action == "view" else None


class RecoveryEstimate(BaseModel):
    """Time to recover (TTR, days) of a supplier site after a disruption, with where the estimate comes from."""

    supplier_enterprise = models.OneToOneField("enterprises.Enterprise", null=True, blank=True,
                                               on_delete=models.CASCADE, related_name="recovery_estimate",
                                               verbose_name=_("supplier (local)"))
    supplier_external = models.OneToOneField(ExternalFirm, null=True, blank=True, on_delete=models.CASCADE,
                                             related_name="recovery_estimate", verbose_name=_("supplier (external)"))
    ttr_days = models.DecimalField(_("time to recover (days)"), max_digits=8, decimal_places=2,
                                   validators=[MinValueValidator(0)])
    source = models.CharField(_("source"), max_length=12, choices=TtrSource.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("recovery estimate")
        verbose_name_plural = _("recovery estimates")
        constraints = [
            models.CheckConstraint(
                condition=(Q(supplier_enterprise__isnull=False) & Q(supplier_external__isnull=True))
                | (Q(supplier_enterprise__isnull=True) & Q(supplier_external__isnull=False)),
                name="recovery_one_supplier",
                violation_error_message=_("An estimate is for exactly one supplier site.")),
        ]

    def __str__(self) -> str:
        return f"{self.supplier_enterprise or self.supplier_external}: {self.ttr_days}"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        if user.role == Role.ENTERPRISE:
            return Q(supplier_enterprise_id=user.enterprise_id) if action in ("view", "add", "change") else None
        if action == "view" and _analyst(user):
            return Q()
        return None


class MatchReview(BaseModel):
    """An imported supplier name that resembles a known firm (score 0.5–0.8): linked for now to a new external
    firm, waiting for a person to confirm (merge into the candidate) or reject (keep the new firm)."""

    new_firm = models.ForeignKey(ExternalFirm, on_delete=models.CASCADE, related_name="match_reviews",
                                 verbose_name=_("new firm"))
    candidate_enterprise = models.ForeignKey("enterprises.Enterprise", null=True, blank=True,
                                             on_delete=models.CASCADE, related_name="+",
                                             verbose_name=_("candidate (local)"))
    candidate_external = models.ForeignKey(ExternalFirm, null=True, blank=True, on_delete=models.CASCADE,
                                           related_name="+", verbose_name=_("candidate (external)"))
    score = models.FloatField(_("similarity"))
    status = models.CharField(_("status"), max_length=10, choices=MatchStatus.choices, default=MatchStatus.PENDING)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("uploaded by"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["status", "-score", "id"]
        verbose_name = _("match to review")
        verbose_name_plural = _("matches to review")

    def __str__(self) -> str:
        return f"{self.new_firm} ≈ {self.candidate_enterprise or self.candidate_external} ({self.score:.2f})"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        if action in ("view", "change"):
            return Q(uploaded_by=user)
        return None


class Scenario(BaseModel):
    """A disruption to test: suppliers in some regions, districts, enterprises or of some materials lose all
    (or part) of their capacity for a number of days."""

    name = models.CharField(_("name"), max_length=100)
    regions = models.JSONField(_("regions"), default=list, blank=True)
    districts = models.JSONField(_("districts"), default=list, blank=True)
    enterprises = models.JSONField(_("enterprises"), default=list, blank=True)
    materials = models.JSONField(_("materials"), default=list, blank=True)
    periods = models.PositiveIntegerField(_("duration (days)"), validators=[MinValueValidator(1),
                                                                            MaxValueValidator(365)])
    capacity_loss = models.DecimalField(_("capacity lost"), max_digits=4, decimal_places=3, default=1,
                                        validators=[MinValueValidator(0), MaxValueValidator(1)])
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, blank=True)
    last_run = models.ForeignKey("ScenarioRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                 verbose_name=_("last run"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("created by"))

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarios")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("supply:scenario_detail", args=[self.pk])

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        if _analyst(user) and action in ("view", "add"):
            return Q()
        if _analyst(user) and action == "change":
            return Q(created_by=user)
        return None


class ScenarioRun(BaseModel):
    """One computation of a scenario: status, LP size, solver status and timings, and a snapshot of the inputs
    (compressed JSON) so that the numbers can be explained later."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="runs", verbose_name=_("scenario"))
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    solver_status = models.CharField(_("solver status"), max_length=40, blank=True)
    lp_rows = models.PositiveIntegerField(_("LP rows"), default=0)
    lp_columns = models.PositiveIntegerField(_("LP columns"), default=0)
    lp_nonzeros = models.PositiveIntegerField(_("LP non-zeros"), default=0)
    timings = models.JSONField(_("timings (s)"), default=dict, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    snapshot = models.BinaryField(_("input snapshot"), null=True, blank=True)
    # The whole run's page figures, written with the results (the city's view reads them instead of aggregating
    # the results per request); readers with a narrower scope aggregate their own rows.
    page_data = models.JSONField(_("page figures of the whole run"), default=dict, blank=True, editable=False)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("requested by"))

    class Meta:
        ordering = ["-id"]
        verbose_name = _("scenario run")
        verbose_name_plural = _("scenario runs")

    def __str__(self) -> str:
        return f"{self.scenario} #{self.pk}"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        if _analyst(user) and action == "view":
            return Q()
        return None


class ScenarioResult(BaseModel):
    """One affected local enterprise in a run: time to survive, the day it stops, the missing material, lost
    output value, risk exposure index, and ranked alternative suppliers."""

    run = models.ForeignKey(ScenarioRun, on_delete=models.CASCADE, related_name="results", verbose_name=_("run"))
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="risk_results",
                                   verbose_name=_("enterprise"))
    district = models.ForeignKey("core.District", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("district"))
    chain = models.ForeignKey("chains.Chain", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                              verbose_name=_("chain"))
    node = models.ForeignKey("chains.ChainNode", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             verbose_name=_("chain node"))
    rank = models.PositiveIntegerField(_("rank"))
    tts_days = models.FloatField(_("time to survive (days)"))
    tts_capped = models.BooleanField(_("at least the cap"), default=False)
    ttr_days = models.FloatField(_("time to recover (days)"))
    shortfall_days = models.FloatField(_("shortfall (days)"), default=0)
    flagged = models.BooleanField(_("survives less than recovery"), default=False)
    stops_on_day = models.PositiveIntegerField(_("stops on day"), null=True, blank=True)
    missing_material = models.ForeignKey(Material, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                         verbose_name=_("missing material"))
    lost_units = models.FloatField(_("lost output (units)"), default=0)
    lost_value = models.FloatField(_("lost output value (10k yuan)"), default=0)
    rei = models.FloatField(_("risk exposure index"), default=0)
    alternatives = models.JSONField(_("alternatives"), default=list, blank=True)

    class Meta:
        ordering = ["run", "rank"]
        verbose_name = _("scenario result")
        verbose_name_plural = _("scenario results")
        indexes = [
            models.Index(fields=["run", "rank"], name="scenarioresult_run_rank_idx"),
            models.Index(fields=["enterprise", "-run"], name="scenarioresult_enterprise_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.run}: {self.enterprise}"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        return supply_scope(user, action)


class Emergency(BaseModel):
    """An emergency (应急保障) activated by the city: regions and districts hit, when, why, who works on it."""

    name = models.CharField(_("name"), max_length=100)
    regions = models.JSONField(_("regions"), default=list, blank=True)
    districts = models.JSONField(_("districts"), default=list, blank=True)
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=10, choices=EmergencyStatus.choices,
                              default=EmergencyStatus.ACTIVE)
    scenario = models.ForeignKey(Scenario, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                 verbose_name=_("risk scenario"))
    coordinator = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("coordinating department (emergency team)"))
    team = models.ManyToManyField("accounts.Organisation", blank=True, related_name="emergencies",
                                  verbose_name=_("emergency team"))

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = _("emergency")
        verbose_name_plural = _("emergencies")

    def __str__(self) -> str:
        return self.name

    @property
    def active(self) -> bool:
        return self.status == EmergencyStatus.ACTIVE

    def get_absolute_url(self) -> str:
        return reverse("supply:emergency_detail", args=[self.pk])

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        if action == "view":
            if _analyst(user):
                return Q()
            if user.role == Role.DEPARTMENT and user.organisation_id:
                return Q(pk__in=Emergency.team.through.objects.filter(organisation_id=user.organisation_id)
                         .values("emergency_id"))
            if user.role == Role.ENTERPRISE:
                return Q(pk__in=WhitelistEntry.objects.filter(enterprise_id=user.enterprise_id,
                                                              status=WhitelistStatus.CONFIRMED)
                         .values("emergency_id"))
        return None


class WhitelistEntry(BaseModel):
    """A key firm to keep supplied (保供重点企业): proposed from the risk results, confirmed by the city."""

    emergency = models.ForeignKey(Emergency, on_delete=models.CASCADE, related_name="whitelist",
                                  verbose_name=_("emergency"))
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="+",
                                   verbose_name=_("enterprise"))
    status = models.CharField(_("status"), max_length=10, choices=WhitelistStatus.choices,
                              default=WhitelistStatus.PROPOSED)
    reason = models.CharField(_("reason"), max_length=200)
    rei = models.FloatField(_("risk exposure index"), default=0)

    class Meta:
        ordering = ["emergency", "-rei", "id"]
        verbose_name = _("white-list entry")
        verbose_name_plural = _("white-list entries")
        constraints = [
            models.UniqueConstraint(fields=["emergency", "enterprise"], name="whitelist_unique",
                                    violation_error_message=_("The enterprise is already on this white list.")),
        ]

    def __str__(self) -> str:
        return f"{self.emergency}: {self.enterprise}"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        if user.role == Role.DEPARTMENT:
            if action == "view" and user.organisation_id:
                return Q(emergency__in=Emergency.team.through.objects.filter(
                    organisation_id=user.organisation_id).values("emergency_id"))
            return None
        return supply_scope(user, "view") if action == "view" else None


class DailyReport(BaseModel):
    """A white-listed firm's status on one day of the emergency."""

    emergency = models.ForeignKey(Emergency, on_delete=models.CASCADE, related_name="daily_reports",
                                  verbose_name=_("emergency"))
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="+",
                                   verbose_name=_("enterprise"))
    date = models.DateField(_("date"))
    status = models.CharField(_("status"), max_length=10, choices=FirmStatus.choices)
    capacity_use = models.DecimalField(_("capacity use"), max_digits=4, decimal_places=3,
                                       validators=[MinValueValidator(0), MaxValueValidator(1)])
    issue = models.CharField(_("blocking issue"), max_length=300, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("reported by"))

    class Meta:
        ordering = ["emergency", "-date", "enterprise"]
        verbose_name = _("daily status report")
        verbose_name_plural = _("daily status reports")
        constraints = [
            models.UniqueConstraint(fields=["emergency", "enterprise", "date"], name="dailyreport_unique",
                                    violation_error_message=_("This day is already reported.")),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.date}"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        if user.role == Role.DEPARTMENT:
            if action == "view" and user.organisation_id:
                return Q(emergency__in=Emergency.team.through.objects.filter(
                    organisation_id=user.organisation_id).values("emergency_id"))
            return None
        return supply_scope(user, action)


class EmergencyRequest(BaseModel):
    """A transport pass or cross-region coordination request of the emergency, raised as a demand routed to the
    emergency team (the demand carries the workflow and the one-working-day deadline)."""

    KIND_CHOICES = [("transport_pass", _("Transport pass")), ("coordination", _("Cross-region coordination"))]
    emergency = models.ForeignKey(Emergency, on_delete=models.CASCADE, related_name="requests",
                                  verbose_name=_("emergency"))
    demand = models.OneToOneField("demands.Demand", on_delete=models.CASCADE, related_name="emergency_request",
                                  verbose_name=_("demand"))
    kind = models.CharField(_("kind"), max_length=20, choices=KIND_CHOICES)

    class Meta:
        ordering = ["emergency", "-id"]
        verbose_name = _("emergency request")
        verbose_name_plural = _("emergency requests")

    def __str__(self) -> str:
        return f"{self.emergency}: {self.demand}"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        if user.role == Role.DEPARTMENT:
            if action == "view" and user.organisation_id:
                return Q(emergency__in=Emergency.team.through.objects.filter(
                    organisation_id=user.organisation_id).values("emergency_id"))
            return None
        return supply_scope(user, "view", prefix="demand__enterprise__") if action == "view" else None
