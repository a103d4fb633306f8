"""API of the policies app. Out of scope answers 404; a step by someone who sees the standing but is not the
one to take it answers 403; a step the status does not allow answers 409."""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from industry_brain.core.api import RestrictedListCreateViewSet, RestrictedReadOnlyViewSet, RestrictedViewSetMixin
from industry_brain.core.permissions import can

from .. import selectors, services
from ..filtersets import EligibilityFilterSet, LedgerEntryFilterSet, PolicyItemFilterSet
from ..importers import LedgerImporter
from ..models import Eligibility, LedgerEntry, Policy, PolicyItem, RuleVersion
from .serializers import (
    ConfirmSerializer,
    EligibilitySerializer,
    EvaluateSerializer,
    LedgerEntrySerializer,
    PaySerializer,
    PolicyItemSerializer,
    PolicyReasonSerializer,
    PolicySerializer,
    RuleVersionSerializer,
    SupplySerializer,
)


class PolicyViewSet(RestrictedListCreateViewSet):
    """Policies and their items (the catalogue is public inside the platform; issuers add their own)."""

    queryset = Policy.objects.select_related("department").prefetch_related(
        Prefetch("items", queryset=PolicyItem.objects.prefetch_related("versions"))).order_by("-published_on", "id")
    serializer_class = PolicySerializer

    def perform_create(self, serializer):
        serializer.instance = services.policy_create(actor=self.request.user, data=serializer.validated_data)


class PolicyItemViewSet(RestrictedListCreateViewSet):
    """Policy items with the amount and dates of the rule in force; `evaluate` computes the eligible list."""

    queryset = PolicyItem.objects.select_related("policy").order_by("policy_id", "code")
    serializer_class = PolicyItemSerializer
    filterset_class = PolicyItemFilterSet

    def perform_create(self, serializer):
        policy = serializer.validated_data["policy"]
        if not Policy.objects.restrict(self.request.user, "change").filter(pk=policy.pk).exists():
            raise PermissionDenied()
        serializer.instance = services.item_save(actor=self.request.user, item=PolicyItem(),
                                                 data=serializer.validated_data)

    @extend_schema(request=EvaluateSerializer, responses=OpenApiResponse(
        description="{eligible, unknown, ineligible}"))
    @action(detail=True, methods=["post"])
    def evaluate(self, request, pk=None):
        item = self.get_object()
        s = EvaluateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        counts = services.evaluate_items(actor=request.user, items=[item], as_of=s.validated_data.get("as_of"))
        return Response(counts[item.pk])

    @extend_schema(request=None, responses=OpenApiResponse(description="{notified}"))
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        item = self.get_object()
        return Response({"notified": services.item_publish(actor=request.user, item=item)})

    @extend_schema(responses=RuleVersionSerializer(many=True))
    @action(detail=True, methods=["get", "post"])
    def versions(self, request, pk=None):
        item = self.get_object()
        if request.method == "POST":
            if not item.is_owned_by(request.user):
                raise PermissionDenied()
            s = RuleVersionSerializer(data=request.data)
            s.is_valid(raise_exception=True)
            version = services.version_create(actor=request.user, item=item, **s.validated_data)
            return Response(RuleVersionSerializer(version).data, status=status.HTTP_201_CREATED)
        return Response(RuleVersionSerializer(RuleVersion.objects.filter(item=item), many=True).data)

    @extend_schema(responses=OpenApiResponse(description="metrics of the item within the caller's scope"))
    @action(detail=True, methods=["get"])
    def metrics(self, request, pk=None):
        item = self.get_object()
        return Response(selectors.item_metrics(user=request.user, items=[item]).get(item.pk, {}))


