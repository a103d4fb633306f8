"""The user's notifications."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone


@transaction.atomic
def notification_mark_read(*, actor, notifications) -> int:
    """Mark the given notifications of `actor` read (others' notifications are ignored)."""
    return notifications.filter(recipient=actor, read_at__isnull=True).update(read_at=timezone.now())
