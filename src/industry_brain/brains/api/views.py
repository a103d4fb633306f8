"""API of the industry brains: list with linked-firm counts, detail with the nodes' local firms and output,
configuration by the city, a firm's consent and its monthly operating data."""

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from industry_brain.core.api import RestrictedListCreateViewSet
from industry_brain.core.permissions import can

from .. import selectors, services
from ..models import Brain, OperatingReport
from .serializers import BrainDetailSerializer, BrainSerializer, OperatingReportSerializer


class BrainViewSet(RestrictedListCreateViewSet):
    """Industry brains: `linked_firms` is the count of local and outside firms linked by its configuration."""

    queryset = Brain.objects.all()
    serializer_class = BrainSerializer

    def get_queryset(self):
        return selectors.brain_list(user=self.request.user)

    def get_serializer_class(self):
        return BrainDetailSerializer if self.action == "retrieve" else BrainSerializer

    def retrieve(self, request, *args, **kwargs):
        brain = self.get_object()
        brain.node_rows = selectors.brain_nodes(brain)
        return Response(BrainDetailSerializer(brain).data)

    def perform_create(self, serializer):
        serializer.instance = services.brain_save(actor=self.request.user, data=dict(serializer.validated_data))

    @extend_schema(request=None, responses=BrainSerializer)
    @action(detail=True, methods=["post"])
    def refresh(self, request, pk=None):
        brain = self.get_object()
        if not can(request.user, "edit", brain):
            raise PermissionDenied
        return Response(BrainSerializer(services.brain_refresh(brain=brain)).data)

    @extend_schema(request=None, responses={201: None})
    @action(detail=True, methods=["post"], url_path="opt-in")
    def opt_in(self, request, pk=None):
        """The caller's firm shares its monthly operating data with this brain."""
        brain = self.get_object()
        if not can(request.user, "share_data", brain):
            raise PermissionDenied
        services.opt_in(actor=request.user, brain=brain, enterprise=request.user.enterprise)
        return Response(status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses=OperatingReportSerializer(many=True))
    @extend_schema(methods=["POST"], request=OperatingReportSerializer, responses={201: OperatingReportSerializer})
    @action(detail=True, methods=["get", "post"])
    def reports(self, request, pk=None):
        """The caller's own monthly operating data shared with this brain (the city reads them all)."""
        brain = self.get_object()
        if request.method == "GET":
            rows = OperatingReport.objects.restrict(request.user, "view").filter(brain=brain)[:500]
            return Response(OperatingReportSerializer(rows, many=True).data)
        if not can(request.user, "share_data", brain):
            raise PermissionDenied
        s = OperatingReportSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        report = services.report_submit(actor=request.user, brain=brain, enterprise=request.user.enterprise,
                                        data=s.validated_data)
        return Response(OperatingReportSerializer(report).data, status=status.HTTP_201_CREATED)
