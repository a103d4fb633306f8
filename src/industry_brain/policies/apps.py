from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "industry_brain.policies"
    label = "policies"
    verbose_name = _("Policies and burden reduction")

    def ready(self):
        from . import panels, permissions  # noqa: F401  (registers navigation, the home panels and the named rights)
