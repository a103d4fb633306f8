"""Scope expectations of the projects routes for the meta-test (tests/test_scope_matrix.py, docs/scope.md): for each
URL name (page) or API route name, each method, the status every role gets."""

from industry_brain.testing.scope_matrix import case


def rows(w):
    """What the list pages, the map and aggregates should find: a project of ent_xihu with a warning and a
    supervision order."""
    return w.supervision


EXPECTATIONS = {
    "progress-report-import": case("post", everyone=403, city=415, district=415, district_other=415),
    "project-detail": [
        case(
            kwargs=lambda w: {"pk": w.project.pk},
            everyone=200,
            district_other=404,
            department=404,
            department_other=404,
            enterprise_other=404,
        ),
        case(
            "patch",
            kwargs=lambda w: {"pk": w.project.pk},
            everyone=404,
            city=200,
            district=200,
            chain_team=403,
            cadre=403,
            enterprise=200,
        ),
    ],
    "project-list": [
        case(setup=rows, everyone=200),
        case("post", everyone=400),
    ],
    "project-map": case(setup=rows, everyone=200),
    "project-oc4ids": case(
        setup=rows,
        everyone=200, district_other=404, department=404, department_other=404, enterprise_other=404
    ),
    "project-progress-reports": [
        case(
            kwargs=lambda w: {"pk": w.project.pk},
            everyone=200,
            district_other=404,
            department=404,
            department_other=404,
            enterprise_other=404,
        ),
        case(
            "post",
            kwargs=lambda w: {"pk": w.project.pk},
            everyone=404,
            city=400,
            district=400,
            chain_team=403,
            cadre=403,
            enterprise=400,
        ),
    ],
    "projects:dashboard": case(setup=rows, everyone=200),
    "projects:evaluate": case("post", everyone=403, city=302),
    "projects:milestone_record": case(
        "post",
        kwargs=lambda w: {"pk": w.project.pk},
        everyone=302,
        district_other=404,
        department=404,
        department_other=404,
        enterprise_other=404,
    ),
    "projects:project_add": [
        case(setup=rows, everyone=403, city=200, district=200, district_other=200),
        case("post", everyone=403, city=400, district=400, district_other=400),
    ],
    "projects:project_detail": case(
        kwargs=lambda w: {"pk": w.project.pk},
        everyone=200,
        district_other=404,
        department=404,
        department_other=404,
        enterprise_other=404,
    ),
    "projects:project_edit": [
        case(
            kwargs=lambda w: {"pk": w.project.pk},
            everyone=404,
            city=200,
            district=200,
            chain_team=403,
            cadre=403,
            enterprise=403,
        ),
        case(
            "post",
            kwargs=lambda w: {"pk": w.project.pk},
            everyone=404,
            city=400,
            district=400,
            chain_team=403,
            cadre=403,
            enterprise=403,
        ),
    ],
    "projects:project_list": case(setup=rows, everyone=200),
    "projects:project_map": case(setup=rows, everyone=200),
    "projects:project_map_districts": case(setup=rows, everyone=200),
    "projects:report_create": case(
        "post",
        kwargs=lambda w: {"pk": w.project.pk},
        everyone=302,
        district_other=404,
        department=404,
        department_other=404,
        enterprise_other=404,
    ),
    "projects:report_import": [
        case(setup=rows, everyone=403, city=200, district=200, district_other=200),
        case("post", everyone=403, city=400, district=400, district_other=400),
    ],
    "projects:rule_edit": [
        case(kwargs=lambda w: {"pk": w.rule.pk}, everyone=403, city=200),
        case("post", kwargs=lambda w: {"pk": w.rule.pk}, everyone=403, city=400),
    ],
    "projects:rule_list": case(setup=rows, everyone=200),
    "projects:supervision_detail": [
        case(
            kwargs=lambda w: {"pk": w.supervision.pk},
            everyone=200,
            district_other=404,
            department=404,
            department_other=404,
            enterprise_other=404,
        ),
        case(
            "post",
            kwargs=lambda w: {"pk": w.supervision.pk},
            everyone=302,
            district_other=404,
            department=404,
            department_other=404,
            enterprise_other=404,
        ),
    ],
    "projects:supervision_list": case(setup=rows, everyone=200),
    "projects:warning_list": case(setup=rows, everyone=200),
    "supervision-accept": case(
        "post",
        kwargs=lambda w: {"pk": w.supervision.pk},
        everyone=403,
        city=409,
        district=409,
        note="only the reviewers (city, the project's district) get as far as the status check",
        district_other=404,
        department=404,
        department_other=404,
        enterprise_other=404,
    ),
    "supervision-detail": case(
        kwargs=lambda w: {"pk": w.supervision.pk},
        everyone=200,
        district_other=404,
        department=404,
        department_other=404,
        enterprise_other=404,
    ),
    "supervision-list": case(setup=rows, everyone=200),
    "supervision-reject": case(
        "post",
        kwargs=lambda w: {"pk": w.supervision.pk},
        everyone=403,
        city=409,
        district=409,
        note="only the reviewers (city, the project's district) get as far as the status check",
        district_other=404,
        department=404,
        department_other=404,
        enterprise_other=404,
    ),
    "supervision-respond": case(
        "post",
        kwargs=lambda w: {"pk": w.supervision.pk},
        everyone=400,
        district_other=404,
        department=404,
        department_other=404,
        enterprise_other=404,
    ),
    "warning-detail": case(
        kwargs=lambda w: {"pk": w.warning.pk},
        everyone=200,
        district_other=404,
        department=404,
        department_other=404,
        enterprise_other=404,
    ),
    "warning-evaluate": case("post", everyone=403, city=200),
    "warning-list": case(setup=rows, everyone=200),
    "warning-rule-detail": [
        case(kwargs=lambda w: {"pk": w.rule.pk}, everyone=200),
        case("patch", kwargs=lambda w: {"pk": w.rule.pk}, everyone=403, city=200),
    ],
    "warning-rule-list": case(setup=rows, everyone=200),
}
