"""Pages: scenario list and detail (map data, ranked table, losses), Excel download, risk card, chain-page panel,
emergency ledger; out of scope is 404."""

import datetime as dt
import io
import json

import pytest
from django.test import Client
from openpyxl import load_workbook

from industry_brain.supply import services
from industry_brain.supply.models import WhitelistEntry

from .helpers import small_network

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def run_world(world):
    small_network(world)
    sc = services.scenario_create(actor=world.user("city"), name="上海管控 30 天", regions=["310000"], periods=30)
    services.scenario_run(actor=world.user("city"), scenario=sc)
    sc.refresh_from_db()
    return sc


def test_scenario_page_shows_map_table_and_losses_within_scope(world, run_world):
    sc = run_world
    page = _client(world.user("city")).get(f"/supply/scenarios/{sc.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert world.ent_xihu.name in html and world.ent_xiaoshan.name in html and 'id="supply-map"' in html
    cfg = json.loads(html.split('id="supply-map-data">')[1].split("</script>")[0])
    assert {p[2] for p in cfg["points"]} == {world.ent_xihu.name, world.ent_xiaoshan.name}  # [lon, lat, name, ...]
    district = _client(world.user("district")).get(f"/supply/scenarios/{sc.pk}/").content.decode()
    assert world.ent_xihu.name in district and world.ent_xiaoshan.name not in district
    for role in ("department", "cadre", "enterprise"):
        assert _client(world.user(role)).get(f"/supply/scenarios/{sc.pk}/").status_code == 404, role
        assert _client(world.user(role)).get(f"/supply/scenarios/{sc.pk}/export/").status_code == 404, role


def test_excel_download_lists_the_ranked_rows_of_the_readers_scope(world, run_world):
    r = _client(world.user("district")).get(f"/supply/scenarios/{run_world.pk}/export/")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][1] == world.ent_xihu.name and rows[1][7] == 6


def test_risk_card_page_own_only(world, run_world):
    own = _client(world.user("enterprise")).get(f"/supply/enterprises/{world.ent_xihu.pk}/risk-card/")
    assert own.status_code == 200 and "晶圆" in own.content.decode()
    assert _client(world.user("enterprise")).get(
        f"/supply/enterprises/{world.ent_xiaoshan.pk}/risk-card/").status_code == 404
    # The enterprise's way into the module is its own card.
    r = _client(world.user("enterprise")).get("/supply/")
    assert r.status_code == 302 and r["Location"].endswith(f"/supply/enterprises/{world.ent_xihu.pk}/risk-card/")


def test_chain_page_shows_supply_security_per_node(world, run_world):
    client = _client(world.user("city"))  # the chain page loads its panels once shown
    assert f"/chains/{world.chain.pk}/panels/" in client.get(f"/chains/{world.chain.pk}/").content.decode()
    html = client.get(f"/chains/{world.chain.pk}/panels/").content.decode()
    assert 'id="node-security"' in html and "100%" in html  # 西测电子's one input is single-sourced outside


def test_emergency_ledger_page_and_export(world, run_world):
    em = services.emergency_activate(actor=world.user("city"), name="应急保障", started_on=dt.date(2026, 4, 1),
                                     reason="管控", coordinator=world.department, scenario=run_world)
    WhitelistEntry.objects.create(emergency=em, enterprise=world.ent_xihu, status="confirmed", reason="链主")
    services.daily_report_submit(actor=world.user("enterprise"), emergency=em, date=dt.date(2026, 4, 2),
                                 status="partial", capacity_use="0.6", issue="晶圆断供")
    c = _client(world.user("department"))
    page = c.get(f"/supply/emergencies/{em.pk}/", {"date": "2026-04-02"})
    assert page.status_code == 200 and "晶圆断供" in page.content.decode()
    x = c.get(f"/supply/emergencies/{em.pk}/", {"date": "2026-04-02", "format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(x.content)).active.iter_rows(values_only=True))
    assert rows[1][0] == world.ent_xihu.name and rows[1][4] == "晶圆断供"
    assert _client(world.user("department_other")).get(f"/supply/emergencies/{em.pk}/").status_code == 404
