"""Framework models: the abstract base, the change log, the event log, and reference data
(GB/T 2260 regions, GB/T 4754-2017 industries)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .display import choice_display
from .files import UploadTo, private_storage
from .querysets import RestrictedManager


class BaseModel(models.Model):
    """Abstract base of every domain model: timestamps, the restricted manager and the change log.

    Subclasses declare `scope(user, action)`; the change log records every create, update and delete made
    through the ORM's save()/delete().
    """

    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = RestrictedManager()

    change_log_exclude: tuple[str, ...] = ("created", "updated")

    class Meta:
        abstract = True

    @classmethod
    def scope(cls, user, action: str) -> Q | None:  # pragma: no cover - every concrete model overrides
        return None

    def _get_FIELD_display(self, field):
        # Every get_<field>_display() of the domain models: the same label from a map built once per field.
        return choice_display(self, field)


class ReferenceModel(models.Model):
    """Public reference data: every signed-in user may read it, only the city bureau changes it."""

    objects = RestrictedManager()

    class Meta:
        abstract = True

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        return Q() if action == "view" else None


class RegionKind(models.TextChoices):
    DISTRICT = "district", _("district")
    COUNTY = "county", _("county")
    COUNTY_CITY = "county-level city", _("county-level city")


class District(ReferenceModel):
    """A county-level division of the city, identified by its GB/T 2260 code."""

    code = models.CharField(_("code"), max_length=6, primary_key=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=RegionKind.choices)
    short_name = models.CharField(_("short name"), max_length=20, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{6}$"), name="district_code_six_digits",
                violation_error_message=_("A GB/T 2260 code has six digits."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class IndustrySection(ReferenceModel):
    """A GB/T 4754-2017 section (门类), A to T."""

    code = models.CharField(_("code"), max_length=1, primary_key=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("industry section")
        verbose_name_plural = _("industry sections")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class IndustryDivision(ReferenceModel):
    """A GB/T 4754-2017 division (大类), two digits."""

    code = models.CharField(_("code"), max_length=2, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    section = models.ForeignKey(IndustrySection, on_delete=models.PROTECT, related_name="divisions",
                                verbose_name=_("section"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("industry division")
        verbose_name_plural = _("industry divisions")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_manufacturing(self) -> bool:
        return self.section_id == "C"


class ChangeAction(models.TextChoices):
    CREATE = "create", _("created")
    UPDATE = "update", _("updated")
    DELETE = "delete", _("deleted")


class ObjectChange(models.Model):
    """One entry of the automatic change log: who changed which object, when, before and after."""

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("user"))
    actor_label = models.CharField(_("actor"), max_length=150)
    request_id = models.CharField(_("request id"), max_length=64, blank=True, db_index=True)
    action = models.CharField(_("action"), max_length=10, choices=ChangeAction.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("object type"))
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=200)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("change log entry")
        verbose_name_plural = _("change log")
        indexes = [models.Index(fields=["content_type", "object_id", "-at"], name="objectchange_object_idx")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_repr}"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        # Change history is shown on detail pages of objects the user can already see; the list of all
        # changes is for the city bureau only.
        return None

    @property
    def changed_fields(self) -> list[tuple[str, object, object]]:
        before, after = self.before or {}, self.after or {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]

    @property
    def changed_fields_labelled(self) -> list[tuple[str, object, object]]:
        """The changed fields under their (translated) verbose names, for the history panel."""
        model = ContentType.objects.get_for_id(self.content_type_id).model_class()  # cached: no query per entry
        labels = {}
        if model is not None:
            for field in model._meta.concrete_fields:
                labels[field.attname] = labels[field.name] = str(field.verbose_name)
        return [(labels.get(k, k), b, a) for k, b, a in self.changed_fields]


class Event(models.Model):
    """A business event written explicitly by a service (demand accepted, warning raised, ...)."""

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("event"), max_length=60, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("user"))
    actor_label = models.CharField(_("actor"), max_length=150)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="+", verbose_name=_("object type"))
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    message = models.CharField(_("message"), max_length=500)
    data = models.JSONField(_("data"), default=dict, blank=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [models.Index(fields=["content_type", "object_id", "-at"], name="event_object_idx")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.message}"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        return None


class WorkflowStep(models.Model):
    """One step of a workflow on the default timeline (`core.workflow`): who moved which object from which status
    to which, when, with what note and input. Workflows with a timeline of their own (demands) write there."""

    workflow = models.CharField(_("workflow"), max_length=60)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("object type"))
    object_id = models.CharField(_("object id"), max_length=64)
    action = models.CharField(_("action"), max_length=40)
    from_status = models.CharField(_("from"), max_length=40, blank=True)
    to_status = models.CharField(_("to"), max_length=40, blank=True)
    at = models.DateTimeField(_("at"), db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("actor"))
    actor_label = models.CharField(_("actor"), max_length=150)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("workflow step")
        verbose_name_plural = _("workflow steps")
        indexes = [models.Index(fields=["content_type", "object_id", "at"], name="workflowstep_object_idx")]

    def __str__(self) -> str:
        return f"{self.workflow}.{self.action} {self.from_status}→{self.to_status}"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        # Steps are shown on the timeline of objects the user can already see; never listed on their own.
        return None


class ImportJobState(models.TextChoices):
    QUEUED = "queued", _("queued")
    CHECKING = "checking", _("checking the rows")
    WRITING = "writing", _("writing")
    DONE = "done", _("done")
    FAILED = "failed", _("nothing written")


class ImportJob(models.Model):
    """A large Excel import run as a background job (`core.imports`): the file is checked chunk by chunk, then
    written whole in one transaction or not at all. The page of the job shows its progress and every wrong row."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("imported by"))
    importer = models.CharField(_("importer"), max_length=200)  # dotted path of the ExcelImporter subclass
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=UploadTo("imports"), storage=private_storage, blank=True)
    filename = models.CharField(_("file name"), max_length=255)
    success_url = models.CharField(_("where the imported rows are listed"), max_length=200, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=ImportJobState.choices,
                             default=ImportJobState.QUEUED)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_checked = models.PositiveIntegerField(_("rows checked"), default=0)
    rows_written = models.PositiveIntegerField(_("rows written"), default=0)
    errors = models.JSONField(_("errors by row"), default=list, blank=True)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    created = models.DateTimeField(_("time started"), auto_now_add=True)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)
    # Set by the worker at each step and chunk; a job running without one for IMPORT_STALE_SECONDS has lost its
    # worker (while writing, the chunks' beats go to the cache: this row is inside the uncommitted transaction).
    heartbeat = models.DateTimeField(_("last sign of the worker"), null=True, blank=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["-created"]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")

    def __str__(self) -> str:
        return f"{self.title} ({self.filename})"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        # A job, its file and its row errors are the importing user's own.
        return Q(user_id=user.pk) if action == "view" else None
