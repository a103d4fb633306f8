from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemandsConfig(AppConfig):
    name = "industry_brain.demands"
    label = "demands"
    verbose_name = _("Enterprise service")

    def ready(self):
        from . import (
            panels,  # noqa: F401  (registers navigation, home panels and the enterprise panel)
            permissions,  # noqa: F401  (declares the named rights)
            workflows,  # noqa: F401  (declares the demand, co-handling and systemic-alert workflows)
        )
