"""The factory application workflow (declared once on the core engine)."""

from django.utils.translation import gettext_lazy as _

from industry_brain.core.permissions import is_city
from industry_brain.core.workflow import Transition, Workflow

from .models import FactoryStatus as S


def _city(user, obj) -> bool:
    return is_city(user)


FACTORY_WORKFLOW = Workflow("factories.application", model="factories.FactoryApplication", transitions=[
    Transition("evaluate", {S.SUBMITTED, S.EVALUATED}, S.EVALUATED, _city, label=_("Evaluate"),
               past=_("evaluated against the gates"), event="factories.evaluated"),
    Transition("publicise", {S.EVALUATED}, S.PUBLICISED, _city, label=_("Publish the notice"),
               past=_("in public notice"), event="factories.publicised"),
    Transition("recognise", {S.PUBLICISED}, S.RECOGNISED, _city, label=_("Recognise"), past=_("recognised"),
               event="factories.recognised"),
    Transition("reject", {S.SUBMITTED, S.EVALUATED, S.PUBLICISED}, S.REJECTED, _city, label=_("Reject"),
               past=_("rejected"), event="factories.rejected"),
])
