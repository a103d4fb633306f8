"""A GET request answers "may this user do this on this object?" once: the view, the template and the panels that
ask again get the same answer from the request's memory. The answers are exactly the database's for every role,
live only as long as the read-only request, and never serve a write guard."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from industry_brain.core import context
from industry_brain.core.middleware import RequestContextMiddleware
from industry_brain.core.permissions import can
from industry_brain.core.querysets import ACTIONS, ensure_permitted
from industry_brain.enterprises.models import Enterprise
from industry_brain.testing import ALL_ROLES

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ALL_ROLES)
def test_remembered_answers_are_the_database_s_for_every_role_object_and_action(world, role):
    user = world.user(role)
    firms = [world.ent_xihu, world.ent_xiaoshan]
    plain = {(e.pk, a): Enterprise.objects.permits_now(user, e, a) for e in firms for a in ACTIONS}
    with context.remembering_scope_answers():
        first = {(e.pk, a): can(user, a, e) for e in firms for a in ACTIONS}
        again = {(e.pk, a): can(user, a, e) for e in firms for a in ACTIONS}
    assert first == again == plain


def test_a_repeated_question_asks_the_database_once_within_a_read_and_every_time_outside(world):
    user, firm = world.user("district"), world.ent_xihu
    with context.remembering_scope_answers(), CaptureQueriesContext(connection) as inside:
        assert can(user, "change", firm) and can(user, "change", firm) and can(user, "change", firm)
        assert can(user, "view_confidential", firm)  # another action: its own question
    assert len(inside.captured_queries) == 2
    with CaptureQueriesContext(connection) as outside:
        can(user, "change", firm)
        can(user, "change", firm)
    assert len(outside.captured_queries) == 2


def test_answers_are_kept_per_user(world):
    firm = world.ent_xihu
    with context.remembering_scope_answers():
        assert can(world.user("district"), "change", firm)
        assert not can(world.user("district_other"), "change", firm)
        assert can(world.user("district"), "change", firm)


def test_only_get_and_head_requests_remember_and_nothing_outlives_the_request():
    seen = {}

    def view(request):
        seen[request.method] = context.scope_answers()
        return HttpResponse("ok")

    middleware = RequestContextMiddleware(view)
    factory = RequestFactory()
    for method in ("get", "head", "post", "put", "patch", "delete"):
        middleware(getattr(factory, method)("/"))
    assert seen["GET"] == {} and seen["HEAD"] == {}
    assert seen["POST"] is seen["PUT"] is seen["PATCH"] is seen["DELETE"] is None
    assert context.scope_answers() is None


def test_a_write_guard_asks_the_database_even_when_the_request_remembers_another_answer(world):
    user, firm = world.user("district"), world.ent_xihu
    with context.remembering_scope_answers():
        assert can(user, "change", firm)
        Enterprise.objects.filter(pk=firm.pk).update(district_id="330109")  # moved out of 西湖 meanwhile
        with pytest.raises(PermissionDenied):
            ensure_permitted(user, firm, "change")


def test_an_unsaved_reader_is_not_remembered(world):
    from industry_brain.accounts.models import User

    reader = User(role="city", is_superuser=True, is_active=True)
    with context.remembering_scope_answers():
        assert can(reader, "view", world.ent_xihu)
        assert context.scope_answers() == {}
