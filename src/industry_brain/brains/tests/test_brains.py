"""Industry brains: linked firms counted from the records, the page's aggregates, a firm's consent and position,
configuration by the city only, and scope."""

from decimal import Decimal

import pytest
from django.test import Client

from industry_brain.brains import selectors, services
from industry_brain.brains.models import Brain, OperatingReport
from industry_brain.supply.models import ExternalFirm, Material, SupplyLink
from industry_brain.testing import make_enterprise

pytestmark = pytest.mark.django_db


@pytest.fixture
def brain(world):
    node = world.chain.nodes.get(segment="midstream")  # ent_xihu is a member
    fibre = make_enterprise("杭州某化纤有限公司", "330109", "28", figures=False)
    keyword = make_enterprise("杭州纺织印染有限公司", "330106", "17", figures=False)
    outside = ExternalFirm.objects.create(name="江苏某PTA有限公司", region="320500")
    SupplyLink.objects.create(supplier_external=outside, customer=fibre,
                              material=Material.objects.create(name="PTA（测试）", unit="吨"), share=1,
                              monthly_volume=100)
    b = services.brain_save(actor=world.user("city"), data={
        "code": "fibre", "name": "化纤", "keywords": "纺织", "nodes": [node], "industries": ["28"]})
    return {"brain": b, "fibre": fibre, "keyword": keyword, "outside": outside, "node": node}


def test_linked_firms_are_counted_from_the_records(world, brain):
    b = brain["brain"]
    # ent_xihu by its node, the fibre maker by its industry, the dyer by its name; the PTA supplier from outside.
    assert (b.linked_local, b.linked_external, b.linked_firms) == (3, 1, 4)
    r = Client()
    r.force_login(world.user("city"))
    assert r.get(f"/api/v1/brains/{b.pk}/").json()["linked_firms"] == 4


def test_a_node_of_fewer_than_three_firms_shows_no_output(world, brain):
    rows = {n["node"]: n for n in selectors.brain_nodes(brain["brain"])}
    assert rows[brain["node"].pk]["local_firms"] == 1 and rows[brain["node"].pk]["output"] is None


def test_only_the_city_configures_a_brain(api, world):
    for role in ("district", "chain_team", "enterprise"):
        r = api.as_user(world.user(role)).post("/api/v1/brains/", {"code": "x", "name": "某脑", "keywords": "电子"},
                                                format="json")
        assert r.status_code == 403, role
    assert not Brain.objects.filter(code="x").exists()
    r = api.as_user(world.user("city")).post("/api/v1/brains/", {"code": "x", "name": "某脑", "keywords": ""},
                                            format="json")
    assert r.status_code == 400 and "nodes" in r.json()


def test_a_firm_shares_its_data_and_sees_its_position_only(api, world, brain):
    b = brain["brain"]
    ent = api.as_user(world.user("enterprise"))
    assert ent.post(f"/api/v1/brains/{b.pk}/reports/", {"period": "2026-10", "capacity_use": "80", "orders": "1",
                                                         "inventory": "1", "price_index": "100"},
                    format="json").status_code == 400  # not shared yet
    assert ent.post(f"/api/v1/brains/{b.pk}/opt-in/").status_code == 201
    r = ent.post(f"/api/v1/brains/{b.pk}/reports/", {"period": "2026-10", "capacity_use": "80", "orders": "100",
                                                     "inventory": "10", "price_index": "101.5"}, format="json")
    assert r.status_code == 201, r.json()
    pos = selectors.position(enterprise=world.ent_xihu, brain=b)
    assert pos["peers"] == 1 and "median" not in pos  # fewer than three firms: no comparison
    for firm, use in ((brain["fibre"], 60), (brain["keyword"], 90)):
        services.opt_in(actor=_firm_user(firm), brain=b, enterprise=firm)
        OperatingReport.objects.create(brain=b, enterprise=firm, period="2026-10", capacity_use=Decimal(use),
                                       orders=1, inventory=1, price_index=100)
    pos = selectors.position(enterprise=world.ent_xihu, brain=b)
    assert pos["median"] == 80 and pos["rank_pct"] == 67
    # Another firm of the brain cannot read this firm's reports.
    other = api.as_user(_firm_user(brain["fibre"]))
    assert all(row["enterprise"] == brain["fibre"].pk for row in other.get(f"/api/v1/brains/{b.pk}/reports/").json())


def _firm_user(enterprise):
    from industry_brain.accounts.models import User
    from industry_brain.testing import make_user

    return User.objects.filter(username=f"u{enterprise.pk}").first() or make_user(
        f"u{enterprise.pk}", "enterprise", enterprise=enterprise)


@pytest.mark.parametrize("role,status", [("city", 200), ("district", 200), ("chain_team", 200), ("cadre", 200),
                                         ("department", 200), ("enterprise", 200), ("enterprise_other", 404)])
def test_who_sees_a_brain(world, brain, role, status):
    c = Client()
    c.force_login(world.user(role))
    assert c.get(f"/brains/{brain['brain'].pk}/").status_code == status
