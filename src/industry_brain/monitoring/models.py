"""Economic monitoring: monthly reports of above-scale enterprises (with every revision kept), the parameters of
the value-added estimate (price indices, value-added rates, classification bridges), the precomputed indicator
table the pages read, and the monthly briefing with its versions.

Money is in 10k yuan (万元), electricity in 10k kWh (万千瓦时). A reported month is stored as its first day.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from industry_brain.accounts.choices import Role
from industry_brain.core.models import BaseModel, ReferenceModel
from industry_brain.enterprises.models import enterprise_scope

REPORT_FIELDS = ("output_value", "sales_value", "export_value", "revenue", "profit", "employees", "electricity")


def report_scope(user, action: str, prefix: str = "") -> Q | None:
    """Monthly reports are confidential firm data: the enterprise its own, the district bureau its district's firms,
    the chain team the firms of its ecosystem's chains (read only). Departments and cadres see none."""
    p = prefix
    if user.role == Role.ENTERPRISE:
        return Q(**{f"{p}enterprise_id": user.enterprise_id}) if action in ("view", "add", "change") else None
    if user.role == Role.DISTRICT:
        return Q(**{f"{p}enterprise__district_id": user.district_code}) if action != "delete" else None
    if user.role == Role.CHAIN_TEAM and action == "view":
        return enterprise_scope(user, "view_confidential", prefix=f"{p}enterprise__")
    return None


def reporter_scope(user, action: str = "view") -> Q | None:
    """Which firms (`Enterprise` rows) a user follows in monthly reporting, the report scope read on the firm itself:
    "view" whose missing reports it sees (the city every firm, a district bureau its district's, an enterprise
    itself; chain teams read reports but do not follow reporting up), "import" which firms its files may report
    (the city every firm, a district bureau its district's)."""
    if user.is_city:
        return Q()
    if user.role == Role.DISTRICT:
        return Q(district_id=user.district_code)
    if user.role == Role.ENTERPRISE and action == "view":
        return Q(pk=user.enterprise_id)
    return None


class MonthlyReport(BaseModel):
    """One above-scale enterprise's figures for one month (本月, current prices). Corrections keep the earlier
    values as revisions."""

    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="monthly_reports",
                                   verbose_name=_("enterprise"))
    period = models.DateField(_("month"), help_text=_("The first day of the reported month."))
    output_value = models.DecimalField(_("gross output value (10k yuan)"), max_digits=14, decimal_places=2,
                                       validators=[MinValueValidator(0)])
    sales_value = models.DecimalField(_("sales value (10k yuan)"), max_digits=14, decimal_places=2,
                                      validators=[MinValueValidator(0)])
    export_value = models.DecimalField(_("export delivery value (10k yuan)"), max_digits=14, decimal_places=2,
                                       default=0, validators=[MinValueValidator(0)])
    revenue = models.DecimalField(_("operating revenue (10k yuan)"), max_digits=14, decimal_places=2,
                                  validators=[MinValueValidator(0)])
    profit = models.DecimalField(_("total profit (10k yuan)"), max_digits=14, decimal_places=2)
    employees = models.PositiveIntegerField(_("employees"), default=0)
    electricity = models.DecimalField(_("electricity use (10k kWh)"), max_digits=12, decimal_places=2, default=0,
                                      validators=[MinValueValidator(0)])
    revision = models.PositiveSmallIntegerField(_("revision"), default=0)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("submitted by"))

    class Meta:
        ordering = ["-period", "enterprise"]
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        indexes = [models.Index(fields=["period", "enterprise"], name="mreport_period_enterprise_idx")]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "period"], name="mreport_one_per_month",
                                    violation_error_message=_("This month is already reported for this enterprise.")),
            models.CheckConstraint(condition=Q(period__day=1), name="mreport_period_first_day",
                                   violation_error_message=_("A reported month is stored as its first day.")),
            models.CheckConstraint(condition=Q(export_value__lte=models.F("sales_value")),
                                   name="mreport_export_within_sales",
                                   violation_error_message=_("Export delivery value cannot exceed the sales value.")),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.period:%Y-%m}"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        return report_scope(user, action)


