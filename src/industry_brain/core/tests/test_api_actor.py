"""The API base viewset makes the authenticated caller the actor of what the request writes, and always gives the
previous actor back, also when the handler fails with an unhandled exception (a 500): otherwise the thread's next
work would be written in the failed request's name."""

import pytest
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate

from industry_brain.core import context
from industry_brain.core.api import RestrictedViewSetMixin
from industry_brain.testing import make_user

pytestmark = pytest.mark.django_db

seen: list = []


class _ProbeViewSet(RestrictedViewSetMixin, viewsets.ViewSet):
    def list(self, request):
        seen.append(context.current_actor())
        return Response({"ok": True})

    def create(self, request):
        seen.append(context.current_actor())
        raise RuntimeError("handler failed")

    def destroy(self, request, pk=None):
        seen.append(context.current_actor())
        raise ValidationError({"pk": ["bad"]})


def _call(method, action, user, **kwargs):
    factory = APIRequestFactory()
    request = getattr(factory, method)("/probe/")
    force_authenticate(request, user=user)
    view = _ProbeViewSet.as_view({method: action})
    return view(request, **kwargs)


@pytest.fixture
def caller():
    seen.clear()
    return make_user("actor_probe", "city_admin")


def test_actor_is_the_caller_during_the_request_and_reset_after(caller):
    assert context.current_actor() is None
    response = _call("get", "list", caller)
    assert response.status_code == 200
    assert seen == [caller]
    assert context.current_actor() is None


def test_actor_reset_after_a_handled_api_error(caller):
    response = _call("delete", "destroy", caller, pk=1)
    assert response.status_code == 400
    assert seen == [caller]
    assert context.current_actor() is None


def test_actor_reset_after_an_unhandled_exception(caller):
    with pytest.raises(RuntimeError, match="handler failed"):
        _call("post", "create", caller)
    assert seen == [caller]
    assert context.current_actor() is None


def test_previous_actor_is_restored_not_cleared(caller):
    outer = make_user("actor_outer", "city_admin")
    tokens = context.set_actor(outer)
    try:
        with pytest.raises(RuntimeError):
            _call("post", "create", caller)
        assert context.current_actor() == outer
    finally:
        context.reset_actor(tokens)
