"""Policies (惠企政策) cut into items, rule versions by effective date, eligibility with its snapshot and the
免申即享 workflow state, fact lists imported from departments, and the burden-reduction ledger (减负降本)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from industry_brain.accounts.choices import Role
from industry_brain.core.models import BaseModel
from industry_brain.core.querysets import RestrictedManager
from industry_brain.enterprises.models import enterprise_scope

from .choices import Basis, EntrySource, ItemKind, MeasureKind, Mode, Period, PolicyLevel, Size, Status


def _owner_q(user, prefix: str) -> Q | None:
    """Policies a department or district bureau issued (prefix points at the Policy)."""
    if user.role == Role.DEPARTMENT and user.organisation_id:
        return Q(**{f"{prefix}department_id": user.organisation_id})
    if user.role == Role.DISTRICT and user.district_code:
        return Q(**{f"{prefix}district_id": user.district_code})
    return None


class Policy(BaseModel):
    """A published policy document (文件), e.g. a relief package; it is cut into items."""

    name = models.CharField(_("name"), max_length=200)
    document_no = models.CharField(_("document number"), max_length=100, blank=True)
    level = models.CharField(_("level"), max_length=12, choices=PolicyLevel.choices, default=PolicyLevel.CITY)
    department = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="policies",
                                   limit_choices_to={"kind": "department"}, null=True, blank=True,
                                   verbose_name=_("issuing department"))
    district = models.ForeignKey("core.District", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="policies", verbose_name=_("district (district policies)"))
    legal_basis = models.TextField(_("legal basis"), blank=True)
    summary = models.TextField(_("summary"), blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)

    class Meta:
        ordering = ["-published_on", "name"]
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        constraints = [
            models.CheckConstraint(condition=Q(department__isnull=False) | Q(district__isnull=False),
                                   name="policy_has_issuer",
                                   violation_error_message=_("A policy names its issuing department or district.")),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("policies:policy_detail", args=[self.pk])

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        # The catalogue holds published documents: every signed-in user reads it; issuers change their own.
        if action == "view":
            return Q()
        if action in ("add", "change", "delete"):
            return _owner_q(user, "")
        return None


class PolicyItem(BaseModel):
    """One item of a policy (事项): what a firm gets, in which mode, with the handbook fields
    (惠及对象、申报条件、兑现时限、咨询电话). Its rule lives in dated versions."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="items", verbose_name=_("policy"))
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("type"), max_length=15, choices=ItemKind.choices)
    mode = models.CharField(_("mode"), max_length=6, choices=Mode.choices, default=Mode.AUTO)
    measure_kind = models.CharField(_("ledger kind of its payments"), max_length=20, choices=MeasureKind.choices,
                                    default=MeasureKind.SUBSIDY_PAID)
    beneficiaries = models.TextField(_("beneficiaries"), blank=True)  # 惠及对象
    conditions_text = models.TextField(_("conditions"), blank=True)  # 申报条件
    payout_working_days = models.PositiveSmallIntegerField(_("payout time limit (working days)"), default=20)
    confirm_working_days = models.PositiveSmallIntegerField(_("confirmation deadline (working days)"), default=15)
    phone = models.CharField(_("enquiry phone"), max_length=40, blank=True)
    budget_year = models.PositiveSmallIntegerField(_("budget year"))
    budget_cap = models.DecimalField(_("budget cap (10k yuan)"), max_digits=14, decimal_places=2, null=True,
                                     blank=True)
    exclusive_group = models.CharField(_("pay-the-higher group"), max_length=40, blank=True, db_index=True,
                                       help_text=_("Items sharing a group are never paid together: the higher one."))
    apply_deadline = models.DateField(_("application deadline"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["policy", "code"]
        verbose_name = _("policy item")
        verbose_name_plural = _("policy items")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("policies:item_detail", args=[self.pk])

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        if action == "view":
            return Q()
        if action in ("add", "change", "delete"):
            return _owner_q(user, "policy__")
        return None

    def version_on(self, day):
        """The rule version in force on `day` (latest start on or before it, not ended)."""
        return (self.versions.filter(effective_from__lte=day).filter(Q(effective_to__isnull=True)
                                                                      | Q(effective_to__gte=day))
                .order_by("-effective_from", "-number").first())

    def is_owned_by(self, user) -> bool:
        if user.is_city:
            return True
        if user.role == Role.DEPARTMENT:
            return self.policy.department_id is not None and self.policy.department_id == user.organisation_id
        if user.role == Role.DISTRICT:
            return self.policy.district_id is not None and self.policy.district_id == user.district_code
        return False


class RuleVersion(BaseModel):
    """A dated version of an item's rule (conditions as an AND/OR tree, exclusions, amount, dated parameters,
    test cases). A version is never edited once an eligibility refers to it: a change is a new version."""

    item = models.ForeignKey(PolicyItem, on_delete=models.CASCADE, related_name="versions", verbose_name=_("item"))
    number = models.PositiveSmallIntegerField(_("version"))
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    period = models.CharField(_("period"), max_length=20, choices=Period.choices, default=Period.LAST_FISCAL_YEAR)
    conditions = models.JSONField(_("conditions"), default=dict)
    exclusions = models.JSONField(_("exclusions"), default=list, blank=True)
    amount = models.JSONField(_("amount"), default=dict)
    params = models.JSONField(_("dated parameters"), default=dict, blank=True)
    tests = models.JSONField(_("test cases"), default=list, blank=True)
    reference = models.CharField(_("clause reference"), max_length=200, blank=True)

    class Meta:
        ordering = ["item", "-effective_from", "-number"]
        verbose_name = _("rule version")
        verbose_name_plural = _("rule versions")
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="ruleversion_unique_number",
                                    violation_error_message=_("This version number already exists.")),
            models.CheckConstraint(condition=Q(effective_to__isnull=True)
                                   | Q(effective_to__gte=models.F("effective_from")), name="ruleversion_dates_ordered",
                                   violation_error_message=_("A version cannot end before it starts.")),
        ]

    def __str__(self) -> str:
        return f"{self.item} v{self.number}"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        if action == "view":
            return Q()
        if action in ("add", "change", "delete"):
            return _owner_q(user, "item__policy__")
        return None


