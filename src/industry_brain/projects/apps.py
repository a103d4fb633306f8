from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "industry_brain.projects"
    label = "projects"
    verbose_name = _("Investment projects")

    def ready(self) -> None:
        from . import (
            panels,  # noqa: F401  (registers navigation, home panels)
            permissions,  # noqa: F401  (declares the named rights)
            workflows,  # noqa: F401  (declares the supervision workflow)
        )
