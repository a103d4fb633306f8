"""The API end to end: the stateless analysis, example C imported from Excel and run as stored scenarios, the
importer's errors and matching thresholds, scenario runs, alternatives and raise-demand."""

import pytest

from industry_brain.demands.models import Demand
from industry_brain.supply.importers import LinkImporter
from industry_brain.supply.models import ExternalFirm, MatchReview, Scenario, ScenarioResult, SupplyLink
from industry_brain.testing import make_enterprise, xlsx

from .helpers import EXAMPLE_C, EXAMPLE_C_EXPECTED, example_c_payload, small_network

pytestmark = pytest.mark.django_db
HEADERS = [c.header for c in LinkImporter.columns]


def _row(supplier, customer_uscc, material, share, volume, *, uscc="", region="", address="", per_unit="", stock=""):
    return [supplier, uscc, region, address, customer_uscc, material, "件", share, volume, per_unit, stock]


def test_analyse_endpoint_gives_example_c(api, world):
    r = api.as_user(world.user("city")).post("/api/v1/supply-risk/analyse/", example_c_payload(), format="json")
    assert r.status_code == 200, r.json()
    got = {x["scenario"]: x for x in r.json()["results"]}
    for node, (pi, rei, tts) in EXAMPLE_C_EXPECTED.items():
        assert got[node]["pi"] == pytest.approx(pi) and got[node]["rei"] == pytest.approx(rei)
        assert got[node]["tts"] == pytest.approx(tts, abs=1e-7) and got[node]["tts_capped"] is False


def test_analyse_rejects_unknown_nodes_with_the_field(api, world):
    p = example_c_payload()
    p["links"].append({"supplier": "Z", "customer": "P", "material": "c", "per_unit": 1})
    r = api.as_user(world.user("city")).post("/api/v1/supply-risk/analyse/", p, format="json")
    assert r.status_code == 400 and "links" in r.json() and "Z" in r.json()["links"][0]


def _example_c_in_the_registry(api, world):
    """Five local firms, profiles through the API, links and BOM through the Excel import."""
    city = api.as_user(world.user("city"))
    firms = {k: make_enterprise(f"示例{k}制造有限公司", "330106", figures=False) for k in EXAMPLE_C}
    product = {}
    for k in EXAMPLE_C:
        product[k] = city.post("/api/v1/materials/", {"name": f"产品{k}", "unit": "件"}, format="json").json()["id"]
    volume = {"A1": 2400, "A2": 1200, "B": 7500, "C": 3000}
    for k, (cap, stock, _t) in EXAMPLE_C.items():
        out = 3000 if k in ("P", "C") else volume[k]
        r = city.post("/api/v1/firm-profiles/", {"enterprise": firms[k].pk, "product": product[k],
                                                 "monthly_capacity": cap * 30, "monthly_output": out,
                                                 "inventory": stock, "unit_value": 10 if k == "P" else 0},
                      format="json")
        assert r.status_code == 201, r.json()
    rows = [_row(firms["C"].name, firms["P"].uscc, "产品C", 1, 3000, uscc=firms["C"].uscc, per_unit=1),
            _row(firms["A1"].name, firms["C"].uscc, "产品A", 0.67, 2400, uscc=firms["A1"].uscc, per_unit=1),
            _row(firms["A2"].name, firms["C"].uscc, "产品A", 0.33, 1200, uscc=firms["A2"].uscc, per_unit=1),
            _row(firms["B"].name, firms["C"].uscc, "产品B", 1, 7500, uscc=firms["B"].uscc, per_unit=2)]
    r = city.post("/api/v1/supply-links/import/", {"file": xlsx(HEADERS, rows)}, format="multipart")
    assert r.status_code == 200, r.json()
    assert r.json()["created"] == 4 and r.json()["matched_exact"] == 4
    return firms


def test_example_c_imported_from_excel_gives_the_reference_numbers_as_stored_scenarios(api, world):
    firms = _example_c_in_the_registry(api, world)
    city = api.as_user(world.user("city"))
    for node, (pi, _rei, tts) in EXAMPLE_C_EXPECTED.items():
        sc = city.post("/api/v1/scenarios/", {"name": f"{node} 停产", "enterprises": [firms[node].pk],
                                              "periods": EXAMPLE_C[node][2]}, format="json")
        assert sc.status_code == 201, sc.json()
        run = city.post(f"/api/v1/scenarios/{sc.json()['id']}/run/")
        assert run.status_code == 200 and run.json()["status"] == "done", run.json()
        assert run.json()["lp_rows"] > 0 and run.json()["lp_columns"] > 0
        assert "Optimal" in run.json()["solver_status"]
        rows = {x["enterprise"]: x for x in city.get(f"/api/v1/scenarios/{sc.json()['id']}/results/").json()[
            "results"]}
        p = rows[firms["P"].pk]
        assert p["lost_value"] == pytest.approx(pi, abs=1e-3), node
        assert run.json()["summary"]["pi"] == pytest.approx(pi, abs=1e-3)
        assert p["tts_days"] == pytest.approx(tts, abs=1e-3), node
        assert p["flagged"] is (tts < EXAMPLE_C[node][2])
        if p["flagged"]:
            assert p["stops_on_day"] == int(tts) + 1
    # Structural pre-screen: B (single source of b) and C break P; A1, A2 do not.
    from industry_brain.supply.selectors import chain_break_points

    points = chain_break_points(user=world.user("city"))[firms["P"].pk]
    assert set(points) == {f"e{firms['B'].pk}", f"e{firms['C'].pk}"}


