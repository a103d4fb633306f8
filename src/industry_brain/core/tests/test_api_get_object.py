"""The API detail read (`RestrictedViewSetMixin.get_object`) answers exactly what DRF's own `get_object`
(`get_object_or_404` → `.get()`, LIMIT 21) answered: the same status and body for every API detail route, role and
pk (in scope, out of scope, missing, malformed), while reading without ORDER BY or LIMIT (decision 65); a lookup that
matches two rows is still an error, not a silent pick."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.generics import GenericAPIView

from industry_brain.core import context
from industry_brain.core.api import RestrictedViewSetMixin
from industry_brain.core.tests import test_get_in_scope
from industry_brain.testing import ALL_ROLES

pytestmark = pytest.mark.django_db

full_world = test_get_in_scope.full_world  # the scope world with a demand, project, visit, event, …


def _patterns(resolver, prefix=""):
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from _patterns(p, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


def _detail_routes():
    """(URL name, viewset) of every router detail route of the API looked up by pk."""
    seen = {}
    for route, p in _patterns(get_resolver()):
        cls = getattr(p.callback, "cls", None)
        actions = getattr(p.callback, "actions", None) or {}
        if (route.startswith("api/v1/") and (p.name or "").endswith("-detail") and cls is not None
                and issubclass(cls, RestrictedViewSetMixin) and actions.get("get") == "retrieve"
                and "(?P<pk>" in route and "format" not in route):
            seen[p.name] = cls
    return sorted(seen.items())


def _answers(client, url):
    response = client.get(url)
    body = response.json() if response.get("Content-Type", "").startswith("application/json") else response.content
    return response.status_code, body


def test_every_detail_route_role_and_pk_answers_what_drf_answered(full_world, api, monkeypatch):
    routes = _detail_routes()
    names = {name for name, _ in routes}
    assert {"demand-detail", "project-detail", "enterprise-detail", "event-detail"} <= names, names
    answered = {200: 0, 404: 0}
    for name, viewset in routes:
        model = viewset.queryset.model if viewset.queryset is not None else None
        if model is None:
            continue
        pks = list(model._base_manager.order_by("pk").values_list("pk", flat=True)[:8])
        if not pks or not isinstance(pks[0], int):
            continue
        urls = [reverse(name, kwargs={"pk": pk}) for pk in [*pks, max(pks) + 1000, "abc"]]
        for role in ALL_ROLES:
            client = api.as_user(full_world.user(role))
            ours = [_answers(client, url) for url in urls]
            with monkeypatch.context() as m:  # DRF's own read, as before decision 65
                m.setattr(RestrictedViewSetMixin, "get_object", GenericAPIView.get_object, raising=False)
                theirs = [_answers(client, url) for url in urls]
            assert ours == theirs, (name, role)
            for status, _ in ours:
                if status in answered:
                    answered[status] += 1
    # in-scope and out-of-scope/missing answers both, or the comparison proves nothing
    assert answered[200] > 100 and answered[404] > 100, answered


@pytest.mark.parametrize("path,attr", [("demands", "demand"), ("projects", "project"), ("enterprises", "ent_xihu")])
def test_the_detail_read_has_neither_order_by_nor_limit(full_world, api, path, attr):
    obj = getattr(full_world, attr) if attr != "project" else full_world.supervision.project
    table = type(obj)._meta.db_table.upper()
    for role in ("city", "district", "department"):
        client = api.as_user(full_world.user(role))
        with CaptureQueriesContext(connection) as read:
            response = client.get(f"/api/v1/{path}/{obj.pk}/")
        reads = [q["sql"].upper() for q in read.captured_queries
                 if q["sql"].upper().startswith("SELECT") and f'FROM "{table}"' in q["sql"].upper()
                 and "COUNT(" not in q["sql"].upper() and "EXISTS" not in q["sql"].upper()[:40]]
        if response.status_code == 200:
            assert reads, role
        for sql in reads[:1]:
            assert "LIMIT" not in sql and "ORDER BY" not in sql, (role, sql)


def test_a_lookup_matching_two_rows_is_an_error_as_before(full_world, monkeypatch):
    from rest_framework.test import APIRequestFactory, force_authenticate

    from industry_brain.matchmaking.models import Event

    event = full_world.event
    joined = Event.objects.filter(registrations__invited=False)  # two registration rows: the event twice
    assert len(list(joined.filter(pk=event.pk))) == 2
    user = full_world.user("city")
    viewset = dict(_detail_routes())["event-detail"]
    errors = []
    for get_object in (None, GenericAPIView.get_object):  # ours, then DRF's
        with monkeypatch.context() as m:
            m.setattr(viewset, "get_queryset", lambda self: joined)
            if get_object is not None:
                m.setattr(RestrictedViewSetMixin, "get_object", get_object, raising=False)
            request = APIRequestFactory().get(reverse("event-detail", kwargs={"pk": event.pk}))
            force_authenticate(request, user=user)
            view = viewset.as_view({"get": "retrieve"})
            # the uncaught error skips `finalize_response`: `acting_as` puts the actor back afterwards
            with context.acting_as(None), pytest.raises(Event.MultipleObjectsReturned) as raised:
                view(request, pk=event.pk)
            errors.append(type(raised.value))
    assert errors[0] is errors[1]
