"""API of future factories: applications with their gates (contract fields), the recognised list."""

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from industry_brain.core.api import RestrictedListCreateViewSet, RestrictedReadOnlyViewSet
from industry_brain.enterprises.models import Enterprise

from .. import selectors, services
from ..models import FactoryApplication
from .serializers import FactoryApplicationSerializer, FactoryNoteSerializer, FactorySerializer


def _step(name):
    def step(self, request, pk=None):
        app = self.get_object()
        s = FactoryNoteSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        app = services.application_step(actor=request.user, application=app, action=name,
                                        note=s.validated_data.get("note", ""))
        return Response(FactoryApplicationSerializer(app).data)

    step.__name__ = name.replace("-", "_")  # before @action: the router maps the method by this name
    step = action(detail=True, methods=["post"], url_path=name, url_name=name,
                  serializer_class=FactoryNoteSerializer)(step)
    return extend_schema(request=FactoryNoteSerializer, responses=FactoryApplicationSerializer)(step)


class FactoryApplicationViewSet(RestrictedListCreateViewSet):
    """数字化车间 / 智能工厂 / 未来工厂 applications: district-review → evaluate (2025 gates, lower investment
    thresholds for mountain and island counties) → publicise → recognise; reject (with the reason).
    A step the status does not allow answers 409."""

    queryset = FactoryApplication.objects.all()
    serializer_class = FactoryApplicationSerializer
    filterset_fields = ["enterprise", "level", "status", "year"]

    def get_queryset(self):
        return selectors.applications(user=self.request.user).order_by("-year", "id")

    def perform_create(self, serializer):
        d = serializer.validated_data
        if not Enterprise.objects.restrict(self.request.user, "view").filter(pk=d["enterprise"].pk).exists():
            raise NotFound()
        serializer.instance = services.application_create(actor=self.request.user, data=d)

    district_review = _step("district-review")
    evaluate = _step("evaluate")
    publicise = _step("publicise")
    recognise = _step("recognise")
    reject = _step("reject")


class FactoryViewSet(RestrictedReadOnlyViewSet):
    """Recognised factories (public lists) with level, list and year; `?level=&year=&list_level=`."""

    queryset = FactoryApplication.objects.all()
    serializer_class = FactorySerializer
    filterset_fields = ["level", "year", "list_level"]

    def get_queryset(self):
        return selectors.recognised(user=self.request.user).order_by("-year", "level", "id")