class FactList(BaseModel):
    """A list supplied by a department (小微企业名录, 失信被执行人, 经营异常名录, factory levels, state-owned
    leases ...). Membership is known only once a list is loaded; before that the variable is unknown."""

    variable = models.CharField(_("variable"), max_length=40, unique=True)
    source = models.CharField(_("source"), max_length=100)
    as_of = models.DateField(_("as of"))

    class Meta:
        ordering = ["variable"]
        verbose_name = _("fact list")
        verbose_name_plural = _("fact lists")

    def __str__(self) -> str:
        return f"{self.variable} ({self.as_of:%Y-%m-%d})"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        return Q() if action == "view" and user.role != Role.ENTERPRISE else None


class EnterpriseFact(models.Model):
    """One enterprise's entry on a fact list, with an optional value (a level, a monthly rent)."""

    fact_list = models.ForeignKey(FactList, on_delete=models.CASCADE, related_name="entries",
                                  verbose_name=_("fact list"))
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="policy_facts",
                                   verbose_name=_("enterprise"))
    value = models.CharField(_("value"), max_length=40, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)

    class Meta:
        ordering = ["fact_list", "enterprise"]
        verbose_name = _("enterprise fact")
        verbose_name_plural = _("enterprise facts")
        constraints = [models.UniqueConstraint(fields=["fact_list", "enterprise"], name="enterprisefact_unique",
                                               violation_error_message=_("The enterprise is already on this list."))]

    def __str__(self) -> str:
        return f"{self.fact_list.variable}: {self.enterprise_id}"


