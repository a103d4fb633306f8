"""Hostile and wrong input on the registry: a 400 naming the field, nothing stored."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from industry_brain.enterprises.models import Enterprise, YearlyFigures
from industry_brain.testing import xlsx

pytestmark = pytest.mark.django_db
YEAR = 2022  # a completed year the test world has no figures for
LATEST = timezone.localdate().year - 1


def api_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_an_enterprise_cannot_flip_its_above_scale_flag_with_figures_for_2100(world):
    firm = world.ent_xihu
    YearlyFigures.objects.filter(enterprise=firm).update(revenue=900, main_revenue=800)  # verified, below 规上
    firm.is_above_scale = False
    firm.save(update_fields=["is_above_scale"])
    api = api_for(world.user("enterprise"))
    response = api.post(f"/api/v1/enterprises/{firm.pk}/figures/",
                        {"year": 2100, "revenue": "60000", "main_revenue": "50000"}, format="json")
    assert response.status_code == 400 and "year" in response.json()
    assert not YearlyFigures.objects.filter(enterprise=firm, year=2100).exists()
    # A past year reported by the enterprise itself is stored unverified: the flag follows verified figures only.
    ok = api.post(f"/api/v1/enterprises/{firm.pk}/figures/",
                  {"year": LATEST, "revenue": "60000", "main_revenue": "50000"}, format="json")
    assert ok.status_code == 201, ok.content
    firm.refresh_from_db()
    assert firm.is_above_scale is False
    city = api_for(world.user("city"))
    assert city.post(f"/api/v1/enterprises/{firm.pk}/figures/",
                     {"year": LATEST, "revenue": "60000", "main_revenue": "50000"}, format="json").status_code == 201
    firm.refresh_from_db()
    assert firm.is_above_scale is True


@pytest.mark.parametrize(("field", "value"), [("total_assets", "-5"), ("employees", 10**12),
                                              ("revenue", "99999999999"), ("year", 1)])
def test_figures_out_of_bounds_are_refused_naming_the_field(world, field, value):
    body = {"year": YEAR, "revenue": "200", "main_revenue": "100", field: value}
    response = api_for(world.user("city")).post(f"/api/v1/enterprises/{world.ent_xihu.pk}/figures/", body,
                                                format="json")
    assert response.status_code == 400 and field in response.json(), response.content
    assert not YearlyFigures.objects.filter(enterprise=world.ent_xihu, year=YEAR).exists()


@pytest.mark.parametrize(("lat", "lon"), [("39.904200", "116.407400"), ("0", "0")])
def test_coordinates_outside_the_district_are_refused_by_the_api(world, lat, lon):
    firm = world.ent_xihu
    response = api_for(world.user("city")).patch(f"/api/v1/enterprises/{firm.pk}/", {"lat": lat, "lon": lon},
                                                 format="json")
    assert response.status_code == 400 and "lat" in response.json(), response.content
    firm.refresh_from_db()
    assert str(firm.lat) != lat


def test_coordinates_inside_the_district_are_accepted(world):
    firm = world.ent_xihu
    response = api_for(world.user("city")).patch(f"/api/v1/enterprises/{firm.pk}/",
                                                 {"lat": "30.250000", "lon": "120.100000"}, format="json")
    assert response.status_code == 200, response.content


def test_a_founding_date_in_the_future_is_refused(world):
    future = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    response = api_for(world.user("city")).patch(f"/api/v1/enterprises/{world.ent_xihu.pk}/",
                                                 {"founded_on": future}, format="json")
    assert response.status_code == 400 and "founded_on" in response.json()


def test_the_importer_refuses_beijing_for_xihu_and_a_future_founding_date(world, client):
    from industry_brain.enterprises.importers import EnterpriseImporter

    headers = [c.header for c in EnterpriseImporter.columns]
    row = {c.field: c.example for c in EnterpriseImporter.columns}
    row.update({"uscc": "91330106MA27XXXX0X", "name": "杭州导入测试有限公司", "district": "330106", "industry": "39",
                "lat": 39.9042, "lon": 116.4074})
    row2 = dict(row, uscc="91330106MA27YYYY0X", name="杭州导入测试二有限公司", lat=30.25, lon=120.10,
                founded_on=(timezone.localdate() + dt.timedelta(days=400)).isoformat())
    upload = xlsx(headers, [[r[c.field] for c in EnterpriseImporter.columns] for r in (row, row2)])
    result = EnterpriseImporter(actor=world.user("city")).run(upload)
    assert not result.ok
    columns = {(e.row, e.column) for e in result.errors}
    lat_header = next(c.header for c in EnterpriseImporter.columns if c.field == "lat")
    founded_header = next(c.header for c in EnterpriseImporter.columns if c.field == "founded_on")
    assert (2, lat_header) in columns and (3, founded_header) in columns
    assert not Enterprise.objects.filter(name__startswith="杭州导入测试").exists()
