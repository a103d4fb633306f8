"""Pages of the recognition round and the criteria versions: the city opens a round, the firm applies and adds
evidence, the district pre-checks and approves, the city scores, publishes the notice, answers an objection and
recognises — each step a form through the workflow; the city adds a criteria version by copying one and editing a
rule before the first evaluation uses it. 雄鹰 stays without criteria."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from industry_brain.cultivation import services
from industry_brain.cultivation.models import RecognitionApplication, RecognitionRound, TierRule, TierRuleSet
from industry_brain.enterprises.models import Recognition

from .helpers import craft_firm

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def step(client, app, name, **data):
    return client.post(f"/cultivation/applications/{app.pk}/", {"step": name, **{f"{name}-{k}": v
                                                                                 for k, v in data.items()}})


def test_a_round_runs_through_the_pages_from_application_to_recognition(world, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = str(tmp_path)
    city = client_for(world.user("city"))
    assert client_for(world.user("district")).get("/cultivation/rounds/new/").status_code == 403
    r = city.post("/cultivation/rounds/new/", {"name": "2023年度小巨人推荐", "tier": "little_giant", "year": "2023",
                                               "opens_on": "2023-03-01", "closes_on": "2023-03-31",
                                               "notice_working_days": "5", "validity_years": "3"})
    assert r.status_code == 302
    rnd = RecognitionRound.objects.get()
    assert rnd.rule_set.version == "2022"  # the version in force on the opening day
    firm = craft_firm(node=world.chain.nodes.get(segment="midstream"))
    firm_user = world.user("enterprise")
    firm_user.enterprise = firm
    firm_user.save()
    ent = client_for(firm_user)
    assert "apply-form" in ent.get(f"/cultivation/rounds/{rnd.pk}/").content.decode()
    r = ent.post(f"/cultivation/rounds/{rnd.pk}/", {"application_type": "new", "statement": "主导产品市占率10%"})
    assert r.status_code == 302
    app = RecognitionApplication.objects.get()
    assert app.enterprise == firm and not app.nominated
    r = ent.post(f"/cultivation/applications/{app.pk}/", {"step": "evidence", "title": "2025年审计报告",
                                                          "file": SimpleUploadedFile("audit.pdf", b"%PDF-1.4")})
    assert r.status_code == 302 and app.evidence.count() == 1
    assert step(ent, app, "precheck").status_code == 403  # the bureau's step
    assert step(ent, app, "submit").status_code == 302
    district = client_for(world.user("district"))
    assert step(district, app, "district_approve").status_code == 409  # pre-check first
    assert step(district, app, "precheck").status_code == 302
    page = district.get(f"/cultivation/applications/{app.pk}/").content.decode()
    assert "precheck-detail" in page and "LG22" not in page  # criteria by name, not by code
    assert step(district, app, "district_approve").status_code == 302
    assert step(district, app, "city_approve", expert_score="88").status_code == 403
    r = step(city, app, "city_approve")  # the experts' score is required: named on the form
    assert r.status_code == 400 and "errorlist" in r.content.decode()
    assert step(city, app, "city_approve", expert_score="101").status_code == 400
    assert step(city, app, "city_approve", expert_score="88.5").status_code == 302
    assert step(city, app, "publicise").status_code == 302
    assert step(district, app, "object", text="市场占有率测算口径有疑问", raised_by="公示期来信").status_code == 302
    app.refresh_from_db()
    objection = app.objections.get()
    RecognitionApplication.objects.filter(pk=app.pk).update(notice_until=dt.date(2023, 1, 1))
    r = step(city, app, "recognise")
    assert r.status_code == 400 and RecognitionApplication.objects.get(pk=app.pk).status == "publicised"
    r = step(city, app, "answer_objection", objection=str(objection.pk), answer="已核实，口径一致")
    assert r.status_code == 302
    assert step(city, app, "recognise").status_code == 302
    app.refresh_from_db()
    assert app.status == "recognised" and app.expert_score == Decimal("88.5") and app.valid_until.year == 2026
    assert Recognition.objects.filter(enterprise=firm, tier="little_giant", year=2023).exists()
    page = city.get(f"/cultivation/applications/{app.pk}/").content.decode()
    assert "已核实，口径一致" in page and 'id="step-revoke"' in page
    # chain teams see the application but take no step; another firm does not see it
    assert step(client_for(world.user("chain_team")), app, "revoke", reason="x").status_code == 403
    assert client_for(world.user("enterprise_other")).get(f"/cultivation/applications/{app.pk}/").status_code == 404


def test_the_city_adds_a_criteria_version_in_the_pages_and_edits_it_until_it_is_used(world):
    firm = craft_firm()
    city = client_for(world.user("city"))
    lg22 = TierRuleSet.objects.get(tier="little_giant", version="2022")
    assert client_for(world.user("district")).get("/cultivation/rule-sets/new/").status_code == 403
    assert 'value="little_giant" selected' in city.get(f"/cultivation/rule-sets/new/?copy_from={lg22.pk}").content \
        .decode()
    bad = city.post("/cultivation/rule-sets/new/", {
        "tier": "specialised", "version": "x", "name": "x", "effective_from": "2026-03-01", "application_type": "any",
        "source": "市经信局", "verification": "U", "copy_from": lg22.pk})
    assert bad.status_code == 400 and TierRuleSet.objects.filter(version="x").count() == 0  # another tier's rules
    r = city.post("/cultivation/rule-sets/new/", {
        "tier": "little_giant", "level": "national", "version": "2026-03-city", "name": "市级试行口径",
        "effective_from": "2026-03-01", "application_type": "any", "source": "市经信局", "verification": "U",
        "copy_from": lg22.pk})
    assert r.status_code == 302
    rs = TierRuleSet.objects.get(version="2026-03-city")
    assert rs.rules.count() == lg22.rules.count()
    share = rs.rules.get(code="LG22-SHARE")
    url = f"/cultivation/rule-sets/{rs.pk}/rules/{share.pk}/"
    form = {f: getattr(share, f) for f in ("order", "code", "indicator", "kind", "figure", "operator", "direction",
                                           "group", "application_type", "source", "verification", "note")}
    form.update({"threshold": "12", "inclusive": "on", "bands": "", "applies_if": "", "max_points": ""})
    assert city.post(url, {**form, "figure": "no_such_figure"}).status_code == 400
    assert city.post(url, {**form, "applies_if": "not json"}).status_code == 400
    assert city.post(url, form).status_code == 302
    assert TierRule.objects.get(pk=share.pk).threshold == 12
    assert lg22.rules.get(code="LG22-SHARE").threshold == 10  # the copied version is untouched
    # the firm at 10 % now fails the city's version, as of a date when it is in force
    services.evaluation_run(actor=world.user("city"), as_of=dt.date(2026, 3, 15), tiers=["little_giant"])
    row = client_for(world.user("city")).get(f"/api/v1/tier-evaluations/?enterprise={firm.pk}&tier=little_giant")
    assert row.json()["results"][0]["version"] == "2026-03-city" and row.json()["results"][0]["eligible"] is False
    # used now: history, not edited any more
    page = city.get(f"/cultivation/rule-sets/{rs.pk}/").content.decode()
    assert "add-rule" not in page and "copy-version" in page
    assert city.post(url, {**form, "threshold": "11"}).status_code == 400
    assert TierRule.objects.get(pk=share.pk).threshold == 12


def test_eagle_stays_without_criteria_and_is_never_evaluated(world, api):
    eagle = TierRuleSet.objects.filter(tier="eagle")
    assert eagle.exists() and not TierRule.objects.filter(rule_set__tier="eagle").exists()
    assert set(eagle.values_list("verification", flat=True)) == {"NOT_FOUND"}
    run = services.evaluation_run(actor=world.user("city"), as_of=dt.date(2026, 3, 1))
    assert run.counts["eagle"]["eligible"] == 0 and run.counts["eagle"]["ineligible"] == 0
    assert run.counts["eagle"]["no_criteria"] and not run.evaluations.filter(tier="eagle").exists()
    card = api.as_user(world.user("city")).get(f"/api/v1/tier-cards/{world.ent_xihu.pk}/").json()
    entry = next(t for t in card["tiers"] if t["tier"] == "eagle")
    assert entry["no_criteria"] is True and entry["eligible"] is None and entry["indicators"] == []
    page = client_for(world.user("city")).get(f"/cultivation/rule-sets/{eagle.first().pk}/").content.decode()
    assert 'id="no-criteria"' in page
    card = client_for(world.user("city")).get(f"/cultivation/card/{world.ent_xihu.pk}/").content.decode()
    eagle_section = card[card.index('id="tier-eagle"'):]
    assert "认定标准未公开" in eagle_section[:600]


def test_the_beat_schedule_runs_the_cultivation_jobs():
    from django.conf import settings

    from industry_brain.celery import app

    app.loader.import_default_modules()
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    for name in ("cultivation.evaluate_all", "cultivation.rereview_reminders"):
        assert name in tasks and name in app.tasks


def test_tier_pyramid_by_chain_counts_confirmed_members_in_the_readers_scope(world):
    from industry_brain.chains.models import ChainMembership
    from industry_brain.cultivation import tier_stats

    for firm in (world.ent_xihu, world.ent_xiaoshan):
        Recognition.objects.create(enterprise=firm, tier="little_giant", level="national", year=2025,
                                   valid_until=dt.date(2099, 12, 31))
    city = {r["key"]: r["counts"] for r in tier_stats.pyramid(user=world.user("city"), by="chain")}
    assert city == {world.chain.name: {"little_giant": 1}, world.other_chain.name: {"little_giant": 1}}
    ChainMembership.objects.filter(enterprise=world.ent_xiaoshan).update(status="proposed")
    city = {r["key"]: r["counts"] for r in tier_stats.pyramid(user=world.user("city"), by="chain")}
    assert world.other_chain.name not in city
    page = client_for(world.user("city")).get("/cultivation/").content.decode()
    assert "pyramid-chain-chart" in page and world.chain.name in page


def _firms_near_by_chain(world):
    """Three firms one criterion short of 小巨人 (market share 9 % against 10 %): A confirmed in the world's chain;
    B with a proposal there and a rejected one in the other chain; C confirmed in the other chain with a proposal in
    the world's chain. Returns them after an evaluation run."""
    from industry_brain.chains.models import ChainMembership

    node, other_node = world.chain.nodes.get(segment="midstream"), world.other_chain.nodes.get(segment="midstream")
    a = craft_firm(node=node, market_share=Decimal("9"))
    b = craft_firm("杭州临界提议有限公司", "330106", market_share=Decimal("9"))
    c = craft_firm("杭州萧山临界有限公司", "330109", node=other_node, market_share=Decimal("9"))
    ChainMembership.objects.create(enterprise=b, node=world.chain.nodes.get(segment="upstream"), status="proposed")
    ChainMembership.objects.create(enterprise=b, node=other_node, status="rejected")
    ChainMembership.objects.create(enterprise=c, node=world.chain.nodes.get(segment="downstream"), status="proposed")
    services.evaluation_run(actor=world.user("city"), as_of=dt.date(2026, 3, 1))
    return a, b, c


