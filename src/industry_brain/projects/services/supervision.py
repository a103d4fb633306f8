"""The supervision (督办) orders: sync with warnings, escalation, responses and reviews."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from industry_brain.core.events import event_record, events_record_bulk
from industry_brain.core.workdays import add_working_days

from ..choices import (
    SUPERVISION_AWAITING_RESPONSE,
    SUPERVISION_LADDER,
    SupervisionLevel,
    SupervisionStatus,
)
from ..models import (
    ProjectWarning,
    SupervisionOrder,
    SupervisionResponse,
)
from ..workflows import SUPERVISION, is_responder, may_review, pending_response
from ._common import (
    RESPONSE_WORKING_DAYS,
    _chunks,
    _user,
    event_insert_head,
    sql_writes,
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
    opened = _open_orders(today=today, due=due, due_word=due_word, now=now)
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
    return {"supervisions_opened": opened, "supervisions_closed": len(closing),
            "supervisions_escalated": escalated}


def _open_orders(*, today: dt.date, due: dt.date, due_word: str, now) -> int:
    """An order, due on `due`, for every active red warning that has none, sent to its project's responsible unit,
    and one `supervision.opened` event per order; answers how many opened. On PostgreSQL one INSERT … SELECT writes
    the orders and feeds the events' INSERT … SELECT (no row passes through Python); the ORM path writes the same
    rows."""
    red = ProjectWarning.objects.filter(level="red", cleared_at__isnull=True, supervision__isnull=True)
    if not sql_writes(connection):
        orders = [SupervisionOrder(project_id=pid, warning_id=wid, unit_id=org, issued_on=today, due_date=due)
                  for wid, pid, org in red.values_list("id", "project_id", "project__responsible_org_id")]
        created = SupervisionOrder.objects.bulk_create(orders, batch_size=2000)
        if created and created[0].pk is None:
            created = list(SupervisionOrder.objects.filter(issued_on=today,
                                                           warning_id__in=[o.warning_id for o in orders]))
        events_record_bulk(
            kind="supervision.opened", objs=created,
            message=lambda o: f"#{o.project_id} {due_word} {o.due_date:%Y-%m-%d}",
            data=lambda o: {"project": o.project_id, "warning": o.warning_id, "due_date": o.due_date.isoformat()})
        return len(created)
    select, params = (red.order_by().values_list("id", "project_id", "project__responsible_org_id")
                      .query.sql_with_params())
    head, head_params = event_insert_head(kind="supervision.opened", model=SupervisionOrder, at=timezone.now())
    table = connection.ops.quote_name(SupervisionOrder._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH o AS (INSERT INTO {table} (created, updated, project_id, warning_id, unit_id, status, level, "
            f"issued_on, due_date, escalated_on, closed_at, close_reason) "
            f"SELECT %s, %s, r.project_id, r.warning_id, r.unit_id, %s, %s, %s, %s, NULL, NULL, '' "
            f"FROM ({select}) AS r (warning_id, project_id, unit_id) RETURNING id, project_id, warning_id) "
            f"{head} CAST(o.id AS text), '#' || o.project_id || ' ' || %s, "
            f"jsonb_build_object('project', o.project_id, 'warning', o.warning_id, 'due_date', %s) FROM o",
            [now, now, SupervisionStatus.OPEN, SupervisionLevel.REMINDER, today, due, *params, *head_params,
             f"{due_word} {due:%Y-%m-%d}", due.isoformat()])
        return cursor.rowcount


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
    return is_responder(actor, order)


def supervision_respond(*, actor, order: SupervisionOrder, cause: str, measures: str,
                        expected_recovery: dt.date, today: dt.date | None = None) -> SupervisionResponse:
    """The responsible unit (or the investor enterprise) answers: cause, measures, expected recovery date
    (`workflows.SUPERVISION`, step respond)."""
    today = today or today_local()
    made: dict = {}

    def apply(o: SupervisionOrder, t):
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
        made["response"] = SupervisionResponse.objects.create(
            order=o, cause=cause.strip(), measures=measures.strip(), expected_recovery=expected_recovery,
            responded_by=_user(actor), responded_at=timezone.now(),
            responder_org_id=None if actor.enterprise_id else actor.organisation_id)

    SUPERVISION.run("respond", order, actor=actor, apply=apply, note=lambda o: made["response"].cause,
                    message=lambda o: _("%(code)s: response submitted") % {"code": o.project.code},
                    data={"expected_recovery": expected_recovery.isoformat() if expected_recovery else None})
    return made["response"]


def can_review(actor, order: SupervisionOrder, response: SupervisionResponse | None) -> bool:
    """Reviewers: the city bureau, or the district bureau of the project's district, never the response's author."""
    return may_review(actor, order, response)


def supervision_review(*, actor, order: SupervisionOrder, accept: bool, comment: str = "",
                       today: dt.date | None = None, working_days: int = RESPONSE_WORKING_DAYS) -> SupervisionOrder:
    """Accept (the order closes) or reject (it awaits a new response, due again in working days)."""
    today = today or today_local()
    comment = (comment or "").strip()
    now = timezone.now()

    def apply(o: SupervisionOrder, t):
        if not accept and not comment:
            raise ValidationError({"comment": [_("Say why the response is rejected.")]})
        response = pending_response(o)
        if response is not None:
            response.decision = "accepted" if accept else "rejected"
            response.review_comment, response.reviewed_by, response.reviewed_at = comment, _user(actor), now
            response.save(update_fields=["decision", "review_comment", "reviewed_by", "reviewed_at", "updated"])
        if accept:
            with translation.override(settings.LANGUAGE_CODE):  # stored as readers read it, like "warning cleared"
                o.closed_at, o.close_reason = now, _("Response accepted")
        else:
            o.due_date = max(add_working_days(today, working_days), o.issued_on)

    def after(o: SupervisionOrder, t):
        if accept:
            event_record(kind="supervision.closed", message=_("%(code)s: order closed (accepted)") % {
                "code": o.project.code}, obj=o, actor=actor, data={"reason": "accepted"})

    if accept:
        return SUPERVISION.run("accept", order, actor=actor, apply=apply, after=after, note=comment,
                               extra_fields=["closed_at", "close_reason"],
                               message=lambda o: _("%(code)s: response accepted") % {"code": o.project.code})
    return SUPERVISION.run("reject", order, actor=actor, apply=apply, note=comment, extra_fields=["due_date"],
                           message=lambda o: _("%(code)s: response rejected") % {"code": o.project.code},
                           data=lambda o: {"comment": comment, "due_date": o.due_date.isoformat()})
