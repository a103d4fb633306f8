"""A wrong address gets the platform's own Chinese page (and the API its JSON), never Django's debug page."""

import pytest

pytestmark = pytest.mark.django_db


def test_wrong_page_gets_the_platforms_404(client, world, settings):
    settings.DEBUG = False
    client.force_login(world.user("district"))
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    body = response.content.decode()
    assert response.status_code == 404
    assert 'data-status="404"' in body and "返回我的工作台" in body and "Page not found at" not in body


def test_out_of_scope_object_is_the_same_404(client, world, settings):
    settings.DEBUG = False
    client.force_login(world.user("enterprise"))
    response = client.get(f"/enterprises/{world.ent_xiaoshan.pk}/")
    assert response.status_code == 404 and 'data-status="404"' in response.content.decode()


def test_wrong_api_address_answers_json(client, world, settings):
    settings.DEBUG = False
    client.force_login(world.user("city"))
    response = client.get("/api/v1/no-such-resource/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json") and "detail" in response.json()


def test_refused_page_gets_the_platforms_403(client, world, settings):
    settings.DEBUG = False
    client.force_login(world.user("enterprise"))
    response = client.get("/enterprises/import/")
    assert response.status_code == 403 and 'data-status="403"' in response.content.decode()


def test_server_error_page_needs_no_context(rf):
    from industry_brain.core.views import server_error

    response = server_error(rf.get("/boom/"))
    assert response.status_code == 500 and 'data-status="500"' in response.content.decode()
    api = server_error(rf.get("/api/v1/boom/"))
    assert api.status_code == 500 and "detail" in api.content.decode()
