from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from industry_brain.core.api import RestrictedModelViewSet
from industry_brain.core.permissions import can

from .. import selectors, services
from ..filtersets import EnterpriseFilterSet
from ..models import Enterprise
from .serializers import ConfidentialReadSerializer, EnterpriseSerializer, YearlyFiguresSerializer


class EnterpriseViewSet(RestrictedModelViewSet):
    """The enterprise registry. Out-of-scope enterprises answer 404."""

    queryset = Enterprise.objects.select_related("district", "industry").order_by("name", "pk")
    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFilterSet

    def get_queryset(self):
        if self.action != "list":
            return super().get_queryset()
        # The list through its selector (a work team's from its ecosystem's stored rows), in the same order.
        rows = selectors.enterprise_list(user=self.request.user, queryset=self.queryset.all(),
                                         params=self.request.query_params)
        return rows.order_by(*selectors.list_ordering(rows, ["name", "pk"]))

    def perform_create(self, serializer):
        serializer.instance = services.enterprise_create(actor=self.request.user, data=serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.enterprise_update(actor=self.request.user, enterprise=serializer.instance,
                                                         data=serializer.validated_data)

    def perform_destroy(self, instance):
        services.enterprise_delete(actor=self.request.user, enterprise=instance)

    @extend_schema(methods=["GET"], responses=YearlyFiguresSerializer(many=True))
    @extend_schema(methods=["POST"], request=YearlyFiguresSerializer, responses={201: YearlyFiguresSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def figures(self, request, pk=None):
        """Confidential yearly figures; every read by someone outside the enterprise is logged. POST records (or
        corrects) one year, by the enterprise itself or its district/city bureau; the above-scale flag follows the
        latest year."""
        enterprise = self.get_object()
        if request.method == "POST":
            self.check_scope(enterprise, "change")
            body = YearlyFiguresSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            values = dict(body.validated_data)
            year = values.pop("year")
            figures = services.figures_record(actor=request.user, enterprise=enterprise, year=year, values=values)
            return Response(YearlyFiguresSerializer(figures).data, status=201)
        if not selectors.enterprise_can_see_confidential(user=request.user, enterprise=enterprise):
            raise Http404  # confidential figures outside the caller's scope are answered like missing ones
        services.confidential_read_log(actor=request.user, enterprise=enterprise, channel="api",
                                       what="yearly figures", request_id=getattr(request, "id", ""))
        rows = selectors.figures_for(user=request.user, enterprise=enterprise)
        return Response(YearlyFiguresSerializer(rows, many=True).data)

    @extend_schema(responses=ConfidentialReadSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="confidential-reads", pagination_class=None)
    def confidential_reads(self, request, pk=None):
        """Who read this enterprise's confidential figures (for the enterprise itself and the city bureau)."""
        enterprise = self.get_object()
        if not can(request.user, "view_reads", enterprise):
            raise Http404
        rows = selectors.confidential_reads_for(user=request.user, enterprise=enterprise, limit=200)
        return Response(ConfidentialReadSerializer(rows, many=True).data)