class ReportRevision(BaseModel):
    """The values a report had before a correction, with the reason given for the correction."""

    report = models.ForeignKey(MonthlyReport, on_delete=models.CASCADE, related_name="revisions",
                               verbose_name=_("report"))
    revision = models.PositiveSmallIntegerField(_("revision"))
    values = models.JSONField(_("values before the correction"))
    reason = models.CharField(_("reason for the correction"), max_length=300)
    corrected_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("corrected by"))

    class Meta:
        ordering = ["report", "-revision"]
        verbose_name = _("report revision")
        verbose_name_plural = _("report revisions")
        constraints = [models.UniqueConstraint(fields=["report", "revision"], name="mrevision_unique")]

    def __str__(self) -> str:
        return f"{self.report} r{self.revision}"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        return report_scope(user, "view", prefix="report__") if action == "view" else None


class ReportReminder(BaseModel):
    """A reminder sent to an enterprise that had not reported a month by the deadline."""

    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="+",
                                   verbose_name=_("enterprise"))
    period = models.DateField(_("month"))
    deadline = models.DateField(_("deadline"))
    resolved = models.BooleanField(_("reported since"), default=False)

    class Meta:
        ordering = ["-period", "enterprise"]
        verbose_name = _("report reminder")
        verbose_name_plural = _("report reminders")
        constraints = [models.UniqueConstraint(fields=["enterprise", "period"], name="mreminder_once_per_month")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.period:%Y-%m}"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        return report_scope(user, "view") if action == "view" else None


class PriceIndex(ReferenceModel):
    """Ex-factory price index (PPI) of an industry division for one month, same month last year = 100."""

    industry = models.ForeignKey("core.IndustryDivision", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("industry division"))
    period = models.DateField(_("month"))
    index = models.DecimalField(_("price index (same month last year = 100)"), max_digits=7, decimal_places=2,
                                validators=[MinValueValidator(1)])

    class Meta:
        ordering = ["-period", "industry"]
        verbose_name = _("price index")
        verbose_name_plural = _("price indices")
        constraints = [models.UniqueConstraint(fields=["industry", "period"], name="priceindex_unique")]

    def __str__(self) -> str:
        return f"{self.industry_id} {self.period:%Y-%m} {self.index}"


class ValueAddedRate(ReferenceModel):
    """Value-added rate (增加值率) of an industry division for a year: value added = gross output × rate."""

    industry = models.ForeignKey("core.IndustryDivision", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("industry division"))
    year = models.PositiveSmallIntegerField(_("year"))
    rate = models.DecimalField(_("value-added rate"), max_digits=5, decimal_places=4,
                               validators=[MinValueValidator(0), MaxValueValidator(1)])

    class Meta:
        ordering = ["-year", "industry"]
        verbose_name = _("value-added rate")
        verbose_name_plural = _("value-added rates")
        constraints = [models.UniqueConstraint(fields=["industry", "year"], name="varate_unique")]

    def __str__(self) -> str:
        return f"{self.industry_id} {self.year} {self.rate}"


class Scheme(models.TextChoices):
    DIGITAL = "digital", _("Digital economy core industries (manufacturing)")
    STRATEGIC = "strategic", _("Strategic emerging industries")


