from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "industry_brain.enterprises"
    label = "enterprises"
    verbose_name = _("Enterprises")

    def ready(self) -> None:
        from . import panels, rules  # noqa: F401  (registers navigation, home panels and the named rights)
        from .ecosystem_members import watch_memberships

        watch_memberships()
