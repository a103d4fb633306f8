from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChainsConfig(AppConfig):
    name = "industry_brain.chains"
    label = "chains"
    verbose_name = _("Ecosystems and chains")

    def ready(self) -> None:
        from . import memberships, nominations, panels  # noqa: F401  (memberships and nominations declare workflows)
