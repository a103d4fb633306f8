"""Correction forms: a firm corrects its own production, inputs, stocks and supply links; the city sets recovery
times; the uploader decides matches. Errors name the field (in Chinese) and write nothing; out of scope is 404."""

from decimal import Decimal

import pytest
from django.test import Client
from django.utils import translation

from industry_brain.supply.models import BomLine, ExternalFirm, FirmProfile, MatchReview, RecoveryEstimate

from .helpers import small_network

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def net(world):
    return small_network(world)


def _zh(html: bytes) -> str:
    return html.decode()


def test_firm_corrects_its_own_link_and_a_bad_share_names_the_field(world, net):
    ent = _client(world.user("enterprise"))
    link = net["links"][0]
    url = f"/supply/links/{link.pk}/"
    assert ent.get(url).status_code == 200
    with translation.override("zh-hans"):
        r = ent.post(url, {"share": "1.5", "monthly_volume": "2000"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 400
    html = _zh(r.content)
    assert 'id="form-errors"' in html and "占需求份额" in html
    link.refresh_from_db()
    assert link.share == Decimal(1) and link.monthly_volume == Decimal(3000)  # nothing written
    r = ent.post(url, {"share": "0.8", "monthly_volume": "2400"})
    assert r.status_code == 302
    link.refresh_from_db()
    assert link.share == Decimal("0.8") and link.monthly_volume == Decimal(2400)
    assert _client(world.user("enterprise_other")).get(url).status_code == 404
    assert _client(world.user("chain_team")).post(url, {"share": "0.5", "monthly_volume": "1"}).status_code == 404


def test_firm_deletes_a_link_it_no_longer_has(world, net):
    link = net["links"][0]
    r = _client(world.user("enterprise")).post(f"/supply/links/{link.pk}/", {"delete": "1"})
    assert r.status_code == 302
    assert not type(link).objects.filter(pk=link.pk).exists()


def test_production_output_above_capacity_is_refused_by_field(world, net):
    c = _client(world.user("enterprise"))
    url = f"/supply/enterprises/{world.ent_xihu.pk}/profile/"
    data = {"product": net["board"].pk, "monthly_capacity": "3000", "monthly_output": "3500", "inventory": "10",
            "unit_value": "0.5"}
    r = c.post(url, data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 400 and "月产量" in _zh(r.content)
    assert FirmProfile.objects.get(enterprise=world.ent_xihu).monthly_output == Decimal(3000)
    r = c.post(url, {**data, "monthly_output": "2800", "inventory": "120"})
    assert r.status_code == 302
    p = FirmProfile.objects.get(enterprise=world.ent_xihu)
    assert p.monthly_output == Decimal(2800) and p.inventory == Decimal(120)
    assert _client(world.user("enterprise_other")).get(url).status_code == 404


def test_stock_of_an_input_is_corrected_and_a_new_input_added(world, net):
    c = _client(world.user("district"))  # 西湖's officer corrects a 西湖 firm
    url = f"/supply/enterprises/{world.ent_xihu.pk}/inputs/"
    page = c.get(f"{url}?material={net['chip'].pk}")
    assert page.status_code == 200 and 'value="500' in _zh(page.content)
    assert c.post(url, {"material": net["chip"].pk, "per_unit": "1", "inventory": "800"}).status_code == 302
    assert BomLine.objects.get(enterprise=world.ent_xihu, material=net["chip"]).inventory == Decimal(800)
    r = c.post(url, {"material": net["resin"].pk, "per_unit": "0", "inventory": "5"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 400 and "单位产品用量" in _zh(r.content)
    assert not BomLine.objects.filter(enterprise=world.ent_xihu, material=net["resin"]).exists()
    assert _client(world.user("district_other")).get(url).status_code == 404


def test_city_sets_a_suppliers_recovery_time_others_cannot(world, net):
    url = f"/supply/recovery/x/{net['sh'].pk}/?back={world.ent_xihu.pk}"
    r = _client(world.user("city")).post(url, {"ttr_days": "45", "source": "bureau", "note": "工厂受损"})
    assert r.status_code == 302 and r.url.endswith(f"/supply/enterprises/{world.ent_xihu.pk}/risk-card/")
    assert RecoveryEstimate.objects.get(supplier_external=net["sh"]).ttr_days == Decimal(45)
    r = _client(world.user("city")).post(url, {"ttr_days": "-1", "source": "bureau"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 400 and "恢复时间" in _zh(r.content)
    assert _client(world.user("district")).get(url).status_code == 404
    assert _client(world.user("enterprise")).get(url).status_code == 404


def test_uploader_decides_a_similar_name_on_the_page(world, net):
    firm = ExternalFirm.objects.create(name="宁波树测新材料有限公司", region="330200")
    review = MatchReview.objects.create(new_firm=firm, candidate_external=net["nb"], score=0.6,
                                        uploaded_by=world.user("district"))
    page = _client(world.user("district")).get("/supply/match-reviews/")
    assert page.status_code == 200 and firm.name in _zh(page.content)
    assert _client(world.user("district_other")).post(f"/supply/match-reviews/{review.pk}/reject/").status_code == 404
    assert _client(world.user("district")).post(f"/supply/match-reviews/{review.pk}/reject/").status_code == 302
    review.refresh_from_db()
    assert review.status == "rejected"


def test_risk_card_offers_corrections_only_to_those_who_may_make_them(world, net):
    url = f"/supply/enterprises/{world.ent_xihu.pk}/risk-card/"
    own = _zh(_client(world.user("enterprise")).get(url).content)
    assert 'id="edit-profile"' in own and f"/supply/links/{net['links'][0].pk}/" in own
    team = _zh(_client(world.user("chain_team")).get(url).content)
    assert 'id="edit-profile"' not in team and "/supply/links/" not in team


def test_stored_values_with_many_decimals_save_back_unchanged(world, net):
    p = FirmProfile.objects.get(enterprise=world.ent_xihu)
    p.unit_value = Decimal("0.123456")
    p.save(update_fields=["unit_value"])
    c = _client(world.user("city"))
    url = f"/supply/enterprises/{world.ent_xihu.pk}/profile/"
    form = c.get(url).context["form"]
    data = {k: v for k, v in form.initial.items()}
    assert c.post(url, data).status_code == 302
    p.refresh_from_db()
    assert p.unit_value == Decimal("0.123456")
