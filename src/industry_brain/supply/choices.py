from django.db import models
from django.utils.translation import gettext_lazy as _


class TtrSource(models.TextChoices):
    SUPPLIER = "supplier", _("Reported by the supplier")
    CUSTOMER = "customer", _("Estimated by the customer")
    BUREAU = "bureau", _("Estimated by the bureau")
    DEFAULT = "default", _("Default for the region")


class MatchStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class EmergencyStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Deactivated")


class WhitelistStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CONFIRMED = "confirmed", _("Confirmed by the city")
    REMOVED = "removed", _("Removed")


class FirmStatus(models.TextChoices):
    OPERATING = "operating", _("Operating")
    PARTIAL = "partial", _("Partly operating")
    STOPPED = "stopped", _("Stopped")
