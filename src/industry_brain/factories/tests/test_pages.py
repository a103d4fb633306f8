"""Factory application pages: the enterprise applies, its district reviews, the city evaluates, publishes the
notice and recognises — each step a form on the application's page, through the workflow; refusals as 403/409,
input errors named on the form."""

import pytest
from django.test import Client

from industry_brain.factories.models import FactoryApplication

pytestmark = pytest.mark.django_db

FORM = {"level": "smart_factory", "list_level": "municipal", "year": "2025", "investment": "4000",
        "digital_level": "2.0", "credit_good": "true", "completion_year": "2025"}


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def step(client, app, name, **data):
    return client.post(f"/factories/applications/{app.pk}/", {"step": name, **data})


def test_an_enterprise_applies_and_the_district_and_city_review_through_the_pages(world):
    ent = client_for(world.user("enterprise"))
    assert ent.get("/factories/applications/new/").status_code == 200
    r = ent.post("/factories/applications/new/", FORM)
    assert r.status_code == 302, r.content.decode()[:2000]
    app = FactoryApplication.objects.get()
    assert app.enterprise == world.ent_xihu and app.status == "submitted"
    assert r["Location"] == f"/factories/applications/{app.pk}/"
    page = ent.get(r["Location"]).content.decode()
    assert "step-" not in page  # the firm takes no review step

    city = client_for(world.user("city"))
    assert step(city, app, "evaluate").status_code == 409  # the district reviews first
    assert step(client_for(world.user("district_other")), app, "district_review").status_code == 404
    district = client_for(world.user("district"))
    assert 'id="step-district_review"' in district.get(f"/factories/applications/{app.pk}/").content.decode()
    assert step(district, app, "district_review", note="材料齐全").status_code == 302
    assert step(district, app, "evaluate").status_code == 403  # the city's step
    assert step(city, app, "evaluate").status_code == 302
    app.refresh_from_db()
    assert app.status == "evaluated" and app.eligible is True and app.evaluation["version"] == "2025"
    assert "gates" in city.get(f"/factories/applications/{app.pk}/").content.decode()
    assert step(city, app, "publicise").status_code == 302
    assert step(city, app, "recognise").status_code == 400  # still in public notice: said on the page
    FactoryApplication.objects.filter(pk=app.pk).update(notice_until="2025-01-01")
    assert step(city, app, "recognise").status_code == 302
    app.refresh_from_db()
    assert app.status == "recognised"
    from industry_brain.core.models import WorkflowStep

    assert list(WorkflowStep.objects.filter(object_id=str(app.pk), workflow="factories.application")
                .order_by("id").values_list("action", flat=True)) == [
        "district_review", "evaluate", "publicise", "recognise"]
    # the other firm sees neither the application page nor it in its list
    other = client_for(world.user("enterprise_other"))
    assert other.get(f"/factories/applications/{app.pk}/").status_code == 404
    assert world.ent_xihu.name not in other.get("/factories/applications/").content.decode()


def test_form_errors_are_named_and_nothing_is_written(world):
    district = client_for(world.user("district"))
    r = district.post("/factories/applications/new/", {**FORM, "uscc": world.ent_xiaoshan.uscc})  # another district
    assert r.status_code == 400 and "errorlist" in r.content.decode()
    r = district.post("/factories/applications/new/", {**FORM, "uscc": world.ent_xihu.uscc, "project_code": "NOPE",
                                                        "digital_level": "x"})
    assert r.status_code == 400
    assert FactoryApplication.objects.count() == 0
    r = district.post("/factories/applications/new/", {**FORM, "uscc": world.ent_xihu.uscc.lower()})
    assert r.status_code == 302 and FactoryApplication.objects.get().enterprise == world.ent_xihu
    app = FactoryApplication.objects.get()
    r = step(district, app, "reject")
    assert r.status_code == 400 and FactoryApplication.objects.get().status == "submitted"  # a reason is needed
    assert step(district, app, "reject", note="投资额口径不符").status_code == 302
    assert FactoryApplication.objects.get().status == "rejected"
    assert step(district, app, "no-such-step").status_code == 403
