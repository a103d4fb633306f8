"""API framework: the restricted base viewsets."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from rest_framework import exceptions, mixins, serializers, viewsets

from . import context
from .api_errors import exception_handler, validation_error_detail  # noqa: F401  (re-exported)
from .pagination import StandardPagination  # noqa: F401
from .querysets import ensure_permitted


class RestrictedViewSetMixin:
    """Base of every API viewset: the queryset is restricted to the caller's view scope (out of scope is
    404, like a missing object); update/delete additionally need the change/delete scope (403 when the
    object is visible but not changeable)."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # Token-authenticated users are known only now; make them the actor of what this request writes.
        if request.user and request.user.is_authenticated:
            self._actor_tokens = context.set_actor(request.user)

    def finalize_response(self, request, response, *args, **kwargs):
        tokens = getattr(self, "_actor_tokens", None)
        if tokens is not None:
            context.reset_actor(tokens)
            self._actor_tokens = None
        return super().finalize_response(request, response, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().restrict(self.request.user, "view")

    def check_scope(self, obj, action: str) -> None:
        try:
            ensure_permitted(self.request.user, obj, action)
        except DjangoPermissionDenied:
            raise exceptions.PermissionDenied() from None


class RestrictedModelViewSet(RestrictedViewSetMixin, viewsets.ModelViewSet):
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]


class RestrictedReadOnlyViewSet(RestrictedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class RestrictedListCreateViewSet(RestrictedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A related object named by id in a request body, looked up only among the objects the caller may see
    (`restrict(user, scope_action)`, "view" unless told): an id outside the caller's scope gets exactly the
    answer of an id that does not exist (400, the same field, the same message), so a body cannot probe what
    exists beyond the caller's scope. Without a request in the context nothing is found."""

    def __init__(self, *, scope_action: str = "view", **kwargs):
        self.scope_action = scope_action
        super().__init__(**kwargs)

    def get_queryset(self):
        queryset = super().get_queryset()
        request = self.context.get("request")
        return queryset.restrict(getattr(request, "user", None), self.scope_action)
