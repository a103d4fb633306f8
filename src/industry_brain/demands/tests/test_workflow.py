"""The state machine: every step allowed and refused, who may take it, due dates in official working days,
transfers, reopening and escalation."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from industry_brain.core.exceptions import TransitionNotAllowed
from industry_brain.demands import services, workflows
from industry_brain.demands.models import Demand, DemandStep, Notification

from .helpers import accepted, at, in_progress, raise_demand, resolved

pytestmark = pytest.mark.django_db

STATUSES = ["submitted", "accepted", "in_progress", "resolved", "closed"]
ALLOWED = {"accept": {"submitted"}, "start": {"accepted"}, "transfer": {"accepted", "in_progress"},
           "cohandle": {"accepted", "in_progress"}, "resolve": {"in_progress"}, "rate": {"resolved"}}


def demand_in(world, status):
    d = raise_demand(world)
    if status == "submitted":
        return d
    if status == "accepted":
        return accepted(world, d)
    if status == "in_progress":
        return in_progress(world, d)
    d = resolved(world, d)
    if status == "closed":
        d = services.demand_rate(actor=world.user("enterprise"), demand=d, satisfaction="satisfied")
    return d


def payload(world, action):
    return {"accept": {"department": world.department.pk}, "start": {},
            "transfer": {"department": world.other_department.pk, "reason": "职责调整"},
            "cohandle": {"department": world.other_department.pk, "request": "请协助核实"},
            "resolve": {"resolution": "已解决"}, "rate": {"satisfaction": "satisfied"}}[action]


def test_the_table_matches_the_documented_workflow():
    assert {name: set(t.sources) for name, t in workflows.DEMAND.transitions.items()} == ALLOWED


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("action", sorted(ALLOWED))
def test_every_step_from_every_status(api, world, action, status):
    demand = demand_in(world, status)
    actor = world.user("enterprise" if action == "rate" else "city")
    r = api.as_user(actor).post(f"/api/v1/demands/{demand.pk}/{action}/", payload(world, action), format="json")
    if status in ALLOWED[action]:
        assert r.status_code == 200, r.json()
    else:
        assert r.status_code == 409, r.content
        assert r.json()["detail"]
        assert Demand.objects.get(pk=demand.pk).status == status


@pytest.mark.parametrize("action,user_key,code", [
    ("accept", "department", 404),  # a submitted demand is not yet routed to any department: not visible
    ("accept", "cadre", 403), ("accept", "enterprise", 403), ("accept", "district_other", 404),
    ("start", "district", 403), ("start", "enterprise", 403), ("start", "department_other", 404),
    ("resolve", "cadre", 403), ("resolve", "district", 403),
    ("rate", "city", 403), ("rate", "department", 403), ("rate", "cadre", 403), ("rate", "district", 403),
    ("rate", "enterprise_other", 404),
])
def test_steps_by_the_wrong_user_are_refused(api, world, action, user_key, code):
    """403 when the user sees the demand but the step is not theirs; 404 when they cannot see it."""
    status = next(iter(ALLOWED[action]))
    demand = demand_in(world, status)
    r = api.as_user(world.user(user_key)).post(f"/api/v1/demands/{demand.pk}/{action}/", payload(world, action),
                                               format="json")
    assert r.status_code == code
    assert Demand.objects.get(pk=demand.pk).status == status


def test_district_bureau_of_the_enterprise_may_accept(world):
    d = raise_demand(world)
    d = services.demand_accept(actor=world.user("district"), demand=d, department=world.department)
    assert d.status == "accepted" and d.department == world.department


def test_accept_needs_a_department_not_any_organisation(api, world):
    d = raise_demand(world)
    r = api.as_user(world.user("city")).post(f"/api/v1/demands/{d.pk}/accept/", {"department": world.xihu.pk},
                                             format="json")
    assert r.status_code == 400 and "department" in r.json()


def test_transfer_needs_a_reason_and_is_counted(api, world):
    d = in_progress(world, raise_demand(world))
    client = api.as_user(world.user("department"))
    r = client.post(f"/api/v1/demands/{d.pk}/transfer/", {"department": world.other_department.pk, "reason": ""},
                    format="json")
    assert r.status_code == 400 and "reason" in r.json()
    with pytest.raises(ValidationError):
        services.demand_transfer(actor=world.user("department"), demand=d, department=world.other_department,
                                 reason="   ")
    r = client.post(f"/api/v1/demands/{d.pk}/transfer/", {"department": world.other_department.pk,
                                                          "reason": "属人社部门职责"}, format="json")
    assert r.status_code == 204  # the department no longer coordinates it, so it no longer sees it
    d.refresh_from_db()
    assert (d.status, d.department_id, d.transfer_count, d.handler_id) == (
        "accepted", world.other_department.pk, 1, None)
    step = d.steps.get(action="transferred")
    assert "属人社部门职责" in step.note and step.department_id == world.other_department.pk
    # the new department takes over; the old one cannot act any more
    services.demand_start(actor=world.user("department_other"), demand=d)
    with pytest.raises(PermissionDenied):
        services.demand_resolve(actor=world.user("department"), demand=d, resolution="x")
    d = services.demand_transfer(actor=world.user("city"), demand=d, department=world.department, reason="退回")
    assert d.transfer_count == 2


def test_transfer_to_the_same_department_is_refused(world):
    d = accepted(world, raise_demand(world))
    with pytest.raises(ValidationError):
        services.demand_transfer(actor=world.user("city"), demand=d, department=world.department, reason="同部门")


def test_dissatisfied_rating_reopens_with_a_fresh_due_date(world):
    d = resolved(world, raise_demand(world, when=at(dt.date(2025, 9, 1), 9)), when=at(dt.date(2025, 9, 1)))
    with pytest.raises(ValidationError):  # a dissatisfied verdict says what is still wrong
        services.demand_rate(actor=world.user("enterprise"), demand=d, satisfaction="dissatisfied")
    d = services.demand_rate(actor=world.user("enterprise"), demand=d, satisfaction="dissatisfied",
                             comment="通行证只给了三天", at=at(dt.date(2025, 9, 2)))
    assert (d.status, d.reopen_count, d.satisfaction) == ("in_progress", 1, "dissatisfied")
    assert d.due_date == dt.date(2025, 9, 9) and d.resolved_at is None and d.on_time is None
    assert list(d.steps.values_list("action", flat=True))[-2:] == ["rated", "reopened"]
    d = services.demand_resolve(actor=world.user("department"), demand=d, resolution="已延长通行证",
                                at=at(dt.date(2025, 9, 4)))
    d = services.demand_rate(actor=world.user("enterprise"), demand=d, satisfaction="basically_satisfied")
    assert (d.status, d.reopen_count, d.satisfaction) == ("closed", 1, "basically_satisfied")


def test_timeline_and_event_log_record_every_step(world):
    from industry_brain.core.events import events_for

    d = raise_demand(world)
    d = resolved(world, d)
    d = services.demand_rate(actor=world.user("enterprise"), demand=d, satisfaction="satisfied")
    steps = list(DemandStep.objects.filter(demand=d).values_list("action", "actor_label"))
    assert steps == [("submitted", "t_ent"), ("accepted", "t_city"), ("started", "t_dept"), ("resolved", "t_dept"),
                     ("rated", "t_ent")]
    kinds = {e.kind for e in events_for(d)}
    assert {"demand.submitted", "demand.accepted", "demand.started", "demand.resolved", "demand.rated"} <= kinds


# ---------------------------------------------------------------------------- due dates in working days

@pytest.mark.parametrize("accepted_on,urgency,due", [
    (dt.date(2025, 9, 30), "normal", dt.date(2025, 10, 14)),   # National Day: Oct 1-8 off, Sat Oct 11 worked
    (dt.date(2025, 9, 26), "urgent", dt.date(2025, 9, 28)),    # Friday before the holiday: Sunday Sep 28 is worked
    (dt.date(2025, 1, 24), "urgent", dt.date(2025, 1, 26)),    # Spring Festival: Sunday Jan 26 is worked
    (dt.date(2025, 10, 3), "urgent", dt.date(2025, 10, 9)),    # accepted on a holiday
    (dt.date(2025, 9, 30), "complex", dt.date(2025, 10, 28)),
    (dt.date(2025, 6, 6), "normal", dt.date(2025, 6, 13)),     # an ordinary week (Mon-Fri)
])
def test_due_date_counts_official_working_days(world, accepted_on, urgency, due):
    d = raise_demand(world, urgency=urgency, when=at(accepted_on, 9))
    d = accepted(world, d, when=at(accepted_on, 11))
    assert d.due_date == due


def test_days_per_urgency_are_configurable(world, settings):
    settings.DEMAND_DUE_WORKING_DAYS = {"normal": 2}
    d = accepted(world, raise_demand(world, when=at(dt.date(2025, 6, 6))), when=at(dt.date(2025, 6, 6)))
    assert d.due_date == dt.date(2025, 6, 10)  # Fri + 2 working days; urgent/complex keep their defaults
    assert services.due_working_days("urgent") == 1 and services.due_working_days("complex") == 15


def test_handling_time_and_on_time_flag_use_working_days(world):
    d = raise_demand(world, when=at(dt.date(2025, 9, 30), 9))
    d = in_progress(world, d, when=at(dt.date(2025, 9, 30), 10))
    d = services.demand_resolve(actor=world.user("department"), demand=d, resolution="ok",
                                at=at(dt.date(2025, 10, 9)))
    assert d.handling_days == 1 and d.on_time is True  # Oct 1-8 are holidays
    d2 = in_progress(world, raise_demand(world, urgency="urgent", when=at(dt.date(2025, 9, 1))),
                     when=at(dt.date(2025, 9, 1)))
    d2 = services.demand_resolve(actor=world.user("department"), demand=d2, resolution="ok",
                                 at=at(dt.date(2025, 9, 3)))
    assert d2.due_date == dt.date(2025, 9, 2) and d2.on_time is False and d2.handling_days == 2


# ---------------------------------------------------------------------------------------- escalation

def test_overdue_demands_escalate_to_the_district_then_the_city(world):
    d = in_progress(world, raise_demand(world, when=at(dt.date(2025, 9, 30))), when=at(dt.date(2025, 9, 30)))
    assert d.due_date == dt.date(2025, 10, 14)
    fresh = accepted(world, raise_demand(world, when=at(dt.date(2025, 10, 13))), when=at(dt.date(2025, 10, 13)))
    assert services.demand_escalate_overdue(today=dt.date(2025, 10, 14)) == {"city": 0, "district": 0}
    assert services.demand_escalate_overdue(today=dt.date(2025, 10, 15)) == {"city": 0, "district": 1}
    d.refresh_from_db()
    assert d.escalation_level == 1
    assert Notification.objects.filter(recipient=world.user("district"), kind="overdue", demand=d).count() == 1
    assert Notification.objects.filter(recipient=world.user("department"), kind="overdue", demand=d).exists()
    assert not Notification.objects.filter(recipient=world.user("city"), kind="overdue").exists()
    # running again changes nothing; three working days late is still the district's
    assert services.demand_escalate_overdue(today=dt.date(2025, 10, 17)) == {"city": 0, "district": 0}
    # more than three working days late (Oct 15, 16, 17, 20): the city
    assert services.demand_escalate_overdue(today=dt.date(2025, 10, 20))["city"] == 1
    d.refresh_from_db()
    fresh.refresh_from_db()
    assert d.escalation_level == 2 and fresh.escalation_level == 0  # fresh is due Oct 20: not late yet
    assert Notification.objects.filter(recipient=world.user("city"), kind="overdue", demand=d).count() == 1
    assert list(d.steps.filter(action="escalated").values_list("actor_label", flat=True)) == [
        "job:escalate_overdue", "job:escalate_overdue"]


def test_resolved_demands_do_not_escalate(world):
    d = resolved(world, raise_demand(world, when=at(dt.date(2025, 9, 1))), when=at(dt.date(2025, 9, 1)))
    assert services.demand_escalate_overdue(today=dt.date(2025, 12, 1)) == {"city": 0, "district": 0}
    d.refresh_from_db()
    assert d.escalation_level == 0


def test_due_soon_notice_is_sent_once(world):
    d = accepted(world, raise_demand(world, when=at(dt.date(2025, 6, 2))), when=at(dt.date(2025, 6, 2)))
    assert d.due_date == dt.date(2025, 6, 9)
    assert services.demand_notify_due_soon(today=dt.date(2025, 6, 5)) == 0
    assert services.demand_notify_due_soon(today=dt.date(2025, 6, 6)) == 1  # due the next working day
    assert services.demand_notify_due_soon(today=dt.date(2025, 6, 6)) == 0
    assert Notification.objects.filter(kind="due_soon", recipient=world.user("department")).count() == 1


def test_job_task_runs_as_named_system_actor(world):
    from industry_brain.core.models import Event
    from industry_brain.demands import tasks

    in_progress(world, raise_demand(world, when=at(dt.date(2025, 1, 6))), when=at(dt.date(2025, 1, 6)))
    result = tasks.escalate_overdue.delay().get()
    assert result["district"] == 1 and result["city"] == 0 or result["city"] == 1
    assert Event.objects.filter(kind="demand.escalated", actor_label="job:demands.escalate_overdue").exists()
    with pytest.raises(TransitionNotAllowed):
        services.demand_start(actor=world.user("city"), demand=Demand.objects.get())
