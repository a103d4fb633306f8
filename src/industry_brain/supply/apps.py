from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupplyConfig(AppConfig):
    name = "industry_brain.supply"
    label = "supply"
    verbose_name = _("Supply network and chain-break risk")