def eligibility_scope(user, action: str, prefix: str = "") -> Q | None:
    p = prefix
    if user.role == Role.ENTERPRISE:
        return Q(**{f"{p}enterprise_id": user.enterprise_id}) if action in ("view", "change") else None
    if user.role == Role.DISTRICT:
        own = Q(**{f"{p}enterprise__district_id": user.district_code}) | Q(**{f"{p}item__policy__district_id":
                                                                              user.district_code})
        return own if action in ("view", "change") else None
    if user.role == Role.DEPARTMENT:
        return Q(**{f"{p}item__policy__department_id": user.organisation_id}) if action in ("view", "change") \
            else None
    if user.role in (Role.CHAIN_TEAM, Role.CADRE):
        # Read-only: the firms of their chain (or assigned to them).
        return enterprise_scope(user, "view_confidential", prefix=f"{p}enterprise__") if action == "view" else None
    return None


class Eligibility(BaseModel):
    """One firm's standing for one item, with the snapshot it was computed on (inputs, rule version; the trace
    is re-derived from them with the same evaluator) and the 免申即享 state."""

    item = models.ForeignKey(PolicyItem, on_delete=models.PROTECT, related_name="eligibilities",
                             verbose_name=_("item"))
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE,
                                   related_name="policy_eligibilities", verbose_name=_("enterprise"))
    version = models.ForeignKey(RuleVersion, on_delete=models.PROTECT, related_name="+", verbose_name=_("rule version"))
    result = models.BooleanField(_("result"), null=True)  # None: unknown (a figure is missing)
    amount = models.DecimalField(_("amount (10k yuan)"), max_digits=14, decimal_places=2, null=True, blank=True)
    inputs = models.JSONField(_("inputs"), default=dict)
    missing = models.JSONField(_("missing figures"), default=list, blank=True)
    supplied = models.JSONField(_("figures declared by the enterprise"), default=dict, blank=True)
    superseded_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                      verbose_name=_("superseded by (higher item)"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.CANDIDATE,
                              db_index=True)
    computed_at = models.DateTimeField(_("computed at"))
    as_of = models.DateField(_("as of"))
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)
    deadline = models.DateField(_("confirmation deadline"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    bank_name = models.CharField(_("bank"), max_length=100, blank=True)
    bank_account = models.CharField(_("bank account"), max_length=40, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    paid_amount = models.DecimalField(_("amount paid (10k yuan)"), max_digits=14, decimal_places=2, null=True,
                                      blank=True)
    reason = models.CharField(_("reason (hold, decline, claw-back)"), max_length=500, blank=True)

    class Meta:
        ordering = ["item", "-amount", "enterprise"]
        verbose_name = _("eligibility")
        verbose_name_plural = _("eligibilities")
        indexes = [
            models.Index(fields=["item", "status"], name="eligibility_item_status_idx"),
            models.Index(fields=["enterprise", "item"], name="eligibility_enterprise_idx"),
            # The bureaus' home panel (docs/decisions.md): the standings to pay, oldest confirmation first (a
            # department's or district's own items by the second), and the
            # computed ones to publish are read and counted from these small partial indexes alone, instead of
            # sorting every confirmed standing of the province or reading the table for a count.
            models.Index(fields=["confirmed_at", "item"], name="eligibility_to_pay_idx",
                         condition=Q(status__in=[Status.CONFIRMED, Status.PAYABLE])),
            models.Index(fields=["item", "confirmed_at"], name="eligibility_to_pay_item_idx",
                         condition=Q(status__in=[Status.CONFIRMED, Status.PAYABLE])),
            models.Index(fields=["item"], name="eligibility_to_publish_idx",
                         condition=Q(status=Status.CANDIDATE, result=True, superseded_by__isnull=True)),
        ]
        constraints = [
            models.UniqueConstraint(fields=["item", "enterprise"], name="eligibility_one_per_item",
                                    violation_error_message=_("This enterprise already has a standing for this item.")),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.item}"

    def get_absolute_url(self) -> str:
        return reverse("policies:eligibility_detail", args=[self.pk])

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        return eligibility_scope(user, action)


class LedgerEntry(BaseModel):
    """One burden-reduction amount (万元) of one measure kind and basis, for one month, attributed as far as
    known to a district, an industry, a size class, a policy and an enterprise."""

    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    kind = models.CharField(_("measure kind"), max_length=20, choices=MeasureKind.choices)
    basis = models.CharField(_("basis"), max_length=10, choices=Basis.choices, default=Basis.MEASURED)
    amount = models.DecimalField(_("amount (10k yuan)"), max_digits=16, decimal_places=2)
    district = models.ForeignKey("core.District", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("district"))
    industry = models.ForeignKey("core.IndustryDivision", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("industry division"))
    size = models.CharField(_("size"), max_length=12, choices=Size.choices, blank=True)
    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, null=True, blank=True, related_name="ledger_entries",
                               verbose_name=_("policy"))
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, null=True, blank=True,
                                   related_name="ledger_entries", verbose_name=_("enterprise"))
    department = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("reporting department"))
    source = models.CharField(_("source"), max_length=10, choices=EntrySource.choices)
    eligibility = models.ForeignKey(Eligibility, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="ledger_entries", verbose_name=_("payment"))
    batch = models.CharField(_("import batch"), max_length=60, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-year", "-month", "kind"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("burden-reduction ledger")
        indexes = [
            # The summary reads (kind, basis, amount) of a year from the index alone.
            models.Index(fields=["year", "kind", "basis", "amount"], name="ledger_year_kind_amount_idx"),
            models.Index(fields=["year", "district", "kind"], name="ledger_year_district_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(month__gte=1) & Q(month__lte=12), name="ledger_month_valid",
                                   violation_error_message=_("The month is 1 to 12.")),
        ]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d} {self.get_kind_display()} {self.amount}"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        if action != "view":
            return None
        if user.role == Role.ENTERPRISE:
            return Q(enterprise_id=user.enterprise_id)
        if user.role == Role.DISTRICT:
            return Q(district_id=user.district_code) | Q(policy__district_id=user.district_code)
        if user.role == Role.DEPARTMENT:
            return Q(department_id=user.organisation_id) | Q(policy__department_id=user.organisation_id)
        if user.role in (Role.CHAIN_TEAM, Role.CADRE):
            return enterprise_scope(user, "view_confidential", prefix="enterprise__")
        return None


