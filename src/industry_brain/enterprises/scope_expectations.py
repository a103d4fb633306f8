"""Scope expectations of the enterprises routes for the meta-test (tests/test_scope_matrix.py, docs/scope.md): for each
URL name (page) or API route name, each method, the status every role gets."""

from industry_brain.testing.scope_matrix import case

EXPECTATIONS = {
    "enterprise-confidential-reads": case(
        kwargs=lambda w: {"pk": w.ent_xihu.pk}, everyone=404, city=200, enterprise=200
    ),
    "enterprise-detail": [
        case(
            kwargs=lambda w: {"pk": w.ent_xihu.pk},
            everyone=200,
            department=404,
            department_other=404,
            enterprise_other=404,
        ),
        case(
            "patch",
            kwargs=lambda w: {"pk": w.ent_xihu.pk},
            everyone=403,
            city=200,
            district=200,
            department=404,
            department_other=404,
            enterprise=200,
            enterprise_other=404,
        ),
        case(
            "delete",
            kwargs=lambda w: {"pk": w.ent_xihu.pk},
            everyone=403,
            city=409,
            department=404,
            department_other=404,
            enterprise_other=404,
        ),
    ],
    "enterprise-figures": [
        case(
            kwargs=lambda w: {"pk": w.ent_xihu.pk},
            everyone=200,
            district_other=404,
            department=404,
            department_other=404,
            enterprise_other=404,
        ),
        case(
            "post",
            kwargs=lambda w: {"pk": w.ent_xihu.pk},
            everyone=403,
            city=400,
            district=400,
            department=404,
            department_other=404,
            enterprise=400,
            enterprise_other=404,
        ),
    ],
    "enterprise-list": [
        case(everyone=200),
        case("post", everyone=400),
    ],
    "enterprises:enterprise_add": [
        case(everyone=403, city=200, district=200, district_other=200),
        case("post", everyone=403, city=400, district=400, district_other=400),
    ],
    "enterprises:enterprise_detail": case(
        kwargs=lambda w: {"pk": w.ent_xihu.pk}, everyone=200, department=404, department_other=404, enterprise_other=404
    ),
    "enterprises:enterprise_edit": [
        case(
            kwargs=lambda w: {"pk": w.ent_xihu.pk},
            everyone=403,
            city=200,
            district=200,
            department=404,
            department_other=404,
            enterprise=200,
            enterprise_other=404,
        ),
        case(
            "post",
            kwargs=lambda w: {"pk": w.ent_xihu.pk},
            everyone=403,
            city=400,
            district=400,
            department=404,
            department_other=404,
            enterprise=400,
            enterprise_other=404,
        ),
    ],
    "enterprises:enterprise_export": case(everyone=200),
    "enterprises:enterprise_import": [
        case(everyone=403, city=200, district=200, district_other=200),
        case("post", everyone=403, city=400, district=400, district_other=400),
    ],
    "enterprises:enterprise_list": case(everyone=200),
    "enterprises:figures_verify": case(
        "post", kwargs=lambda w: {"pk": w.ent_xihu.pk, "year": w.ent_xihu.figures.order_by("-year")[0].year},
        everyone=404, city=302, district=302, chain_team=403, cadre=403, enterprise=403,
        note="the bureau verifies figures it may see; the firm, its chain team and cadre see them, never verify"),
}
