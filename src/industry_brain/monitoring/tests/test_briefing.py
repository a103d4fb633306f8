"""The briefing written by the platform: headline in the source's phrasing with numbers equal to the indicators,
every number traceable to its indicator, Word and PDF documents, versions on edit, the scheduled run after the
deadline."""

import datetime as dt
import io
import re

import pytest

from industry_brain.monitoring import briefing, services
from industry_brain.monitoring.models import Briefing, Indicator

pytestmark = pytest.mark.django_db


def test_wording_rules():
    assert briefing.growth_phrase(6.84) == "同比增长6.8%"
    assert briefing.growth_phrase(-1.25) == "同比下降1.2%" or briefing.growth_phrase(-1.25) == "同比下降1.3%"
    assert briefing.change_phrase(6.8, 6.3, "1—9月") == "增速比1—9月加快0.5个百分点"
    assert briefing.change_phrase(5.0, 6.3, "1—9月") == "增速比1—9月回落1.3个百分点"
    assert briefing.change_phrase(-2.0, -2.5, "1—3月") == "降幅比1—3月收窄0.5个百分点"
    assert briefing.change_phrase(-3.0, -2.5, "1—3月") == "降幅比1—3月扩大0.5个百分点"
    assert briefing.period_label(dt.date(2026, 10, 1)) == "1—10月"


def test_headline_numbers_equal_the_indicators(crafted, api):
    services.compute_indicators()
    res = api.as_user(crafted.user("city")).post("/api/v1/briefings/generate/", {"period": "2026-02"}, format="json")
    assert res.status_code == 201
    b = Briefing.objects.get(pk=res.json()["id"])
    city = Indicator.objects.get(period=dt.date(2026, 2, 1), dimension="city")
    head = b.sections[0]["paragraphs"][0]
    m = re.match(r"1—2月，全市实现规上工业增加值([\d.]+)亿元（测算），同比(增长|下降)([\d.]+)%，"
                 r"增速比1月(加快|回落)([\d.]+)个百分点", head)
    assert m, head
    assert float(m.group(1)) == round(city.va_cum / 10000, 1)
    sign = 1 if m.group(2) == "增长" else -1
    assert sign * float(m.group(3)) == round(city.va_growth_cum, 1)
    jan = Indicator.objects.get(period=dt.date(2026, 1, 1), dimension="city")
    delta = round(city.va_growth_cum, 1) - round(jan.va_growth_cum, 1)
    assert (1 if m.group(4) == "加快" else -1) * float(m.group(5)) == pytest.approx(delta)
    # every number is kept with its indicator
    traced = b.figures["va_growth_cum"]
    assert traced["value"] == pytest.approx(city.va_growth_cum)
    assert traced["indicator"] == {"period": "2026-02", "dimension": "city", "key": "all", "field": "va_growth_cum"}
    district = b.figures["district:330106:va_growth_cum"]
    assert district["value"] == pytest.approx(Indicator.objects.get(period=dt.date(2026, 2, 1), dimension="district",
                                                                    key="330106").va_growth_cum)
    assert b.sections[-1]["paragraphs"] == [briefing.EDITOR_NOTE]  # next steps are left to the editor


def test_word_and_pdf_documents_open(crafted, api):
    from docx import Document

    services.compute_indicators()
    b = briefing.generate_for(actor=crafted.user("city"), period=dt.date(2026, 2, 1))
    client = api.as_user(crafted.user("city"))
    res = client.get(f"/api/v1/briefings/{b.pk}/download/?format=docx")
    assert res.status_code == 200
    doc = Document(io.BytesIO(res.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert b.sections[0]["paragraphs"][0] in text and "二、分区县运行情况" in text
    assert len(doc.inline_shapes) == 1  # the district chart
    assert len(doc.tables) == 1
    pdf = client.get(f"/api/v1/briefings/{b.pk}/download/?format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    headline = b.sections[0]["paragraphs"][0][:10]
    assert headline.encode("utf-16-be").hex().upper()[:20] in pdf.content.decode("latin-1")
    assert client.get(f"/api/v1/briefings/{b.pk}/download/?format=xls").status_code == 400


def test_edit_makes_a_new_version_and_keeps_the_old(crafted, client):
    services.compute_indicators()
    b = briefing.generate_for(actor=crafted.user("city"), period=dt.date(2026, 2, 1))
    client.force_login(crafted.user("city"))
    data = {f"section-{i}": "\n".join(s["paragraphs"]) for i, s in enumerate(b.sections)}
    data[f"section-{len(b.sections) - 1}"] = "一要加强运行监测。\n二要做好项目服务。"
    res = client.post(f"/monitoring/briefings/{b.pk}/", data)
    assert res.status_code == 302
    new = Briefing.objects.get(period=b.period, version=2)
    assert new.sections[-1]["paragraphs"] == ["一要加强运行监测。", "二要做好项目服务。"]
    assert Briefing.objects.get(pk=b.pk).sections[-1]["paragraphs"] == [briefing.EDITOR_NOTE]
    client.post(f"/monitoring/briefings/{new.pk}/", {"issue": "1"})
    assert Briefing.objects.get(pk=new.pk).status == "issued"
    client.force_login(crafted.user("district"))
    assert client.post(f"/monitoring/briefings/{new.pk}/", {"issue": "1"}).status_code == 404


def test_scheduled_run_after_the_deadline(crafted):
    from industry_brain.monitoring.tasks import after_deadline

    deadline = services.report_deadline(dt.date(2026, 2, 1))
    assert after_deadline(today=deadline.isoformat())["done"] is False
    out = after_deadline(today=(deadline + dt.timedelta(days=1)).isoformat())
    assert out["done"] is True and out["reminders"] == 2  # B and C did not report February
    b = Briefing.objects.get(pk=out["briefing"])
    assert b.period == dt.date(2026, 2, 1) and b.author is None and b.status == "draft"
    assert after_deadline(today=(deadline + dt.timedelta(days=2)).isoformat())["done"] is False  # once
