from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FactoriesConfig(AppConfig):
    name = "industry_brain.factories"
    label = "factories"
    verbose_name = _("Future factories")

    def ready(self) -> None:
        from . import panels  # noqa: F401  (navigation)
