"""The in-app inbox."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from industry_brain.core.querysets import RestrictedManager

from ..choices import (
    NotificationKind,
)
from .demand import Demand


class Notification(models.Model):
    """An entry of a user's in-app inbox; delivery backends may also push it elsewhere."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
                                  verbose_name=_("recipient"))
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    text = models.CharField(_("text"), max_length=300)
    link = models.CharField(_("link"), max_length=200, blank=True)
    demand = models.ForeignKey(Demand, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("demand"))
    created = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at", "-created"], name="notification_inbox_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=NotificationKind.values), name="notification_kind_known",
                                   violation_error_message=_("Unknown notification kind.")),
        ]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.text}"

    @classmethod
    def scope(cls, user, action: str) -> Q | None:
        # Even the city bureau reads only its own inbox.
        return Q(recipient=user) if action in ("view", "change") else None
