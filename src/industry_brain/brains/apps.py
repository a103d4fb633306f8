from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BrainsConfig(AppConfig):
    name = "industry_brain.brains"
    label = "brains"
    verbose_name = _("Industry brains")

    def ready(self):
        from . import panels, permissions  # noqa: F401  (navigation, named rights)
