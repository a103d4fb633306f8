"""Industry brains (产业大脑): configured slices of the platform for one industry (印制电路板, 无人驾驶, 机器人,
生物医药, 化纤 ...). A brain is data, not code: chain nodes, industry divisions, name keywords and explicitly
linked outside firms; the city adds one through the pages. Its linked firms are recomputed set-based from the
registry and the supply network (`services.brain_refresh`), so the count it shows is the count of its records.

Firms may opt in to share monthly operating data with a brain and see their own position against the brain's
aggregates (never another firm's figures; groups of fewer than three firms are not shown)."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from industry_brain.core.models import BaseModel

PERIOD = RegexValidator(r"^(19|20)[0-9]{2}-(0[1-9]|1[0-2])$", _("A period is written YYYY-MM."))


class Brain(BaseModel):
    """One industry brain and what it covers."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    description = models.TextField(_("description"), blank=True)
    nodes = models.ManyToManyField("chains.ChainNode", blank=True, related_name="brains", verbose_name=_("chain nodes"))
    industries = models.ManyToManyField("core.IndustryDivision", blank=True, related_name="brains",
                                        verbose_name=_("industry divisions"))
    keywords = models.CharField(_("name keywords"), max_length=200, blank=True,
                                help_text=_("Words separated by spaces; a firm whose name contains one is linked."))
    external_firms = models.ManyToManyField("supply.ExternalFirm", blank=True, related_name="brains",
                                            verbose_name=_("linked outside firms"))
    linked_local = models.PositiveIntegerField(_("linked local firms"), default=0)
    linked_external = models.PositiveIntegerField(_("linked outside firms"), default=0)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    # Published aggregates of the brain's firms, recomputed with the links (per node: firms and output, left out
    # under three firms; open demands, deals, supply risks, projects). A page reads them; it never aggregates the
    # linked firms during a request.
    node_stats = models.JSONField(_("node figures"), default=list, blank=True)
    stats = models.JSONField(_("figures"), default=dict, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("industry brain")
        verbose_name_plural = _("industry brains")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("brains:brain_detail", args=[self.pk])

    @property
    def linked_firms(self) -> int:
        return self.linked_local + self.linked_external

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        # A brain page shows published aggregates: every bureau role reads them; a firm reads the brains it is
        # linked to (its own position). Only the city configures brains.
        if action != "view":
            return None
        if user.role == "enterprise":
            return Q(firms__enterprise_id=user.enterprise_id)
        return Q()

    scope_needs_distinct = True


class BrainFirm(models.Model):
    """A local firm linked to a brain, and why (node, industry or keyword). Rebuilt by `brain_refresh`."""

    brain = models.ForeignKey(Brain, on_delete=models.CASCADE, related_name="firms")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="+")
    node = models.ForeignKey("chains.ChainNode", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    via = models.CharField(max_length=10)

    class Meta:
        ordering = ["brain", "enterprise"]
        verbose_name = _("linked firm")
        verbose_name_plural = _("linked firms")
        constraints = [models.UniqueConstraint(fields=["brain", "enterprise"], name="brainfirm_unique")]
        indexes = [models.Index(fields=["enterprise", "brain"], name="brainfirm_enterprise_idx")]

    def __str__(self) -> str:
        return f"{self.brain_id}:{self.enterprise_id}"


class OptIn(BaseModel):
    """A firm's consent to share its monthly operating data with a brain."""

    brain = models.ForeignKey(Brain, on_delete=models.CASCADE, related_name="opt_ins", verbose_name=_("brain"))
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="brain_opt_ins",
                                   verbose_name=_("enterprise"))

    class Meta:
        ordering = ["brain", "enterprise"]
        verbose_name = _("data-sharing consent")
        verbose_name_plural = _("data-sharing consents")
        constraints = [models.UniqueConstraint(fields=["brain", "enterprise"], name="optin_unique",
                                               violation_error_message=_("The firm already shares its data."))]

    def __str__(self) -> str:
        return f"{self.enterprise} → {self.brain}"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        if user.role == "enterprise" and action in ("view", "add", "delete"):
            return Q(enterprise_id=user.enterprise_id)
        return None


class OperatingReport(BaseModel):
    """One month of a firm's operating data shared with a brain (capacity use, orders, inventory, prices)."""

    brain = models.ForeignKey(Brain, on_delete=models.CASCADE, related_name="reports", verbose_name=_("brain"))
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="+",
                                   verbose_name=_("enterprise"))
    period = models.CharField(_("period"), max_length=7, validators=[PERIOD])
    capacity_use = models.DecimalField(_("capacity use (%)"), max_digits=5, decimal_places=1,
                                       validators=[MinValueValidator(0), MaxValueValidator(150)])
    orders = models.DecimalField(_("orders on hand (10k yuan)"), max_digits=14, decimal_places=2,
                                 validators=[MinValueValidator(0)])
    inventory = models.DecimalField(_("inventory (10k yuan)"), max_digits=14, decimal_places=2,
                                    validators=[MinValueValidator(0)])
    price_index = models.DecimalField(_("selling-price index (last year = 100)"), max_digits=6, decimal_places=1,
                                      validators=[MinValueValidator(1), MaxValueValidator(1000)])

    class Meta:
        ordering = ["brain", "-period", "enterprise"]
        verbose_name = _("operating report")
        verbose_name_plural = _("operating reports")
        constraints = [models.UniqueConstraint(fields=["brain", "enterprise", "period"], name="opreport_unique",
                                               violation_error_message=_("This month is already reported."))]
        indexes = [models.Index(fields=["brain", "period"], name="opreport_brain_period_idx")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.period}"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        if user.role == "enterprise" and action in ("view", "add", "change"):
            return Q(enterprise_id=user.enterprise_id)
        return None
