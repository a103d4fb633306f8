from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "industry_brain.monitoring"
    label = "monitoring"
    verbose_name = _("Economic monitoring")

    def ready(self) -> None:
        from . import panels, permissions, tasks  # noqa: F401  (navigation, home panels, named rights, the schedule)
