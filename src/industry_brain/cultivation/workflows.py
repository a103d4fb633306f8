"""The recognition workflow, declared once on the core workflow engine."""

from django.utils.translation import gettext_lazy as _

from industry_brain.core.permissions import is_city
from industry_brain.core.workflow import Transition, Workflow

from .choices import ApplicationStatus as S


def _own_or_bureau(user, app) -> bool:
    if user.role == "enterprise":
        return user.enterprise_id == app.enterprise_id
    return is_city(user) or (user.role == "district" and user.district_code == app.enterprise.district_id)


def _district_of_firm(user, app) -> bool:
    return is_city(user) or (user.role == "district" and user.district_code == app.enterprise.district_id)


def _city(user, app) -> bool:
    return is_city(user)


IN_REVIEW = {S.SUBMITTED, S.PRECHECKED, S.DISTRICT_APPROVED, S.CITY_APPROVED, S.PUBLICISED}

APPLICATION_WORKFLOW = Workflow("cultivation.application", model="cultivation.RecognitionApplication", transitions=[
    Transition("submit", {S.DRAFT}, S.SUBMITTED, _own_or_bureau, label=_("Submit"), past=_("submitted"),
               event="cultivation.submitted"),
    Transition("precheck", {S.SUBMITTED}, S.PRECHECKED, _district_of_firm, label=_("Pre-check"),
               past=_("pre-checked against the rules"), event="cultivation.prechecked"),
    Transition("district_approve", {S.PRECHECKED}, S.DISTRICT_APPROVED, _district_of_firm,
               label=_("Approve (district)"), past=_("approved by the district"),
               event="cultivation.district_approved"),
    Transition("city_approve", {S.DISTRICT_APPROVED}, S.CITY_APPROVED, _city, label=_("Approve (city, expert score)"),
               past=_("approved by the city"), event="cultivation.city_approved"),
    Transition("publicise", {S.CITY_APPROVED}, S.PUBLICISED, _city, label=_("Publish the notice"),
               past=_("in public notice"), event="cultivation.publicised"),
    Transition("object", {S.PUBLICISED}, None, _district_of_firm, label=_("Record an objection"),
               past=_("objection recorded"), event="cultivation.objection"),
    Transition("answer_objection", {S.PUBLICISED}, None, _city, label=_("Answer the objection"),
               past=_("objection answered"), event="cultivation.objection_answered"),
    Transition("recognise", {S.PUBLICISED}, S.RECOGNISED, _city, label=_("Recognise"), past=_("recognised"),
               event="cultivation.recognised"),
    Transition("reject", IN_REVIEW, S.REJECTED, _district_of_firm, label=_("Reject"), past=_("rejected"),
               event="cultivation.rejected"),
    Transition("revoke", {S.RECOGNISED}, S.REVOKED, _city, label=_("Revoke"), past=_("revoked"),
               event="cultivation.revoked"),
])
