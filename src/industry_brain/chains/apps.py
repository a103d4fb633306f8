from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChainsConfig(AppConfig):
    name = "industry_brain.chains"
    label = "chains"
    verbose_name = _("Ecosystems and chains")

    def ready(self) -> None:
        from . import memberships, nominations, panels, permissions  # noqa: F401  (workflows, the named right)
