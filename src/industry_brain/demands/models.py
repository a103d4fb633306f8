"""Enterprise service (千名干部助千企, 一诉求一协调): cadres and their assignments to enterprises, visits,
enterprise demands (诉求) with one accountable coordinating department, their timeline, co-handling tasks,
similarity flags, systemic-problem alerts, the in-app inbox and the pre-aggregated statistics."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from industry_brain.accounts.choices import Role
from industry_brain.core.models import BaseModel
from industry_brain.core.querysets import RestrictedManager

from .choices import (
    AlertScope,
    AlertStatus,
    Channel,
    CoHandlingStatus,
    DemandStatus,
    EscalationLevel,
    FlagKind,
    NotificationKind,
    Satisfaction,
    StepAction,
    Urgency,
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


class DemandCategory(BaseModel):
    """The two-level demand taxonomy (物流运输 → 道路通行 …). Codes are stable API identifiers: a top-level
    code ("logistics") or a dotted two-level code ("logistics.road"). Seeded by a data migration; the city
    bureau may add categories."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=50)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
                               verbose_name=_("parent category"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("demand category")
        verbose_name_plural = _("demand categories")
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^[a-z_]+(\.[a-z_]+)?$"), name="category_code_format",
                                   violation_error_message=_("A category code is lower-case words, at most two "
                                                             "levels separated by a dot.")),
        ]

    def __str__(self) -> str:
        return f"{self.parent.name} / {self.name}" if self.parent_id else self.name

    @property
    def root_id(self) -> int:
        return self.parent_id or self.pk

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        return Q() if action == "view" else None


