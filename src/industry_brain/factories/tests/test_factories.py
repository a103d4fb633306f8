"""Future factories: the 2025 gates at their bounds (mountain and island counties lower), the workflow, the
recognised list and the public read for other apps."""

from decimal import Decimal

import pytest

from industry_brain.factories import services
from industry_brain.factories.models import FactoryApplication
from industry_brain.factories.scope_expectations import EXPECTATIONS
from industry_brain.factories.selectors import factory_levels
from industry_brain.testing.scope_matrix import _normalise, build_scope_world, routes, run_route

pytestmark = pytest.mark.django_db


def make(world, **kw):
    spec = {"enterprise": world.ent_xihu, "level": "smart_factory", "year": 2025, "investment": Decimal("4000"),
            "digital_level": Decimal("2.0"), "credit_good": True, "mountain_island": False, **kw}
    return services.application_create(actor=world.user("city"), data=spec)


@pytest.mark.parametrize("investment,mountain,eligible", [
    ("4000", False, True), ("3999.99", False, False), ("4000.01", False, True),
    ("3000", True, True), ("2999.99", True, False),
])
def test_smart_factory_investment_gate_at_its_bound(world, investment, mountain, eligible):
    app = make(world, investment=Decimal(investment), mountain_island=mountain)
    app = services.application_step(actor=world.user("district"), application=app, action="district-review")
    app = services.application_step(actor=world.user("city"), application=app, action="evaluate")
    assert app.eligible is eligible and app.evaluation["version"] == "2025"


@pytest.mark.parametrize("digital,eligible", [("3.0", True), ("2.9", False)])
def test_future_factory_digital_level_gate(world, digital, eligible):
    app = make(world, level="future_factory", digital_level=Decimal(digital))
    assert services.gates(app)["eligible"] is eligible


def test_missing_credit_is_insufficient_data(world):
    assert services.gates(make(world, credit_good=None))["eligible"] is None


def test_workflow_to_recognition_and_public_read(api, world):
    app = make(world)
    city = api.as_user(world.user("city"))
    assert city.post(f"/api/v1/factory-applications/{app.pk}/recognise/").status_code == 409
    assert city.post(f"/api/v1/factory-applications/{app.pk}/evaluate/").status_code == 409  # district first
    assert api.as_user(world.user("district_other")).post(
        f"/api/v1/factory-applications/{app.pk}/district-review/").status_code == 404
    district = api.as_user(world.user("district"))
    assert district.post(f"/api/v1/factory-applications/{app.pk}/district-review/").status_code == 200
    assert district.post(f"/api/v1/factory-applications/{app.pk}/evaluate/").status_code == 403  # the city's step
    city = api.as_user(world.user("city"))  # one client: as_user switches its credentials
    assert city.post(f"/api/v1/factory-applications/{app.pk}/evaluate/").status_code == 200
    r = city.post(f"/api/v1/factory-applications/{app.pk}/publicise/")
    assert r.status_code == 200 and r.json()["notice_until"]
    FactoryApplication.objects.filter(pk=app.pk).update(notice_until="2025-01-01")
    assert city.post(f"/api/v1/factory-applications/{app.pk}/recognise/").status_code == 200
    rows = city.get("/api/v1/factories/").json()["results"]
    assert [(r["enterprise"], r["level"], r["year"]) for r in rows] == [(world.ent_xihu.pk, "smart_factory", 2025)]
    assert factory_levels([world.ent_xihu.pk])[world.ent_xihu.pk][0]["level"] == "smart_factory"
    assert factory_levels([world.ent_xihu.pk], user=world.user("department")) == {}


MINE = [r for r in routes() if r.name in EXPECTATIONS]


@pytest.mark.parametrize("route", MINE, ids=[r.name for r in MINE])
def test_route_scope(route):
    failures = run_route(route, _normalise(EXPECTATIONS[route.name]), build_scope_world())
    assert not failures, "\n".join(failures)