def test_scenario_results_are_stable_across_reruns(api, world):
    firms = _example_c_in_the_registry(api, world)
    city = api.as_user(world.user("city"))
    sc = city.post("/api/v1/scenarios/", {"name": "A1", "enterprises": [firms["A1"].pk], "periods": 4},
                   format="json").json()
    first = [(r["enterprise"], r["tts_days"], r["lost_value"], r["rank"]) for r in
             (city.post(f"/api/v1/scenarios/{sc['id']}/run/") and city.get(
                 f"/api/v1/scenarios/{sc['id']}/results/").json()["results"])]
    city.post(f"/api/v1/scenarios/{sc['id']}/run/")
    second = [(r["enterprise"], r["tts_days"], r["lost_value"], r["rank"]) for r in
              city.get(f"/api/v1/scenarios/{sc['id']}/results/").json()["results"]]
    assert first == second and len(first) == 3
    assert Scenario.objects.get(pk=sc["id"]).runs.count() == 2


def test_import_names_every_bad_row_and_writes_nothing(api, world):
    small_network(world)
    before = SupplyLink.objects.count()
    rows = [_row("苏州新测电子有限公司", world.ent_xihu.uscc, "晶圆", 0.5, 100, region="320500"),
            _row("无名供应商", "91330106MA0000000X", "晶圆", 0.5, 100, region="320500"),  # unknown customer
            _row("常州某材料厂", world.ent_xihu.uscc, "晶圆", 1.5, 100, region="320400"),  # share > 1
            _row("远方供应商", world.ent_xihu.uscc, "晶圆", 0.2, 100, region="99"),  # bad region
            _row("苏州新测电子有限公司", world.ent_xihu.uscc, "晶圆", 0.5, 100, region="320500")]  # duplicate of 2
    r = api.as_user(world.user("city")).post("/api/v1/supply-links/import/", {"file": xlsx(HEADERS, rows)},
                                             format="multipart")
    assert r.status_code == 400
    errors = r.json()["errors"]
    assert {(e["row"], e["column"]) for e in errors} == {
        (3, "客户统一社会信用代码"), (4, "占需求比例"), (5, "供应商所在地区"), (6, "物料名称")}
    assert SupplyLink.objects.count() == before and not ExternalFirm.objects.filter(name__contains="苏州新测").exists()


def test_matching_thresholds_auto_link_queue_and_new_firm(api, world):
    net = small_network(world)
    rows = [
        # Same firm written differently (brackets, no 有限公司): ≥ 0.8, linked to the known firm.
        _row("上海晶测材料（集团）公司", world.ent_xihu.uscc, "晶圆", 0.3, 900, region="310000"),
        # Resembles 宁波树测化工 (0.5–0.8): a new firm, queued for review.
        _row("宁波树测新材料有限公司", world.ent_xihu.uscc, "树脂", 0.4, 100, region="330200"),
        # Nothing like it: a new external firm, no review.
        _row("合肥远达精密机械有限公司", world.ent_xihu.uscc, "轴承", 1, 50, region="340100"),
    ]
    r = api.as_user(world.user("district")).post("/api/v1/supply-links/import/", {"file": xlsx(HEADERS, rows)},
                                                 format="multipart")
    assert r.status_code == 200, r.json()
    body = r.json()
    assert (body["matched_auto"], body["review"], body["new_firms"]) == (1, 1, 2)
    assert SupplyLink.objects.filter(supplier_external=net["sh"], customer=world.ent_xihu).count() == 1
    review = MatchReview.objects.get()
    assert review.candidate_external == net["nb"] and 0.5 <= review.score < 0.8
    # The uploader confirms: the link moves to the known firm and the provisional firm goes.
    new_firm = review.new_firm
    ok = api.as_user(world.user("district")).post(f"/api/v1/match-reviews/{review.pk}/confirm/")
    assert ok.status_code == 200 and ok.json()["status"] == "confirmed"
    assert SupplyLink.objects.filter(supplier_external=net["nb"], customer=world.ent_xihu).exists()
    assert not ExternalFirm.objects.filter(pk=new_firm.pk).exists()
    # Someone else's review is out of scope.
    assert api.as_user(world.user("district_other")).post(
        f"/api/v1/match-reviews/{review.pk}/reject/").status_code == 404