class Demand(BaseModel):
    """An enterprise demand (诉求) with exactly one accountable coordinating department (一诉求一协调).

    District, chain, cadre and the top-level category are copied from their sources when the demand is
    raised, so that scope checks and the statistics need no joins. Working-day handling time and the
    on-time flag are computed once, when the demand is resolved."""

    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="demands",
                                   verbose_name=_("enterprise"))
    district = models.ForeignKey("core.District", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("district"))
    chain = models.ForeignKey("chains.Chain", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                              verbose_name=_("chain"))
    chain_node = models.ForeignKey("chains.ChainNode", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="demands", verbose_name=_("chain node"))
    project = models.ForeignKey("projects.Project", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="demands", verbose_name=_("investment project"))
    visit = models.ForeignKey(Visit, null=True, blank=True, on_delete=models.SET_NULL, related_name="demands",
                              verbose_name=_("raised on visit"))
    cadre = models.ForeignKey(Cadre, null=True, blank=True, on_delete=models.SET_NULL, related_name="demands",
                              verbose_name=_("cadre"))
    category = models.ForeignKey(DemandCategory, on_delete=models.PROTECT, related_name="demands",
                                 verbose_name=_("category"))
    category_root = models.ForeignKey(DemandCategory, on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("category group"))
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices, default=Channel.ENTERPRISE)
    status = models.CharField(_("status"), max_length=20, choices=DemandStatus.choices,
                              default=DemandStatus.SUBMITTED)
    department = models.ForeignKey("accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="demands", verbose_name=_("coordinating department"))
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="handled_demands", verbose_name=_("handler"))
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("raised by"))
    submitted_at = models.DateTimeField(_("submitted at"))
    submitted_on = models.DateField(_("submitted on"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    handling_days = models.PositiveIntegerField(_("handling time (working days)"), null=True, blank=True)
    on_time = models.BooleanField(_("resolved on time"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    satisfaction = models.CharField(_("satisfaction"), max_length=20, choices=Satisfaction.choices, blank=True)
    rating_comment = models.TextField(_("rating comment"), blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    transfer_count = models.PositiveSmallIntegerField(_("transfers"), default=0)
    reopen_count = models.PositiveSmallIntegerField(_("reopened"), default=0)
    escalation_level = models.PositiveSmallIntegerField(_("escalation"), choices=EscalationLevel.choices,
                                                        default=EscalationLevel.NONE)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    due_soon_notified = models.BooleanField(_("due-soon notice sent"), default=False)
    is_flagged = models.BooleanField(_("similar demands found"), default=False)
    terms = models.TextField(_("segmented text"), blank=True, editable=False)
    # Title and enterprise name in one column, so that a list search is one scan of the demand table (a join
    # or a sub-query over every enterprise costs several times more at province scale).
    search_text = models.CharField(_("search text"), max_length=420, blank=True, editable=False)

    change_log_exclude = ("created", "updated", "terms", "search_text")

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("demand")
        verbose_name_plural = _("demands")
        indexes = [
            models.Index(fields=["-submitted_at", "-id"], name="demand_recent_idx"),
            models.Index(fields=["status", "due_date"], name="demand_status_due_idx"),
            models.Index(fields=["department", "status"], name="demand_department_idx"),
            models.Index(fields=["district", "-submitted_at"], name="demand_district_idx"),
            models.Index(fields=["enterprise", "-submitted_at"], name="demand_enterprise_idx"),
            models.Index(fields=["category_root", "-submitted_at"], name="demand_category_idx"),
            models.Index(fields=["submitted_on"], name="demand_submitted_on_idx"),
            models.Index(fields=["status", "-submitted_at"], name="demand_status_recent_idx"),
            models.Index(fields=["-submitted_at"], condition=Q(escalation_level__gt=0),
                         name="demand_escalated_recent_idx"),
            models.Index(fields=["-submitted_at"], condition=Q(is_flagged=True), name="demand_flagged_recent_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=DemandStatus.values), name="demand_status_known",
                                   violation_error_message=_("Unknown demand status.")),
            models.CheckConstraint(condition=Q(urgency__in=Urgency.values), name="demand_urgency_known",
                                   violation_error_message=_("Unknown urgency.")),
            models.CheckConstraint(condition=Q(status=DemandStatus.SUBMITTED) | Q(department__isnull=False),
                                   name="demand_routed_has_department",
                                   violation_error_message=_("An accepted demand names its coordinating "
                                                             "department.")),
            models.CheckConstraint(condition=~Q(status=DemandStatus.CLOSED) | ~Q(satisfaction=""),
                                   name="demand_closed_is_rated",
                                   violation_error_message=_("A closed demand carries the enterprise's rating.")),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("demands:demand_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in (DemandStatus.SUBMITTED, DemandStatus.ACCEPTED, DemandStatus.IN_PROGRESS)

    def is_overdue(self, today=None) -> bool:
        import datetime as dt

        today = today or dt.date.today()
        return self.is_open and self.due_date is not None and self.due_date < today

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        role = user.role
        if role == Role.ENTERPRISE and action in ("view", "add"):
            return Q(enterprise_id=user.enterprise_id)
        if role == Role.DISTRICT and action in ("view", "add", "change"):
            return Q(district_id=user.district_code)
        if role == Role.DEPARTMENT and action in ("view", "change"):
            # Co-handling tasks are few: a literal id list lets the database combine two index scans (an OR
            # with a sub-query forces a scan of every demand for each count).
            tasks = CoHandlingTask.objects.filter(department_id=user.organisation_id)
            ids = list(tasks.values_list("demand_id", flat=True)[:501])
            if not ids:
                return Q(department_id=user.organisation_id)
            return Q(department_id=user.organisation_id) | Q(pk__in=ids if len(ids) <= 500 else tasks.values(
                "demand_id"))
        if role == Role.CADRE and action in ("view", "add"):
            return Q(raised_by=user) | Q(enterprise_id__in=_assigned_enterprises(user))
        return None


class DemandAttachment(BaseModel):
    """A file attached to a demand (photos, letters, shipping documents)."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="attachments",
                               verbose_name=_("demand"))
    file = models.FileField(_("file"), upload_to="demands/%Y/%m/")
    name = models.CharField(_("name"), max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("uploaded by"))

    class Meta:
        ordering = ["demand", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        q = Demand.scope(user, "view")
        return None if q is None else Q(demand__in=Demand.objects.filter(q).values("pk"))


class DemandStep(models.Model):
    """One step of a demand's timeline (who did what, when, from which status to which)."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="steps", verbose_name=_("demand"))
    action = models.CharField(_("action"), max_length=20, choices=StepAction.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("actor"))
    actor_label = models.CharField(_("actor"), max_length=150)
    at = models.DateTimeField(_("at"))
    from_status = models.CharField(_("from status"), max_length=20, blank=True)
    to_status = models.CharField(_("to status"), max_length=20, blank=True)
    department = models.ForeignKey("accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("department"))
    note = models.TextField(_("note"), blank=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["demand", "at", "id"]
        verbose_name = _("timeline step")
        verbose_name_plural = _("timeline steps")
        indexes = [models.Index(fields=["demand", "at"], name="demandstep_demand_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(action__in=StepAction.values), name="demandstep_action_known",
                                   violation_error_message=_("Unknown timeline action.")),
        ]

    def __str__(self) -> str:
        return f"{self.demand_id} {self.action} {self.at:%Y-%m-%d %H:%M}"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        q = Demand.scope(user, "view")
        return None if q is None or action != "view" else Q(demand__in=Demand.objects.filter(q).values("pk"))


class CoHandlingTask(BaseModel):
    """A task the coordinating department opens for another department; the coordinator stays accountable."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="cohandling_tasks",
                               verbose_name=_("demand"))
    department = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("co-handling department"))
    request = models.TextField(_("what is asked"))
    status = models.CharField(_("status"), max_length=10, choices=CoHandlingStatus.choices,
                              default=CoHandlingStatus.OPEN)
    response = models.TextField(_("response"), blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("opened by"))
    done_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["demand", "id"]
        verbose_name = _("co-handling task")
        verbose_name_plural = _("co-handling tasks")
        indexes = [models.Index(fields=["department", "status"], name="cohandling_department_idx")]
        constraints = [
            models.UniqueConstraint(fields=["demand", "department"], condition=Q(status="open"),
                                    name="cohandling_one_open_per_department",
                                    violation_error_message=_("This department already has an open task "
                                                              "for this demand.")),
        ]

    def __str__(self) -> str:
        return f"{self.demand_id} → {self.department}"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        q = Demand.scope(user, "view")
        return None if q is None else Q(demand__in=Demand.objects.filter(q).values("pk"))


class DemandFlag(models.Model):
    """A possible duplicate found when the demand was raised (flag, never block)."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="flags", verbose_name=_("demand"))
    similar_to = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="+",
                                   verbose_name=_("similar demand"))
    kind = models.CharField(_("kind"), max_length=20, choices=FlagKind.choices)
    score = models.FloatField(_("similarity"), default=1.0)

    objects = RestrictedManager()

    class Meta:
        ordering = ["demand", "-score", "id"]
        verbose_name = _("similarity flag")
        verbose_name_plural = _("similarity flags")
        constraints = [
            models.UniqueConstraint(fields=["demand", "similar_to", "kind"], name="demandflag_unique",
                                    violation_error_message=_("This pair is already flagged.")),
            models.CheckConstraint(condition=~Q(demand=models.F("similar_to")), name="demandflag_not_self",
                                   violation_error_message=_("A demand is not similar to itself.")),
        ]

    def __str__(self) -> str:
        return f"{self.demand_id} ~ {self.similar_to_id} ({self.kind}, {self.score:.2f})"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        q = Demand.scope(user, "view")
        return None if q is None or action != "view" else Q(demand__in=Demand.objects.filter(q).values("pk"))


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


class Notification(models.Model):
    """An entry of a user's in-app inbox; delivery backends may also push it elsewhere."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
                                  verbose_name=_("recipient"))
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    text = models.CharField(_("text"), max_length=300)
    link = models.CharField(_("link"), max_length=200, blank=True)
    demand = models.ForeignKey(Demand, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("demand"))
    created = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at", "-created"], name="notification_inbox_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=NotificationKind.values), name="notification_kind_known",
                                   violation_error_message=_("Unknown notification kind.")),
        ]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.text}"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        # Even the city bureau reads only its own inbox.
        return Q(recipient=user) if action in ("view", "change") else None


class DemandDailyStat(models.Model):
    """Pre-aggregated demand statistics: one row per submission day × category × district × department ×
    chain × cadre. Every measure counts demands submitted that day (a cohort), in their current state.
    Rebuilt set-based by `services.demand_stats_refresh`; the statistics endpoint and page read only this."""

    day = models.DateField(_("day"))
    category = models.ForeignKey(DemandCategory, on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("category"))
    category_root = models.ForeignKey(DemandCategory, on_delete=models.CASCADE, related_name="+",
                                      verbose_name=_("category group"))
    district = models.ForeignKey("core.District", on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("district"))
    department = models.ForeignKey("accounts.Organisation", null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="+", verbose_name=_("department"))
    chain = models.ForeignKey("chains.Chain", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                              verbose_name=_("chain"))
    cadre = models.ForeignKey(Cadre, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                              verbose_name=_("cadre"))
    collected = models.PositiveIntegerField(_("collected"), default=0)
    resolved = models.PositiveIntegerField(_("resolved"), default=0)
    on_time = models.PositiveIntegerField(_("resolved on time"), default=0)
    handling_days = models.PositiveIntegerField(_("handling working days (sum)"), default=0)
    rated = models.PositiveIntegerField(_("rated"), default=0)
    satisfied = models.PositiveIntegerField(_("satisfied"), default=0)
    basically_satisfied = models.PositiveIntegerField(_("basically satisfied"), default=0)
    dissatisfied = models.PositiveIntegerField(_("dissatisfied"), default=0)
    reopened = models.PositiveIntegerField(_("reopened"), default=0)
    transferred = models.PositiveIntegerField(_("transferred"), default=0)
    escalated = models.PositiveIntegerField(_("escalated"), default=0)

    objects = RestrictedManager()

    class Meta:
        ordering = ["day", "id"]
        verbose_name = _("daily demand statistics")
        verbose_name_plural = _("daily demand statistics")
        indexes = [
            models.Index(fields=["day"], name="demandstat_day_idx"),
            models.Index(fields=["district", "day"], name="demandstat_district_idx"),
            models.Index(fields=["category_root", "day"], name="demandstat_category_idx"),
            models.Index(fields=["department", "day"], name="demandstat_department_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(resolved__lte=models.F("collected")),
                                   name="demandstat_resolved_within_collected",
                                   violation_error_message=_("Resolved cannot exceed collected.")),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.category_id} {self.district_id}: {self.collected}"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        if action != "view":
            return None
        if user.role == Role.DISTRICT:
            return Q(district_id=user.district_code)
        if user.role == Role.DEPARTMENT:
            return Q(department_id=user.organisation_id)
        if user.role == Role.CHAIN_TEAM:
            return Q(chain__ecosystem_id=user.ecosystem_id)
        if user.role == Role.CADRE:
            return Q(cadre__user=user)
        return None


class DemandStatDay(models.Model):
    """Bookkeeping of the statistics refresh: one row per submission day, locked while that day's
    aggregate rows are rebuilt so that concurrent refreshes of the same day cannot double-count."""

    day = models.DateField(_("day"), primary_key=True)
    refreshed_at = models.DateTimeField(_("refreshed at"), null=True, blank=True)

    class Meta:
        ordering = ["day"]
        verbose_name = _("statistics day")
        verbose_name_plural = _("statistics days")

    def __str__(self) -> str:
        return f"{self.day}"
