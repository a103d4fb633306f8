from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "industry_brain.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from . import changelog, inputs  # noqa: F401  (changelog connects the change-log signal handlers)

        inputs.install()  # bounded numbers in list filters (core/inputs.py)