class LedgerRollup(models.Model):
    """The ledger summed per month, kind, basis, district, industry, size, policy and reporting department: what
    the summary reads instead of every entry (about 20,000 rows for 650,000 entries). Kept by the services that
    write entries (`services.ledger_rollup_add` / `ledger_rollup_rebuild`); a test holds it equal to the live
    GROUP BY. Enterprise-level views (a firm, a chain team) still read the entries."""

    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    kind = models.CharField(_("measure kind"), max_length=20, choices=MeasureKind.choices)
    basis = models.CharField(_("basis"), max_length=10, choices=Basis.choices)
    district = models.ForeignKey("core.District", on_delete=models.CASCADE, null=True, related_name="+",
                                 db_constraint=False)
    industry = models.ForeignKey("core.IndustryDivision", on_delete=models.CASCADE, null=True, related_name="+",
                                 db_constraint=False)
    size = models.CharField(_("size"), max_length=12, blank=True)
    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, null=True, related_name="+", db_constraint=False)
    department = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, null=True, related_name="+",
                                   db_constraint=False)
    amount = models.DecimalField(_("amount (10k yuan)"), max_digits=18, decimal_places=2)
    entries = models.PositiveIntegerField(default=0)

    objects = RestrictedManager()

    KEY = ("year", "month", "kind", "basis", "district_id", "industry_id", "size", "policy_id", "department_id")

    class Meta:
        indexes = [models.Index(fields=["year", "kind", "basis"], name="ledger_rollup_year_idx")]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d} {self.kind} {self.basis} {self.amount}"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        return LedgerEntry.scope(user, action)
