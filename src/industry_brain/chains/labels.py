"""Words for the chains' event kinds (see `industry_brain.core.labels`)."""

from django.utils.translation import gettext_lazy as _

from industry_brain.core import labels

labels.register("event", {
    "chains.stats_refreshed": _("Chain statistics refreshed"),
    "chain_master.nominated": _("Chain master nominated"),
    "chain_master.designated": _("Chain master designated"),
    "chain_master.revoked": _("Chain master revoked"),
})
