"""Tier recognitions have validity: an expired certificate stops counting (top tier, filters, exports, home
counts) and reminders reach the firm's and the district's inbox. Exports name their filters and date and hold
exactly the filtered rows with tier, validity and chain places."""

import datetime as dt
import io
from urllib.parse import unquote

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from industry_brain.core.models import Event
from industry_brain.enterprises.models import Enterprise, Recognition
from industry_brain.enterprises.services import recognitions_expire
from industry_brain.testing import make_enterprise

pytestmark = pytest.mark.django_db


def _recognise(enterprise, tier, valid_until, year=2023, level="provincial"):
    Recognition.objects.create(enterprise=enterprise, tier=tier, level=level, year=year, valid_until=valid_until)


def test_expired_recognition_stops_counting_and_the_next_valid_tier_takes_over(world):
    today = timezone.localdate()
    e = world.ent_xihu
    _recognise(e, "little_giant", today - dt.timedelta(days=1), level="national")
    _recognise(e, "specialised", today + dt.timedelta(days=400))
    Enterprise.objects.filter(pk=e.pk).update(top_tier="little_giant")  # as recorded before the expiry
    other = world.ent_xiaoshan
    _recognise(other, "specialised", today - dt.timedelta(days=3))
    Enterprise.objects.filter(pk=other.pk).update(top_tier="specialised")

    assert recognitions_expire() == 2
    e.refresh_from_db()
    other.refresh_from_db()
    assert (e.top_tier, other.top_tier) == ("specialised", "")
    assert Event.objects.filter(kind="enterprise.tier_expired").count() == 2
    assert recognitions_expire() == 0  # idempotent


def test_expired_recognitions_are_not_counted_in_filters_exports_or_home(client, world):
    today = timezone.localdate()
    _recognise(world.ent_xihu, "specialised", today - dt.timedelta(days=10))
    _recognise(world.ent_xiaoshan, "specialised", today + dt.timedelta(days=10))
    Enterprise.objects.update(top_tier="specialised")
    recognitions_expire()
    client.force_login(world.user("city"))
    page = client.get("/enterprises/?tier=specialised").content.decode()
    assert world.ent_xiaoshan.name in page and world.ent_xihu.name not in page
    ws = load_workbook(io.BytesIO(client.get("/enterprises/export/?tier=specialised").content)).active
    headers = [c.value for c in ws[1]]
    rows = [dict(zip(headers, [c.value for c in r], strict=True)) for r in ws.iter_rows(min_row=2)]
    assert [r["企业名称"] for r in rows] == [world.ent_xiaoshan.name]
    assert rows[0]["有效期至"] == (today + dt.timedelta(days=10)).isoformat()
    home = client.get("/").content.decode()
    assert 'href="/enterprises/?tier=specialised"><span class="stat-value">1</span>' in home


def test_renewal_reminders_reach_the_firm_and_its_district_only(client, world):
    today = timezone.localdate()
    _recognise(world.ent_xihu, "little_giant", today + dt.timedelta(days=20), level="national")
    for key, sees in [("enterprise", True), ("district", True), ("district_other", False),
                      ("enterprise_other", False), ("department", False)]:
        client.force_login(world.user(key))
        page = client.get("/").content.decode()
        assert (f"/enterprises/{world.ent_xihu.pk}/#recognitions" in page) is sees, key


def test_export_holds_the_filtered_rows_with_chain_places_and_names_its_filters(client, world):
    make_enterprise("杭州西测第二电子有限公司", "330106", node=world.chain.nodes.get(segment="upstream"))
    client.force_login(world.user("city"))
    response = client.get(f"/enterprises/export/?ecosystem={world.ecosystem.pk}&district=330106&page=3&sort=name")
    ws = load_workbook(io.BytesIO(response.content)).active
    headers = [c.value for c in ws[1]]
    assert {"当前最高梯队", "有效期至", "已过期认定", "生态", "产业链", "链上环节"} <= set(headers)
    rows = [dict(zip(headers, [c.value for c in r], strict=True)) for r in ws.iter_rows(min_row=2)]
    screen = client.get(f"/enterprises/?ecosystem={world.ecosystem.pk}&district=330106").content.decode()
    assert len(rows) == 2 and all(r["企业名称"] in screen for r in rows)
    assert {r["生态"] for r in rows} == {world.ecosystem.name}
    disposition = unquote(response["Content-Disposition"])
    assert world.ecosystem.name in disposition and "西湖区" in disposition
    assert timezone.localdate().isoformat() in disposition


def test_list_links_carry_the_filters_on_screen(client, world):
    client.force_login(world.user("city"))
    page = client.get(f"/enterprises/?ecosystem={world.ecosystem.pk}&tier=specialised&page=2").content.decode()
    assert f'href="/enterprises/export/?ecosystem={world.ecosystem.pk}&amp;tier=specialised"' in page
