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


def _step(city):
    return case("post", kwargs=_application, city=city, district=403, chain_team=403, cadre=403, enterprise=403, **OUT)


EXPECTATIONS = {
    "factory-application-list": [case(everyone=200), case("post", everyone=400)],
    "factory-application-detail": case(kwargs=_application, everyone=200, **OUT),
    "factory-application-evaluate": _step(200),
    "factory-application-publicise": _step(409),
    "factory-application-recognise": _step(409),
    "factory-application-reject": _step(200),
    "factory-list": case(everyone=200),
    "factories:factory_list": case(setup=_recognised, everyone=200, department=404, department_other=404),
    "factory-detail": case(kwargs=_recognised, everyone=200, department=404, department_other=404, chain_team=404,
                           cadre=404, enterprise=404),
}
