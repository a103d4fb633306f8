from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CultivationConfig(AppConfig):
    name = "industry_brain.cultivation"
    label = "cultivation"
    verbose_name = _("Tier cultivation")

    def ready(self) -> None:
        from . import panels  # noqa: F401  (navigation, enterprise-page panel)
