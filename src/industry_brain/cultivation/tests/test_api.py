"""Through the API: the 小巨人 2022 bounds, version selection by date and application type, insufficient data,
the recognition round from application to recognition with an objection answered, and the scope of each role."""

import datetime as dt
from decimal import Decimal

import pytest

from industry_brain.cultivation import services
from industry_brain.cultivation.models import EnterpriseTierFigures, RecognitionApplication
from industry_brain.enterprises.models import Recognition, YearlyFigures
from industry_brain.testing import ALL_ROLES

from .helpers import craft_firm

pytestmark = pytest.mark.django_db
BEFORE_2026 = "2026-03-31"
FROM_2026 = "2026-04-01"


def run(api, world, as_of, **extra):
    r = api.as_user(world.user("city")).post("/api/v1/tier-evaluations/run/", {"as_of": as_of, **extra},
                                             format="json")
    assert r.status_code == 201, r.content
    return r.json()


def evaluation(api, world, firm, tier="little_giant"):
    r = api.as_user(world.user("city")).get(f"/api/v1/tier-evaluations/?enterprise={firm.pk}&tier={tier}")
    assert r.status_code == 200
    rows = r.json()["results"]
    assert len(rows) == 1
    return rows[0]


def test_a_firm_exactly_on_every_little_giant_2022_bound_passes(api, world):
    firm = craft_firm()
    run(api, world, BEFORE_2026)
    row = evaluation(api, world, firm)
    assert row["version"] == "2022" and row["eligible"] is True, row
    by_code = {i["code"]: i for i in row["indicators"]}
    assert by_code["LG22-MAIN"]["value"] == 70 and by_code["LG22-MAIN"]["passed"] is True
    assert by_code["LG22-GROWTH"]["value"] == 5 and by_code["LG22-DEBT"]["value"] == 70
    assert by_code["LG22-RD-A"]["passed"] is True and by_code["LG22-RD-B"]["passed"] is None  # band not applicable
    assert by_code["LG22-SHARE"]["year"] == 2025 and by_code["LG22-MAIN"]["year"] == 2025
    assert by_code["LG22-MAIN"]["source"].startswith("YearlyFigures")


@pytest.mark.parametrize("field,value,code", [
    ("market_share", Decimal("9.99"), "LG22-SHARE"),
    ("niche_years", 2, "LG22-NICHE"),
    ("ip_class1", 1, "LG22-IP"),
])
def test_just_below_one_bound_fails_naming_the_indicator_and_the_gap(api, world, field, value, code):
    firm = craft_firm(**{field: value})
    run(api, world, BEFORE_2026)
    row = evaluation(api, world, firm)
    assert row["eligible"] is False and row["failed"] == 1
    failing = [i for i in row["indicators"] if i["passed"] is False]
    assert [i["code"] for i in failing] == [code]
    assert failing[0]["gap"] > 0 and failing[0]["gap_text"]


def test_rd_gap_is_given_in_the_firms_own_money(api, world):
    years = {2025: {"revenue": 20000, "main_revenue": 15000, "rd_expense": 520, "total_assets": 10000,
                    "liabilities": 5000},
             2024: {"revenue": 18000, "main_revenue": 14000, "rd_expense": 600, "total_assets": 9000,
                    "liabilities": 5000},
             2023: {"revenue": 16000, "main_revenue": 13000, "rd_expense": 500, "total_assets": 8000,
                    "liabilities": 4000}}
    firm = craft_firm(years=years)
    run(api, world, BEFORE_2026)
    row = evaluation(api, world, firm)
    rd = next(i for i in row["indicators"] if i["code"] == "LG22-RD-A")
    assert rd["passed"] is False and rd["value"] == 2.6
    assert "2.6" in rd["gap_text"] and "80" in rd["gap_text"]  # (3.0 − 2.6) % × 20,000万元 = 80万元


def test_a_missing_figure_gives_insufficient_data_not_a_fail(api, world):
    firm = craft_firm()
    EnterpriseTierFigures.objects.filter(enterprise=firm).update(market_share=None)
    run(api, world, BEFORE_2026)
    row = evaluation(api, world, firm)
    assert row["eligible"] is None and row["missing"] == 1 and row["missing_figures"] == ["market_share"]


