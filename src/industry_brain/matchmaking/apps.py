from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchmakingConfig(AppConfig):
    name = "industry_brain.matchmaking"
    label = "matchmaking"
    verbose_name = _("Matchmaking and chain gaps")

    def ready(self):
        from . import (
            panels,  # noqa: F401  (navigation and the follow-up inbox)
            permissions,  # noqa: F401  (declares the named right)
            workflows,  # noqa: F401  (registers the workflows)
        )
