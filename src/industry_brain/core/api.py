"""API framework: the restricted base viewsets."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
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

    def dispatch(self, request, *args, **kwargs):
        # Reset in `finally`: DRF calls `finalize_response` only for a response; an unhandled exception (a 500)
        # would leave this request's user as the actor of whatever the thread runs next.
        self._actor_tokens = None
        try:
            return super().dispatch(request, *args, **kwargs)
        finally:
            tokens = self._actor_tokens
            if tokens is not None:
                self._actor_tokens = None
                context.reset_actor(tokens)

    def get_queryset(self):
        return super().get_queryset().restrict(self.request.user, "view")

    def get_object(self):
        """DRF's `get_object`, but the object is read by the lookup with neither ORDER BY nor LIMIT (decision 65,
        as `get_in_scope`): `get_object_or_404` → `.get()` adds LIMIT 21, and on a restricted queryset with many
        joins a LIMIT makes PostgreSQL spend several to tens of ms planning a read that runs in under 1 ms. The
        lookup bounds the rows. None is 404 (a malformed lookup value too, as in DRF); more than one is
        `MultipleObjectsReturned`, as `.get()` raised; then DRF's object permissions are checked."""
        queryset = self.filter_queryset(self.get_queryset())
        lookup_url_kwarg = self.lookup_url_kwarg or self.lookup_field
        assert lookup_url_kwarg in self.kwargs, (
            f"Expected view {self.__class__.__name__} to be called with a URL keyword argument named "
            f'"{lookup_url_kwarg}". Fix your URL conf, or set the `.lookup_field` attribute on the view correctly.')
        try:
            found = list(queryset.filter(**{self.lookup_field: self.kwargs[lookup_url_kwarg]}).order_by())
        except (TypeError, ValueError, DjangoValidationError):
            raise Http404 from None
        if not found:
            raise Http404
        if len(found) > 1:
            model = queryset.model
            raise model.MultipleObjectsReturned(
                f"get() returned more than one {model._meta.object_name} -- it returned {len(found)}!")
        obj = found[0]
        self.check_object_permissions(self.request, obj)
        return obj

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
