"""Choices of the enterprise-service domain."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Urgency(models.TextChoices):
    URGENT = "urgent", _("urgent")
    NORMAL = "normal", _("normal")
    COMPLEX = "complex", _("complex")


class DemandStatus(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    ACCEPTED = "accepted", _("accepted")
    IN_PROGRESS = "in_progress", _("in progress")
    RESOLVED = "resolved", _("resolved")
    CLOSED = "closed", _("closed")


OPEN_STATUSES = (DemandStatus.SUBMITTED, DemandStatus.ACCEPTED, DemandStatus.IN_PROGRESS)
RESOLVED_STATUSES = (DemandStatus.RESOLVED, DemandStatus.CLOSED)


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("satisfied")
    BASICALLY_SATISFIED = "basically_satisfied", _("basically satisfied")
    DISSATISFIED = "dissatisfied", _("dissatisfied")


class Channel(models.TextChoices):
    CADRE = "cadre", _("raised by a cadre")
    ENTERPRISE = "enterprise", _("raised by the enterprise")
    API = "api", _("through the API")
    STAFF = "staff", _("recorded by bureau staff")


class VisitMode(models.TextChoices):
    ON_SITE = "on_site", _("on site")
    PHONE = "phone", _("phone")
    ONLINE = "online", _("online")


class StepAction(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    ACCEPTED = "accepted", _("accepted")
    STARTED = "started", _("started")
    TRANSFERRED = "transferred", _("transferred")
    COHANDLING_OPENED = "cohandling_opened", _("co-handling requested")
    COHANDLING_DONE = "cohandling_done", _("co-handling answered")
    RESOLVED = "resolved", _("resolved")
    RATED = "rated", _("rated")
    REOPENED = "reopened", _("reopened")
    ESCALATED = "escalated", _("escalated")
    FLAGGED = "flagged", _("flagged as similar")


class EscalationLevel(models.IntegerChoices):
    NONE = 0, _("not escalated")
    DISTRICT = 1, _("district bureau")
    CITY = 2, _("city bureau")


class CoHandlingStatus(models.TextChoices):
    OPEN = "open", _("open")
    DONE = "done", _("answered")


class FlagKind(models.TextChoices):
    SAME_ENTERPRISE = "same_enterprise", _("same enterprise and category within 30 days")
    SIMILAR_TEXT = "similar_text", _("similar text")


class AlertScope(models.TextChoices):
    DISTRICT = "district", _("district")
    CHAIN = "chain", _("chain")


class AlertStatus(models.TextChoices):
    OPEN = "open", _("open")
    ACKNOWLEDGED = "acknowledged", _("acknowledged")


class NotificationKind(models.TextChoices):
    NEW_ASSIGNMENT = "new_assignment", _("new assignment")
    DUE_SOON = "due_soon", _("due soon")
    OVERDUE = "overdue", _("overdue")
    RESOLVED = "resolved", _("resolved")
    PLEASE_RATE = "please_rate", _("please rate")
    REOPENED = "reopened", _("reopened")
    COHANDLING = "cohandling", _("co-handling request")
    SYSTEMIC_ALERT = "systemic_alert", _("systemic problem")
    ENTERPRISE_ASSIGNED = "enterprise_assigned", _("enterprise assigned to you")
    PROGRESS = "progress", _("progress of your demand")
    NEW_DEMAND = "new_demand", _("new demand of an enterprise in your care")
    POLICY_BENEFIT = "policy_benefit", _("a policy benefit you are eligible for")
    DEAL_FOLLOW_UP = "deal_follow_up", _("matchmaking deals waiting for your follow-up")