def test_the_evaluation_date_selects_the_2026_rule_set_for_new_applications_only(api, world):
    firm = craft_firm()
    run(api, world, BEFORE_2026)
    assert evaluation(api, world, firm)["version"] == "2022"
    run(api, world, FROM_2026)
    row = evaluation(api, world, firm)
    assert row["version"] == "2026" and row["eligible"] is False  # not a specialised SME, main share < 90 %
    assert {"LG26-SPEC", "LG26-MAIN"} <= {i["code"] for i in row["indicators"] if i["passed"] is False}
    run(api, world, FROM_2026, application_type="review")
    assert evaluation(api, world, firm)["version"] == "2022"  # re-review still by the 2022 standard


def test_direct_route_and_exclusion(api, world):
    firm = craft_firm(ip_class1=0, chuangke_top50=True)  # fails the IP gate, enters by the 创客中国 route
    run(api, world, BEFORE_2026)
    row = evaluation(api, world, firm)
    assert row["eligible"] is True and row["route"] == ["LG22-DIRECT-MAKER"]
    Recognition.objects.create(enterprise=firm, tier="single_champion", level="national", year=2025)
    YearlyFigures.objects.filter(enterprise=firm).update(main_revenue=models_f("revenue"))
    run(api, world, FROM_2026)
    row = evaluation(api, world, firm)
    assert row["eligible"] is False and any(i["code"] == "LG26-X-SC" and i["passed"] is True
                                            for i in row["indicators"])


def models_f(name):
    from django.db.models import F

    return F(name)


def test_old_evaluations_keep_their_version_when_the_city_adds_one(api, world):
    firm = craft_firm()
    first = run(api, world, BEFORE_2026)
    city = api.as_user(world.user("city"))
    base = city.get("/api/v1/tier-rule-sets/").json()["results"]
    lg22 = next(r for r in base if r["tier"] == "little_giant" and r["version"] == "2022")
    r = city.post("/api/v1/tier-rule-sets/", {
        "tier": "little_giant", "level": "national", "version": "2026-03-city", "name": "试行", "source": "市经信局",
        "verification": "U", "effective_from": "2026-03-01", "application_type": "any", "copy_from": lg22["id"]},
        format="json")
    assert r.status_code == 201, r.content
    run(api, world, BEFORE_2026)
    old = city.get(f"/api/v1/tier-evaluations/?enterprise={firm.pk}&tier=little_giant&run={first['run']}").json()
    assert old["results"][0]["version"] == "2022"
    assert evaluation(api, world, firm)["version"] == "2026-03-city"
    bad = city.post("/api/v1/tier-rule-sets/", {
        "tier": "little_giant", "version": "x", "name": "x", "source": "x", "verification": "U",
        "effective_from": "2026-05-01", "rules": [{"code": "A", "indicator": "a", "kind": "gate", "figure": "nope",
                                                   "operator": ">=", "threshold": 1, "source": "s",
                                                   "verification": "U"}]}, format="json")
    assert bad.status_code == 400 and "rules[0]" in bad.json()
    assert api.as_user(world.user("district")).post("/api/v1/tier-rule-sets/", {}, format="json").status_code in (
        400, 403)


def step(client, app_id, action, **data):
    return client.post(f"/api/v1/recognition-applications/{app_id}/{action}/", data, format="json")


