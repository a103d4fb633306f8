"""Assignment bulk import: all rows or none, each bad row listed."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from industry_brain.demands.importers import AssignmentImporter
from industry_brain.demands.models import Assignment, Cadre
from industry_brain.testing import make_enterprise, xlsx

pytestmark = pytest.mark.django_db
HEADERS = ["干部编号", "统一社会信用代码", "开始日期"]


def workbook(rows, headers=HEADERS) -> BytesIO:
    return xlsx(headers, rows)


@pytest.fixture
def ents(world):
    return [make_enterprise(f"杭州导入测试{i}有限公司") for i in range(3)]


def test_bad_rows_are_listed_and_nothing_is_written(world, ents):
    before = Assignment.objects.count()
    f = workbook([
        ["T-0001", ents[0].uscc, "2025-03-01"],        # good
        ["NOPE-1", ents[1].uscc, "2025-03-01"],        # unknown cadre
        ["T-0001", "91330106MA00000000", "2025-03-01"],  # unknown enterprise
        ["T-0001", ents[2].uscc, "not a date"],        # bad date
        ["T-0001", world.ent_xihu.uscc, ""],           # already served
        ["T-0001", ents[0].uscc, "2025-04-01"],        # duplicate of row 2
        ["T-0001", world.ent_xiaoshan.uscc, ""],       # another district
    ])
    result = AssignmentImporter(actor=world.user("district")).run(f)
    assert not result.ok
    assert sorted({e.row for e in result.errors}) == [2, 3, 4, 5, 6, 7, 8]
    assert {e.column for e in result.errors if e.row == 3} == {"干部编号"}
    assert Assignment.objects.count() == before


def test_good_file_is_written_whole(world, ents):
    f = workbook([["T-0001", e.uscc, "2025-03-01"] for e in ents])
    result = AssignmentImporter(actor=world.user("district")).run(f)
    assert result.ok and result.created == 3
    assert Assignment.objects.filter(cadre__code="T-0001", ended_on__isnull=True).count() == 4


def test_missing_column_is_reported(world):
    result = AssignmentImporter(actor=world.user("city")).run(workbook([["T-0001"]], headers=["干部编号"]))
    assert not result.ok and "统一社会信用代码" in str(result.errors[0])


def test_import_page_shows_errors_and_is_closed_to_other_roles(client, world, ents):
    client.force_login(world.user("city"))
    upload = SimpleUploadedFile("a.xlsx", workbook([["NOPE", ents[0].uscc, ""]]).read())
    r = client.post("/demands/assignments/import/", {"file": upload})
    assert r.status_code == 400 and 'id="import-errors"' in r.content.decode()
    assert client.get("/demands/assignments/import/?template=1")["Content-Type"].startswith("application/vnd")
    client.force_login(world.user("department"))
    assert client.get("/demands/assignments/import/").status_code == 403
    assert Cadre.objects.count() == 1