class ClassificationBridge(ReferenceModel):
    """Which industry divisions count towards an official classification. The official tables map 4-digit classes;
    the platform knows each firm's division only, so every row says whether the mapping is approximate."""

    scheme = models.CharField(_("classification"), max_length=20, choices=Scheme.choices)
    industry = models.ForeignKey("core.IndustryDivision", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("industry division"))
    approximate = models.BooleanField(_("approximate"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["scheme", "industry"]
        verbose_name = _("classification bridge")
        verbose_name_plural = _("classification bridges")
        constraints = [models.UniqueConstraint(fields=["scheme", "industry"], name="bridge_unique")]

    def __str__(self) -> str:
        return f"{self.scheme} {self.industry_id}"


class Dimension(models.TextChoices):
    CITY = "city", _("City total")
    DISTRICT = "district", _("District")
    ECOSYSTEM = "ecosystem", _("Ecosystem")
    CHAIN = "chain", _("Chain")
    INDUSTRY = "industry", _("Industry division")
    SIZE = "size", _("Size band")
    SCHEME = "scheme", _("Classification")


class IndicatorRun(BaseModel):
    """One computation of the indicator table (which engine, when, how many report rows)."""

    engine = models.CharField(_("engine"), max_length=20)
    rows_in = models.PositiveIntegerField(_("report rows read"), default=0)
    rows_out = models.PositiveIntegerField(_("indicator rows written"), default=0)
    seconds = models.FloatField(_("seconds"), default=0)
    timings = models.JSONField(_("seconds per step"), default=dict, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("indicator run")
        verbose_name_plural = _("indicator runs")

    def __str__(self) -> str:
        return f"{self.engine} {self.created:%Y-%m-%d %H:%M}"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        return None


class Indicator(BaseModel):
    """Precomputed indicators of one group (city, a district, an ecosystem, …) for one month. Values of the month
    (`*_month`) and of 1—N月 (`*_cum`); growth rates are same-sample and in percent; value added and its growth
    are the platform's estimate (测算)."""

    period = models.DateField(_("month"))
    dimension = models.CharField(_("dimension"), max_length=12, choices=Dimension.choices)
    key = models.CharField(_("group key"), max_length=20)
    label = models.CharField(_("label"), max_length=100)
    firms = models.PositiveIntegerField(_("reporting firms"), default=0)
    va_month = models.FloatField(_("value added this month (10k yuan)"), default=0)
    va_cum = models.FloatField(_("value added 1—N (10k yuan)"), default=0)
    va_growth_month = models.FloatField(_("value-added growth this month (%)"), null=True)
    va_growth_cum = models.FloatField(_("value-added growth 1—N (%)"), null=True)
    va_pull_cum = models.FloatField(_("contribution to city growth (points)"), null=True)
    va_share_cum = models.FloatField(_("contribution share (%)"), null=True)
    output_cum = models.FloatField(_("gross output value 1—N (10k yuan)"), default=0)
    output_growth_cum = models.FloatField(_("gross output growth 1—N (%)"), null=True)
    sales_ratio_cum = models.FloatField(_("sales ratio 1—N (%)"), null=True)
    export_cum = models.FloatField(_("export delivery value 1—N (10k yuan)"), default=0)
    export_growth_cum = models.FloatField(_("export delivery growth 1—N (%)"), null=True)
    revenue_cum = models.FloatField(_("revenue 1—N (10k yuan)"), default=0)
    revenue_growth_cum = models.FloatField(_("revenue growth 1—N (%)"), null=True)
    profit_cum = models.FloatField(_("profit 1—N (10k yuan)"), default=0)
    profit_growth_cum = models.FloatField(_("profit growth 1—N (%)"), null=True)
    loss_firms = models.PositiveIntegerField(_("loss-making firms"), default=0)
    loss_share = models.FloatField(_("loss share (%)"), null=True)
    electricity_cum = models.FloatField(_("electricity 1—N (10k kWh)"), default=0)
    electricity_growth_cum = models.FloatField(_("electricity growth 1—N (%)"), null=True)
    # 工业投资 / 制造业投资 of the group's investment projects (projects module), 1—N月, nominal.
    inv_industrial_cum = models.FloatField(_("industrial investment 1—N (10k yuan)"), null=True)
    inv_industrial_growth_cum = models.FloatField(_("industrial investment growth 1—N (%)"), null=True)
    inv_manufacturing_cum = models.FloatField(_("manufacturing investment 1—N (10k yuan)"), null=True)
    inv_manufacturing_growth_cum = models.FloatField(_("manufacturing investment growth 1—N (%)"), null=True)
    rank = models.PositiveSmallIntegerField(_("rank by growth"), null=True)
    run = models.ForeignKey(IndicatorRun, null=True, on_delete=models.SET_NULL, related_name="+",
                            verbose_name=_("run"))

    class Meta:
        ordering = ["period", "dimension", "rank", "key"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [models.UniqueConstraint(fields=["period", "dimension", "key"], name="indicator_unique")]
        indexes = [models.Index(fields=["dimension", "key", "period"], name="indicator_series_idx")]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m} {self.dimension} {self.label}"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        return indicator_scope(user, action)


class MoverDirection(models.TextChoices):
    UP = "up", _("largest rise")
    DOWN = "down", _("largest fall")


class TopMover(BaseModel):
    """A firm among the largest rises (or falls) of gross output against the same month last year within a cockpit's
    group (the city, a district, an ecosystem), stored by the indicator run so that the cockpit reads a few rows.
    Firm figures: seen only by those who may see the firm's monthly reports."""

    period = models.DateField(_("month"))
    dimension = models.CharField(_("dimension"), max_length=12, choices=Dimension.choices)
    key = models.CharField(_("group key"), max_length=20)
    direction = models.CharField(_("direction"), max_length=4, choices=MoverDirection.choices)
    position = models.PositiveSmallIntegerField(_("position"))
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="+",
                                   verbose_name=_("enterprise"))
    output = models.FloatField(_("gross output value this month (10k yuan)"))
    change = models.FloatField(_("change against the same month last year (10k yuan)"))
    run = models.ForeignKey(IndicatorRun, null=True, on_delete=models.SET_NULL, related_name="+",
                            verbose_name=_("run"))

    class Meta:
        ordering = ["period", "dimension", "key", "direction", "position"]
        verbose_name = _("top mover")
        verbose_name_plural = _("top movers")
        constraints = [models.UniqueConstraint(fields=["period", "dimension", "key", "direction", "position"],
                                               name="topmover_unique")]
        indexes = [models.Index(fields=["dimension", "key", "period"], name="topmover_group_idx")]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m} {self.dimension} {self.key} {self.direction}{self.position}"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        return report_scope(user, "view") if action == "view" else None


def indicator_scope(user, action: str) -> Q | None:
    """Districts see their own district and, once the month's briefing is issued, the city totals; chain teams
    their ecosystem and its chains (and the issued city totals); departments the issued city and classification
    aggregates. Enterprises and cadres see no aggregate rows (an enterprise sees its own position instead)."""
    if action != "view":
        return None
    published = Q(period__in=Briefing.objects.filter(status=BriefingStatus.ISSUED).values("period"))
    city = Q(dimension=Dimension.CITY) & published
    if user.role == Role.DISTRICT:
        return Q(dimension=Dimension.DISTRICT, key=user.district_code or "-") | city
    if user.role == Role.CHAIN_TEAM:
        from industry_brain.chains.models import Chain

        chains = [str(pk) for pk in Chain.objects.filter(ecosystem_id=user.ecosystem_id).values_list("pk", flat=True)]
        return (Q(dimension=Dimension.ECOSYSTEM, key=str(user.ecosystem_id)) | Q(dimension=Dimension.CHAIN,
                                                                                   key__in=chains) | city)
    if user.role == Role.DEPARTMENT:
        return Q(dimension__in=[Dimension.CITY, Dimension.SCHEME]) & published
    return None


class BriefingStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    ISSUED = "issued", _("issued")


class Briefing(BaseModel):
    """One version of the monthly briefing (月度工业经济运行简报). Each generation or edit is a new version;
    earlier versions stay in the archive."""

    period = models.DateField(_("month"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    title = models.CharField(_("title"), max_length=200)
    sections = models.JSONField(_("sections"), default=list)
    figures = models.JSONField(_("figures used"), default=dict)
    status = models.CharField(_("status"), max_length=10, choices=BriefingStatus.choices,
                              default=BriefingStatus.DRAFT)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", verbose_name=_("author"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-period", "-version"]
        verbose_name = _("briefing")
        verbose_name_plural = _("briefings")
        constraints = [models.UniqueConstraint(fields=["period", "version"], name="briefing_version_unique")]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        # Drafts are the city bureau's; issued briefings are read by every government role.
        if action == "view" and user.role in (Role.DISTRICT, Role.CHAIN_TEAM, Role.DEPARTMENT):
            return Q(status=BriefingStatus.ISSUED)
        return None
