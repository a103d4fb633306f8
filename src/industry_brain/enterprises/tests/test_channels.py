"""Every channel through the services: the Excel import registers and updates enterprises with the same services as
the API (`enterprise_create` / `enterprise_update`), so it writes the same events and change log and meets the
same rights."""

import pytest

from industry_brain.core.models import Event, ObjectChange
from industry_brain.enterprises.importers import EnterpriseImporter
from industry_brain.enterprises.models import Enterprise
from industry_brain.testing import new_uscc, xlsx

pytestmark = pytest.mark.django_db
HEADERS = [c.header for c in EnterpriseImporter.columns]


def trail(uscc):
    e = Enterprise.objects.get(uscc=uscc)
    events = sorted((x.kind, x.user_id) for x in Event.objects.filter(object_id=str(e.pk), kind__startswith="enterp"))
    changes = sorted((c.action, c.user_id) for c in ObjectChange.objects.filter(object_id=str(e.pk),
                                                                               object_repr=str(e)))
    return events, changes


def test_an_import_writes_the_same_events_and_change_log_as_the_api(api, world):
    district = world.user("district")
    by_api, by_import = new_uscc(), new_uscc()
    r = api.as_user(district).post("/api/v1/enterprises/", {"uscc": by_api, "name": "杭州接口登记科技有限公司",
                                                            "district": "330106", "industry": "39"}, format="json")
    assert r.status_code == 201, r.content
    result = EnterpriseImporter(actor=district).run(xlsx(HEADERS, [
        [by_import, "杭州导入登记科技有限公司", "330106", "39", "", "", "", "", "否", "", "否"]]))
    assert result.ok and result.created == 1, result.errors
    assert trail(by_api) == trail(by_import) == ([("enterprise.registered", district.pk)], [("create", district.pk)])


def test_a_reimport_updates_through_the_service(world):
    district = world.user("district")
    code = new_uscc()
    row = [code, "杭州再导入科技有限公司", "330106", "39", "", "", "", "", "否", "", "否"]
    assert EnterpriseImporter(actor=district).run(xlsx(HEADERS, [row])).ok
    result = EnterpriseImporter(actor=district).run(xlsx(HEADERS, [[*row[:4], "文新街道", *row[5:]]]))
    assert result.ok and result.updated == 1
    e = Enterprise.objects.get(uscc=code)
    assert e.street == "文新街道"
    assert ObjectChange.objects.filter(object_id=str(e.pk), action="update").count() == 1