class EligibilityViewSet(RestrictedReadOnlyViewSet):
    """Each firm's standing per item: result (true, false, null for unknown), trace, missing figures, status."""

    queryset = Eligibility.objects.select_related("item", "item__policy", "enterprise", "version").order_by("id")
    serializer_class = EligibilitySerializer
    filterset_class = EligibilityFilterSet

    def retrieve(self, request, *args, **kwargs):
        obj = self.get_object()
        services.eligibility_mark_read(actor=request.user, eligibility=obj)
        return Response(self.get_serializer(obj).data)

    def _done(self, obj):
        obj = self.get_queryset().get(pk=obj.pk)
        return Response(self.get_serializer(obj).data)

    @extend_schema(request=ConfirmSerializer, responses=EligibilitySerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        obj = self.get_object()
        s = ConfirmSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        return self._done(services.eligibility_confirm(actor=request.user, eligibility=obj, **s.validated_data))

    @extend_schema(request=PolicyReasonSerializer, responses=EligibilitySerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        obj = self.get_object()
        s = PolicyReasonSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        return self._done(services.eligibility_decline(actor=request.user, eligibility=obj,
                                                       reason=s.validated_data["reason"]))

    @extend_schema(request=None, responses=EligibilitySerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._done(services.eligibility_publish(actor=request.user, eligibility=self.get_object()))

    @extend_schema(request=None, responses=EligibilitySerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._done(services.eligibility_approve(actor=request.user, eligibility=self.get_object()))

    @extend_schema(request=PaySerializer, responses=EligibilitySerializer)
    @action(detail=True, methods=["post"])
    def pay(self, request, pk=None):
        obj = self.get_object()
        s = PaySerializer(data=request.data)
        s.is_valid(raise_exception=True)
        return self._done(services.eligibility_pay(actor=request.user, eligibility=obj, **s.validated_data))

    @extend_schema(request=PolicyReasonSerializer, responses=EligibilitySerializer)
    @action(detail=True, methods=["post"])
    def hold(self, request, pk=None):
        obj = self.get_object()
        s = PolicyReasonSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        return self._done(services.eligibility_hold(actor=request.user, eligibility=obj,
                                                    reason=s.validated_data["reason"]))

    @extend_schema(request=None, responses=EligibilitySerializer)
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        return self._done(services.eligibility_release(actor=request.user, eligibility=self.get_object()))

    @extend_schema(request=PolicyReasonSerializer, responses=EligibilitySerializer)
    @action(detail=True, methods=["post"])
    def clawback(self, request, pk=None):
        obj = self.get_object()
        s = PolicyReasonSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        return self._done(services.eligibility_clawback(actor=request.user, eligibility=obj,
                                                        reason=s.validated_data["reason"]))

    @extend_schema(request=SupplySerializer, responses=EligibilitySerializer)
    @action(detail=True, methods=["post"])
    def supply(self, request, pk=None):
        """快申快享: the enterprise supplies only the figures listed in `missing`."""
        obj = self.get_object()
        s = SupplySerializer(data=request.data)
        s.is_valid(raise_exception=True)
        return self._done(services.eligibility_supply(actor=request.user, eligibility=obj,
                                                      values=s.validated_data["values"]))


class LedgerEntryViewSet(RestrictedReadOnlyViewSet):
    """Burden-reduction ledger entries within the caller's scope."""

    queryset = LedgerEntry.objects.order_by("-year", "-month", "id")
    serializer_class = LedgerEntrySerializer
    filterset_class = LedgerEntryFilterSet

    @extend_schema(parameters=[
        OpenApiParameter("year", OpenApiTypes.INT), OpenApiParameter("by", OpenApiTypes.STR,
                                                                     enum=list(selectors.BY_FIELDS))],
        responses=OpenApiResponse(description="{total, by_kind: [{kind, amount, basis}], deferrals, sentence}"))
    @action(detail=False, methods=["get"])
    def summary(self, request):
        try:
            year = int(request.query_params.get("year") or timezone.localdate().year)
        except ValueError:
            raise ValidationError({"year": ["Give the year as four digits."]}) from None
        by = request.query_params.get("by") or None
        if by is not None and by not in selectors.BY_FIELDS:
            raise ValidationError({"by": [f"One of {', '.join(selectors.BY_FIELDS)}."]})
        return Response(selectors.ledger_summary(user=request.user, year=year, by=by))


class LedgerImportView(RestrictedViewSetMixin, APIView):
    """POST an .xlsx of burden-reduction amounts (multipart field `file`; city or a department): all rows or none;
    400 lists the wrong rows."""

    parser_classes = [MultiPartParser]

    @extend_schema(request={"multipart/form-data": {"type": "object", "properties": {
        "file": {"type": "string", "format": "binary"}}}},
        responses={201: OpenApiResponse(description="{created}"),
                   400: OpenApiResponse(description="{errors: [{row, column, message}]}")})
    def post(self, request):
        if not can(request.user, "import", LedgerEntry):
            raise PermissionDenied("The ledger is imported by the city bureau or a department.")
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationError({"file": ["Attach the .xlsx file."]})
        result = LedgerImporter(actor=request.user).run(upload)
        if not result.ok:
            return Response({"errors": [{"row": e.row, "column": e.column, "message": e.message}
                                        for e in result.errors]}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"created": result.created}, status=status.HTTP_201_CREATED)


class PolicyMetricsView(RestrictedViewSetMixin, APIView):
    """Honest metrics over every item the caller sees: per item and overall (no push counts)."""

    @extend_schema(responses=OpenApiResponse(description="{overall, items}"))
    def get(self, request):
        per_item = selectors.item_metrics(user=request.user)
        return Response({"overall": selectors.overall_metrics(user=request.user),
                         "items": [{"item": k, **v} for k, v in per_item.items()]})
