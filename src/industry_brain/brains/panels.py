from django.utils.translation import gettext_lazy as _

from industry_brain.core import registry

registry.register_nav(65, "brains:brain_list", _("Industry brains"))
