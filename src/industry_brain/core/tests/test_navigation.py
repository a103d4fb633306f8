"""The main menu is built once per role (the URLs of its entries are fixed for the process) and is, for every role
and every page, exactly the menu the plain per-request loop over the registry gives; it asks no query."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from industry_brain.core import context_processors, registry
from industry_brain.core.context_processors import platform

ROLES = ["city", "district", "chain_team", "department", "cadre", "enterprise"]
PATHS = ["/", "/enterprises/", "/projects/map/", "/projects/12/", "/demands/inbox/", "/policies/", "/nowhere/"]


def plain_menu(request) -> list[dict]:
    """The menu as it was built before: every entry reversed for every request."""
    user = request.user
    role = user.role
    items = []
    for _order, url_name, label, roles in registry.navigation:
        if roles is None or role in roles or (user.is_superuser and "city" in roles):
            override = registry.nav_overrides.get(url_name)
            personal = override(user) if override else None
            try:
                url, label = personal if personal else (reverse(url_name), label)
            except NoReverseMatch:
                continue
            items.append({"url": url, "label": label, "active": request.path.startswith(url) and url != "/"})
    active = [i for i in items if i["active"]]
    for i in active:
        i["active"] = len(i["url"]) == max(len(a["url"]) for a in active)
    return items


def _request(user, path):
    request = RequestFactory().get(path)
    request.user = user
    return request


def _plain(items):
    return [(i["url"], str(i["label"]), i["active"]) for i in items]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_role_gets_the_same_menu_as_the_plain_loop_on_every_page(world, role):
    user = world.user(role)
    for path in PATHS:
        request = _request(user, path)
        assert _plain(platform(request)["nav_items"]) == _plain(plain_menu(request)), path


@pytest.mark.django_db
def test_a_superuser_sees_the_city_menu(world):
    user = world.user("district")
    user.is_superuser = True
    request = _request(user, "/projects/")
    assert _plain(platform(request)["nav_items"]) == _plain(plain_menu(request))


@pytest.mark.django_db
def test_an_enterprise_user_s_personal_entry_is_its_own_firm_for_each_user(world):
    """The override is asked per request: two enterprise users share the role's menu but not their own firm."""
    own = [i["url"] for i in platform(_request(world.user("enterprise"), "/"))["nav_items"]]
    other = [i["url"] for i in platform(_request(world.user("enterprise_other"), "/"))["nav_items"]]
    assert f"/enterprises/{world.ent_xihu.pk}/" in own and f"/enterprises/{world.ent_xiaoshan.pk}/" in other
    assert f"/enterprises/{world.ent_xiaoshan.pk}/" not in own


@pytest.mark.django_db
def test_the_menu_asks_no_query_and_anonymous_visitors_get_none(world):
    user = world.user("city")
    platform(_request(user, "/"))
    with CaptureQueriesContext(connection) as ctx:
        platform(_request(user, "/enterprises/"))
    assert len(ctx.captured_queries) == 0
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert platform(request)["nav_items"] == []


@pytest.mark.django_db
def test_an_entry_registered_later_appears_and_a_changed_script_prefix_changes_the_addresses(world):
    from django.urls import set_script_prefix

    user = world.user("district")
    platform(_request(user, "/"))
    saved = list(registry.navigation)
    try:
        registry.register_nav(99, "core:home", "测试入口", ("district",))
        labels = [str(i["label"]) for i in platform(_request(user, "/"))["nav_items"]]
        assert labels[-1] == "测试入口"
        set_script_prefix("/brain/")
        urls = [i["url"] for i in platform(_request(user, "/brain/enterprises/"))["nav_items"]]
        assert urls and all(u.startswith("/brain/") for u in urls)
    finally:
        set_script_prefix("/")
        registry.navigation[:] = saved
        context_processors._menus.clear()
