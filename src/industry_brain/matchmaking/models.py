"""Matchmaking: supply and demand listings (供需清单), matchmaking events (对接会) with registrations and one-to-one
meetings, intentions followed to signed contracts and deliveries, and investment-attraction targets (补链招商).

Scope (DESIGN.md and issue 13): the city sees all; chain teams their chains' events and targets and the listings
and deals of their chains' firms; district officers those of their district's firms; cadres those of the firms
they serve; an enterprise only its own listings, registrations and deals. Departments see none of it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from industry_brain.core.models import BaseModel
from industry_brain.enterprises.models import enterprise_scope

from .choices import (
    EventFormat,
    EventStatus,
    IntentionKind,
    IntentionStatus,
    ListingKind,
    ListingStatus,
    ParticipantRole,
    TargetStatus,
)

MONEY = {"max_digits": 14, "decimal_places": 2}


def _firm_scope(user, action: str, prefix: str) -> Q | None:
    """The firms whose matchmaking records a user may see: the confidential scope of the registry (own firm,
    own district, own chain, served firms), never a department's."""
    if user.role == "department":
        return None
    return enterprise_scope(user, "view_confidential", prefix=prefix)


class Listing(BaseModel):
    """A firm's published supply (what it makes, with spare capacity) or need (what it buys, by when)."""

    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="listings",
                                   verbose_name=_("enterprise"))
    kind = models.CharField(_("kind"), max_length=10, choices=ListingKind.choices)
    title = models.CharField(_("title"), max_length=200)
    node = models.ForeignKey("chains.ChainNode", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="listings", verbose_name=_("chain node"))
    material = models.CharField(_("product or material"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True, validators=[MaxLengthValidator(2000)])
    capacity = models.DecimalField(_("spare capacity per month"), **MONEY, null=True, blank=True,
                                   validators=[MinValueValidator(0)])
    volume = models.DecimalField(_("volume needed per month"), **MONEY, null=True, blank=True,
                                 validators=[MinValueValidator(0)])
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    certifications = models.CharField(_("certifications"), max_length=200, blank=True)
    lead_time_days = models.PositiveSmallIntegerField(_("lead time (days)"), null=True, blank=True)
    quality_requirements = models.CharField(_("quality requirements"), max_length=300, blank=True)
    needed_by = models.DateField(_("needed by"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"))
    status = models.CharField(_("status"), max_length=10, choices=ListingStatus.choices, default=ListingStatus.ACTIVE)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("published by"))
    terms = models.TextField(_("search terms"), blank=True, editable=False)  # jieba terms of the texts, space-separated

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("listing")
        verbose_name_plural = _("listings")
        indexes = [
            models.Index(fields=["kind", "status", "node"], name="listing_kind_status_node_idx"),
            models.Index(fields=["enterprise", "-created"], name="listing_enterprise_idx"),
            models.Index(fields=["kind", "status", "material"], name="listing_kind_material_idx"),
            models.Index(fields=["node", "kind", "status", "-capacity"], name="listing_node_capacity_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(kind="offer") | Q(capacity__isnull=False),
                                   name="listing_offer_has_capacity",
                                   violation_error_message=_("A supply listing states its spare capacity.")),
            models.CheckConstraint(condition=~Q(kind="need") | Q(volume__isnull=False),
                                   name="listing_need_has_volume",
                                   violation_error_message=_("A need states the volume needed.")),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.title}"

    def get_absolute_url(self) -> str:
        return reverse("matchmaking:listing_detail", args=[self.pk])

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        if action in ("view", "change", "add"):
            return _firm_scope(user, action, "enterprise__")
        return None


class ListingTerm(models.Model):
    """One search term of an active listing: the inverted index the recommendations start from (a need finds
    the offers sharing its node, its material or one of its terms without reading every listing)."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="+")
    term = models.CharField(max_length=40)
    kind = models.CharField(max_length=10, choices=ListingKind.choices)

    class Meta:
        ordering = ["term"]
        verbose_name = _("listing term")
        verbose_name_plural = _("listing terms")
        indexes = [models.Index(fields=["term", "kind", "listing"], name="listingterm_term_idx")]
        constraints = [models.UniqueConstraint(fields=["listing", "term"], name="listingterm_unique")]

    def __str__(self) -> str:
        return self.term


class Event(BaseModel):
    """A matchmaking event (对接会) of a chain."""

    name = models.CharField(_("name"), max_length=200)
    chain = models.ForeignKey("chains.Chain", on_delete=models.PROTECT, related_name="events",
                              verbose_name=_("chain"))
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    organiser = models.CharField(_("organiser"), max_length=200)
    format = models.CharField(_("format"), max_length=10, choices=EventFormat.choices, default=EventFormat.ONSITE)
    status = models.CharField(_("status"), max_length=10, choices=EventStatus.choices, default=EventStatus.PLANNED)
    slots = models.PositiveSmallIntegerField(_("meeting slots"), default=8,
                                             help_text=_("One-to-one meetings are scheduled in this many slots."))
    slot_minutes = models.PositiveSmallIntegerField(_("minutes per slot"), default=20)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("matchmaking event")
        verbose_name_plural = _("matchmaking events")
        indexes = [models.Index(fields=["chain", "-date"], name="event_chain_date_idx")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("matchmaking:event_detail", args=[self.pk])

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        role = user.role
        if role == "chain_team" and action in ("view", "change", "add"):
            return Q(chain__ecosystem_id=user.ecosystem_id)
        if action != "view":
            return None
        if role in ("district", "cadre"):
            return Q()  # events are public gatherings; their deals stay in the parties' scope
        if role == "enterprise":
            public = Q(status__in=[EventStatus.OPEN, EventStatus.HELD])
            return public | Q(registrations__enterprise_id=user.enterprise_id)
        return None

    scope_needs_distinct = True


class Registration(BaseModel):
    """A firm's registration for an event (invited by the organiser or registered itself) and its attendance."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations",
                              verbose_name=_("event"))
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE,
                                   related_name="event_registrations", verbose_name=_("enterprise"))
    role = models.CharField(_("role"), max_length=10, choices=ParticipantRole.choices, default=ParticipantRole.BOTH)
    invited = models.BooleanField(_("invited"), default=False)
    attended = models.BooleanField(_("attended"), null=True, blank=True)

    class Meta:
        ordering = ["event", "id"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [models.UniqueConstraint(fields=["event", "enterprise"], name="registration_unique",
                                               violation_error_message=_("The firm is already registered."))]

    def __str__(self) -> str:
        return f"{self.event} · {self.enterprise}"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        if user.role == "chain_team" and action in ("view", "change", "add"):
            return Q(event__chain__ecosystem_id=user.ecosystem_id)
        if action in ("view", "add"):
            return _firm_scope(user, action, "enterprise__")
        return None


class Meeting(BaseModel):
    """A pre-matched one-to-one meeting at an event: a buyer and a supplier at one slot (no firm in two places)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("event"))
    buyer = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="+",
                              verbose_name=_("buyer"))
    seller = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("supplier"))
    slot = models.PositiveSmallIntegerField(_("slot"))
    table = models.PositiveSmallIntegerField(_("table"))
    score = models.FloatField(_("match score"), default=0)

    class Meta:
        ordering = ["event", "slot", "table"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.UniqueConstraint(fields=["event", "buyer", "slot"], name="meeting_buyer_slot_unique"),
            models.UniqueConstraint(fields=["event", "seller", "slot"], name="meeting_seller_slot_unique"),
            models.UniqueConstraint(fields=["event", "buyer", "seller"], name="meeting_pair_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.event} #{self.slot}/{self.table}"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        if user.role == "chain_team" and action == "view":
            return Q(event__chain__ecosystem_id=user.ecosystem_id)
        if action != "view":
            return None
        buyer, seller = _firm_scope(user, action, "buyer__"), _firm_scope(user, action, "seller__")
        return None if buyer is None else buyer | seller


class Intention(BaseModel):
    """A deal declared between a buyer and a supplier (an order) or a lender (financing), followed until it is
    signed, delivered or dropped with a reason. Declared and signed amounts are kept apart: only signed amounts
    are ever reported as signed."""

    event = models.ForeignKey(Event, on_delete=models.SET_NULL, null=True, blank=True, related_name="intentions",
                              verbose_name=_("event"))
    kind = models.CharField(_("kind"), max_length=10, choices=IntentionKind.choices)
    buyer = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="intentions_bought",
                              verbose_name=_("buyer or borrower"))
    seller = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="intentions_sold", verbose_name=_("supplier"))
    lender = models.CharField(_("lender"), max_length=200, blank=True)
    product = models.CharField(_("product or purpose"), max_length=200)
    amount = models.DecimalField(_("declared amount (10k yuan)"), **MONEY, validators=[MinValueValidator(0)])
    signed_amount = models.DecimalField(_("signed amount (10k yuan)"), **MONEY, null=True, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    delivered_amount = models.DecimalField(_("delivered amount (10k yuan)"), **MONEY, null=True, blank=True)
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=IntentionStatus.choices,
                              default=IntentionStatus.DECLARED)
    drop_reason = models.CharField(_("reason dropped"), max_length=300, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("followed up by"))
    follow_up_due = models.DateField(_("follow-up due"), null=True, blank=True)
    repeat_of = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                  verbose_name=_("possible repeat of"))

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("intention")
        verbose_name_plural = _("intentions")
        indexes = [
            models.Index(fields=["event", "status"], name="intention_event_status_idx"),
            models.Index(fields=["status", "follow_up_due"], name="intention_followup_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(kind="order") | Q(seller__isnull=False), name="intention_order_seller",
                                   violation_error_message=_("An order names its supplier.")),
            models.CheckConstraint(condition=~Q(kind="financing") | ~Q(lender=""), name="intention_financing_lender",
                                   violation_error_message=_("A financing deal names its lender.")),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.product}"

    def get_absolute_url(self) -> str:
        return reverse("matchmaking:intention_detail", args=[self.pk])

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        if user.role == "chain_team" and action in ("view", "change", "add"):
            return Q(event__chain__ecosystem_id=user.ecosystem_id)
        if action not in ("view", "change", "add"):
            return None
        buyer = _firm_scope(user, action, "buyer__")
        if buyer is None:
            return None
        mine = buyer | _firm_scope(user, action, "seller__")
        return mine | Q(owner_id=user.pk) if action == "view" else mine


class AttractionTarget(BaseModel):
    """An outside firm worth attracting to fill a weak chain node (补链/强链/延链), followed from identification to
    a signed investment project."""

    chain = models.ForeignKey("chains.Chain", on_delete=models.PROTECT, related_name="attraction_targets",
                              verbose_name=_("chain"))
    node = models.ForeignKey("chains.ChainNode", on_delete=models.PROTECT, related_name="attraction_targets",
                             verbose_name=_("chain node"))
    name = models.CharField(_("name"), max_length=200)
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    region = models.CharField(_("region"), max_length=6, blank=True,
                              help_text=_("GB/T 2260 code of its prefecture, or an ISO 3166 country code."))
    source = models.CharField(_("why a target"), max_length=300, blank=True)
    score = models.FloatField(_("score"), default=0)
    status = models.CharField(_("status"), max_length=12, choices=TargetStatus.choices,
                              default=TargetStatus.IDENTIFIED)
    note = models.TextField(_("note"), blank=True, validators=[MaxLengthValidator(2000)])
    project = models.ForeignKey("projects.Project", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name=_("investment project"))

    class Meta:
        ordering = ["chain", "-score", "id"]
        verbose_name = _("investment-attraction target")
        verbose_name_plural = _("investment-attraction targets")
        indexes = [models.Index(fields=["chain", "status"], name="target_chain_status_idx")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("matchmaking:target_detail", args=[self.pk])

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        if user.role == "chain_team" and action in ("view", "change", "add"):
            return Q(chain__ecosystem_id=user.ecosystem_id)
        return None
