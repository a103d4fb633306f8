"""Navigation entry of future factories."""

from django.utils.translation import gettext_lazy as _

from industry_brain.core import registry

registry.register_nav(43, "factories:factory_list", _("Future factories"),
                      ("city", "district", "chain_team", "cadre", "enterprise"))
registry.register_nav(45, "factories:application_list", _("Factory applications"),
                      ("city", "district", "chain_team", "cadre", "enterprise"))
