"""Scope expectations of the supply routes for the meta-test (tests/test_scope_matrix.py, docs/scope.md).

The objects: 西湖's firm (`ent_xihu`, the team's chain) buys its one input only from 上海; 萧山's firm half from
上海 and half from 宁波; the scenario "上海管控" is run (both firms affected); an emergency coordinated by the
department white-lists both firms. Analysts (city, districts, chain team) see scenarios and the result rows of
their scope; an enterprise its own inputs and risk card; the department (on the emergency team) the white-listed
firms; the other department and cadres nothing."""

import datetime as dt

from industry_brain.testing.scope_matrix import case


def _cached(w, name, build):
    if not hasattr(w, name):
        setattr(w, name, build(w))
    return getattr(w, name)


def network(w):
    from industry_brain.supply.tests.helpers import small_network

    return _cached(w, "_sup_net", small_network)


def scenario(w):
    from industry_brain.supply import services

    def build(w):
        network(w)
        sc = services.scenario_create(actor=w.user("city"), name="上海管控", regions=["310000"], periods=30)
        services.scenario_run(actor=w.user("city"), scenario=sc, background=False)
        sc.refresh_from_db()
        return sc

    return _cached(w, "_sup_scenario", build)


def result(w):
    return scenario(w).last_run.results.get(enterprise=w.ent_xihu)


def emergency(w):
    from industry_brain.supply import services
    from industry_brain.supply.models import WhitelistEntry

    def build(w):
        em = services.emergency_activate(
            actor=w.user("city"),
            name="应急保障",
            started_on=dt.date(2026, 4, 1),
            reason="上海管控",
            coordinator=w.department,
            scenario=scenario(w),
        )
        WhitelistEntry.objects.create(emergency=em, enterprise=w.ent_xihu, status="confirmed", reason="链主")
        WhitelistEntry.objects.create(emergency=em, enterprise=w.ent_xiaoshan, status="confirmed", reason="高风险")
        return em

    return _cached(w, "_sup_emergency", build)


def review(w):
    from industry_brain.supply.models import ExternalFirm, MatchReview

    def build(w):
        firm = ExternalFirm.objects.create(name="宁波树测新材料有限公司", region="330200")
        return MatchReview.objects.create(
            new_firm=firm, candidate_external=network(w)["nb"], score=0.58, uploaded_by=w.user("district")
        )

    return _cached(w, "_sup_review", build)


def _all(w):
    return network(w), scenario(w), emergency(w), review(w)


def pk(build):
    return lambda w: {"pk": build(w).pk}


def link(w):
    return network(w)["links"][0]


def profile(w):
    return w.ent_xihu.supply_profile


def bom(w):
    return w.ent_xihu.bom_lines.first()


def material(w):
    return network(w)["chip"]


def external(w):
    return network(w)["sh"]


def estimate(w):
    from industry_brain.supply.models import RecoveryEstimate

    return _cached(
        w,
        "_sup_estimate",
        lambda w: RecoveryEstimate.objects.create(supplier_external=network(w)["sh"], ttr_days=21, source="bureau"),
    )


def white_listed(w):
    return [w.ent_xihu, w.ent_xiaoshan]


TEAM = "the emergency team's department sees the white-listed key firms it works for (issue item 8)"


def own_firm(w):
    return {"pk": w.ent_xihu.pk}


def pk_row(w):
    return {"pk": scenario(w).pk, "row": result(w).pk}


def external_site(w):
    return {"kind": "x", "pk": network(w)["sh"].pk}


def review_reject(w):
    return {"pk": review(w).pk, "action": "reject"}


CORRECTS = "those who may change the firm's supply facts: the city, its district, the firm itself (issue item 1)"


