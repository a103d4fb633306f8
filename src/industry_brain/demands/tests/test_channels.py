"""Every channel through the services: naming a cadre of another district is refused by the one service rule
(`cadre_refusal`), for visits and assignments, whether they come from the API, a page or the Excel import; and an
import writes the same events as the API."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from industry_brain.core.models import Event
from industry_brain.demands import services
from industry_brain.demands.importers import AssignmentImporter
from industry_brain.demands.models import Assignment, Cadre, Visit
from industry_brain.testing import make_enterprise, xlsx

pytestmark = pytest.mark.django_db
HEADERS = ["干部编号", "统一社会信用代码", "开始日期"]


@pytest.fixture
def foreign_cadre(world):
    """A cadre of 萧山 (the district officer's neighbour)."""
    return Cadre.objects.create(code="T-XS01", name="萧山干部", organisation=world.xiaoshan)


def test_a_visit_with_another_districts_cadre_is_refused_by_api_and_service(api, world, foreign_cadre):
    body = {"date": "2025-06-01", "cadre": foreign_cadre.pk, "enterprise": world.ent_xihu.pk, "mode": "on_site"}
    r = api.as_user(world.user("district")).post("/api/v1/visits/", body, format="json")
    assert r.status_code == 400 and "cadre" in r.json()
    with pytest.raises(ValidationError) as exc:
        services.visit_create(actor=world.user("district"), enterprise=world.ent_xihu, date=dt.date(2025, 6, 1),
                              mode="on_site", cadre=foreign_cadre)
    assert "cadre" in exc.value.message_dict
    assert not Visit.objects.exists()
    # the district's own cadre is fine, and the city may name any cadre
    ok = api.as_user(world.user("district")).post("/api/v1/visits/", {**body, "cadre": world.cadre.pk},
                                                  format="json")
    assert ok.status_code == 201, ok.content
    services.visit_create(actor=world.user("city"), enterprise=world.ent_xiaoshan, date=dt.date(2025, 6, 1),
                          mode="phone", cadre=foreign_cadre)
    assert Visit.objects.count() == 2


def test_an_assignment_of_another_districts_cadre_is_refused_by_importer_and_api(api, world, foreign_cadre):
    ent = make_enterprise("杭州渠道测试有限公司")  # in 西湖, the district officer's own
    result = AssignmentImporter(actor=world.user("district")).run(xlsx(HEADERS, [[foreign_cadre.code, ent.uscc, ""]]))
    assert not result.ok and [(e.row, e.column) for e in result.errors] == [(2, "干部编号")]
    r = api.as_user(world.user("district")).post("/api/v1/assignments/", {
        "cadre": foreign_cadre.pk, "enterprise": ent.pk}, format="json")
    assert r.status_code == 400 and "cadre" in r.json()
    with pytest.raises(ValidationError):
        services.assignment_create(actor=world.user("district"), cadre=foreign_cadre, enterprise=ent)
    assert not Assignment.objects.filter(cadre=foreign_cadre).exists()


def test_an_import_writes_the_same_events_as_the_api(api, world):
    by_api, by_import = make_enterprise("杭州接口派驻有限公司"), make_enterprise("杭州导入派驻有限公司")
    r = api.as_user(world.user("district")).post("/api/v1/assignments/", {
        "cadre": world.cadre.pk, "enterprise": by_api.pk, "started_on": "2025-03-01"}, format="json")
    assert r.status_code == 201, r.content
    result = AssignmentImporter(actor=world.user("district")).run(
        xlsx(HEADERS, [[world.cadre.code, by_import.uscc, "2025-03-01"]]))
    assert result.ok and result.created == 1

    def trail(enterprise):
        a = Assignment.objects.get(enterprise=enterprise)
        return sorted((e.kind, e.user_id) for e in Event.objects.filter(object_id=str(a.pk),
                                                                         kind__startswith="assignment."))

    assert trail(by_api) == trail(by_import) == [("assignment.created", world.user("district").pk)]
