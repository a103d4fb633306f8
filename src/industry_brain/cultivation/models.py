"""Tier cultivation: versioned criteria as data, the figures they need, evaluations, recognition rounds."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from industry_brain.accounts.choices import Role
from industry_brain.core.models import BaseModel
from industry_brain.core.querysets import RestrictedManager

from .choices import (
    ApplicationStatus,
    ApplicationType,
    FigureState,
    ObjectionStatus,
    Operator,
    RoundStatus,
    RuleKind,
    TierKey,
    Verification,
)


def confidential_scope(user, prefix: str = "enterprise__") -> Q | None:
    """Evaluations, figures and applications are an enterprise's confidential data: the city, the district of the
    firm, the chain team of its ecosystem, its cadres and the firm itself; departments nothing."""
    from industry_brain.enterprises.models import enterprise_scope

    return enterprise_scope(user, "view_confidential", prefix=prefix)


def not_department(user) -> Q | None:
    return None if user.role == Role.DEPARTMENT else Q()


class TierRuleSet(BaseModel):
    """One version of the criteria of one tier, in force from `effective_from` for one application type.

    An evaluation names the rule set it used, so adding a version never changes an earlier result."""

    tier = models.CharField(_("tier"), max_length=20, choices=TierKey.choices)
    level = models.CharField(_("level"), max_length=20, blank=True)
    version = models.CharField(_("version"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    effective_from = models.DateField(_("effective from"))
    application_type = models.CharField(_("application type"), max_length=10, choices=ApplicationType.choices,
                                        default=ApplicationType.ANY)
    source = models.TextField(_("source"))
    verification = models.CharField(_("verification"), max_length=10, choices=Verification.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["tier", "-effective_from", "application_type"]
        verbose_name = _("tier rule set")
        verbose_name_plural = _("tier rule sets")
        constraints = [
            models.UniqueConstraint(fields=["tier", "version", "application_type"], name="ruleset_unique_version",
                                    violation_error_message=_("This tier already has a rule set of this version.")),
        ]

    def __str__(self) -> str:
        return f"{self.get_tier_display()} {self.version}"

    def get_absolute_url(self) -> str:
        return reverse("cultivation:ruleset_detail", args=[self.pk])

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        return not_department(user) if action == "view" else None


class TierRule(BaseModel):
    """One criterion: a gate, a scored indicator with point bands, a direct route, or an exclusion."""

    rule_set = models.ForeignKey(TierRuleSet, on_delete=models.CASCADE, related_name="rules",
                                 verbose_name=_("rule set"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    code = models.CharField(_("code"), max_length=40)
    indicator = models.CharField(_("indicator"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=RuleKind.choices)
    figure = models.CharField(_("figure"), max_length=40)
    operator = models.CharField(_("operator"), max_length=6, choices=Operator.choices, blank=True)
    threshold = models.DecimalField(_("threshold"), max_digits=14, decimal_places=4, null=True, blank=True)
    # Scored indicators: [[bound, points], ...] best band first; "higher" figures score a band when the figure
    # is at or above its bound (or strictly above when `inclusive` is false), "lower" ones at or below.
    bands = models.JSONField(_("point bands"), default=list, blank=True)
    direction = models.CharField(_("direction"), max_length=6, default="higher")
    inclusive = models.BooleanField(_("bound inclusive"), default=True)
    max_points = models.DecimalField(_("maximum points"), max_digits=6, decimal_places=2, null=True, blank=True)
    # Direct routes satisfy every gate of their group; a gate with `applies_if` counts only for firms that meet
    # that condition ([figure, operator, threshold] triples, all must hold).
    group = models.CharField(_("group"), max_length=30, blank=True)
    applies_if = models.JSONField(_("applies if"), default=list, blank=True)
    application_type = models.CharField(_("application type"), max_length=10, choices=ApplicationType.choices,
                                        default=ApplicationType.ANY)
    source = models.CharField(_("source"), max_length=300)
    verification = models.CharField(_("verification"), max_length=10, choices=Verification.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["rule_set", "order", "id"]
        verbose_name = _("tier rule")
        verbose_name_plural = _("tier rules")
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "code"], name="rule_code_unique_in_set",
                                    violation_error_message=_("This rule set already has a rule with this code.")),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.indicator}"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        return not_department(user) if action == "view" else None


class EnterpriseTierFigures(BaseModel):
    """The figures the criteria need that the registry does not hold, per enterprise and year (the year of the
    figures, i.e. 上年度 of an application year). Each figure is self-reported or verified by the bureau."""

    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="tier_figures",
                                   verbose_name=_("enterprise"))
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)])
    niche_years = models.PositiveSmallIntegerField(_("years in the market niche"), null=True, blank=True)
    equity_financing_2y = models.DecimalField(_("new equity financing, last two years"), max_digits=14,
                                              decimal_places=2, null=True, blank=True)
    ip_class1 = models.PositiveIntegerField(_("class I intellectual property"), null=True, blank=True)
    ip_class1_high_value = models.PositiveIntegerField(_("high-value class I intellectual property"), null=True,
                                                       blank=True)
    ip_class2 = models.PositiveIntegerField(_("class II intellectual property"), null=True, blank=True)
    market_share = models.DecimalField(_("national niche market share (%)"), max_digits=6, decimal_places=2,
                                       null=True, blank=True)
    market_rank_national = models.PositiveSmallIntegerField(_("national market rank"), null=True, blank=True)
    market_rank_global = models.PositiveSmallIntegerField(_("global market rank"), null=True, blank=True)
    main_products = models.PositiveSmallIntegerField(_("number of main products"), null=True, blank=True)
    info_system = models.BooleanField(_("core business supported by an information system"), null=True, blank=True)
    certification = models.BooleanField(_("management system or product certification"), null=True, blank=True)
    intl_certification = models.BooleanField(_("international certification"), null=True, blank=True)
    own_brand = models.BooleanField(_("own brand"), null=True, blank=True)
    standards = models.PositiveSmallIntegerField(_("standards led or joined"), null=True, blank=True)
    rd_institution = models.PositiveSmallIntegerField(
        _("R&D institution level"), null=True, blank=True,
        help_text=_("0 none, 1 below city, 2 city, 3 provincial, 4 national"))
    quality_items = models.PositiveSmallIntegerField(_("quality management items met"), null=True, blank=True)
    digital_level = models.DecimalField(_("digital level"), max_digits=4, decimal_places=1, null=True, blank=True)
    key_field = models.BooleanField(_("main product in a key field of the chain"), null=True, blank=True)
    field_effect = models.PositiveSmallIntegerField(
        _("main product field"), null=True, blank=True,
        help_text=_("2 key link with real effect, 1 industrial foundation or time-honoured brand, 0 other"))
    national_award_top3 = models.BooleanField(_("national science award (top three)"), null=True, blank=True)
    provincial_award_top3 = models.BooleanField(_("provincial science award (top three)"), null=True, blank=True)
    chuangke_top50 = models.BooleanField(_("Maker China national top 50"), null=True, blank=True)
    chuangke_top500 = models.BooleanField(_("Maker China national top 500"), null=True, blank=True)
    credit_a = models.BooleanField(_("bank credit rating A or better"), null=True, blank=True)
    innovative_sme = models.BooleanField(_("holds the innovative SME title"), null=True, blank=True)
    sme_score = models.DecimalField(_("specialisation evaluation score (platform)"), max_digits=5, decimal_places=1,
                                    null=True, blank=True)
    hz_group_revenue = models.DecimalField(_("group revenue in Hangzhou"), max_digits=16, decimal_places=2,
                                           null=True, blank=True)
    provincial_soe = models.BooleanField(_("provincial state-owned enterprise"), null=True, blank=True)
    new_product = models.BooleanField(_("new product (shorter field years)"), null=True, blank=True)
    states = models.JSONField(_("figure states"), default=dict, blank=True,
                              help_text=_("figure name → reported or verified"))
    reasons = models.JSONField(_("reasons of return"), default=dict, blank=True,
                               help_text=_("figure name → why the bureau returned it"))

    class Meta:
        ordering = ["enterprise", "-year"]
        verbose_name = _("tier figures")
        verbose_name_plural = _("tier figures")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="tierfigures_one_row_per_year",
                                    violation_error_message=_("Tier figures for this year are already recorded.")),
            models.CheckConstraint(condition=Q(market_share__isnull=True) | Q(market_share__gte=0,
                                                                              market_share__lte=100),
                                   name="tierfigures_share_percent",
                                   violation_error_message=_("A market share lies between 0 and 100 %.")),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        if action in ("view", "view_confidential"):
            return confidential_scope(user)
        if action in ("add", "change"):
            if user.role == Role.ENTERPRISE:
                return Q(enterprise_id=user.enterprise_id)
            if user.role == Role.DISTRICT:
                return Q(enterprise__district_id=user.district_code)
        return None

    def state_of(self, field: str) -> str:
        return self.states.get(field, FigureState.REPORTED)


class EvaluationRun(BaseModel):
    """One run of the engine over the whole registry (yearly, or on demand) as of a date."""

    as_of = models.DateField(_("as of"))
    application_type = models.CharField(_("application type"), max_length=10, choices=ApplicationType.choices,
                                        default=ApplicationType.NEW)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    seconds = models.FloatField(_("seconds"), default=0)
    actor_label = models.CharField(_("run by"), max_length=150, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("evaluation run")
        verbose_name_plural = _("evaluation runs")

    def __str__(self) -> str:
        return f"{self.as_of} #{self.pk}"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        return not_department(user) if action == "view" else None


class TierEvaluation(models.Model):
    """One firm against one tier in one run: eligible (true, false, or null when a figure is missing), the score,
    how many gates fail and how near the firm is (the sum of relative gaps of the failing gates).

    Written set-based (COPY / bulk insert), so it carries no change log; the run is the audit record."""

    # Written millions at a time: no database-level foreign-key checks (every id comes from the same
    # transaction's reads); Django still cascades deletes of a run or an enterprise.
    # No index of its own on `run`: the pool-order index starts with it (a second one led the planner to read a
    # whole run's rows of every tier instead of the one tier's range).
    run = models.ForeignKey(EvaluationRun, on_delete=models.CASCADE, related_name="evaluations",
                            verbose_name=_("run"), db_constraint=False, db_index=False)
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE,
                                   related_name="tier_evaluations", verbose_name=_("enterprise"), db_constraint=False)
    tier = models.CharField(_("tier"), max_length=20, choices=TierKey.choices)
    rule_set = models.ForeignKey(TierRuleSet, on_delete=models.PROTECT, related_name="evaluations",
                                 verbose_name=_("rule set"), db_constraint=False)
    eligible = models.BooleanField(_("eligible"), null=True)
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, null=True)
    failed = models.PositiveSmallIntegerField(_("failing criteria"), default=0)
    missing = models.PositiveSmallIntegerField(_("missing figures"), default=0)
    nearness = models.FloatField(_("distance to the tier"), default=0)
    excluded = models.BooleanField(_("excluded"), default=False)
    # Bit i set: the rule set's i-th rule (in order) fails / lacks its figure; names are read from the rule set.
    failed_mask = models.BigIntegerField(_("failing criteria"), default=0)
    missing_mask = models.BigIntegerField(_("criteria lacking a figure"), default=0)
    route_mask = models.BigIntegerField(_("direct routes taken"), default=0)

    objects = RestrictedManager()

    class Meta:
        ordering = ["run", "tier", "nearness", "enterprise"]
        verbose_name = _("tier evaluation")
        verbose_name_plural = _("tier evaluations")
        indexes = [
            # the pool's order (fewest failing, fewest missing, nearest) read from the index, not sorted
            models.Index(fields=["run", "tier", "failed", "missing", "nearness", "enterprise"],
                         name="tiereval_pool_order_idx"),
            models.Index(fields=["enterprise", "run"], name="tiereval_enterprise_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.tier} {self.eligible}"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        return confidential_scope(user) if action == "view" else None


class RecognitionRound(BaseModel):
    """A recognition round: tier, year, rule-set version, dates and the public-notice period in working days."""

    name = models.CharField(_("name"), max_length=200)
    tier = models.CharField(_("tier"), max_length=20, choices=TierKey.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    rule_set = models.ForeignKey(TierRuleSet, on_delete=models.PROTECT, related_name="rounds",
                                 verbose_name=_("rule set"), null=True, blank=True)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    notice_working_days = models.PositiveSmallIntegerField(_("public notice (working days)"), default=5)
    validity_years = models.PositiveSmallIntegerField(_("validity (years)"), default=3)
    status = models.CharField(_("status"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN)

    class Meta:
        ordering = ["-year", "tier", "id"]
        verbose_name = _("recognition round")
        verbose_name_plural = _("recognition rounds")
        constraints = [
            models.CheckConstraint(condition=Q(closes_on__gte=models.F("opens_on")), name="round_dates_in_order",
                                   violation_error_message=_("A round closes after it opens.")),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("cultivation:round_detail", args=[self.pk])

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        return not_department(user) if action == "view" else None


class RecognitionApplication(BaseModel):
    """A firm's application (or the bureau's nomination) in a round, from draft to recognition."""

    round = models.ForeignKey(RecognitionRound, on_delete=models.PROTECT, related_name="applications",
                              verbose_name=_("round"))
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT,
                                   related_name="tier_applications", verbose_name=_("enterprise"))
    application_type = models.CharField(_("application type"), max_length=10, choices=ApplicationType.choices,
                                        default=ApplicationType.NEW)
    nominated = models.BooleanField(_("nominated by the bureau"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=ApplicationStatus.choices,
                              default=ApplicationStatus.DRAFT)
    statement = models.TextField(_("statement"), blank=True)
    precheck_eligible = models.BooleanField(_("pre-check result"), null=True, blank=True)
    precheck = models.JSONField(_("pre-check"), default=dict, blank=True)
    rule_set = models.ForeignKey(TierRuleSet, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("rule set used"))
    expert_score = models.DecimalField(_("expert score"), max_digits=5, decimal_places=1, null=True, blank=True)
    notice_from = models.DateField(_("public notice from"), null=True, blank=True)
    notice_until = models.DateField(_("public notice until"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("recognition application")
        verbose_name_plural = _("recognition applications")
        constraints = [
            models.UniqueConstraint(fields=["round", "enterprise"], name="application_one_per_round",
                                    violation_error_message=_("This enterprise already applies in this round.")),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.round}"

    def get_absolute_url(self) -> str:
        return reverse("cultivation:application_detail", args=[self.pk])

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        if action in ("view", "view_confidential"):
            return confidential_scope(user)
        if action in ("add", "change"):
            if user.role == Role.ENTERPRISE:
                return Q(enterprise_id=user.enterprise_id)
            if user.role == Role.DISTRICT:
                return Q(enterprise__district_id=user.district_code)
        return None


class ApplicationEvidence(BaseModel):
    """A file supporting an application (audit report, certificate, market-share proof)."""

    application = models.ForeignKey(RecognitionApplication, on_delete=models.CASCADE, related_name="evidence",
                                    verbose_name=_("application"))
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="cultivation/evidence/%Y/")

    class Meta:
        ordering = ["application", "id"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return self.title

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        if action == "view":
            return confidential_scope(user, prefix="application__enterprise__")
        return None


class Objection(BaseModel):
    """An objection raised during the public notice, recorded and answered."""

    application = models.ForeignKey(RecognitionApplication, on_delete=models.CASCADE, related_name="objections",
                                    verbose_name=_("application"))
    text = models.TextField(_("objection"))
    raised_by = models.CharField(_("raised by"), max_length=200, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("answered by"))
    status = models.CharField(_("status"), max_length=10, choices=ObjectionStatus.choices,
                              default=ObjectionStatus.OPEN)

    class Meta:
        ordering = ["application", "id"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")

    def __str__(self) -> str:
        return self.text[:50]

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        if action == "view":
            return confidential_scope(user, prefix="application__enterprise__")
        return None