EXPECTATIONS = {
    "bom-line-detail": case(
        kwargs=pk(bom),
        setup=_all,
        everyone=200,
        district_other=404,
        department_other=404,
        cadre=404,
        enterprise_other=404,
    ),
    "bom-line-list": [
        case(setup=_all, everyone=200),
        case("post", setup=_all, everyone=400),
    ],
    "emergency-daily-reports": case(
        "post",
        kwargs=pk(emergency),
        setup=_all,
        everyone=400,
        department_other=404,
        cadre=404,
        note="visible: the empty body is refused",
    ),
    "emergency-deactivate": case(
        "post", kwargs=pk(emergency), setup=_all, everyone=403, city=200, department_other=404, cadre=404
    ),
    "emergency-detail": case(kwargs=pk(emergency), setup=_all, everyone=200, department_other=404, cadre=404),
    "emergency-ledger": case(
        kwargs=pk(emergency), setup=_all, shows=white_listed, note=TEAM, everyone=200, department_other=404, cadre=404
    ),
    "emergency-list": [
        case(setup=_all, everyone=200),
        case("post", setup=_all, everyone=400),
    ],
    "emergency-requests": case(
        "post",
        kwargs=pk(emergency),
        setup=_all,
        everyone=400,
        department_other=404,
        cadre=404,
        note="visible: the empty body is refused",
    ),
    "emergency-whitelist": case(
        kwargs=pk(emergency), setup=_all, shows=white_listed, note=TEAM, everyone=200, department_other=404, cadre=404
    ),
    "emergency-whitelist-decide": case(
        "post",
        kwargs=pk(emergency),
        setup=_all,
        everyone=400,
        department_other=404,
        cadre=404,
        note="visible: the empty body is refused",
    ),
    "emergency-whitelist-propose": case(
        "post", kwargs=pk(emergency), setup=_all, everyone=403, city=200, department_other=404, cadre=404
    ),
    "enterprise-risk-card": case(
        kwargs=own_firm,
        setup=_all,
        shows=white_listed,
        note=TEAM,
        everyone=200,
        district_other=404,
        department_other=404,
        cadre=404,
        enterprise_other=404,
    ),
    "external-firm-detail": case(
        kwargs=pk(external), setup=_all, everyone=200, department=404, department_other=404, cadre=404
    ),
    "external-firm-list": [
        case(setup=_all, everyone=200),
        case("post", setup=_all, everyone=400),
    ],
    "firm-profile-detail": case(
        kwargs=pk(profile),
        setup=_all,
        everyone=200,
        district_other=404,
        department_other=404,
        cadre=404,
        enterprise_other=404,
    ),
    "firm-profile-list": [
        case(setup=_all, everyone=200),
        case("post", setup=_all, everyone=400),
    ],
    "match-review-confirm": case("post", kwargs=pk(review), setup=_all, everyone=404, city=200, district=200),
    "match-review-detail": case(kwargs=pk(review), setup=_all, everyone=404, city=200, district=200),
    "match-review-list": case(setup=_all, everyone=200),
    "match-review-reject": case("post", kwargs=pk(review), setup=_all, everyone=404, city=200, district=200),
    "material-detail": case(kwargs=pk(material), setup=_all, everyone=200, cadre=404),
    "material-list": [
        case(setup=_all, everyone=200),
        case("post", setup=_all, everyone=400),
    ],
    "recovery-estimate-detail": case(
        kwargs=pk(estimate), setup=_all, everyone=404, city=200, district=200, district_other=200, chain_team=200
    ),
    "recovery-estimate-list": [
        case(setup=_all, everyone=200),
        case("post", setup=_all, everyone=400),
    ],
    "scenario-detail": case(
        kwargs=pk(scenario), setup=_all, everyone=404, city=200, district=200, district_other=200, chain_team=200
    ),
    "scenario-list": [
        case(setup=_all, everyone=200),
        case("post", setup=_all, everyone=400),
    ],
    "scenario-raise-demand": case(
        "post",
        kwargs=pk_row,
        setup=_all,
        everyone=404,
        city=400,
        district=400,
        chain_team=400,
        note="visible: the empty body is refused",
    ),
    "scenario-post-need": case(
        "post",
        kwargs=pk_row,
        setup=_all,
        everyone=404,
        city=201,
        district=201,
        chain_team=201,
        note="the flagged firm's missing material posted as a matchmaking need (its own chain for the team)",
    ),
    "scenario-results": case(
        kwargs=pk(scenario), setup=_all, everyone=404, city=200, district=200, district_other=200, chain_team=200
    ),
    "scenario-run": case(
        "post",
        kwargs=pk(scenario),
        setup=_all,
        everyone=404,
        city=200,
        district=200,
        district_other=200,
        chain_team=200,
    ),
    "supply-link-detail": [
        case(
            kwargs=pk(link),
            setup=_all,
            everyone=200,
            district_other=404,
            department_other=404,
            cadre=404,
            enterprise_other=404,
        ),
        case(
            "patch",
            kwargs=pk(link),
            setup=_all,
            everyone=404,
            city=200,
            district=200,
            chain_team=403,
            department=403,
            enterprise=200,
        ),
        case(
            "delete",
            kwargs=pk(link),
            setup=_all,
            everyone=404,
            city=204,
            district=204,
            chain_team=403,
            department=403,
            enterprise=204,
        ),
    ],
    "supply-link-import-links": case(
        "post",
        setup=_all,
        everyone=415,
        chain_team=403,
        department=403,
        department_other=403,
        cadre=403,
        note="no multipart file: 415 for those who may import",
    ),
    "supply-link-list": [
        case(setup=_all, everyone=200),
        case("post", setup=_all, everyone=400),
    ],
    "supply-prescreen": case(setup=_all, everyone=200, department=404, department_other=404, cadre=404),
    "supply-risk-analyse": case(
        "post",
        setup=_all,
        everyone=404,
        city=400,
        district=400,
        district_other=400,
        chain_team=400,
        note="analysts: the empty body is refused",
    ),
    "supply:emergency_detail": case(
        kwargs=pk(emergency), setup=_all, shows=white_listed, note=TEAM, everyone=200, department_other=404, cadre=404
    ),
    "supply:emergency_list": case(setup=_all, everyone=200, department_other=404, cadre=404),
    "supply:link_import": [
        case(setup=_all, everyone=200, chain_team=403, department=403, department_other=403, cadre=403),
        case("post", setup=_all, everyone=400, chain_team=403, department=403, department_other=403, cadre=403),
    ],
    "supply:risk_card": case(
        kwargs=own_firm,
        setup=_all,
        shows=white_listed,
        note=TEAM,
        everyone=200,
        district_other=404,
        department_other=404,
        cadre=404,
        enterprise_other=404,
    ),
    "supply:scenario_compare": case(
        setup=_all, everyone=404, city=200, district=200, district_other=200, chain_team=200
    ),
    "supply:scenario_detail": case(
        kwargs=pk(scenario), setup=_all, everyone=404, city=200, district=200, district_other=200, chain_team=200
    ),
    "supply:scenario_export": case(
        kwargs=pk(scenario), setup=_all, everyone=404, city=200, district=200, district_other=200, chain_team=200
    ),
    "supply:scenario_list": [
        case(
            setup=_all,
            everyone=200,
            department=404,
            department_other=404,
            cadre=404,
            enterprise=302,
            enterprise_other=302,
        ),
        case("post", setup=_all, everyone=404, city=302, district=302, district_other=302, chain_team=302),
    ],
    "supply:scenario_post_need": case(
        "post", kwargs=pk_row, setup=_all, everyone=404, city=302, district=302, chain_team=302
    ),
    "supply:profile_edit": [
        case(kwargs=own_firm, setup=_all, note=CORRECTS, everyone=404, city=200, district=200, enterprise=200),
        case("post", kwargs=own_firm, setup=_all, everyone=404, city=400, district=400, enterprise=400),
    ],
    "supply:bom_edit": [
        case(kwargs=own_firm, setup=_all, note=CORRECTS, everyone=404, city=200, district=200, enterprise=200),
        case("post", kwargs=own_firm, setup=_all, everyone=404, city=400, district=400, enterprise=400),
    ],
    "supply:link_edit": [
        case(kwargs=pk(link), setup=_all, note=CORRECTS, everyone=404, city=200, district=200, enterprise=200),
        case("post", kwargs=pk(link), setup=_all, everyone=404, city=400, district=400, enterprise=400),
    ],
    "supply:recovery_edit": [
        case(kwargs=external_site, setup=_all, note="the city estimates other firms' sites", everyone=404, city=200),
        case("post", kwargs=external_site, setup=_all, everyone=404, city=400),
    ],
    "supply:match_review_list": case(
        setup=_all, everyone=200, department=404, department_other=404, cadre=404
    ),
    "supply:match_decide": case(
        "post", kwargs=review_reject, setup=_all, note="the uploader or the city", everyone=404, city=302,
        district=302
    ),
    "supply:scenario_raise_demand": case(
        "post", kwargs=pk_row, setup=_all, everyone=404, city=302, district=302, chain_team=302
    ),
    "supply:scenario_run": case(
        "post",
        kwargs=pk(scenario),
        setup=_all,
        everyone=404,
        city=302,
        district=302,
        district_other=302,
        chain_team=302,
    ),
}
