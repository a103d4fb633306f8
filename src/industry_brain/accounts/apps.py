from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "industry_brain.accounts"
    label = "accounts"
    verbose_name = _("Accounts and organisations")
