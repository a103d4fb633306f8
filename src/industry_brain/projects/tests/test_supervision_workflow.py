"""The supervision order on the core engine: every step from every status, who may take it, the timeline and
events the engine writes, `allowed_actions` in the API, and separation of duties (nobody reviews their own
response, the city bureau included)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from industry_brain.core.exceptions import TransitionNotAllowed
from industry_brain.core.models import Event
from industry_brain.core.workflow import steps_for
from industry_brain.projects import services
from industry_brain.projects.models import SupervisionOrder
from industry_brain.projects.workflows import SUPERVISION

from .helpers import make_project

pytestmark = pytest.mark.django_db
D = dt.timedelta
ALLOWED = {"respond": {"open", "rejected"}, "accept": {"responded"}, "reject": {"responded"}}


@pytest.fixture
def order(world):
    today = timezone.localdate()
    p = make_project(district="330106", enterprise=world.ent_xihu, planned_start=today - D(days=120))
    services.warning_evaluate_all(today=today)
    return SupervisionOrder.objects.get(project=p, warning__rule__code="P03")


def respond(world, order, who="district"):
    response = services.supervision_respond(actor=world.user(who), order=order, cause="土地指标未落实",
                                            measures="协调规资局", expected_recovery=timezone.localdate() + D(days=30))
    order.refresh_from_db()
    return response


def order_in(world, order, status):
    if status == "open":
        return order
    respond(world, order)
    if status == "rejected":
        services.supervision_review(actor=world.user("city"), order=order, accept=False, comment="措施不具体")
    elif status == "accepted":
        services.supervision_review(actor=world.user("city"), order=order, accept=True)
    return SupervisionOrder.objects.get(pk=order.pk)


def test_the_declaration_matches_the_documented_workflow():
    assert {t.name: set(t.sources) for t in SUPERVISION} == ALLOWED
    assert {t.name: t.target for t in SUPERVISION} == {"respond": "responded", "accept": "accepted",
                                                      "reject": "rejected"}


@pytest.mark.parametrize("status", ["open", "responded", "rejected", "accepted"])
@pytest.mark.parametrize("step", sorted(ALLOWED))
def test_every_step_from_every_status_by_the_api(api, world, order, step, status):
    order = order_in(world, order, status)
    body = ({"cause": "资金未到位", "measures": "引入贷款", "expected_recovery": str(timezone.localdate() + D(days=9))}
            if step == "respond" else {"comment": "理由"})
    # the city may respond (it is a responder) and review responses written by the district
    r = api.as_user(world.user("city")).post(f"/api/v1/supervisions/{order.pk}/{step}/", body, format="json")
    if status in ALLOWED[step]:
        assert r.status_code == 200, r.content
        assert r.json()["status"] == SUPERVISION[step].target
    else:
        assert r.status_code == 409, r.content
        assert SupervisionOrder.objects.get(pk=order.pk).status == status


def test_the_engine_writes_status_timeline_and_events(world, order):
    respond(world, order)
    services.supervision_review(actor=world.user("city"), order=order, accept=True)
    order.refresh_from_db()
    assert order.status == "accepted" and order.closed_at is not None
    assert order.close_reason == "反馈已通过"  # the words the order's page shows, never the code "accepted"
    steps = list(steps_for(order, "supervision"))
    assert [(s.action, s.from_status, s.to_status, s.actor_label) for s in steps] == [
        ("respond", "open", "responded", world.user("district").username),
        ("accept", "responded", "accepted", world.user("city").username)]
    kinds = list(Event.objects.filter(object_id=str(order.pk), kind__startswith="supervision.")
                 .order_by("id").values_list("kind", flat=True))
    assert kinds[-3:] == ["supervision.responded", "supervision.accepted", "supervision.closed"]


def test_city_may_not_review_its_own_response(api, world, order):
    """Separation of duties (nobody reviews their own answer): the city answers, so the district reviews."""
    respond(world, order, who="city")
    with pytest.raises(PermissionDenied):
        services.supervision_review(actor=world.user("city"), order=order, accept=True)
    city = api.as_user(world.user("city"))
    assert city.post(f"/api/v1/supervisions/{order.pk}/accept/").status_code == 403
    assert city.post(f"/api/v1/supervisions/{order.pk}/reject/", {"comment": "x"}, format="json").status_code == 403
    assert city.get(f"/api/v1/supervisions/{order.pk}/").json()["allowed_actions"] == []
    district = api.as_user(world.user("district"))
    assert district.get(f"/api/v1/supervisions/{order.pk}/").json()["allowed_actions"] == ["accept", "reject"]
    assert district.post(f"/api/v1/supervisions/{order.pk}/accept/").status_code == 200


def test_district_may_not_review_its_own_response_but_the_city_may(world, order):
    respond(world, order, who="district")
    assert SUPERVISION.allowed_names(order, world.user("district")) == []
    assert SUPERVISION.allowed_names(order, world.user("city")) == ["accept", "reject"]
    with pytest.raises(PermissionDenied):
        services.supervision_review(actor=world.user("district"), order=order, accept=False, comment="x")


@pytest.mark.parametrize("who,expected", [("city", ["respond"]), ("district", ["respond"]),
                                          ("enterprise", ["respond"]), ("chain_team", []), ("department", []),
                                          ("cadre", []), ("district_other", []), ("enterprise_other", [])])
def test_who_may_respond(world, order, who, expected):
    assert SUPERVISION.allowed_names(order, world.user(who)) == expected
    if not expected:
        with pytest.raises(PermissionDenied):
            respond(world, order, who=who)


def test_a_refused_step_changes_nothing(world, order):
    order = order_in(world, order, "accepted")
    with pytest.raises(TransitionNotAllowed):
        respond(world, order)
    assert order.responses.count() == 1
    assert [s.action for s in steps_for(order)] == ["respond", "accept"]


def test_the_detail_page_shows_only_the_allowed_forms(client, world, order):
    respond(world, order, who="city")
    client.force_login(world.user("city"))
    page = client.get(order.get_absolute_url()).content.decode()
    assert 'value="review"' not in page and 'value="respond"' not in page
    client.force_login(world.user("district"))
    assert 'value="review"' in client.get(order.get_absolute_url()).content.decode()
