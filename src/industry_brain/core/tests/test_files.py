"""Uploaded files: accepted by content, stored outside every public URL, downloaded only by readers in scope
(as an attachment, with the sniffed type and nosniff), the same with DEBUG=0; X-Accel-Redirect for nginx."""

import datetime as dt
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from industry_brain.core import files
from industry_brain.testing import ALL_ROLES

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
HTML = b"<!doctype html><html><script>fetch('/api/v1/me/')</script></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def ooxml(part: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr(f"{part}/document.xml", "<x/>")
    return buf.getvalue()


@pytest.fixture(autouse=True)
def private_root(tmp_path, settings):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DEBUG = False
    settings.FILES_X_ACCEL_PREFIX = ""
    return tmp_path


@pytest.mark.parametrize(("data", "ext"), [
    (PDF, "pdf"), (PNG, "png"), (b"\xff\xd8\xff\xe0" + b"\x00" * 20, "jpg"), (b"GIF89a" + b"\x00" * 10, "gif"),
    (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "webp"), (ooxml("word"), "docx"), (ooxml("xl"), "xlsx"),
    (ooxml("ppt"), "pptx"), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 50, "doc"),
    (b"7z\xbc\xaf\x27\x1c" + b"\x00" * 10, "7z"), (b"Rar!\x1a\x07\x01\x00" + b"\x00" * 10, "rar"),
])
def test_accepted_types_are_recognised_by_content(data, ext):
    assert files.validate_upload(SimpleUploadedFile("whatever.html", data)).ext == ext


@pytest.mark.parametrize("data", [HTML, SVG, b"alert(document.cookie)", b"MZ\x90\x00", b"plain text"])
def test_other_types_are_refused_whatever_their_name(data):
    with pytest.raises(ValidationError) as info:
        files.validate_upload(SimpleUploadedFile("report.pdf", data))
    assert info.value.code == "file_type"


def test_size_cap_and_empty_files(settings):
    settings.FILE_UPLOAD_MAX_BYTES = 1024 * 1024
    with pytest.raises(ValidationError) as info:
        files.validate_upload(SimpleUploadedFile("big.pdf", PDF + b"0" * (1024 * 1024)))
    assert info.value.code == "file_too_large" and "1 MB" in info.value.messages[0]
    with pytest.raises(ValidationError) as info:
        files.validate_upload(SimpleUploadedFile("empty.pdf", b""))
    assert info.value.code == "file_empty"




def test_html_attachment_is_refused_on_the_demand_form_and_nothing_is_stored(client, world, private_root):
    from industry_brain.demands.models import Demand, DemandAttachment

    client.force_login(world.user("enterprise"))
    before = Demand.objects.count()
    response = client.post("/demands/new/", {
        "category": "logistics.road", "urgency": "normal", "title": "附件测试", "description": "附件测试的诉求说明文字",
        "attachment": SimpleUploadedFile("invoice.html", HTML, content_type="text/html")})
    assert response.status_code in (200, 400)  # the form again, with the reason
    assert "不接受此类型的文件" in response.content.decode()  # the reason, in the user's language
    assert Demand.objects.count() == before and not DemandAttachment.objects.exists()
    assert not (private_root / "private").exists() or not any((private_root / "private").rglob("*.*"))


def test_a_service_storing_a_file_directly_is_refused_too(world):
    from industry_brain.demands.tests.helpers import raise_demand

    with pytest.raises(ValidationError):
        raise_demand_with_attachment(world, raise_demand, SimpleUploadedFile("x.svg", SVG))


def raise_demand_with_attachment(world, raise_demand, upload):
    from industry_brain.demands import services
    from industry_brain.demands.tests.helpers import LOGISTICS_TEXT, category

    return services.demand_create(actor=world.user("enterprise"), enterprise=None, category=category(),
                                  urgency="normal", title="附件", description=LOGISTICS_TEXT, attachments=[upload])


def test_pdf_attachment_downloads_only_for_users_in_scope_with_debug_off(client, world, private_root, settings):
    from industry_brain.demands.models import Demand
    from industry_brain.demands.tests.helpers import raise_demand

    demand = raise_demand_with_attachment(world, raise_demand, SimpleUploadedFile("检查报告.pdf", PDF))
    attachment = demand.attachments.get()
    stored = attachment.file.name
    assert stored.startswith("demands/") and stored.endswith(".pdf") and "检查报告" not in stored
    assert (private_root / "private" / stored).read_bytes() == PDF
    assert not (private_root / "media").exists()
    url = attachment.file.url
    assert url == f"/files/{stored}"

    assert client.get(url).status_code == 302  # anonymous: to the login page
    assert client.get(f"/media/{stored}").status_code == 404  # no public URL, with DEBUG on or off
    for role in ALL_ROLES:
        user = world.user(role)
        client.force_login(user)
        response = client.get(url)
        if Demand.objects.restrict(user, "view").filter(pk=demand.pk).exists():
            assert response.status_code == 200, role
            assert b"".join(response.streaming_content) == PDF
            assert response["Content-Type"] == "application/pdf"
            assert response["Content-Disposition"].startswith("attachment;")
            assert "%E6%A3%80%E6%9F%A5%E6%8A%A5%E5%91%8A.pdf" in response["Content-Disposition"]
            assert response["X-Content-Type-Options"] == "nosniff"
            assert "sandbox" in response["Content-Security-Policy"]
        else:
            assert response.status_code == 404, role
    assert client.get("/files/demands/../../secret_key").status_code == 404
    assert client.get("/files/demands/2026/01/unknown.pdf").status_code == 404


def test_x_accel_redirect_lets_the_proxy_send_the_file(client, world, settings):
    from industry_brain.demands.tests.helpers import raise_demand

    settings.FILES_X_ACCEL_PREFIX = "/protected/"
    demand = raise_demand_with_attachment(world, raise_demand, SimpleUploadedFile("a.png", PNG))
    name = demand.attachments.get().file.name
    client.force_login(world.user("city"))
    response = client.get(f"/files/{name}")
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == f"/protected/{name}"
    assert response["Content-Type"] == "image/png" and response["X-Content-Type-Options"] == "nosniff"


def test_milestone_evidence_is_private_and_scoped(client, world, private_root):
    from industry_brain.projects.models import MilestoneRecord, Project
    from industry_brain.projects.services import project_record_milestone
    from industry_brain.projects.tests.helpers import make_project

    project = make_project(district="330106", enterprise=world.ent_xihu, planned_start=dt.date(2025, 3, 1))
    with pytest.raises(ValidationError):
        project_record_milestone(actor=world.user("city"), project=project, milestone="signed",
                                 date=dt.date(2025, 1, 10), evidence=SimpleUploadedFile("x.html", HTML))
    assert not MilestoneRecord.objects.filter(project=project).exclude(evidence="").exists()
    project_record_milestone(actor=world.user("city"), project=project, milestone="signed",
                             date=dt.date(2025, 1, 10), evidence=SimpleUploadedFile("合同.docx", ooxml("word")))
    record = MilestoneRecord.objects.get(project=project, milestone="signed")
    assert record.evidence.name.startswith("projects/evidence/") and record.evidence.name.endswith(".docx")
    for role in ALL_ROLES:
        user = world.user(role)
        client.force_login(user)
        response = client.get(record.evidence.url)
        visible = Project.objects.restrict(user, "view").filter(pk=project.pk).exists()
        assert response.status_code == (200 if visible else 404), role
        if visible:
            assert response["Content-Disposition"].startswith("attachment;")
            assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessing")
