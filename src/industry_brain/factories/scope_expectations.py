"""Scope expectations of the factories routes for the meta-test (tests/test_scope_matrix.py, docs/scope.md)."""

from industry_brain.testing.scope_matrix import case

OUT = {"district_other": 404, "department": 404, "department_other": 404, "enterprise_other": 404}


def _application(w, status="submitted"):
    from industry_brain.factories.models import FactoryApplication

    app, _ = FactoryApplication.objects.get_or_create(enterprise=w.ent_xihu, level="smart_factory", year=2025,
                                                      defaults={"status": status, "investment": 5000})
    return {"pk": app.pk}


def _recognised(w):
    from industry_brain.factories.models import FactoryApplication

    app, _ = FactoryApplication.objects.get_or_create(enterprise=w.ent_xiaoshan, level="future_factory", year=2024,
                                                      defaults={"status": "recognised", "list_level": "provincial"})
    return {"pk": app.pk}


def _step(city, district=403):
    return case("post", kwargs=_application, city=city, district=district, chain_team=403, cadre=403, enterprise=403,
                **OUT)


EXPECTATIONS = {
    "factory-application-list": [case(everyone=200), case("post", everyone=400)],
    "factory-application-detail": case(kwargs=_application, everyone=200, **OUT),
    "factory-application-district-review": _step(200, district=200),
    "factory-application-evaluate": _step(409),  # a submitted application goes to its district first
    "factory-application-publicise": _step(409),
    "factory-application-recognise": _step(409),
    "factory-application-reject": _step(400, district=400),  # allowed, but a rejection gives its reason
    # pages
    "factories:application_list": case(everyone=200, department=404, department_other=404),
    "factories:application_new": [case(everyone=200, chain_team=403, cadre=403, department=404, department_other=404),
                                  case("post", everyone=400, chain_team=403, cadre=403, department=404,
                                       department_other=404,
                                       note="an empty form is shown again with its errors")],
    "factories:application_detail": [case(kwargs=_application, everyone=200, **OUT),
                                      case("post", kwargs=_application, data={"step": "district_review"},
                                           everyone=403, city=302, district=302, **OUT)],
    "factory-list": case(everyone=200),
    "factories:factory_list": case(setup=_recognised, everyone=200, department=404, department_other=404),
    "factory-detail": case(kwargs=_recognised, everyone=200, department=404, department_other=404, chain_team=404,
                           cadre=404, enterprise=404),
}