@pytest.mark.parametrize("role", ["city", "district", "district_other", "chain_team", "cadre", "enterprise"])
def test_the_pool_of_a_chain_and_who_could_qualify_by_chain_count_confirmed_members_only(world, role):
    from industry_brain.chains.models import ChainMembership
    from industry_brain.cultivation import selectors

    a, b, c = _firms_near_by_chain(world)
    user = world.user(role)
    run = selectors.latest_run(user=user)
    confirmed: dict[int, set[str]] = {}
    for firm, chain_id, name in ChainMembership.objects.filter(status="confirmed").values_list(
            "enterprise_id", "node__chain_id", "node__chain__name"):
        confirmed.setdefault(firm, set()).add((chain_id, name))
    # the pool of a chain: the whole pool's firms with a confirmed membership in that chain
    whole = [e.enterprise_id for e in selectors.pool(user=user, tier="little_giant", run=run)]
    for chain in (world.chain, world.other_chain):
        got = [e.enterprise_id for e in selectors.pool(user=user, tier="little_giant", chain=chain.pk, run=run)]
        assert got == [f for f in whole if chain.pk in {k for k, _n in confirmed.get(f, ())}], (role, chain.code)
    if role == "city":  # all three are near; any status would put B and C in the chain's pool
        assert {a.pk, b.pk, c.pk} <= set(whole)
        chain_pool = {e.enterprise_id for e in selectors.pool(user=user, tier="little_giant", chain=world.chain.pk,
                                                                run=run)}
        assert a.pk in chain_pool and not {b.pk, c.pk} & chain_pool
    # who could qualify next year by chain: each firm under its confirmed chains, a firm on none under "—"
    near = selectors.evaluations(user=user, run=run).filter(failed=1, missing=0, nearness__lte=0.2, excluded=False)
    want: dict[tuple[str, str], set[int]] = {}
    for firm, tier in near.values_list("enterprise_id", "tier"):
        for _k, name in confirmed.get(firm, {(None, "—")}):
            want.setdefault((name, tier), set()).add(firm)
    got = {(r["key"], r["tier"]): r["n"] for r in selectors.near_next_year(user=user, run=run, by="chain")}
    assert got == {k: len(v) for k, v in want.items()}, role
    if role == "city":
        assert want[(world.chain.name, "little_giant")] == {a.pk}
        assert want[(world.other_chain.name, "little_giant")] == {c.pk} and b.pk in want[("—", "little_giant")]
