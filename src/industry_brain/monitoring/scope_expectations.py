"""Scope expectations of the monitoring routes for the meta-test (tests/test_scope_matrix.py, docs/scope.md).

`monitored(world)` gives the scope world two months a year apart of reports of ent_xihu (西湖, the team's chain) and
ent_xiaoshan (萧山, another ecosystem) and computes the indicators, so that the cockpits, the breakdown and the
indicator tables have figures and in-scope readers are told apart from outsiders. Checked against docs/monitoring.md,
"Scope"."""

import datetime as dt
from decimal import Decimal

from industry_brain.testing.scope_matrix import case


def monitored(w):
    """Reports of 2025-01 and 2026-01 for the two firms (idempotent), indicators computed; answers ent_xihu's
    2026-01 report."""
    from industry_brain.monitoring import services
    from industry_brain.monitoring.models import MonthlyReport

    reports = {}
    for firm, base in ((w.ent_xihu, 100), (w.ent_xiaoshan, 50)):
        for year, factor in ((2025, Decimal(1)), (2026, Decimal("1.1"))):
            output = Decimal(base) * factor
            reports[(firm.pk, year)] = MonthlyReport.objects.get_or_create(
                enterprise=firm, period=dt.date(year, 1, 1),
                defaults={"output_value": output, "sales_value": output * Decimal("0.9"), "revenue": output,
                          "profit": 5, "employees": 10, "electricity": 1})[0]
    if not getattr(w, "_monitoring_computed", False):
        services.compute_indicators()
        w._monitoring_computed = True
    return reports[(w.ent_xihu.pk, 2026)]


def report_pk(w):
    return {"pk": monitored(w).pk}


def latest_briefing(w, status="issued"):
    from industry_brain.monitoring.models import Briefing

    monitored(w)
    return {"pk": Briefing.objects.get_or_create(period=dt.date(2026, 1, 1), version=1 if status == "issued" else 2,
                                                 defaults={"title": "2026年1月全市规上工业经济运行简报",
                                                           "status": status})[0].pk}


EXPECTATIONS = {
    "briefing-detail": [
        case(kwargs=latest_briefing, everyone=404, city=200, district=200, district_other=200, chain_team=200,
             department=200, department_other=200, note="an issued briefing: every government role but cadres"),
        case(kwargs=lambda w: latest_briefing(w, "draft"), everyone=404, city=200, note="a draft: the city only"),
    ],
    "briefing-download": case(kwargs=latest_briefing, everyone=404, city=200, district=200, district_other=200,
                              chain_team=200, department=200, department_other=200),
    "briefing-generate": case("post", everyone=404, city=400),
    "briefing-list": case(everyone=200),
    "indicators": case(setup=monitored, everyone=404, city=200, district=200, district_other=200,
                       note="by district (the default): each district its own row; chain teams and departments "
                            "have no district rows"),
    "monitoring-position": case(setup=monitored, everyone=404, enterprise=200, enterprise_other=200,
                                note="an enterprise's own position only"),
    "monitoring:breakdown": [
        case(kwargs=lambda w: monitored(w) and {"dimension": "district", "key": "330106"}, everyone=404, city=200,
             district=200),
        case(kwargs=lambda w: monitored(w) and {"dimension": "ecosystem", "key": str(w.ecosystem.pk)}, everyone=404,
             city=200, chain_team=200),
    ],
    "monitoring:briefing_detail": [
        case(kwargs=latest_briefing, everyone=404, city=200, district=200, district_other=200, chain_team=200,
             department=200, department_other=200),
        case("post", kwargs=latest_briefing, everyone=404, city=302, note="issue or edit: the city bureau"),
    ],
    "monitoring:briefing_list": [
        case(everyone=404, city=200),
        case("post", everyone=404, city=302),
    ],
    "monitoring:cockpit": case(setup=monitored, everyone=404, city=200, district=200, district_other=200,
                               chain_team=200, note="the reader's own cockpit: the city's, the district's, the "
                                                    "ecosystem's"),
    "monitoring:cockpit_district": case(kwargs=lambda w: monitored(w) and {"key": "330106"}, everyone=404, city=200,
                                        district=200),
    "monitoring:cockpit_ecosystem": case(kwargs=lambda w: monitored(w) and {"key": str(w.ecosystem.pk)},
                                         everyone=404, city=200, chain_team=200),
    "monitoring:completeness": [
        case(everyone=404, city=200, district=200, district_other=200),
        case("post", everyone=404, city=302),
    ],
    "monitoring:indicators": case(setup=monitored, everyone=404, city=200, district=200, district_other=200),
    "monitoring:position": case(setup=monitored, everyone=404, enterprise=200, enterprise_other=200),
    "monitoring:report_add": [
        case(everyone=404, enterprise=200, enterprise_other=200),
        case("post", everyone=404, enterprise=400, enterprise_other=400),
    ],
    "monitoring:report_correct": [
        case(kwargs=report_pk, everyone=404, city=200, district=200, enterprise=200,
             note="ent_xihu's report: its enterprise, its district bureau and the city"),
        case("post", kwargs=report_pk, everyone=404, city=400, district=400, enterprise=400,
             note="the empty form is refused"),
    ],
    "monitoring:report_import": [
        case(everyone=403, city=200, district=200, district_other=200),
        case("post", everyone=403, city=400, district=400, district_other=400),
    ],
    "monitoring:report_list": case(everyone=200, department=404, department_other=404, cadre=404),
    "monthly-report-completeness": case(everyone=404, city=400, district=400, district_other=400),
    "monthly-report-correct": case("post", kwargs=report_pk, everyone=404, city=400, district=400, chain_team=403,
                                   enterprise=400, note="the empty body is refused (no reason); the chain team reads "
                                                        "but may not correct"),
    "monthly-report-detail": case(kwargs=report_pk, everyone=404, city=200, district=200, chain_team=200,
                                  enterprise=200),
    "monthly-report-import": case("post", everyone=403, city=415, district=415, district_other=415),
    "monthly-report-list": [
        case(everyone=200),
        case("post", everyone=400),
    ],
}
