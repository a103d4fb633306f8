"""Ecosystems (产业生态圈), their chains (产业链), chain nodes and supply edges, memberships of
enterprises in nodes, chain-master (链主) designations and work-team (专班) members."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from industry_brain.accounts.choices import Role
from industry_brain.core.models import BaseModel
from industry_brain.core.querysets import RestrictedManager, RestrictedQuerySet

from .choices import ChainMasterStatus, MembershipStatus, Segment, TeamPosition

# A node's output (a sum of firms' revenue) is published to readers who may not see every member's figures
# only when at least this many firms make it up (docs/scope.md).
MIN_GROUP = 3

# How many of a node's largest members the chain page lists on the node's card, and how many the stored
# leaders table keeps per node (ChainNodeLeader).
LEADERS_PER_NODE = 8


def _public(action: str) -> Q | None:
    return Q() if action == "view" else None


class Ecosystem(BaseModel):
    """One of the city's five industrial ecosystems, led by a city leader (链长)."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    leader = models.CharField(_("chain leader"), max_length=100, blank=True,
                              help_text=_("The city leader who leads the ecosystem (position, not a name list)."))
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("ecosystem")
        verbose_name_plural = _("ecosystems")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("chains:ecosystem_detail", args=[self.pk])

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        if action == "view":
            return Q()  # the five ecosystems are public inside the platform
        if user.role == Role.CHAIN_TEAM and action == "change":
            return Q(pk=user.ecosystem_id)
        return None


