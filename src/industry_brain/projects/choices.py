"""Choices of the investment project platform: lifecycle stages, milestones, warning levels, supervision."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    RESERVE = "reserve", _("Reserve")
    SIGNED = "signed", _("Signed")
    LAND = "land", _("Land supplied")
    CONSTRUCTION = "construction", _("Under construction")
    COMPLETED = "completed", _("Completed")
    PRODUCTION = "production", _("In production")
    FULL_PRODUCTION = "full_production", _("Full production")
    CANCELLED = "cancelled", _("Cancelled")


class Milestone(models.TextChoices):
    """The six milestones 签约, 供地, 开工, 竣工, 投产, 达产; recording one's actual date enters its stage."""

    SIGNED = "signed", _("Signing")
    LAND = "land", _("Land supply")
    START = "start", _("Construction start")
    COMPLETION = "completion", _("Completion")
    PRODUCTION = "production", _("Production start")
    FULL_PRODUCTION = "full_production", _("Full production")


# Milestones in lifecycle order with the stage each one enters.
MILESTONE_ORDER: tuple[str, ...] = ("signed", "land", "start", "completion", "production", "full_production")
MILESTONE_STAGE: dict[str, str] = {
    "signed": Stage.SIGNED, "land": Stage.LAND, "start": Stage.CONSTRUCTION, "completion": Stage.COMPLETED,
    "production": Stage.PRODUCTION, "full_production": Stage.FULL_PRODUCTION,
}
STAGE_ORDER: tuple[str, ...] = ("reserve", "signed", "land", "construction", "completed", "production",
                                "full_production")
# Stages after which a project still has milestones ahead of it.
OPEN_STAGES: tuple[str, ...] = STAGE_ORDER[:-1]
# Stages in which a project reports its progress every month (from land supply until it produces at capacity).
REPORTING_STAGES: tuple[str, ...] = ("land", "construction", "completed", "production")


class WarningLevel(models.TextChoices):
    GREEN = "green", _("Green")
    YELLOW = "yellow", _("Yellow")
    RED = "red", _("Red")


LEVEL_RANK = {"green": 0, "yellow": 1, "red": 2}


class ProjectType(models.TextChoices):
    NEW = "new", _("New")
    EXPANSION = "expansion", _("Expansion")
    RENOVATION = "renovation", _("Technical renovation")


class Funding(models.TextChoices):
    DOMESTIC = "domestic", _("Domestic")
    FOREIGN = "foreign", _("Foreign")


class KeyLevel(models.TextChoices):
    PROVINCIAL = "provincial", _("Provincial key project")
    CITY = "city", _("City key project")
    DISTRICT = "district", _("District key project")
    NONE = "none", _("Not a key project")


class RuleKind(models.TextChoices):
    """The evaluators a rule can use; a rule's code, texts, thresholds and level policy are data."""

    MILESTONE_OVERDUE = "milestone_overdue", _("Planned milestone passed without its actual date")
    INVESTMENT_BEHIND = "investment_behind", _("Investment behind schedule")
    START_OVERDUE = "start_overdue", _("Construction not started after the planned start")
    REPORT_MISSING = "report_missing", _("Monthly progress report missing")
    INVESTMENT_STALLED = "investment_stalled", _("No investment for consecutive months during construction")


class SupervisionStatus(models.TextChoices):
    OPEN = "open", _("Awaiting response")
    RESPONDED = "responded", _("Awaiting review")
    REJECTED = "rejected", _("Response rejected")
    ACCEPTED = "accepted", _("Accepted")
    CLOSED = "closed", _("Closed (warning cleared)")


SUPERVISION_ACTIVE = ("open", "responded", "rejected")
SUPERVISION_AWAITING_RESPONSE = ("open", "rejected")


class SupervisionLevel(models.TextChoices):
    """The escalation ladder of an overdue order: reminder (催办) → supervision (督办) → interview (约谈)."""

    REMINDER = "reminder", _("Reminder")
    SUPERVISION = "supervision", _("Supervision")
    INTERVIEW = "interview", _("Interview")


SUPERVISION_LADDER = ("reminder", "supervision", "interview")
