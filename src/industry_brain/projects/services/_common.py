"""Shared constants and helpers of the project writes."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from ..choices import (
    MILESTONE_ORDER,
)

# A supervision order is answered within this many official working days (an unnamed bureau's 12345 rules
# give 3 working days for consultations; 枣庄 gives 2 for a reply): issued, rejected and escalated alike.
RESPONSE_WORKING_DAYS = 3

PLANNED_FIELDS = tuple(f"planned_{m}" for m in MILESTONE_ORDER)
ACTUAL_FIELDS = tuple(f"actual_{m}" for m in MILESTONE_ORDER)
PROFILE_FIELDS = ("code", "name", "enterprise", "investor_name", "investor_uscc", "investor_origin", "ecosystem",
                  "chain", "industry", "district", "street", "address", "lat", "lon", "total_investment",
                  "fixed_investment", "funding", "project_type", "key_level", "responsible_org", "responsible_unit",
                  "contact_name", "contact_phone")
FK_FIELDS = ("enterprise", "ecosystem", "chain", "industry", "district", "responsible_org")
# What the investor enterprise's own users may write on its projects: the milestones it reached.
ENTERPRISE_WRITABLE = frozenset(ACTUAL_FIELDS)


def today_local() -> dt.date:
    return timezone.localdate()


def _fk_id(value):
    return getattr(value, "pk", value)


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def _chunks(items: list, size: int = 5000):
    for i in range(0, len(items), size):
        yield items[i:i + size]