def test_a_round_runs_from_application_to_recognition_with_an_objection_answered(api, world):
    firm = world.ent_xihu
    craft = craft_firm()  # an eligible firm in 西湖, user-less; the world's firm applies for itself
    city, district, ent = (api.as_user(world.user("city")), None, None)
    r = city.post("/api/v1/recognition-rounds/", {"name": "2026年度小巨人推荐", "tier": "little_giant", "year": 2026,
                                                   "opens_on": "2026-03-01", "closes_on": "2026-03-31"},
                  format="json")
    assert r.status_code == 201, r.content
    round_id = r.json()["id"]
    ent = api.as_user(world.user("enterprise"))
    r = ent.post("/api/v1/recognition-applications/", {"round": round_id, "enterprise": firm.pk}, format="json")
    assert r.status_code == 201, r.content
    app_id = r.json()["id"]
    other = ent.post("/api/v1/recognition-applications/", {"round": round_id, "enterprise": craft.pk}, format="json")
    missing = ent.post("/api/v1/recognition-applications/", {"round": round_id, "enterprise": 10 ** 9},
                       format="json")
    assert other.status_code == missing.status_code == 400  # another firm: answered as a firm that does not exist
    assert other.json()["enterprise"] == [m.replace(str(10 ** 9), str(craft.pk)) for m in missing.json()["enterprise"]]
    assert step(ent, app_id, "district-approve").status_code == 403
    assert step(ent, app_id, "submit").status_code == 200
    assert step(ent, app_id, "submit").status_code == 409  # already submitted
    district = api.as_user(world.user("district"))
    assert step(district, app_id, "district-approve").status_code == 409  # not pre-checked yet
    r = step(district, app_id, "precheck")
    assert r.status_code == 200 and r.json()["precheck"]["version"] == "2022"
    assert r.json()["precheck_eligible"] is not True  # the test firm's figures are not enough
    assert step(api.as_user(world.user("district_other")), app_id, "district-approve").status_code == 404
    district = api.as_user(world.user("district"))
    assert step(district, app_id, "district-approve").status_code == 200
    city = api.as_user(world.user("city"))
    assert step(city, app_id, "city-approve").status_code == 400  # the experts' score is required
    assert step(city, app_id, "city-approve", expert_score="86.5").status_code == 200
    r = step(city, app_id, "publicise")
    assert r.status_code == 200 and r.json()["notice_until"] > r.json()["notice_from"]
    assert step(city, app_id, "object", text="市场占有率数据来源存疑", raised_by="匿名来信").status_code == 200
    RecognitionApplication.objects.filter(pk=app_id).update(notice_until=dt.date(2026, 1, 1))
    r = step(city, app_id, "recognise")
    assert r.status_code == 400 and "objection" in r.json()  # an open objection blocks recognition
    assert step(city, app_id, "answer-objection", answer="经核实，数据来自行业协会统计。").status_code == 200
    r = step(city, app_id, "recognise")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["status"] == "recognised" and body["valid_until"] == "2029-12-31"
    assert [s["action"] for s in body["timeline"]] == ["submit", "precheck", "district_approve", "city_approve",
                                                        "publicise", "object", "answer_objection", "recognise"]
    assert body["objections"][0]["status"] == "answered"
    assert Recognition.objects.filter(enterprise=firm, tier="little_giant", year=2026).exists()
    firm.refresh_from_db()
    assert firm.top_tier == "little_giant"
    assert step(city, app_id, "reject", reason="x").status_code == 409
    assert step(city, app_id, "revoke").status_code == 400  # a reason is required
    assert step(city, app_id, "revoke", reason="数据造假").status_code == 200
    firm.refresh_from_db()
    assert firm.top_tier != "little_giant"
    from industry_brain.core.models import Event

    assert Event.objects.filter(kind="cultivation.application_step", object_id=str(firm.pk)).count() == 9


SEES_CARD = {"city": 200, "district": 200, "district_other": 404, "chain_team": 200, "department": 404,
             "department_other": 404, "cadre": 200, "enterprise": 200, "enterprise_other": 404}


@pytest.mark.parametrize("role", ALL_ROLES)
def test_scope_of_cards_evaluations_pool_and_applications(api, world, role):
    xihu = craft_firm(node=world.chain.nodes.get(segment="midstream"), market_share=Decimal("9"))
    from industry_brain.demands.models import Assignment

    Assignment.objects.create(cadre=world.cadre, enterprise=xihu, started_on=dt.date(2025, 1, 1))
    other = craft_firm("杭州萧山临界有限公司", "330109", node=world.other_chain.nodes.get(segment="midstream"),
                       market_share=Decimal("9"))
    services.evaluation_run(actor=world.user("city"), as_of=dt.date(2026, 3, 1))
    client = api.as_user(world.user(role))
    expected_own = SEES_CARD[role]
    if role == "enterprise":
        xihu = world.ent_xihu
    if role == "enterprise_other":
        other, xihu = world.ent_xiaoshan, other
    assert client.get(f"/api/v1/tier-cards/{xihu.pk}/").status_code == expected_own
    ids = {r["enterprise"] for r in client.get("/api/v1/tier-evaluations/?page_size=500").json()["results"]}
    pool = {r["enterprise"] for r in client.get("/api/v1/cultivation-pool/?tier=little_giant").json()["results"]}
    if role == "city":
        assert xihu.pk in ids and other.pk in ids and {xihu.pk, other.pk} <= pool
    elif role in ("department", "department_other"):
        assert ids == set() and pool == set()
        assert client.get("/api/v1/tier-rule-sets/").json()["count"] == 0
    elif role == "district":
        assert xihu.pk in ids and other.pk not in ids and other.pk not in pool and xihu.pk in pool
    elif role == "district_other":
        assert xihu.pk not in ids and other.pk in ids
    elif role == "enterprise":
        assert ids == {world.ent_xihu.pk}
    elif role == "enterprise_other":
        assert ids == {world.ent_xiaoshan.pk}
    elif role in ("chain_team", "cadre"):
        assert xihu.pk in ids and other.pk not in ids


