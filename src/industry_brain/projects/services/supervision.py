"""The supervision (督办) orders: sync with warnings, escalation, responses and reviews."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from industry_brain.accounts.choices import Role
from industry_brain.core.events import event_record, events_record_bulk
from industry_brain.core.exceptions import TransitionNotAllowed
from industry_brain.core.workdays import add_working_days

from ..choices import (
    SUPERVISION_AWAITING_RESPONSE,
    SUPERVISION_LADDER,
    SupervisionStatus,
)
from ..models import (
    ProjectWarning,
    SupervisionOrder,
    SupervisionResponse,
)
from ._common import (
    RESPONSE_WORKING_DAYS,
    _chunks,
    _user,
    today_local,
)


def supervision_sync(*, today: dt.date, working_days: int = RESPONSE_WORKING_DAYS) -> dict[str, int]:
    """Open an order for every active red warning that has none; close open orders whose warning cleared;
    escalate overdue ones."""
    now = timezone.now()
    due = add_working_days(today, working_days)
    # Stored texts are written in the platform's language, whatever language the job runs in.
    with translation.override(settings.LANGUAGE_CODE):
        due_word, cleared_reason = _("due"), _("warning cleared")
    red = (ProjectWarning.objects.filter(level="red", cleared_at__isnull=True, supervision__isnull=True)
           .values_list("id", "project_id", "project__responsible_org_id"))
    orders = [SupervisionOrder(project_id=pid, warning_id=wid, unit_id=org, issued_on=today, due_date=due)
              for wid, pid, org in red]
    created = SupervisionOrder.objects.bulk_create(orders, batch_size=2000)
    if created and created[0].pk is None:
        created = list(SupervisionOrder.objects.filter(issued_on=today, warning_id__in=[o.warning_id for o in orders]))
    events_record_bulk(
        kind="supervision.opened", objs=created,
        message=lambda o: f"#{o.project_id} {due_word} {o.due_date:%Y-%m-%d}",
        data=lambda o: {"project": o.project_id, "warning": o.warning_id, "due_date": o.due_date.isoformat()})
    closing = list(SupervisionOrder.objects.filter(status__in=["open", "responded", "rejected"],
                                                   warning__cleared_at__isnull=False).only("id", "project_id"))
    for chunk in _chunks([o.pk for o in closing]):
        SupervisionOrder.objects.filter(pk__in=chunk).update(status=SupervisionStatus.CLOSED, closed_at=now,
                                                            close_reason=cleared_reason, updated=now)
    events_record_bulk(
        kind="supervision.closed", objs=closing,
        message=lambda o: f"#{o.project_id}: {cleared_reason}",
        data=lambda o: {"project": o.project_id, "reason": "warning cleared"})
    escalated = supervision_escalate_overdue(today=today, working_days=working_days)
    return {"supervisions_opened": len(created), "supervisions_closed": len(closing),
            "supervisions_escalated": escalated}


def supervision_escalate_overdue(*, today: dt.date, working_days: int = RESPONSE_WORKING_DAYS) -> int:
    """Orders still awaiting a response after their due date climb one step of the ladder (reminder →
    supervision → interview) and get a new due date; an interview is the last step."""
    now = timezone.now()
    due = add_working_days(today, working_days)
    total = 0
    for current, nxt in zip(SUPERVISION_LADDER, SUPERVISION_LADDER[1:], strict=False):
        orders = list(SupervisionOrder.objects.filter(status__in=SUPERVISION_AWAITING_RESPONSE, level=current,
                                                      due_date__lt=today).only("id", "project_id", "due_date"))
        for chunk in _chunks([o.pk for o in orders]):
            SupervisionOrder.objects.filter(pk__in=chunk).update(level=nxt, due_date=due, escalated_on=today,
                                                                updated=now)
        events_record_bulk(
            kind="supervision.escalated", objs=orders,
            message=lambda o, n=nxt: f"#{o.project_id} → {n}",
            data=lambda o, c=current, n=nxt: {"project": o.project_id, "from": c, "to": n,
                                                  "overdue_since": o.due_date.isoformat(),
                                                  "new_due_date": due.isoformat()})
        total += len(orders)
    return total


def _is_responder(actor, order: SupervisionOrder) -> bool:
    if actor.is_city:
        return True
    if actor.role == Role.DISTRICT:
        return (order.unit_id is not None and actor.organisation_id == order.unit_id) or (
            order.unit_id is None and actor.district_code == order.project.district_id)
    if actor.role == Role.ENTERPRISE:
        return order.project.enterprise_id is not None and actor.enterprise_id == order.project.enterprise_id
    return False


@transaction.atomic
def supervision_respond(*, actor, order: SupervisionOrder, cause: str, measures: str,
                        expected_recovery: dt.date, today: dt.date | None = None) -> SupervisionResponse:
    """The responsible unit (or the investor enterprise) answers: cause, measures, expected recovery date."""
    today = today or today_local()
    order = SupervisionOrder.objects.select_for_update().select_related("project").get(pk=order.pk)
    if not _is_responder(actor, order):
        raise PermissionDenied(_("Only the responsible unit or the investor enterprise responds to this order."))
    if order.status not in SUPERVISION_AWAITING_RESPONSE:
        raise TransitionNotAllowed(_("The order is %(status)s; it does not await a response.")
                                   % {"status": order.get_status_display()})
    errors = {}
    if not (cause or "").strip():
        errors["cause"] = [_("State the cause of the delay.")]
    if not (measures or "").strip():
        errors["measures"] = [_("State the measures taken.")]
    if expected_recovery is None:
        errors["expected_recovery"] = [_("Give the expected recovery date.")]
    elif expected_recovery < today:
        errors["expected_recovery"] = [_("The expected recovery date cannot be in the past.")]
    if errors:
        raise ValidationError(errors)
    response = SupervisionResponse.objects.create(
        order=order, cause=cause.strip(), measures=measures.strip(), expected_recovery=expected_recovery,
        responded_by=_user(actor), responder_org_id=actor.organisation_id if actor.role != Role.ENTERPRISE else None,
        responded_at=timezone.now())
    order.status = SupervisionStatus.RESPONDED
    order.save(update_fields=["status", "updated"])
    event_record(kind="supervision.responded", message=_("%(code)s: response submitted") % {"code": order.project.code},
                 obj=order, actor=actor, data={"expected_recovery": expected_recovery.isoformat()})
    return response


def can_review(actor, order: SupervisionOrder, response: SupervisionResponse | None) -> bool:
    """Reviewers: the city bureau, or the district bureau of the project's district when the response is not
    its own (nobody reviews their own answer)."""
    if actor.is_city:
        return True
    if actor.role != Role.DISTRICT or actor.district_code != order.project.district_id:
        return False
    return response is None or response.responder_org_id != actor.organisation_id


def _pending_response(order: SupervisionOrder) -> SupervisionResponse | None:
    return order.responses.filter(decision="").order_by("-responded_at", "-id").first()


@transaction.atomic
def supervision_review(*, actor, order: SupervisionOrder, accept: bool, comment: str = "",
                       today: dt.date | None = None, working_days: int = RESPONSE_WORKING_DAYS) -> SupervisionOrder:
    """Accept (the order closes) or reject (it awaits a new response, due again in working days)."""
    today = today or today_local()
    order = SupervisionOrder.objects.select_for_update().select_related("project").get(pk=order.pk)
    if order.status != SupervisionStatus.RESPONDED:
        raise TransitionNotAllowed(_("The order is %(status)s; only a response awaiting review can be accepted or "
                                     "rejected.") % {"status": order.get_status_display()})
    response = _pending_response(order)
    if not can_review(actor, order, response):
        raise PermissionDenied(_("You may not review this response (the city, or the district bureau for responses "
                                 "it did not write itself)."))
    if not accept and not (comment or "").strip():
        raise ValidationError({"comment": [_("Say why the response is rejected.")]})
    now = timezone.now()
    if response is not None:
        response.decision = "accepted" if accept else "rejected"
        response.review_comment, response.reviewed_by, response.reviewed_at = comment or "", _user(actor), now
        response.save(update_fields=["decision", "review_comment", "reviewed_by", "reviewed_at", "updated"])
    if accept:
        order.status, order.closed_at, order.close_reason = SupervisionStatus.ACCEPTED, now, "accepted"
        order.save(update_fields=["status", "closed_at", "close_reason", "updated"])
        event_record(kind="supervision.accepted", message=_("%(code)s: response accepted") % {
            "code": order.project.code}, obj=order, actor=actor)
        event_record(kind="supervision.closed", message=_("%(code)s: order closed (accepted)") % {
            "code": order.project.code}, obj=order, actor=actor, data={"reason": "accepted"})
    else:
        order.status = SupervisionStatus.REJECTED
        order.due_date = max(add_working_days(today, working_days), order.issued_on)
        order.save(update_fields=["status", "due_date", "updated"])
        event_record(kind="supervision.rejected", message=_("%(code)s: response rejected") % {
            "code": order.project.code}, obj=order, actor=actor, data={"comment": comment,
                                                                       "due_date": order.due_date.isoformat()})
    return order
