"""The factory application workflow (declared once on the core engine): the firm applies, its district reviews,
the city evaluates against the gates, publishes the notice and recognises; rejection at any review step."""

from django.utils.translation import gettext_lazy as _

from industry_brain.core.permissions import is_city
from industry_brain.core.workflow import Transition, Workflow

from .models import FactoryStatus as S


def _city(user, obj) -> bool:
    return is_city(user)


def _district_of_firm(user, obj) -> bool:
    return is_city(user) or (user.role == "district" and user.district_code == obj.enterprise.district_id)


def _rejecter(user, obj) -> bool:
    """The city at any review step; the firm's district while the application is still before the city."""
    return is_city(user) or (obj.status in (S.SUBMITTED, S.DISTRICT_REVIEWED) and _district_of_firm(user, obj))


FACTORY_WORKFLOW = Workflow("factories.application", model="factories.FactoryApplication", transitions=[
    Transition("district_review", {S.SUBMITTED}, S.DISTRICT_REVIEWED, _district_of_firm,
               label=_("Approve (district)"), past=_("reviewed by the district"), event="factories.district_reviewed"),
    Transition("evaluate", {S.DISTRICT_REVIEWED, S.EVALUATED}, S.EVALUATED, _city, label=_("Evaluate"),
               past=_("evaluated against the gates"), event="factories.evaluated"),
    Transition("publicise", {S.EVALUATED}, S.PUBLICISED, _city, label=_("Publish the notice"),
               past=_("in public notice"), event="factories.publicised"),
    Transition("recognise", {S.PUBLICISED}, S.RECOGNISED, _city, label=_("Recognise"), past=_("recognised"),
               event="factories.recognised"),
    Transition("reject", {S.SUBMITTED, S.DISTRICT_REVIEWED, S.EVALUATED, S.PUBLICISED}, S.REJECTED, _rejecter,
               label=_("Reject"),
               past=_("rejected"), event="factories.rejected"),
])
