"""Scope expectations of the demands routes for the meta-test (tests/test_scope_matrix.py, docs/scope.md): for each
URL name (page) or API route name, each method, the status every role gets."""

from industry_brain.testing.scope_matrix import case


def rows(w):
    """What the list pages and aggregates should find: a routed demand, a visit, an alert, a notification."""
    return w.demand, w.visit, w.alert, w.notification, w.cohandling


EXPECTATIONS = {
    "assignment-coverage": case(setup=rows, everyone=404, city=200, district=200, district_other=200),
    "assignment-detail": case(
        kwargs=lambda w: {"pk": w.assignment.pk}, everyone=404, city=200, district=200, cadre=200, enterprise=200
    ),
    "assignment-end": case(
        "post",
        kwargs=lambda w: {"pk": w.assignment.pk},
        everyone=404,
        city=200,
        district=200,
        cadre=403,
        enterprise=403,
    ),
    # POST with an empty body: who has the right gets 400 (the body is wrong), the others 403 before the body.
    "assignment-list": [
        case(setup=rows, everyone=200),
        case("post", everyone=403, city=400, district=400, district_other=400),
    ],
    "cadre-detail": case(kwargs=lambda w: {"pk": w.cadre.pk}, everyone=404, city=200, district=200, cadre=200),
    "cadre-list": [
        case(setup=rows, everyone=200),
        case("post", everyone=403, city=400, district=400, district_other=400),
    ],
    "demand-accept": case(
        "post",
        kwargs=lambda w: {"pk": w.demand.pk},
        everyone=400,
        district_other=404,
        chain_team=404,
        department_other=404,
        enterprise_other=404,
    ),
    "demand-category-detail": case(kwargs=lambda w: {"pk": w.demand.category_id}, everyone=200),
    "demand-category-list": case(setup=rows, everyone=200),
    "demand-cohandle": case(
        "post",
        kwargs=lambda w: {"pk": w.demand.pk},
        everyone=400,
        district_other=404,
        chain_team=404,
        department_other=404,
        enterprise_other=404,
    ),
    "demand-detail": case(
        kwargs=lambda w: {"pk": w.demand.pk},
        everyone=200,
        district_other=404,
        chain_team=404,
        department_other=404,
        enterprise_other=404,
    ),
    "demand-list": [
        case(setup=rows, everyone=200),
        case("post", everyone=400, chain_team=403, department=403, department_other=403),
    ],
    "demand-rate": case(
        "post",
        kwargs=lambda w: {"pk": w.demand.pk},
        everyone=400,
        district_other=404,
        chain_team=404,
        department_other=404,
        enterprise_other=404,
    ),
    "demand-resolve": case(
        "post",
        kwargs=lambda w: {"pk": w.demand.pk},
        everyone=400,
        district_other=404,
        chain_team=404,
        department_other=404,
        enterprise_other=404,
    ),
    "demand-start": case(
        "post",
        kwargs=lambda w: {"pk": w.demand.pk},
        everyone=404,
        city=200,
        district=403,
        department=200,
        cadre=403,
        enterprise=403,
    ),
    "demand-stats": case(setup=rows, everyone=200, enterprise=404, enterprise_other=404),
    "demand-transfer": case(
        "post",
        kwargs=lambda w: {"pk": w.demand.pk},
        everyone=400,
        district_other=404,
        chain_team=404,
        department_other=404,
        enterprise_other=404,
    ),
    "demands:alert_detail": [
        case(kwargs=lambda w: {"pk": w.alert.pk}, everyone=404, city=200, district=200),
        case("post", kwargs=lambda w: {"pk": w.alert.pk}, everyone=404, city=302, district=302),
    ],
    "demands:alert_list": case(setup=rows, everyone=200),
    "demands:assignment_import": [
        case(setup=rows, everyone=403, city=200, district=200, district_other=200),
        case("post", everyone=403, city=400, district=400, district_other=400),
    ],
    "demands:assignment_list": case(setup=rows, everyone=200),
    "demands:cadre_detail": case(kwargs=lambda w: {"pk": w.cadre.pk}, everyone=404, city=200, district=200, cadre=200),
    "demands:cadre_list": case(setup=rows, everyone=200),
    "demands:cohandling_answer": case(
        "post",
        kwargs=lambda w: {"pk": w.cohandling.pk},
        everyone=302,
        district_other=404,
        chain_team=404,
        enterprise_other=404,
    ),
    "demands:demand_action": case(
        "post",
        kwargs=lambda w: {"pk": w.demand.pk, "action": "start"},
        everyone=403,
        city=302,
        district_other=404,
        chain_team=404,
        department=302,
        department_other=404,
        enterprise_other=404,
    ),
    "demands:demand_add": [
        case(setup=rows, everyone=200, chain_team=403, department=403, department_other=403),
        case("post", everyone=400, chain_team=403, department=403, department_other=403),
    ],
    "demands:demand_detail": case(
        kwargs=lambda w: {"pk": w.demand.pk},
        everyone=200,
        district_other=404,
        chain_team=404,
        department_other=404,
        enterprise_other=404,
    ),
    "demands:demand_export": case(setup=rows, everyone=200),
    "demands:demand_list": case(setup=rows, everyone=200),
    "demands:demand_stats": case(setup=rows, everyone=200, enterprise=404, enterprise_other=404),
    "demands:demand_stats_export": case(setup=rows, everyone=200, enterprise=404, enterprise_other=404),
    "demands:inbox": [
        case(setup=rows, everyone=200),
        case("post", everyone=302),
    ],
    "demands:visit_add": [
        case(setup=rows, everyone=200),
        case("post", everyone=400),
    ],
    "demands:visit_list": case(setup=rows, everyone=200),
    "notification-detail": case(kwargs=lambda w: {"pk": w.notification.pk}, everyone=404, department=200),
    "notification-list": case(setup=rows, everyone=200),
    "notification-read": case("post", kwargs=lambda w: {"pk": w.notification.pk}, everyone=404, department=200),
    "notification-read-all": case("post", everyone=200),
    "systemic-alert-acknowledge": case(
        "post", kwargs=lambda w: {"pk": w.alert.pk}, everyone=404, city=200, district=403
    ),
    "systemic-alert-detail": case(kwargs=lambda w: {"pk": w.alert.pk}, everyone=404, city=200, district=200),
    "systemic-alert-list": case(setup=rows, everyone=200),
    "visit-detail": case(
        kwargs=lambda w: {"pk": w.visit.pk}, everyone=404, city=200, district=200, cadre=200, enterprise=200
    ),
    "visit-list": [
        case(setup=rows, everyone=200),
        case("post", everyone=403, city=400, district=400, district_other=400, cadre=400),
    ],
}
