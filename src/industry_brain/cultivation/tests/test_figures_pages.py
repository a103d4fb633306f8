"""Pages of the tier figures: the enterprise reports its own figures (all or nothing, the field named) and sees each
with its year, source and verification state; the district bureau verifies or returns (with a reason) only its own
firms' figures; the evaluation reads the figure on record."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from industry_brain.cultivation import selectors
from industry_brain.cultivation.models import EnterpriseTierFigures
from industry_brain.testing import make_user

from .helpers import craft_firm

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2026, 3, 31)


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def firm_with_user(name="杭州临界精密机械有限公司", district="330106", username="t_firm"):
    firm = craft_firm(name=name, district=district)
    return firm, make_user(username, "enterprise", enterprise=firm)


def little_giant(user, firm):
    card = selectors.enterprise_card(user=user, enterprise=firm, as_of=AS_OF)
    return next(t for t in card["tiers"] if t["tier"] == "little_giant")


def test_enterprise_reports_its_own_figures_and_sees_year_source_and_state(world):
    firm, user = firm_with_user()
    c = client_for(user)
    assert 'href="/cultivation/figures/"' in c.get("/cultivation/card/").content.decode()  # link on the tier card
    r = c.post("/cultivation/figures/report/", {"year": "2025", "niche_years": "6", "own_brand": "true"})
    assert r.status_code == 302, r.content.decode()
    row = EnterpriseTierFigures.objects.get(enterprise=firm, year=2025)
    assert row.niche_years == 6 and row.states["niche_years"] == "reported"
    assert row.market_share == Decimal("10")  # left empty: the figure on record stays
    page = c.get("/cultivation/figures/").content.decode()
    line = page.split('id="fig-2025-niche_years"')[1].split("</tr>")[0]
    assert ">6<" in line and "2025" in line and "企业自报" in line and "待核实" in line


def test_a_bad_figure_is_named_and_nothing_is_written(world):
    firm, user = firm_with_user()
    c = client_for(user)
    r = c.post("/cultivation/figures/report/", {"year": "2025", "niche_years": "9", "market_share": "120"})
    assert r.status_code == 400
    body = r.content.decode()
    assert "0 到 100" in body or "100" in body.split("市场占有率")[1][:400]
    row = EnterpriseTierFigures.objects.get(enterprise=firm, year=2025)
    assert row.niche_years == 3 and row.market_share == Decimal("10")  # all or nothing
    assert c.post("/cultivation/figures/report/", {"year": "1800", "niche_years": "4"}).status_code == 400
    assert not EnterpriseTierFigures.objects.filter(enterprise=firm, year=1800).exists()


def test_enterprise_cannot_open_another_firms_figures(world):
    other, _ = firm_with_user("杭州萧山他厂有限公司", "330109", "t_other")
    firm, user = firm_with_user()
    c = client_for(user)
    theirs = EnterpriseTierFigures.objects.get(enterprise=other)
    assert c.get(f"/cultivation/figures/{theirs.pk}/").status_code == 404
    assert c.post(f"/cultivation/figures/{theirs.pk}/", {"action": "verify", "field": "niche_years"}).status_code == 404
    mine = EnterpriseTierFigures.objects.get(enterprise=firm)
    assert c.get(f"/cultivation/figures/{mine.pk}/").status_code == 200
    assert c.post(f"/cultivation/figures/{mine.pk}/", {"action": "verify", "field": "niche_years"}).status_code == 403
    assert "verified" not in EnterpriseTierFigures.objects.get(pk=mine.pk).states.values()


def test_district_verifies_and_returns_only_its_own_firms(world):
    firm, user = firm_with_user()  # 西湖
    other, other_user = firm_with_user("杭州萧山他厂有限公司", "330109", "t_other")
    client_for(user).post("/cultivation/figures/report/", {"year": "2025", "niche_years": "5", "ip_class1": "3"})
    client_for(other_user).post("/cultivation/figures/report/", {"year": "2025", "niche_years": "7"})
    xihu = client_for(world.user("district"))
    pending = xihu.get("/cultivation/figures/pending/").content.decode()
    mine, theirs = (EnterpriseTierFigures.objects.get(enterprise=e) for e in (firm, other))
    assert f'id="pending-{mine.pk}"' in pending and f'id="pending-{theirs.pk}"' not in pending
    assert xihu.get(f"/cultivation/figures/{theirs.pk}/").status_code == 404
    assert xihu.post(f"/cultivation/figures/{theirs.pk}/", {"action": "verify", "field": "niche_years"}
                     ).status_code == 404
    r = xihu.post(f"/cultivation/figures/{mine.pk}/", {"action": "verify", "field": "niche_years"})
    assert r.status_code == 302
    r = xihu.post(f"/cultivation/figures/{mine.pk}/", {"action": "return", "field": "ip_class1", "reason": ""})
    assert r.status_code == 400 and "退回原因" in r.content.decode()
    assert xihu.post(f"/cultivation/figures/{mine.pk}/", {"action": "return", "field": "ip_class1",
                                                          "reason": "缺少专利证书"}).status_code == 302
    mine.refresh_from_db()
    assert mine.states["niche_years"] == "verified" and mine.states["ip_class1"] == "returned"
    assert mine.reasons == {"ip_class1": "缺少专利证书"}
    assert EnterpriseTierFigures.objects.get(pk=theirs.pk).states["niche_years"] == "reported"
    own = client_for(user).get("/cultivation/figures/").content.decode()
    assert "缺少专利证书" in own and "主管部门核实" in own.split('id="fig-2025-niche_years"')[1].split("</tr>")[0]
    # reported again: waits again, the reason is gone
    client_for(user).post("/cultivation/figures/report/", {"year": "2025", "ip_class1": "4"})
    mine.refresh_from_db()
    assert mine.states["ip_class1"] == "reported" and mine.reasons == {}
    assert f'id="pending-{theirs.pk}"' in client_for(world.user("district_other")).get(
        "/cultivation/figures/pending/").content.decode()


def test_a_figure_without_a_recorded_state_awaits_verification(world):
    firm, _ = firm_with_user()  # crafted row: figures on record, no state recorded (= self-reported)
    row = EnterpriseTierFigures.objects.get(enterprise=firm)
    assert row.states == {}
    page = client_for(world.user("district")).get("/cultivation/figures/pending/").content.decode()
    assert f'id="pending-{row.pk}"' in page
    EnterpriseTierFigures.objects.filter(pk=row.pk).update(states={f: "verified" for f in (
        "niche_years", "market_share", "info_system", "certification", "own_brand", "key_field", "rd_institution",
        "ip_class1")})
    page = client_for(world.user("district")).get("/cultivation/figures/pending/").content.decode()
    assert f'id="pending-{row.pk}"' not in page


def test_the_evaluation_uses_the_figure_on_record_reported_or_verified(world):
    """The existing rule (docs/cultivation.md §1): the engine reads the latest year's figures whatever their state;
    the state is shown beside the figure. A reported figure below the bound makes the tier fail at once."""
    firm, user = firm_with_user()
    city = world.user("city")
    assert little_giant(city, firm)["eligible"] is True
    client_for(user).post("/cultivation/figures/report/", {"year": "2025", "market_share": "9.5"})
    failing = [i for i in little_giant(city, firm)["indicators"] if i["passed"] is False]
    assert [i["figure"] for i in failing] == ["market_share"]
    row = EnterpriseTierFigures.objects.get(enterprise=firm)
    client_for(world.user("district")).post(f"/cultivation/figures/{row.pk}/", {"action": "verify",
                                                                               "field": "market_share"})
    assert EnterpriseTierFigures.objects.get(pk=row.pk).states["market_share"] == "verified"
    assert little_giant(city, firm)["eligible"] is False