def test_evidence_files_and_rereview_reminders(api, world, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from industry_brain.core.models import Event

    settings.MEDIA_ROOT = str(tmp_path)
    rnd = services.round_create(actor=world.user("city"), data={
        "name": "r", "tier": "little_giant", "year": 2023, "opens_on": dt.date(2023, 3, 1),
        "closes_on": dt.date(2023, 3, 31)})
    app = services.application_create(actor=world.user("enterprise"), round=rnd, enterprise=world.ent_xihu)
    ent = api.as_user(world.user("enterprise"))
    r = ent.post(f"/api/v1/recognition-applications/{app.pk}/evidence/",
                 {"title": "2025年审计报告", "file": SimpleUploadedFile("audit.pdf", b"%PDF-1.4")}, format="multipart")
    assert r.status_code == 201 and app.evidence.count() == 1
    assert api.as_user(world.user("chain_team")).post(
        f"/api/v1/recognition-applications/{app.pk}/evidence/",
        {"file": SimpleUploadedFile("x.pdf", b"x")}, format="multipart").status_code == 403
    RecognitionApplication.objects.filter(pk=app.pk).update(status="recognised", valid_until=dt.date(2026, 12, 31))
    assert services.rereview_remind(today=dt.date(2026, 6, 1)) == 0  # 213 days before: not yet
    assert services.rereview_remind(today=dt.date(2026, 8, 1)) == 1
    assert services.rereview_remind(today=dt.date(2026, 8, 2)) == 0  # reminded once
    assert Event.objects.filter(kind="cultivation.rereview_due", object_id=str(world.ent_xihu.pk)).count() == 1


FAR_YEARS = {  # main share 30 %, debt 90 %, R&D 0.5 %, shrinking: far from 小巨人
    2025: {"revenue": 11000, "main_revenue": 3300, "rd_expense": 55, "total_assets": 10000, "liabilities": 9000},
    2024: {"revenue": 12000, "main_revenue": 3600, "rd_expense": 60, "total_assets": 9000, "liabilities": 8000},
    2023: {"revenue": 13000, "main_revenue": 3900, "rd_expense": 65, "total_assets": 8000, "liabilities": 7000},
}


def test_a_run_stores_the_firms_in_play_and_decides_the_others_again_on_demand(api, world):
    from industry_brain.cultivation.models import EvaluationRun, TierEvaluation
    from industry_brain.enterprises.models import Enterprise

    near = craft_firm()
    far = craft_firm("杭州远端机械有限公司", years=FAR_YEARS, market_share=Decimal("1"), niche_years=1, ip_class1=0)
    one_short = craft_firm("杭州差一点机械有限公司", market_share=Decimal("5.5"))  # 45 % short of 10 %: near
    one_far = craft_firm("杭州差得多机械有限公司", market_share=Decimal("4.9"))  # 51 % short: not near
    out = run(api, world, BEFORE_2026)
    stored = TierEvaluation.objects.filter(run_id=out["run"], tier="little_giant")
    assert stored.filter(enterprise=near).exists() and not stored.filter(enterprise=far).exists()
    assert stored.filter(enterprise=one_short, failed=1).exists() and not stored.filter(enterprise=one_far).exists()
    assert evaluation(api, world, one_far)["failed"] == 1  # decided again on demand, the same way
    counts = EvaluationRun.objects.get(pk=out["run"]).counts["little_giant"]
    assert counts["eligible"] + counts["unknown"] + counts["ineligible"] == Enterprise.objects.count()
    assert counts["stored"] == stored.count() < Enterprise.objects.count()
    row = evaluation(api, world, far)  # decided again with the run's rule set and date
    assert row["id"] is None and row["eligible"] is False and row["version"] == "2022" and row["failed"] > 3
    failing = {i["code"] for i in row["indicators"] if i["passed"] is False}
    assert {"LG22-MAIN", "LG22-DEBT", "LG22-SHARE", "LG22-IP"} <= failing
    every_tier = api.as_user(world.user("city")).get(f"/api/v1/tier-evaluations/?enterprise={far.pk}").json()
    assert {r["tier"] for r in every_tier["results"]} == set(EvaluationRun.objects.get(pk=out["run"]).counts)
    # outside the reader's scope the firm has no evaluations, stored or not
    other = api.as_user(world.user("district_other")).get(f"/api/v1/tier-evaluations/?enterprise={far.pk}")
    assert other.status_code == 200 and other.json()["results"] == []