class Chain(BaseModel):
    """An industrial chain inside an ecosystem, drawn as a graph of nodes."""

    ecosystem = models.ForeignKey(Ecosystem, on_delete=models.PROTECT, related_name="chains",
                                  verbose_name=_("ecosystem"))
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=50)
    leader = models.CharField(_("chain leader"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["ecosystem__order", "order", "id"]
        verbose_name = _("chain")
        verbose_name_plural = _("chains")
        constraints = [
            models.UniqueConstraint(fields=["ecosystem", "name"], name="chain_name_unique_in_ecosystem",
                                    violation_error_message=_("This ecosystem already has a chain of that name.")),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("chains:chain_detail", args=[self.pk])

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        if action == "view":
            return Q()
        if user.role == Role.CHAIN_TEAM and action in ("change", "add"):
            return Q(ecosystem_id=user.ecosystem_id)
        return None


class ChainNode(BaseModel):
    """A link of a chain (e.g. 芯片设计, 封装测试), in the upstream, midstream or downstream segment."""

    chain = models.ForeignKey(Chain, on_delete=models.CASCADE, related_name="nodes", verbose_name=_("chain"))
    name = models.CharField(_("name"), max_length=50)
    segment = models.CharField(_("segment"), max_length=12, choices=Segment.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    industries = models.ManyToManyField("core.IndustryDivision", blank=True, related_name="chain_nodes",
                                        verbose_name=_("industry divisions"))
    is_key = models.BooleanField(_("key link"), default=False)

    class Meta:
        ordering = ["chain", "segment", "order", "id"]
        verbose_name = _("chain node")
        verbose_name_plural = _("chain nodes")
        constraints = [
            models.UniqueConstraint(fields=["chain", "name"], name="chainnode_name_unique_in_chain",
                                    violation_error_message=_("This chain already has a node of that name.")),
        ]

    def __str__(self) -> str:
        return f"{self.chain.name} · {self.name}"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        if action == "view":
            return Q()
        if user.role == Role.CHAIN_TEAM:
            return Q(chain__ecosystem_id=user.ecosystem_id)
        return None


class NodeLink(BaseModel):
    """A supply edge: `supplier` node supplies `customer` node within the chain graph."""

    supplier = models.ForeignKey(ChainNode, on_delete=models.CASCADE, related_name="supplies",
                                 verbose_name=_("supplier node"))
    customer = models.ForeignKey(ChainNode, on_delete=models.CASCADE, related_name="supplied_by",
                                 verbose_name=_("customer node"))

    class Meta:
        ordering = ["supplier", "customer"]
        verbose_name = _("node link")
        verbose_name_plural = _("node links")
        constraints = [
            models.UniqueConstraint(fields=["supplier", "customer"], name="nodelink_unique",
                                    violation_error_message=_("These nodes are already linked.")),
            models.CheckConstraint(condition=~Q(supplier=models.F("customer")), name="nodelink_not_self",
                                   violation_error_message=_("A node cannot supply itself.")),
        ]

    def __str__(self) -> str:
        return f"{self.supplier.name} → {self.customer.name}"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        if action == "view":
            return Q()
        if user.role == Role.CHAIN_TEAM:
            return Q(supplier__chain__ecosystem_id=user.ecosystem_id)
        return None


class MembershipQuerySet(RestrictedQuerySet):
    def counted(self) -> MembershipQuerySet:
        """The memberships that count for chain maps, node figures and scope: confirmed ones. A work team's
        proposal counts only once the city bureau confirms it, so that no write widens its author's read scope
        (docs/scope.md)."""
        return self.filter(status=MembershipStatus.CONFIRMED)


class ChainMembership(BaseModel):
    """An enterprise's place in a chain node (what it makes there). Placed by the city bureau it is confirmed at
    once; proposed by the ecosystem's work team it waits for the city's confirmation (or rejection)."""

    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="memberships",
                                   verbose_name=_("enterprise"))
    node = models.ForeignKey(ChainNode, on_delete=models.CASCADE, related_name="memberships",
                             verbose_name=_("chain node"))
    main_product = models.CharField(_("main product"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=MembershipStatus.choices,
                              default=MembershipStatus.CONFIRMED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("proposed by"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("note on the decision"), max_length=200, blank=True)

    objects = RestrictedManager.from_queryset(MembershipQuerySet)()

    class Meta:
        ordering = ["node", "enterprise"]
        verbose_name = _("chain membership")
        verbose_name_plural = _("chain memberships")
        # Members of nodes, chains and ecosystems (filters, scope sub-queries, chain maps) from the index alone.
        indexes = [
            models.Index(fields=["node", "enterprise"], name="membership_node_enterprise_idx"),
            models.Index(fields=["status", "node"], name="membership_status_node_idx"),
        ]
        constraints = [
            # A rejected proposal stays on record and does not block a later one.
            models.UniqueConstraint(fields=["enterprise", "node"], condition=~Q(status="rejected"),
                                    name="membership_unique",
                                    violation_error_message=_("The enterprise is already in this node.")),
            models.CheckConstraint(condition=Q(status__in=["proposed", "confirmed", "rejected"]),
                                   name="membership_status_known",
                                   violation_error_message=_("Unknown membership status.")),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} @ {self.node}"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        from industry_brain.enterprises.models import enterprise_scope

        if user.role == Role.CHAIN_TEAM:
            # The team sees and maintains its ecosystem's memberships, its own proposals included; what a
            # proposal opens (the firm's figures) waits for the city's confirmation (enterprise_scope).
            return Q(node__chain__ecosystem_id=user.ecosystem_id) if action != "view_confidential" else None
        if action == "view":
            firms = enterprise_scope(user, "view", prefix="enterprise__")
            return None if firms is None else firms & Q(status=MembershipStatus.CONFIRMED)
        return None


class ChainMaster(BaseModel):
    """A chain-master (链主) nomination or designation of an enterprise for a chain."""

    chain = models.ForeignKey(Chain, on_delete=models.CASCADE, related_name="masters", verbose_name=_("chain"))
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="chain_masters",
                                   verbose_name=_("enterprise"))
    status = models.CharField(_("status"), max_length=12, choices=ChainMasterStatus.choices,
                              default=ChainMasterStatus.NOMINATED)
    nominated_on = models.DateField(_("nominated on"))
    designated_on = models.DateField(_("designated on"), null=True, blank=True)
    reason = models.TextField(_("reason"))
    nominated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("nominated by"))

    class Meta:
        ordering = ["chain", "-designated_on", "enterprise"]
        verbose_name = _("chain master")
        verbose_name_plural = _("chain masters")
        constraints = [
            models.UniqueConstraint(fields=["chain", "enterprise"], condition=~Q(status="revoked"),
                                    name="chainmaster_one_active_per_chain",
                                    violation_error_message=_("This enterprise is already nominated for this chain.")),
            models.CheckConstraint(condition=~Q(status="designated") | Q(designated_on__isnull=False),
                                   name="chainmaster_designated_has_date",
                                   violation_error_message=_("A designation needs its date.")),
        ]

    def __str__(self) -> str:
        return f"{self.chain} · {self.enterprise}"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        if action == "view":
            return Q()  # designations are announced publicly
        if user.role == Role.CHAIN_TEAM:
            return Q(chain__ecosystem_id=user.ecosystem_id)
        return None


class TeamMember(BaseModel):
    """A member of an ecosystem's work team (专班), by position and unit."""

    ecosystem = models.ForeignKey(Ecosystem, on_delete=models.CASCADE, related_name="team_members",
                                  verbose_name=_("ecosystem"))
    position = models.CharField(_("role in the team"), max_length=12, choices=TeamPosition.choices)
    title = models.CharField(_("position"), max_length=100)
    unit = models.CharField(_("unit"), max_length=100)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="team_memberships", verbose_name=_("platform account"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["ecosystem", "order", "id"]
        verbose_name = _("team member")
        verbose_name_plural = _("team members")

    def __str__(self) -> str:
        return f"{self.ecosystem} · {self.title}"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        if action == "view":
            return Q()
        if user.role == Role.CHAIN_TEAM:
            return Q(ecosystem_id=user.ecosystem_id)
        return None


class EcosystemStats(BaseModel):
    """Pre-aggregated member counts of an ecosystem: distinct enterprises in its chains and the above-scale
    ones among them. Rebuilt set-based from the memberships by `ecosystem_stats_refresh` (demo seeder, hourly
    task, `manage.py refresh_chain_stats`) so that the overview never counts the membership table during a
    request (docs/decisions.md)."""

    ecosystem = models.OneToOneField(Ecosystem, on_delete=models.CASCADE, related_name="stats",
                                     verbose_name=_("ecosystem"))
    enterprises = models.PositiveIntegerField(_("Enterprises in chains"), default=0)
    above_scale = models.PositiveIntegerField(_("Above designated size"), default=0)
    computed_at = models.DateTimeField(_("at"))

    change_log_exclude = ("created", "updated", "computed_at")

    class Meta:
        ordering = ["ecosystem"]
        verbose_name = _("Enterprises in chains")
        verbose_name_plural = _("Enterprises in chains")

    def __str__(self) -> str:
        return f"{self.ecosystem}: {self.enterprises}"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        return _public(action)


class ChainNodeLeader(BaseModel):
    """One of a node's largest confirmed members, ranked as the chain page lists them: above-scale first, then by
    name, then by id (`rank` 1 … LEADERS_PER_NODE). Derived from the memberships and the registry: kept by the
    membership services (per node), by the enterprise services when a firm's name or scale changes, and rebuilt
    with the chain statistics (`chain_leaders_refresh`), so that the page reads each node's card from here
    instead of ranking every member of the chain against the registry (docs/decisions.md)."""

    node = models.ForeignKey(ChainNode, on_delete=models.CASCADE, related_name="leaders", db_index=False,
                             verbose_name=_("chain node"))
    rank = models.PositiveSmallIntegerField(_("rank"))
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="+",
                                   verbose_name=_("enterprise"))

    class Meta:
        ordering = ["node", "rank"]
        verbose_name = _("node leader")
        verbose_name_plural = _("node leaders")
        constraints = [
            # Also the index the page reads: a node's leaders in rank order.
            models.UniqueConstraint(fields=["node", "rank"], name="chainnodeleader_rank_unique",
                                    violation_error_message=_("This node already has a leader of that rank.")),
            models.UniqueConstraint(fields=["node", "enterprise"], name="chainnodeleader_enterprise_unique",
                                    violation_error_message=_("The enterprise is already a leader of this node.")),
            models.CheckConstraint(condition=Q(rank__gte=1), name="chainnodeleader_rank_positive",
                                   violation_error_message=_("A rank starts at 1.")),
        ]

    def __str__(self) -> str:
        return f"{self.node_id} #{self.rank}: {self.enterprise_id}"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        from industry_brain.enterprises.models import enterprise_scope

        # Names of firms: whoever may see the enterprise may see it listed; nobody writes here but the services.
        return enterprise_scope(user, "view", prefix="enterprise__") if action == "view" else None


class ChainNodeOutput(BaseModel):
    """A node's output in one year: the sum of its confirmed members' revenue that year (members without figures
    that year add nothing), with the number of confirmed members it was summed over. Derived from the memberships
    and the yearly figures: kept per node by the membership services, by the enterprise services when a firm's
    figures are recorded or the firm is deleted, and rebuilt with the chain statistics (`chain_outputs_refresh`),
    so that the chain map reads each node's output from here instead of summing every member's figures on each
    request. The map reads a row only while `members` equals the node's live member count (docs/decisions.md).

    The output of all confirmed members whatever the reader: the map publishes it under MIN_GROUP (docs/scope.md),
    so there is nothing to store per district or per team."""

    node = models.ForeignKey(ChainNode, on_delete=models.CASCADE, related_name="outputs", db_index=False,
                             verbose_name=_("chain node"))
    year = models.PositiveSmallIntegerField(_("year"))
    members = models.PositiveIntegerField(_("members"))
    output = models.DecimalField(_("output"), max_digits=20, decimal_places=2)

    class Meta:
        ordering = ["node", "year"]
        verbose_name = _("node output")
        verbose_name_plural = _("node outputs")
        constraints = [
            # Also the index the map reads: its nodes' rows of one year.
            models.UniqueConstraint(fields=["node", "year"], name="chainnodeoutput_node_year_unique",
                                    violation_error_message=_("This node already has an output for that year.")),
        ]

    def __str__(self) -> str:
        return f"{self.node_id} {self.year}: {self.output}"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        # A published aggregate (the map shows it to every reader under MIN_GROUP); nobody writes here but the
        # services.
        return Q() if action == "view" else None
