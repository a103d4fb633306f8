"""Scope expectations of the cultivation routes for the meta-test (tests/test_scope_matrix.py, docs/scope.md): for
each URL name (page) or API route name, each method, the status every role gets."""

import datetime as dt

from industry_brain.testing.scope_matrix import case

# Confidential to the firm (西湖 ent_xihu): city, its district, its chain team, its cadre, itself.
OUT = {"district_other": 404, "department": 404, "department_other": 404, "enterprise_other": 404}


def _evaluation(w):
    from industry_brain.cultivation import services
    from industry_brain.cultivation.models import TierEvaluation

    services.evaluation_run(actor=None, as_of=dt.date(2026, 3, 1))
    return {"pk": TierEvaluation.objects.filter(enterprise=w.ent_xihu).latest("run_id", "id").pk}  # a tier in play


def _figures(w):
    from industry_brain.cultivation.models import EnterpriseTierFigures

    row, _ = EnterpriseTierFigures.objects.get_or_create(enterprise=w.ent_xihu, year=2025,
                                                         defaults={"niche_years": 4})
    return {"pk": row.pk}


def _round():
    from industry_brain.cultivation.models import RecognitionRound

    return RecognitionRound.objects.get_or_create(name="测试轮次", defaults={
        "tier": "little_giant", "year": 2026, "opens_on": dt.date(2026, 3, 1), "closes_on": dt.date(2026, 3, 31)})[0]


def _application(w):
    from industry_brain.cultivation.models import RecognitionApplication

    app, _ = RecognitionApplication.objects.get_or_create(round=_round(), enterprise=w.ent_xihu)
    return {"pk": app.pk}


def _ruleset(w):
    from industry_brain.cultivation.models import TierRuleSet

    return {"pk": TierRuleSet.objects.order_by("pk").first().pk}


def _rule(w):
    from industry_brain.cultivation.models import TierRule

    rule = TierRule.objects.order_by("pk").first()
    return {"pk": rule.rule_set_id, "rule_pk": rule.pk}


NO_DEPT = {"department": 404, "department_other": 404}
CITY_ONLY_PAGE = {"everyone": 403, "city": 200, **NO_DEPT}
CITY_ONLY_POST = {"everyone": 403, "city": 400, **NO_DEPT}  # an empty form is shown again with its errors


def _step(may: set[str]):
    """A step on a draft application: who may take it is refused by the status (409), who may not but sees the
    application gets 403, the rest 404."""
    expect = {"city": 403, "district": 403, "chain_team": 403, "cadre": 403, "enterprise": 403, **OUT}
    for role in may:
        expect[role] = 409
    return case("post", kwargs=_application, **expect)


EXPECTATIONS = {
    "tier-rule-set-list": [case(everyone=200), case("post", everyone=403, city=400)],
    "tier-rule-set-detail": case(kwargs=_ruleset, everyone=200, department=404, department_other=404),
    "tier-evaluation-list": case(everyone=200),
    "tier-evaluation-detail": case(kwargs=_evaluation, everyone=200, **OUT),
    "tier-evaluation-run": case("post", everyone=403, city=201),
    "cultivation-pool-list": case(everyone=200),
    "tier-card-detail": case(kwargs=lambda w: {"pk": w.ent_xihu.pk}, everyone=200, **OUT),
    "tier-figures-list": [case(everyone=200), case("post", everyone=400)],
    "tier-figures-detail": case(kwargs=_figures, everyone=200, **OUT),
    "tier-figures-verify": case("post", kwargs=_figures, everyone=400, **OUT),
    "recognition-round-list": [case(everyone=200), case("post", everyone=403, city=400)],
    "recognition-round-detail": case(kwargs=lambda w: {"pk": _round().pk}, everyone=200, department=404,
                                     department_other=404),
    "recognition-application-list": [case(everyone=200), case("post", everyone=400)],
    "recognition-application-detail": case(kwargs=_application, everyone=200, **OUT),
    "recognition-application-submit": case("post", kwargs=_application, city=200, district=200, enterprise=200,
                                           chain_team=403, cadre=403, **OUT),
    "recognition-application-evidence": case("post", kwargs=_application, everyone=403, city=415, district=415,
                                             enterprise=415, note="multipart only", **OUT),
    "recognition-application-precheck": _step({"city", "district"}),
    "recognition-application-district-approve": _step({"city", "district"}),
    "recognition-application-city-approve": _step({"city"}),
    "recognition-application-publicise": _step({"city"}),
    "recognition-application-object": _step({"city", "district"}),
    "recognition-application-answer-objection": _step({"city"}),
    "recognition-application-recognise": _step({"city"}),
    "recognition-application-reject": _step({"city", "district"}),
    "recognition-application-revoke": _step({"city"}),
    # pages
    "cultivation:overview": case(everyone=200, department=404, department_other=404),
    "cultivation:statistics_export": case(everyone=200, department=404, department_other=404),
    "cultivation:pool": case(everyone=200, department=404, department_other=404),
    "cultivation:my_card": case(everyone=404, enterprise=200, enterprise_other=200),
    "cultivation:card": case(kwargs=lambda w: {"pk": w.ent_xihu.pk}, everyone=200, **OUT),
    "cultivation:ruleset_list": case(everyone=200, department=404, department_other=404),
    "cultivation:ruleset_detail": case(kwargs=_ruleset, everyone=200, department=404, department_other=404),
    "cultivation:ruleset_new": [case(**CITY_ONLY_PAGE), case("post", **CITY_ONLY_POST)],
    "cultivation:rule_new": [case(kwargs=_ruleset, **CITY_ONLY_PAGE), case("post", kwargs=_ruleset, **CITY_ONLY_POST)],
    "cultivation:rule_edit": [case(kwargs=_rule, **CITY_ONLY_PAGE), case("post", kwargs=_rule, **CITY_ONLY_POST)],
    "cultivation:round_list": case(everyone=200, department=404, department_other=404),
    "cultivation:round_new": [case(**CITY_ONLY_PAGE), case("post", **CITY_ONLY_POST)],
    "cultivation:round_detail": [
        case(kwargs=lambda w: {"pk": _round().pk}, everyone=200, department=404, department_other=404),
        case("post", kwargs=lambda w: {"pk": _round().pk}, everyone=400, chain_team=403, cadre=403, **NO_DEPT,
             note="who may apply or nominate gets the empty form back with its errors")],
    "cultivation:figures_mine": case(everyone=404, enterprise=200, enterprise_other=200),
    "cultivation:figures_report": [
        case(everyone=404, enterprise=200, enterprise_other=200),
        case("post", everyone=404, enterprise=400, enterprise_other=400, note="an empty form comes back with errors")],
    "cultivation:figures_pending": case(everyone=404, city=200, district=200, district_other=200),
    "cultivation:figures_detail": [
        case(kwargs=_figures, everyone=200, **OUT),
        case("post", kwargs=_figures, everyone=403, city=400, district=400, **OUT,
             note="a bureau in scope gets the empty form back; who sees but may not verify gets 403")],
    "cultivation:application_detail": [
        case(kwargs=_application, everyone=200, **OUT),
        case("post", kwargs=_application, data={"step": "submit"}, city=302, district=302, enterprise=302,
             chain_team=403, cadre=403, **OUT)],
}
