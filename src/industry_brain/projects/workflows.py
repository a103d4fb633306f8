"""The supervision order (督办单) workflow, declared once on the core engine (`core.workflow`).

    open ──respond──▶ responded ──accept──▶ accepted
      ▲                   │
    rejected ◀──reject────┘      (rejected ──respond──▶ responded again)

Opening an order (a red warning), closing it (the warning cleared) and climbing the ladder reminder →
supervision → interview are set-based jobs of the warning evaluation (`services/supervision.py`), not steps a
user takes. Separation of duties: nobody reviews their own response, neither the district bureau nor the city
bureau (a response written by the city is reviewed by the project's district bureau, and the other way round).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from industry_brain.accounts.choices import Role
from industry_brain.core.workflow import Transition, Workflow

from .choices import SupervisionStatus as S
from .models import SupervisionResponse


def is_responder(user, order) -> bool:
    """The responsible unit (the project's district bureau when no unit is named), the investor enterprise, and
    the city bureau answer an order."""
    if user.is_city:
        return True
    if user.role == Role.DISTRICT:
        return (order.unit_id is not None and user.organisation_id == order.unit_id) or (
            order.unit_id is None and user.district_code == order.project.district_id)
    if user.role == Role.ENTERPRISE:
        return order.project.enterprise_id is not None and user.enterprise_id == order.project.enterprise_id
    return False


def responder_filter(user) -> Q | None:
    """`is_responder` as a filter over orders (the inbox of orders to answer); None: the user answers none."""
    if user.is_city:
        return Q()
    if user.role == Role.DISTRICT:
        return Q(unit_id=user.organisation_id) | Q(unit__isnull=True, project__district_id=user.district_code)
    if user.role == Role.ENTERPRISE:
        return Q(project__enterprise_id=user.enterprise_id)
    return None


def pending_response(order):
    """The response awaiting review (uses the prefetched responses when the caller prefetched them)."""
    pending = [r for r in order.responses.all() if not r.decision]
    return max(pending, key=lambda r: (r.responded_at, r.pk)) if pending else None


def wrote(user, response) -> bool:
    """Whether `user` (or the user's organisation) wrote this response."""
    if response is None:
        return False
    return response.responded_by_id == user.pk or (
        response.responder_org_id is not None and response.responder_org_id == user.organisation_id)


def may_review(user, order, response=None) -> bool:
    """Reviewers: the city bureau, or the district bureau of the project's district, but never the author of the
    response under review (nobody reviews their own answer, issue of separation of duties)."""
    response = response if response is not None else pending_response(order)
    if wrote(user, response):
        return False
    if user.is_city:
        return True
    return user.role == Role.DISTRICT and user.district_code == order.project.district_id


def reviewer_filter(user) -> Q | None:
    """`may_review` as a filter over responded orders (the inbox of responses to review), the user's own
    organisation's pending response excluded; None: the user reviews none."""
    if user.is_city:
        return Q()
    if user.role == Role.DISTRICT:
        own = SupervisionResponse.objects.filter(order=OuterRef("pk"), decision="",
                                                 responder_org_id=user.organisation_id)
        return Q(project__district_id=user.district_code) & ~Q(Exists(own))
    return None


SUPERVISION = Workflow("supervision", model="projects.SupervisionOrder", label=_("supervision order"), transitions=[
    Transition("respond", sources={S.OPEN, S.REJECTED}, target=S.RESPONDED, may=is_responder,
               label=_("Respond"), past=_("responded"), event="supervision.responded",
               form="industry_brain.projects.forms.RespondForm",
               serializer="industry_brain.projects.api.serializers.RespondSerializer",
               denied=_("Only the responsible unit or the investor enterprise responds to this order.")),
    Transition("accept", sources={S.RESPONDED}, target=S.ACCEPTED, may=may_review,
               label=_("Accept the response"), past=_("accepted"), event="supervision.accepted",
               form="industry_brain.projects.forms.ReviewForm",
               serializer="industry_brain.projects.api.serializers.ReviewSerializer",
               denied=_("You may not review this response (the city, or the district bureau, and never the author "
                        "of the response).")),
    Transition("reject", sources={S.RESPONDED}, target=S.REJECTED, may=may_review,
               label=_("Reject the response"), past=_("rejected"), event="supervision.rejected",
               form="industry_brain.projects.forms.ReviewForm",
               serializer="industry_brain.projects.api.serializers.ReviewSerializer",
               denied=_("You may not review this response (the city, or the district bureau, and never the author "
                        "of the response).")),
])
