"""Words for the registry's event kinds (see `industry_brain.core.labels`)."""

from django.utils.translation import gettext_lazy as _

from industry_brain.core import labels

labels.register("event", {
    "enterprise.registered": _("Enterprise registered"),
    "enterprise.deleted": _("Enterprise deleted"),
    "enterprise.recognised": _("Tier recognition recorded"),
    "enterprise.tier_expired": _("Tier recognition expired"),
})
