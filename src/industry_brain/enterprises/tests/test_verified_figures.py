"""The stored "verified" flag of yearly figures: a bureau's figures are verified, an enterprise's own report is not
until the bureau verifies it; the above-scale flag follows verified figures only; the page and the export say it."""

import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from industry_brain.enterprises import services
from industry_brain.enterprises.models import YearlyFigures

pytestmark = pytest.mark.django_db
LATEST = timezone.localdate().year - 1
BIG = {"revenue": "60000", "main_revenue": "50000"}
SMALL = {"revenue": "900", "main_revenue": "800"}


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _below_scale(firm):
    YearlyFigures.objects.filter(enterprise=firm).update(main_revenue=800, revenue=900)
    firm.is_above_scale = False
    firm.save(update_fields=["is_above_scale"])


def test_an_enterprises_report_is_unverified_until_the_bureau_verifies_it(world, client):
    firm = world.ent_xihu
    _below_scale(firm)
    r = _api(world.user("enterprise")).post(f"/api/v1/enterprises/{firm.pk}/figures/", {"year": LATEST, **BIG,
                                                                                          "verified": True},
                                            format="json")
    assert r.status_code == 201 and r.json()["verified"] is False  # a firm cannot send the flag
    figures = YearlyFigures.objects.get(enterprise=firm, year=LATEST)
    assert figures.verified is False and figures.verified_by is None
    firm.refresh_from_db()
    assert firm.is_above_scale is False
    # The firm sees its report marked unverified, without a verify button.
    client.force_login(world.user("enterprise"))
    page = client.get(f"/enterprises/{firm.pk}/").content.decode()
    assert "reported by the enterprise, not verified" in page or "企业自报" in page
    assert f"/figures/{LATEST}/verify/" not in page
    assert client.post(f"/enterprises/{firm.pk}/figures/{LATEST}/verify/").status_code == 403
    # The district bureau of the firm verifies it on the page: the flag now follows the verified year.
    client.force_login(world.user("district"))
    page = client.get(f"/enterprises/{firm.pk}/").content.decode()
    assert f"/figures/{LATEST}/verify/" in page
    assert client.post(f"/enterprises/{firm.pk}/figures/{LATEST}/verify/").status_code == 302
    figures.refresh_from_db()
    firm.refresh_from_db()
    assert figures.verified and figures.verified_by == world.user("district") and figures.verified_at
    assert firm.is_above_scale is True
    # Another district's bureau does not even see the firm's figures.
    client.force_login(world.user("district_other"))
    assert client.post(f"/enterprises/{firm.pk}/figures/{LATEST}/verify/").status_code == 404


def test_a_firms_correction_of_verified_figures_leaves_the_flag_on_the_verified_years(world):
    firm = world.ent_xihu
    services.figures_record(actor=world.user("city"), enterprise=firm, year=LATEST, values=BIG)
    firm.refresh_from_db()
    assert firm.is_above_scale is True
    assert YearlyFigures.objects.get(enterprise=firm, year=LATEST).verified
    # The firm overwrites the verified year with small figures: unverified, so the flag follows the year before.
    before = YearlyFigures.objects.filter(enterprise=firm, year__lt=LATEST).order_by("-year").first()
    services.figures_record(actor=world.user("enterprise"), enterprise=firm, year=LATEST, values=SMALL)
    assert YearlyFigures.objects.get(enterprise=firm, year=LATEST).verified is False
    firm.refresh_from_db()
    assert firm.is_above_scale is (before is not None and before.verified and before.main_revenue >= 2000)


def test_the_export_says_whether_the_latest_figures_are_verified(world, client):
    firm = world.ent_xihu
    services.figures_record(actor=world.user("enterprise"), enterprise=firm, year=LATEST, values=BIG)
    client.force_login(world.user("city"))
    sheet = load_workbook(io.BytesIO(client.get("/enterprises/export/").content)).active
    header = [c.value for c in sheet[1]]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    row = rows[firm.uscc]
    assert row[header.index("最新数据年度")] == LATEST and row[header.index("数据核实")] == "企业自报，待核实"
    services.figures_verify(actor=world.user("city"), figures=YearlyFigures.objects.get(enterprise=firm, year=LATEST))
    sheet = load_workbook(io.BytesIO(client.get("/enterprises/export/").content)).active
    row = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}[firm.uscc]
    assert row[header.index("数据核实")] == "已核实"
