from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupplyConfig(AppConfig):
    name = "industry_brain.supply"
    label = "supply"
    verbose_name = _("Supply network and chain-break risk")

    def ready(self):
        from . import (
            panels,  # noqa: F401  (registers navigation, the chain-page panel and the enterprise panel)
            permissions,  # noqa: F401  (declares the named rights)
            workflows,  # noqa: F401  (declares the emergency and white-list workflows)
        )
