"""Excel import (good file, bad rows, duplicate code, re-import updates) and export."""

import io

import pytest
from openpyxl import load_workbook

from industry_brain.enterprises.importers import EnterpriseImporter
from industry_brain.enterprises.models import Enterprise
from industry_brain.testing import new_uscc, xlsx

pytestmark = pytest.mark.django_db

HEADERS = [c.header for c in EnterpriseImporter.columns]


def workbook(rows):
    return xlsx(HEADERS, rows)


def row(uscc, name="杭州导入科技有限公司", district="330106", industry="39", lat=30.27, lon=120.15):
    return [uscc, name, district, industry, "文新街道", "文一西路1号", lat, lon, "是", "2015-03-01", "否"]


def test_good_file_creates_all_rows(world):
    a, b = new_uscc(), new_uscc()
    result = EnterpriseImporter(actor=world.user("city")).run(workbook([row(a, "杭州甲科技有限公司"),
                                                                         row(b, "杭州乙科技有限公司")]))
    assert result.ok and (result.created, result.updated) == (2, 0)
    e = Enterprise.objects.get(uscc=a)
    assert (e.name, e.district_id, e.industry_id, e.is_above_scale) == ("杭州甲科技有限公司", "330106", "39", True)
    assert e.founded_on.isoformat() == "2015-03-01"


def test_bad_rows_are_listed_and_nothing_is_written(world):
    good = new_uscc()
    before = Enterprise.objects.count()
    result = EnterpriseImporter(actor=world.user("city")).run(workbook([
        row(good),
        row("91330000733796106X", "杭州错码有限公司"),
        row(new_uscc(), "杭州错区有限公司", district="110101"),
        row(new_uscc(), "杭州错行业有限公司", industry="99"),
        row(new_uscc(), "", lat=30.1, lon=None),
    ]))
    assert not result.ok
    by_row = {}
    for e in result.errors:
        by_row.setdefault(e.row, []).append(e.column)
    assert by_row[3] == ["统一社会信用代码"]
    assert by_row[4] == ["区县代码"]
    assert by_row[5] == ["行业代码"]
    assert set(by_row[6]) == {"企业名称", "-"}  # missing name, and latitude without longitude
    assert 2 not in by_row
    assert Enterprise.objects.count() == before
    assert not Enterprise.objects.filter(uscc=good).exists()


def test_duplicate_code_in_file_is_refused(world):
    code = new_uscc()
    result = EnterpriseImporter(actor=world.user("city")).run(workbook([row(code), row(code, "杭州重复有限公司")]))
    assert not result.ok
    assert {e.row for e in result.errors} == {2, 3}
    assert not Enterprise.objects.filter(uscc=code).exists()


def test_reimport_updates_by_credit_code(world):
    result = EnterpriseImporter(actor=world.user("city")).run(
        workbook([row(world.ent_xihu.uscc, "杭州西测电子股份有限公司")]))
    assert result.ok and (result.created, result.updated) == (0, 1)
    world.ent_xihu.refresh_from_db()
    assert world.ent_xihu.name == "杭州西测电子股份有限公司"


def test_district_imports_only_its_own_district(world):
    result = EnterpriseImporter(actor=world.user("district")).run(
        workbook([row(new_uscc(), district="330109"), row(world.ent_xiaoshan.uscc, district="330106")]))
    assert not result.ok
    assert {e.row for e in result.errors} == {2, 3}


def test_not_an_excel_file_gives_a_clear_error(world):
    buf = io.BytesIO(b"uscc,name\n1,2\n")
    result = EnterpriseImporter(actor=world.user("city")).run(buf)
    assert not result.ok and "xlsx" in result.errors[0].message


def test_import_page_reports_rows_and_template_downloads(client, world):
    client.force_login(world.user("city"))
    template = client.get("/enterprises/import/?template=1")
    assert template.status_code == 200
    assert load_workbook(io.BytesIO(template.content)).active.cell(1, 1).value == "统一社会信用代码"
    response = client.post("/enterprises/import/", {"file": workbook([row("91330000733796106X")])})
    assert response.status_code == 400
    assert "统一社会信用代码" in response.content.decode()


def test_import_page_refused_to_enterprise_users(client, world):
    client.force_login(world.user("enterprise"))
    assert client.get("/enterprises/import/").status_code == 403


def test_export_contains_only_the_users_scope(client, world):
    client.force_login(world.user("chain_team"))
    response = client.get("/enterprises/export/")
    ws = load_workbook(io.BytesIO(response.content)).active
    codes = [ws.cell(r, 1).value for r in range(2, ws.max_row + 1)]
    assert codes == [world.ent_xihu.uscc]


def test_export_applies_filters(client, world):
    client.force_login(world.user("city"))
    ws = load_workbook(io.BytesIO(client.get("/enterprises/export/?district=330109").content)).active
    assert [ws.cell(r, 1).value for r in range(2, ws.max_row + 1)] == [world.ent_xiaoshan.uscc]
