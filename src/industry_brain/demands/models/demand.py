"""Demands, their categories, attachments, timeline, co-handling tasks and similarity flags."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from industry_brain.accounts.choices import Role
from industry_brain.core.files import UploadTo, private_storage
from industry_brain.core.models import BaseModel
from industry_brain.core.querysets import RestrictedManager, ids_or_subquery

from ..choices import (
    Channel,
    CoHandlingStatus,
    DemandStatus,
    EscalationLevel,
    FlagKind,
    Satisfaction,
    StepAction,
    Urgency,
)
from .cadres import Cadre, Visit, _assigned_enterprises


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
            # A department's list in the API's order: its deep pages step over this index's entries alone (an
            # index-only scan) instead of walking every demand's recent-first index and skipping other departments'.
            models.Index(fields=["department", "-submitted_at", "-id"], name="demand_department_recent_idx"),
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
            # Ordered by the column read: the tasks' own ordering (by demand) would join every task to its demand.
            ids = list(tasks.order_by("demand_id").values_list("demand_id", flat=True)[:501])
            if not ids:
                return Q(department_id=user.organisation_id)
            return Q(department_id=user.organisation_id) | Q(pk__in=ids if len(ids) <= 500 else tasks.values(
                "demand_id"))
        if role == Role.CADRE and action in ("view", "add"):
            # A literal list of the (few) served firms lets the database combine two index scans.
            return Q(raised_by=user) | Q(enterprise_id__in=ids_or_subquery(_assigned_enterprises(user)))
        return None


class DemandAttachment(BaseModel):
    """A file attached to a demand (photos, letters, shipping documents)."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="attachments",
                               verbose_name=_("demand"))
    # Private storage (core.files): served only through the checked download view, accepted by content.
    file = models.FileField(_("file"), upload_to=UploadTo("demands"), storage=private_storage, max_length=200)
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
