"""Scope expectations of the monitoring routes for the meta-test (tests/test_scope_matrix.py, docs/scope.md).

Recorded from the module's behaviour on the scope world (which holds no monthly report): the statuses were
checked against DESIGN.md's table, and the detail routes still use a pk that does not exist (404 for everyone,
login for visitors). The module's author replaces them with real objects (a monthly report of ent_xihu, a
briefing) so that in-scope and out-of-scope readers are told apart."""

from industry_brain.testing.scope_matrix import case

EXPECTATIONS = {
    "briefing-detail": case(kwargs={"pk": 987654321}, everyone=404, note="draft: no object built yet"),
    "briefing-download": case(kwargs={"pk": 987654321}, everyone=404, note="draft: no object built yet"),
    "briefing-generate": case("post", everyone=404, city=400),
    "briefing-list": case(everyone=200),
    "indicators": case(everyone=404),
    "monitoring-position": case(everyone=404),
    "monitoring:breakdown": case(
        kwargs={"dimension": "district", "key": "330106"},
        everyone=404,
        note="recorded on a world without monthly reports",
    ),
    "monitoring:briefing_detail": [
        case(kwargs={"pk": 987654321}, everyone=404, note="draft: no object built yet"),
        case("post", kwargs={"pk": 987654321}, everyone=404, note="draft: no object built yet"),
    ],
    "monitoring:briefing_list": [
        case(everyone=404, city=200),
        case("post", everyone=404, city=302),
    ],
    "monitoring:cockpit": case(everyone=404, note="recorded on a world without monthly reports: the city's, a "
                                                  "district's and an ecosystem's cockpit have no figures yet"),
    "monitoring:cockpit_district": case(
        kwargs={"key": "330106"}, everyone=404, note="recorded on a world without monthly reports"
    ),
    "monitoring:cockpit_ecosystem": case(
        kwargs=lambda w: {"key": str(w.ecosystem.pk)}, everyone=404, note="recorded on a world without monthly reports"
    ),
    "monitoring:completeness": [
        case(everyone=404, city=200, district=200, district_other=200),
        case("post", everyone=404, city=302),
    ],
    "monitoring:indicators": case(everyone=404),
    "monitoring:position": case(everyone=404),
    "monitoring:report_add": [
        case(everyone=404, enterprise=200, enterprise_other=200),
        case("post", everyone=404, enterprise=400, enterprise_other=400),
    ],
    "monitoring:report_correct": [
        case(kwargs={"pk": 987654321}, everyone=404, note="draft: no object built yet"),
        case("post", kwargs={"pk": 987654321}, everyone=404, note="draft: no object built yet"),
    ],
    "monitoring:report_import": [
        case(everyone=403, city=200, district=200, district_other=200),
        case("post", everyone=403, city=400, district=400, district_other=400),
    ],
    "monitoring:report_list": case(everyone=200, department=404, department_other=404, cadre=404),
    "monthly-report-completeness": case(everyone=404, city=400, district=400, district_other=400),
    "monthly-report-correct": case("post", kwargs={"pk": 987654321}, everyone=404, note="draft: no object built yet"),
    "monthly-report-detail": case(kwargs={"pk": 987654321}, everyone=404, note="draft: no object built yet"),
    "monthly-report-import": case("post", everyone=403, city=415, district=415, district_other=415),
    "monthly-report-list": [
        case(everyone=200),
        case("post", everyone=400),
    ],
}
