"""The automatic change log and the event log."""

import pytest
from django.contrib.contenttypes.models import ContentType

from industry_brain.core.context import acting_as
from industry_brain.core.models import Event, ObjectChange
from industry_brain.enterprises.models import Enterprise

pytestmark = pytest.mark.django_db


def entries_for(obj):
    return ObjectChange.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk))


def test_api_update_records_who_before_after_and_request_id(api, world):
    response = api.as_user(world.user("district")).patch(
        f"/api/v1/enterprises/{world.ent_xihu.pk}/", {"address": "新地址 8 号"}, format="json",
        HTTP_X_REQUEST_ID="req-test-001")
    assert response.status_code == 200
    assert response["X-Request-ID"] == "req-test-001"
    entry = entries_for(world.ent_xihu).filter(action="update").get()
    assert entry.user == world.user("district")
    assert entry.request_id == "req-test-001"
    assert entry.before["address"] == "" and entry.after["address"] == "新地址 8 号"
    assert [f for f, _b, _a in entry.changed_fields] == ["address"]


def test_create_and_delete_are_logged(world):
    from industry_brain.testing import make_enterprise

    with acting_as(world.user("city")):
        e = make_enterprise("杭州日志测试有限公司", figures=False)
        pk = e.pk
        e.delete()
    actions = list(ObjectChange.objects.filter(object_id=str(pk), content_type=ContentType.objects.get_for_model(
        Enterprise)).values_list("action", flat=True))
    assert sorted(actions) == ["create", "delete"]


def test_a_save_without_changes_writes_nothing(world):
    before = entries_for(world.ent_xihu).count()
    world.ent_xihu.save()
    assert entries_for(world.ent_xihu).count() == before


def test_jobs_are_recorded_under_their_label(world):
    with acting_as(None, label="job:nightly-check"):
        Enterprise.objects.get(pk=world.ent_xihu.pk).__class__.objects.filter(pk=world.ent_xihu.pk).first().save(
            update_fields=["updated"])
        e = Enterprise.objects.get(pk=world.ent_xihu.pk)
        e.street = "蒋村街道"
        e.save()
    entry = entries_for(world.ent_xihu).filter(action="update").latest("at")
    assert entry.user is None and entry.actor_label == "job:nightly-check"


def test_services_write_business_events(api, world):
    from industry_brain.testing import new_uscc

    api.as_user(world.user("city")).post("/api/v1/enterprises/", {
        "uscc": new_uscc(), "name": "杭州事件测试有限公司", "district": "330106", "industry": "39"}, format="json")
    event = Event.objects.get(kind="enterprise.registered")
    assert event.user == world.user("city") and "杭州事件测试有限公司" in event.message


def test_history_panel_on_detail_page(client, world):
    world.ent_xihu.address = "历史面板路 1 号"
    world.ent_xihu.save()
    client.force_login(world.user("city"))
    body = client.get(f"/enterprises/{world.ent_xihu.pk}/").content.decode()
    assert "历史面板路 1 号" in body


def test_history_panel_names_fields_in_the_users_language(client, world):
    world.ent_xihu.street = "蒋村街道"
    world.ent_xihu.save()
    client.force_login(world.user("city"))
    body = client.get(f"/enterprises/{world.ent_xihu.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "街道（乡镇）：— → 蒋村街道" in body
