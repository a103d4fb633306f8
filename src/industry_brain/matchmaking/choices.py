from django.db import models
from django.utils.translation import gettext_lazy as _


class ListingKind(models.TextChoices):
    OFFER = "offer", _("Supply (what the firm makes)")
    NEED = "need", _("Need (what the firm buys)")


class ListingStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class EventFormat(models.TextChoices):
    ONSITE = "onsite", _("On site")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("On site and online")


class EventStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    OPEN = "open", _("Open for registration")
    HELD = "held", _("Held")
    CLOSED = "closed", _("Closed")


class ParticipantRole(models.TextChoices):
    BUYER = "buyer", _("Buyer")
    SELLER = "seller", _("Supplier")
    BOTH = "both", _("Buyer and supplier")
    FINANCIER = "financier", _("Financial institution")


class IntentionKind(models.TextChoices):
    ORDER = "order", _("Order")
    FINANCING = "financing", _("Financing")


class IntentionStatus(models.TextChoices):
    DECLARED = "declared", _("Declared (intention)")
    SIGNED = "signed", _("Signed")
    DELIVERED = "delivered", _("Delivered")
    DROPPED = "dropped", _("Dropped")


class TargetStatus(models.TextChoices):
    IDENTIFIED = "identified", _("Identified")
    CONTACTED = "contacted", _("Contacted")
    VISITED = "visited", _("Visited")
    NEGOTIATING = "negotiating", _("Negotiating")
    SIGNED = "signed", _("Signed")
    DROPPED = "dropped", _("Dropped")