def test_matching_similarity_scores():
    from industry_brain.supply.matching import clean_name, similarity

    assert clean_name("杭州市西湖区华测电子股份有限公司") == "华测电子"
    assert clean_name("ＡＢＣ电子（杭州）有限公司") == "abc电子"
    assert similarity("上海晶测材料有限公司", "上海晶测材料（集团）公司") >= 0.8
    assert similarity("宁波树测化工有限公司", "合肥远达精密机械有限公司") < 0.5
    # Same name, different house numbers: the address part counts nothing.
    differ = similarity("华测电子", "华测电子", "文三路12号", "文三路14号")
    assert differ == 0.75 and similarity("华测电子", "华测电子", "文三路12号", "文三路12号") == 1.0


def test_region_scenario_lists_flagged_firms_with_alternatives_and_raises_a_demand(api, world):
    net = small_network(world)
    # A local maker of 晶圆 with spare capacity: the alternative for 西湖's firm.
    from industry_brain.supply.models import FirmProfile

    alt = make_enterprise("杭州备测半导体有限公司", "330109", figures=False)
    FirmProfile.objects.create(enterprise=alt, product=net["chip"], monthly_capacity=5000, monthly_output=2000)
    city = api.as_user(world.user("city"))
    sc = city.post("/api/v1/scenarios/", {"name": "上海管控 30 天", "regions": ["310000"], "periods": 30},
                   format="json").json()
    assert city.post(f"/api/v1/scenarios/{sc['id']}/run/").json()["status"] == "done"
    rows = {r["enterprise"]: r for r in city.get(f"/api/v1/scenarios/{sc['id']}/results/").json()["results"]}
    xihu = rows[world.ent_xihu.pk]
    # 西湖: 500 chips in stock, 100 a day needed, no other source → stops on day 6.
    assert xihu["tts_days"] == pytest.approx(5.0) and xihu["flagged"] and xihu["stops_on_day"] == 6
    assert xihu["missing_material"] == net["chip"].pk
    assert xihu["lost_value"] == pytest.approx((30 - 5) * 100 * 0.5)
    assert xihu["alternatives"][0]["supplier_enterprise"] == alt.pk
    assert xihu["alternatives"][0]["spare_capacity"] == 3000 and xihu["alternatives"][0]["reason"]
    # 萧山: half from 宁波 with headroom 2 (6000 capacity / 1500 used) covers the need → survives.
    assert rows[world.ent_xiaoshan.pk]["flagged"] is False
    r = city.post(f"/api/v1/scenarios/{sc['id']}/results/{xihu['id']}/raise-demand/", {"alternative": 0},
                  format="json")
    assert r.status_code == 201, r.json()
    d = Demand.objects.get(pk=r.json()["id"])
    assert d.category.code.startswith("supply_chain") and d.enterprise == world.ent_xihu
    assert alt.name in d.description and "晶圆" in d.description and d.urgency == "urgent"
    bad = city.post(f"/api/v1/scenarios/{sc['id']}/results/{xihu['id']}/raise-demand/", {"alternative": 9},
                    format="json")
    assert bad.status_code == 400 and "alternative" in bad.json()


def test_enterprise_corrects_its_own_input_only(api, world):
    net = small_network(world)
    ent = api.as_user(world.user("enterprise"))
    own, other = net["links"][0], net["links"][1]
    r = ent.patch(f"/api/v1/supply-links/{own.pk}/", {"share": "0.8", "monthly_volume": "2500"}, format="json")
    assert r.status_code == 200, r.json()
    own.refresh_from_db()
    assert float(own.share) == 0.8
    assert ent.patch(f"/api/v1/supply-links/{other.pk}/", {"share": "0.1"}, format="json").status_code == 404
    bad = ent.patch(f"/api/v1/supply-links/{own.pk}/", {"share": "1.5"}, format="json")
    assert bad.status_code == 400 and "share" in bad.json()


def test_run_that_fails_is_stored_as_failed(world, monkeypatch):
    from industry_brain.supply import engine, services

    small_network(world)
    sc = services.scenario_create(actor=world.user("city"), name="x", regions=["310000"], periods=5)

    def boom(*a, **k):
        raise engine.SolveError("Infeasible")

    monkeypatch.setattr(engine, "solve_pi", boom)
    run = services.scenario_run(actor=world.user("city"), scenario=sc)
    run.refresh_from_db()
    assert run.status == "failed" and "Infeasible" in run.error
    assert not ScenarioResult.objects.filter(run=run).exists()
