"""The words users read for the industry brains' jobs and events."""

from django.utils.translation import gettext_lazy as _

from industry_brain.core import labels

labels.register("actor", {"job:brains.refresh_all": _("System (industry brain refresh)")})
labels.register("event", {"brain.configured": _("Industry brain configured"),
                          "brain.opt_in": _("Firm shares its operating data")})
