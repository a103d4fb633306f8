"""Investment projects (industrial part): projects and their milestones, yearly plans, monthly progress
reports, the versioned warning rules, the warnings they raise and the supervision orders (督办) of red ones."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from industry_brain.accounts.choices import Role
from industry_brain.core.files import UploadTo, private_storage
from industry_brain.core.models import BaseModel

from .choices import (
    MILESTONE_ORDER,
    Funding,
    KeyLevel,
    Milestone,
    ProjectType,
    RuleKind,
    Stage,
    SupervisionLevel,
    SupervisionStatus,
    WarningLevel,
)


def project_scope(user, action: str, prefix: str = "") -> Q | None:
    """Which projects a user may see (`view`) or change (`change`, `add`, `delete`).

    District bureaus: their district's projects. Enterprise users: projects their enterprise invests in
    (they may record milestones and progress, see services). Chain work teams: projects of their ecosystem
    (read only). Cadres: projects of the enterprises they currently serve (read only): they visit those
    enterprises and are asked about their projects. Departments: none (they see the demands routed to them).
    The city bureau sees and changes everything (handled by `restrict`)."""
    p = prefix
    role = user.role
    if role == Role.DISTRICT:
        if action == "delete":
            return None
        return Q(**{f"{p}district_id": user.district_code})
    if role == Role.ENTERPRISE:
        if action in ("view", "change"):
            return Q(**{f"{p}enterprise_id": user.enterprise_id})
        return None
    if role == Role.CHAIN_TEAM:
        if action == "view" and user.ecosystem_id:
            return Q(**{f"{p}ecosystem_id": user.ecosystem_id})
        return None
    if role == Role.CADRE:
        if action == "view":
            served = apps.get_model("demands", "Assignment").objects.filter(
                cadre__user=user, ended_on__isnull=True).values("enterprise_id")
            return Q(**{f"{p}enterprise_id__in": served})
        return None
    return None


class Project(BaseModel):
    """An industrial investment project, followed from signing to full production (签约 → 达产)."""

    code = models.CharField(_("project code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200, db_index=True)
    enterprise = models.ForeignKey("enterprises.Enterprise", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="projects", verbose_name=_("investor enterprise"))
    # The investor's details while it is not registered locally yet (a new foreign or out-of-town investor).
    investor_name = models.CharField(_("investor name"), max_length=200, blank=True)
    investor_uscc = models.CharField(_("investor credit code"), max_length=18, blank=True)
    investor_origin = models.CharField(_("investor origin"), max_length=100, blank=True)
    ecosystem = models.ForeignKey("chains.Ecosystem", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="projects", verbose_name=_("ecosystem"))
    chain = models.ForeignKey("chains.Chain", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="projects", verbose_name=_("chain"))
    industry = models.ForeignKey("core.IndustryDivision", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="projects", verbose_name=_("industry division"))
    district = models.ForeignKey("core.District", on_delete=models.PROTECT, related_name="projects",
                                 verbose_name=_("district"))
    street = models.CharField(_("street or town"), max_length=50, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                              validators=[MinValueValidator(-90), MaxValueValidator(90)])
    lon = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                              validators=[MinValueValidator(-180), MaxValueValidator(180)])
    total_investment = models.DecimalField(_("total investment (10k yuan)"), max_digits=14, decimal_places=2,
                                           default=0, validators=[MinValueValidator(0)])
    fixed_investment = models.DecimalField(_("fixed-asset investment (10k yuan)"), max_digits=14, decimal_places=2,
                                           default=0, validators=[MinValueValidator(0)])
    funding = models.CharField(_("funding"), max_length=10, choices=Funding.choices, default=Funding.DOMESTIC)
    project_type = models.CharField(_("project type"), max_length=12, choices=ProjectType.choices,
                                    default=ProjectType.NEW)
    key_level = models.CharField(_("key project level"), max_length=12, choices=KeyLevel.choices,
                                 default=KeyLevel.NONE, db_index=True)
    # The responsible unit receives supervision orders; by default the district bureau of the project's district.
    responsible_org = models.ForeignKey("accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="responsible_projects", verbose_name=_("responsible unit"))
    responsible_unit = models.CharField(_("responsible unit (detail)"), max_length=100, blank=True,
                                        help_text=_("E.g. the development zone or town in charge on site."))
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)

    planned_signed = models.DateField(_("planned signing"), null=True, blank=True)
    planned_land = models.DateField(_("planned land supply"), null=True, blank=True)
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_completion = models.DateField(_("planned completion"), null=True, blank=True)
    planned_production = models.DateField(_("planned production"), null=True, blank=True)
    planned_full_production = models.DateField(_("planned full production"), null=True, blank=True)
    actual_signed = models.DateField(_("actual signing"), null=True, blank=True)
    actual_land = models.DateField(_("actual land supply"), null=True, blank=True)
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_completion = models.DateField(_("actual completion"), null=True, blank=True)
    actual_production = models.DateField(_("actual production"), null=True, blank=True)
    actual_full_production = models.DateField(_("actual full production"), null=True, blank=True)

    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.RESERVE,
                             db_index=True)
    cancelled_on = models.DateField(_("cancelled on"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancellation"), max_length=300, blank=True)
    # Pre-computed so that lists, the map and the dashboard never aggregate at request time:
    # the highest level of the project's active warnings (kept by the warning evaluation) ...
    warning_level = models.CharField(_("warning level"), max_length=6, choices=WarningLevel.choices,
                                     default=WarningLevel.GREEN, db_index=True)
    # ... and the investment reported so far (kept by the progress-report services).
    invested_total = models.DecimalField(_("investment completed (10k yuan)"), max_digits=14, decimal_places=2,
                                         default=0)
    last_report_period = models.DateField(_("last reported month"), null=True, blank=True)

    change_log_exclude = ("created", "updated", "warning_level", "invested_total", "last_report_period")

    class Meta:
        ordering = ["-total_investment", "code"]
        verbose_name = _("investment project")
        verbose_name_plural = _("investment projects")
        indexes = [
            models.Index(fields=["district", "stage"], name="project_district_stage_idx"),
            models.Index(fields=["ecosystem", "chain"], name="project_ecosystem_chain_idx"),
            models.Index(fields=["updated"], name="project_updated_idx"),
            models.Index(fields=["-total_investment", "code"], name="project_default_order_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(lat__isnull=True, lon__isnull=True) | Q(lat__isnull=False, lon__isnull=False),
                name="project_lat_lon_together",
                violation_error_message=_("Latitude and longitude are given together or not at all."),
            ),
            models.CheckConstraint(
                condition=Q(fixed_investment__lte=F("total_investment")), name="project_fixed_within_total",
                violation_error_message=_("Fixed-asset investment cannot exceed the total investment."),
            ),
            models.CheckConstraint(
                condition=Q(total_investment__gte=0) & Q(fixed_investment__gte=0),
                name="project_investment_not_negative",
                violation_error_message=_("Investment cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(enterprise__isnull=False) | ~Q(investor_name=""), name="project_has_investor",
                violation_error_message=_("Name the investor: pick a registered enterprise or give its name."),
            ),
            models.CheckConstraint(
                condition=~Q(stage="cancelled") | Q(cancelled_on__isnull=False), name="project_cancel_has_date",
                violation_error_message=_("A cancelled project needs its cancellation date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("projects:project_detail", args=[self.pk])

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        return project_scope(user, action)

    @property
    def annual_plan(self):
        """This year's planned investment (from the list's prefetch when there is one)."""
        plans = getattr(self, "current_plans", None)
        if plans is None:
            from django.utils import timezone

            plans = list(self.plans.filter(year=timezone.localdate().year))
        return plans[0].amount if plans else None

    @property
    def investor_display(self) -> str:
        return self.enterprise.name if self.enterprise_id else self.investor_name

    def milestones(self) -> list[dict]:
        """Planned and actual dates of the six milestones, in lifecycle order."""
        labels = dict(Milestone.choices)
        return [{"code": m, "label": labels[m], "planned": getattr(self, f"planned_{m}"),
                 "actual": getattr(self, f"actual_{m}")} for m in MILESTONE_ORDER]


class YearlyPlan(BaseModel):
    """A project's planned investment for one calendar year (万元): the yardstick of 序时进度."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="plans", verbose_name=_("project"))
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    amount = models.DecimalField(_("planned investment (10k yuan)"), max_digits=14, decimal_places=2,
                                 validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["project", "year"]
        verbose_name = _("yearly investment plan")
        verbose_name_plural = _("yearly investment plans")
        constraints = [
            models.UniqueConstraint(fields=["project", "year"], name="yearlyplan_one_per_year",
                                    violation_error_message=_("This year's plan is already recorded.")),
            models.CheckConstraint(condition=Q(amount__gte=0), name="yearlyplan_amount_not_negative",
                                   violation_error_message=_("A planned investment cannot be negative.")),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} {self.year}: {self.amount}"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        return project_scope(user, "view" if action == "view" else "change", prefix="project__")


def evidence_path(instance, filename: str) -> str:
    """The former upload path (kept: migration 0001 refers to it)."""
    return f"projects/{instance.project_id}/evidence/{filename}"


class MilestoneRecord(BaseModel):
    """The record of an actual milestone date: who recorded it, when, and the evidence attached."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestone_records",
                                verbose_name=_("project"))
    milestone = models.CharField(_("milestone"), max_length=16, choices=Milestone.choices)
    date = models.DateField(_("actual date"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    # Private storage (core.files): served only through the checked download view, accepted by content.
    evidence = models.FileField(_("evidence"), upload_to=UploadTo("projects/evidence"), storage=private_storage,
                                blank=True, max_length=200)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("recorded by"))

    # The change log records the evidence file by its stored name.
    change_log_exclude = ("created", "updated")

    class Meta:
        ordering = ["project", "date", "id"]
        verbose_name = _("milestone record")
        verbose_name_plural = _("milestone records")

    def __str__(self) -> str:
        return f"{self.project.code} {self.get_milestone_display()} {self.date:%Y-%m-%d}"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        return project_scope(user, "view" if action == "view" else "change", prefix="project__")


class ProgressReport(BaseModel):
    """One project's progress in one month: investment of the month (cumulative follows), milestone reached,
    physical progress and the problems it needs help with."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reports", verbose_name=_("project"))
    period = models.DateField(_("month"), help_text=_("The first day of the reported month."))
    investment = models.DecimalField(_("investment this month (10k yuan)"), max_digits=14, decimal_places=2,
                                     validators=[MinValueValidator(0)])
    cumulative = models.DecimalField(_("cumulative investment (10k yuan)"), max_digits=14, decimal_places=2,
                                     default=0)
    milestone = models.CharField(_("milestone reached"), max_length=16, choices=Milestone.choices, blank=True)
    physical_progress = models.PositiveSmallIntegerField(_("physical progress (%)"), null=True, blank=True,
                                                         validators=[MaxValueValidator(100)])
    problems = models.TextField(_("problems needing help"), blank=True)
    note = models.TextField(_("note"), blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("reported by"))

    class Meta:
        ordering = ["project", "-period"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        indexes = [models.Index(fields=["period", "project"], name="report_period_project_idx")]
        constraints = [
            models.UniqueConstraint(fields=["project", "period"], name="report_one_per_month",
                                    violation_error_message=_("This month is already reported for this project.")),
            models.CheckConstraint(condition=Q(investment__gte=0), name="report_investment_not_negative",
                                   violation_error_message=_("The month's investment cannot be negative.")),
            models.CheckConstraint(condition=Q(period__day=1), name="report_period_first_day",
                                   violation_error_message=_("A reported month is stored as its first day.")),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} {self.period:%Y-%m}"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        return project_scope(user, "view" if action == "view" else "change", prefix="project__")


class WarningRule(BaseModel):
    """A warning rule: which evaluator it uses, its code and texts, and its thresholds. City administrators
    edit rules on the rules page; every edit makes a new version, and each warning keeps the version that
    raised it."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    kind = models.CharField(_("evaluator"), max_length=24, choices=RuleKind.choices)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source of the thresholds"), max_length=300, blank=True)
    thresholds = models.JSONField(_("thresholds"), default=dict)
    level = models.CharField(_("highest level raised"), max_length=6, default=WarningLevel.RED,
                             choices=[(WarningLevel.YELLOW, _("Yellow")), (WarningLevel.RED, _("Red"))])
    is_active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        ordering = ["code"]
        verbose_name = _("warning rule")
        verbose_name_plural = _("warning rules")
        constraints = [
            models.UniqueConstraint(fields=["kind"], name="warningrule_one_per_kind",
                                    violation_error_message=_("A rule with this evaluator already exists.")),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        return Q() if action == "view" else None  # rules are public inside the platform; the city edits them


class WarningRuleVersion(BaseModel):
    """A frozen copy of a rule as it was at one version (the rule's history)."""

    rule = models.ForeignKey(WarningRule, on_delete=models.CASCADE, related_name="versions", verbose_name=_("rule"))
    version = models.PositiveIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    thresholds = models.JSONField(_("thresholds"), default=dict)
    level = models.CharField(_("highest level raised"), max_length=6, default=WarningLevel.RED)
    is_active = models.BooleanField(_("active"), default=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("changed by"))

    class Meta:
        ordering = ["rule", "-version"]
        verbose_name = _("warning rule version")
        verbose_name_plural = _("warning rule versions")
        constraints = [
            models.UniqueConstraint(fields=["rule", "version"], name="warningruleversion_unique",
                                    violation_error_message=_("This version of the rule already exists.")),
        ]

    def __str__(self) -> str:
        return f"{self.rule.code} v{self.version}"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        return Q() if action == "view" else None


class ProjectWarning(BaseModel):
    """A warning raised by a rule on a project: its level, the facts (values and thresholds) that triggered
    it, and when it opened, escalated and cleared. Cleared warnings are kept as history."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="warnings", verbose_name=_("project"))
    rule = models.ForeignKey(WarningRule, on_delete=models.PROTECT, related_name="warnings", verbose_name=_("rule"))
    rule_version = models.PositiveIntegerField(_("rule version"))
    level = models.CharField(_("level"), max_length=6, choices=WarningLevel.choices)
    facts = models.JSONField(_("facts"), default=dict)
    opened_at = models.DateTimeField(_("opened at"))
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    cleared_at = models.DateTimeField(_("cleared at"), null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("warning")
        verbose_name_plural = _("warnings")
        indexes = [
            models.Index(fields=["rule", "cleared_at"], name="warning_rule_cleared_idx"),
            models.Index(fields=["project", "-opened_at"], name="warning_project_opened_idx"),
            models.Index(fields=["level", "cleared_at"], name="warning_level_cleared_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["project", "rule"], condition=Q(cleared_at__isnull=True),
                                    name="warning_one_active_per_rule",
                                    violation_error_message=_("This rule already has an active warning here.")),
            models.CheckConstraint(condition=~Q(level="green"), name="warning_level_yellow_or_red",
                                   violation_error_message=_("A warning is yellow or red.")),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} {self.rule.code} {self.level}"

    @property
    def is_active(self) -> bool:
        return self.cleared_at is None

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        if action != "view":
            return None  # warnings are written by the evaluation only
        return project_scope(user, "view", prefix="project__")


class SupervisionOrder(BaseModel):
    """A supervision order (督办单) opened by a red warning and sent to the project's responsible unit.

    The unit (or the investor enterprise) responds; a reviewer accepts or rejects; an overdue order climbs
    the ladder reminder → supervision → interview; the order closes when accepted or when its warning clears."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="supervisions",
                                verbose_name=_("project"))
    warning = models.OneToOneField(ProjectWarning, on_delete=models.PROTECT, related_name="supervision",
                                   verbose_name=_("warning"))
    unit = models.ForeignKey("accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="supervisions", verbose_name=_("responsible unit"))
    status = models.CharField(_("status"), max_length=10, choices=SupervisionStatus.choices,
                              default=SupervisionStatus.OPEN, db_index=True)
    level = models.CharField(_("escalation level"), max_length=12, choices=SupervisionLevel.choices,
                             default=SupervisionLevel.REMINDER)
    issued_on = models.DateField(_("issued on"))
    due_date = models.DateField(_("response due"), db_index=True)
    escalated_on = models.DateField(_("last escalated on"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    close_reason = models.CharField(_("closing reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("supervision order")
        verbose_name_plural = _("supervision orders")
        indexes = [models.Index(fields=["unit", "status"], name="supervision_unit_status_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(due_date__gte=F("issued_on")), name="supervision_due_after_issue",
                                   violation_error_message=_("The due date cannot precede the issue date.")),
            models.CheckConstraint(
                condition=Q(status__in=["accepted", "closed"], closed_at__isnull=False)
                | (~Q(status__in=["accepted", "closed"]) & Q(closed_at__isnull=True)),
                name="supervision_closed_has_time",
                violation_error_message=_("A closed order has its closing time, an open one has none."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} {self.get_level_display()} {self.get_status_display()}"

    def get_absolute_url(self) -> str:
        return reverse("projects:supervision_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in ("open", "responded", "rejected")

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        # Responding and reviewing are decided by the services (who is the unit, who reviews); what a user
        # sees follows the project.
        return project_scope(user, "view", prefix="project__")


class SupervisionResponse(BaseModel):
    """One response of the responsible unit (cause, measures, expected recovery) and its review."""

    order = models.ForeignKey(SupervisionOrder, on_delete=models.CASCADE, related_name="responses",
                              verbose_name=_("supervision order"))
    cause = models.TextField(_("cause of the delay"))
    measures = models.TextField(_("measures"))
    expected_recovery = models.DateField(_("expected recovery date"))
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("responded by"))
    responder_org = models.ForeignKey("accounts.Organisation", null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+", verbose_name=_("responding organisation"))
    responded_at = models.DateTimeField(_("responded at"))
    decision = models.CharField(_("review decision"), max_length=10, blank=True,
                                choices=[("accepted", _("Accepted")), ("rejected", _("Rejected"))])
    review_comment = models.TextField(_("review comment"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        ordering = ["order", "responded_at", "id"]
        verbose_name = _("supervision response")
        verbose_name_plural = _("supervision responses")
        constraints = [
            models.CheckConstraint(condition=Q(decision="") | Q(reviewed_at__isnull=False),
                                   name="supervisionresponse_decision_has_time",
                                   violation_error_message=_("A review decision needs its time.")),
        ]

    def __str__(self) -> str:
        return f"{self.order} {self.responded_at:%Y-%m-%d}"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        return project_scope(user, "view", prefix="order__project__") if action == "view" else None
