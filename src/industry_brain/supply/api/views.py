"""API of the supply network and chain-break risk. Out of scope answers 404; a write on a visible object the user
may not change answers 403."""

import datetime as dt

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from industry_brain.core.api import (
    RestrictedListCreateViewSet,
    RestrictedModelViewSet,
    RestrictedReadOnlyViewSet,
    RestrictedViewSetMixin,
)
from industry_brain.core.pagination import StandardPagination
from industry_brain.core.permissions import can

from .. import engine, selectors, services
from ..importers import LinkImporter
from ..models import (
    BomLine,
    Emergency,
    ExternalFirm,
    FirmProfile,
    MatchReview,
    Material,
    RecoveryEstimate,
    Scenario,
    SupplyLink,
    WhitelistEntry,
)
from .serializers import (
    AnalyseResultSerializer,
    AnalyseSerializer,
    BomLineSerializer,
    DailyReportSerializer,
    EmergencyRequestSerializer,
    EmergencySerializer,
    ExternalFirmSerializer,
    FirmProfileSerializer,
    MatchReviewSerializer,
    MaterialSerializer,
    PostNeedSerializer,
    RaiseDemandSerializer,
    RecoveryEstimateSerializer,
    ScenarioResultSerializer,
    ScenarioRunSerializer,
    ScenarioSerializer,
    SupplyLinkSerializer,
    WhitelistDecisionSerializer,
    WhitelistEntrySerializer,
)


class MaterialViewSet(RestrictedListCreateViewSet):
    """Materials and products (name, unit, chain node, HS code)."""

    queryset = Material.objects.select_related("node").order_by("name")
    serializer_class = MaterialSerializer

    def perform_create(self, serializer):
        serializer.instance = services.material_create(actor=self.request.user, **serializer.validated_data)


class ExternalFirmViewSet(RestrictedListCreateViewSet):
    """Suppliers outside the city: region is a GB/T 2260 prefecture code or an ISO country code."""

    queryset = ExternalFirm.objects.order_by("name", "id")
    serializer_class = ExternalFirmSerializer

    def perform_create(self, serializer):
        d = serializer.validated_data
        serializer.instance = services.external_firm_create(actor=self.request.user, **{
            k: v for k, v in d.items() if k in ("name", "region", "uscc", "address", "monthly_capacity", "inventory")})


class SupplyLinkViewSet(RestrictedModelViewSet):
    """Supply links supplier → local customer; an enterprise sees and corrects its own inputs only."""

    queryset = SupplyLink.objects.select_related("supplier_enterprise", "supplier_external", "customer",
                                                 "material").order_by("customer", "material", "id")
    serializer_class = SupplyLinkSerializer

    def perform_create(self, serializer):
        serializer.instance = services.link_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        d = dict(serializer.validated_data)
        d.pop("customer", None)
        serializer.instance = services.link_update(actor=self.request.user, link=serializer.instance, **d)

    def perform_destroy(self, instance):
        services.link_delete(actor=self.request.user, link=instance)

    @extend_schema(request={"multipart/form-data": {"type": "object", "properties": {
        "file": {"type": "string", "format": "binary"}}}},
        responses={200: OpenApiResponse(description="{created, updated, matched_exact, matched_auto, review, "
                                                    "new_firms}"),
                   400: OpenApiResponse(description="{errors: [{row, column, message}]}")})
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser])
    def import_links(self, request):
        """Import links from Excel (the template's columns): all rows or none; 400 names every wrong row."""
        if not can(request.user, "import", SupplyLink):
            raise exceptions.PermissionDenied()
        upload = request.FILES.get("file")
        if upload is None:
            return Response({"file": ["Attach the .xlsx file."]}, status=status.HTTP_400_BAD_REQUEST)
        importer = LinkImporter(actor=request.user)
        result = importer.run(upload)
        if not result.ok:
            return Response({"errors": [{"row": e.row, "column": e.column, "message": e.message}
                                        for e in result.errors]}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"created": result.created, "updated": result.updated, **importer.counts})


class FirmProfileViewSet(RestrictedListCreateViewSet):
    """Production profiles (main product, capacity and output per month, stock, value per unit)."""

    queryset = FirmProfile.objects.select_related("product").order_by("enterprise")
    serializer_class = FirmProfileSerializer

    def perform_create(self, serializer):
        serializer.instance = services.profile_set(actor=self.request.user, **serializer.validated_data)


class BomLineViewSet(RestrictedListCreateViewSet):
    """Bill-of-materials lines (input units per unit made, stock of the input)."""

    queryset = BomLine.objects.select_related("material").order_by("enterprise", "material")
    serializer_class = BomLineSerializer

    def perform_create(self, serializer):
        serializer.instance = services.bom_set(actor=self.request.user, **serializer.validated_data)


class RecoveryEstimateViewSet(RestrictedListCreateViewSet):
    """Times to recover of supplier sites, with their source. Setting one asks the page's `set_recovery` right on
    the site (in `recovery_estimate_set`): a site outside the caller's view is answered as an id that does not exist
    (400, the field), a visible site the caller may not set is a 403."""

    queryset = RecoveryEstimate.objects.order_by("id")
    serializer_class = RecoveryEstimateSerializer

    def perform_create(self, serializer):
        serializer.instance = services.recovery_estimate_set(actor=self.request.user, **serializer.validated_data)


class MatchReviewViewSet(RestrictedReadOnlyViewSet):
    """Imported names that resemble a known firm (0.5–0.8), to confirm or reject."""

    queryset = MatchReview.objects.select_related("new_firm", "candidate_enterprise", "candidate_external")
    serializer_class = MatchReviewSerializer

    @extend_schema(request=None, responses=MatchReviewSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        review = services.match_confirm(actor=request.user, review=self.get_object())
        return Response(MatchReviewSerializer(review).data)

    @extend_schema(request=None, responses=MatchReviewSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        review = services.match_reject(actor=request.user, review=self.get_object())
        return Response(MatchReviewSerializer(review).data)


class AnalyseView(RestrictedViewSetMixin, APIView):
    """POST a self-contained network and scenarios; nothing is stored. Per scenario: PI over its periods, REI,
    TTS of the whole network (capped: tts_capped) and lost units per product."""

    @extend_schema(request=AnalyseSerializer, responses=AnalyseResultSerializer(many=True))
    def post(self, request):
        if not can(request.user, "run", Scenario):
            raise Http404
        s = AnalyseSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        try:
            results = engine.analyse(d["nodes"], d["links"], d["scenarios"], tts_cap=d["tts_cap"])
        except engine.SolveError as exc:
            return Response({"detail": f"The solver stopped with status {exc.status}."},
                            status=status.HTTP_400_BAD_REQUEST)
        return Response({"results": results})


class PrescreenView(RestrictedViewSetMixin, APIView):
    """Structural pre-screen over the inputs in the caller's scope: single-source, concentrated (HHI > 0.4) and
    outside-province-only inputs, and the chain-break points of each firm."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request):
        if not can(request.user, "prescreen", SupplyLink):
            raise Http404
        return Response({"summary": selectors.prescreen_summary(user=request.user),
                         "break_points": {str(k): v for k, v in list(selectors.chain_break_points(
                             user=request.user).items())[:1000]}})


class RiskCardView(RestrictedViewSetMixin, APIView):
    """An enterprise's risk card: inputs with suppliers, shares and single-source flags, TTS of the last scenario."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, pk: int):
        return Response(selectors.risk_card(user=request.user, enterprise_id=pk))


class ScenarioViewSet(RestrictedListCreateViewSet):
    """Saved scenarios; `run` queues a computation; `results` lists the affected firms within the caller's scope."""

    queryset = Scenario.objects.select_related("last_run")
    serializer_class = ScenarioSerializer

    def perform_create(self, serializer):
        serializer.instance = services.scenario_create(actor=self.request.user, **serializer.validated_data)

    @extend_schema(request=None, responses={200: ScenarioRunSerializer, 202: ScenarioRunSerializer})
    @action(detail=True, methods=["post"])
    def run(self, request, pk=None):
        scenario = self.get_object()
        run = services.scenario_run(actor=request.user, scenario=scenario)
        run.refresh_from_db()
        code = status.HTTP_200_OK if run.status in ("done", "failed") else status.HTTP_202_ACCEPTED
        return Response(ScenarioRunSerializer(run).data, status=code)

    @extend_schema(responses=ScenarioResultSerializer(many=True))
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        scenario = self.get_object()
        qs = selectors.result_list(user=request.user, run=scenario.last_run)
        if request.query_params.get("flagged") in ("1", "true"):
            qs = qs.filter(flagged=True)
        paginator = StandardPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(ScenarioResultSerializer(page, many=True).data)

    @extend_schema(request=RaiseDemandSerializer, responses={201: OpenApiResponse(description="{id}")})
    @action(detail=True, methods=["post"], url_path=r"results/(?P<row>\d+)/raise-demand")
    def raise_demand(self, request, pk=None, row=None):
        scenario = self.get_object()
        result = selectors.result_list(user=request.user, run=scenario.last_run).filter(pk=row).first()
        if result is None:
            raise Http404
        s = RaiseDemandSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        demand = services.result_raise_demand(actor=request.user, result=result,
                                              alternative=s.validated_data["alternative"])
        return Response({"id": demand.pk}, status=status.HTTP_201_CREATED)

    @extend_schema(request=PostNeedSerializer, responses={201: OpenApiResponse(description="{id, url}")})
    @action(detail=True, methods=["post"], url_path=r"results/(?P<row>\d+)/post-need")
    def post_need(self, request, pk=None, row=None):
        """The flagged firm's missing material as a matchmaking need, with the evidence and the alternatives."""
        scenario = self.get_object()
        result = selectors.result_list(user=request.user, run=scenario.last_run).filter(pk=row).first()
        if result is None:
            raise Http404
        s = PostNeedSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        listing = services.result_post_need(actor=request.user, result=result,
                                            alternatives=s.validated_data.get("alternatives"))
        return Response({"id": listing.pk, "url": listing.get_absolute_url()}, status=status.HTTP_201_CREATED)


class EmergencyViewSet(RestrictedListCreateViewSet):
    """Emergencies (应急保障): white list, daily reports, requests, daily ledger, deactivation."""

    queryset = Emergency.objects.select_related("coordinator", "scenario").prefetch_related("team")
    serializer_class = EmergencySerializer

    def perform_create(self, serializer):
        d = serializer.validated_data
        serializer.instance = services.emergency_activate(
            actor=self.request.user, name=d["name"], started_on=d["started_on"], reason=d["reason"],
            coordinator=d["coordinator"], team=d.get("team", []), regions=d.get("regions", []),
            districts=d.get("districts", []), scenario=d.get("scenario"))

    @extend_schema(responses=WhitelistEntrySerializer(many=True))
    @action(detail=True, methods=["get"])
    def whitelist(self, request, pk=None):
        em = self.get_object()
        rows = selectors.whitelist(user=request.user, emergency=em)
        return Response(WhitelistEntrySerializer(rows, many=True).data)

    @extend_schema(request=None, responses={200: OpenApiResponse(description="{proposed}")})
    @action(detail=True, methods=["post"], url_path="whitelist/propose")
    def whitelist_propose(self, request, pk=None):
        n = services.whitelist_propose(actor=request.user, emergency=self.get_object())
        return Response({"proposed": n})

    @extend_schema(request=WhitelistDecisionSerializer, responses=WhitelistEntrySerializer)
    @action(detail=True, methods=["post"], url_path="whitelist/decide")
    def whitelist_decide(self, request, pk=None):
        em = self.get_object()
        s = WhitelistDecisionSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        entry = WhitelistEntry.objects.restrict(request.user, "view").filter(
            emergency=em, pk=s.validated_data["entry"]).first()
        if entry is None:
            raise Http404
        entry = services.whitelist_decide(actor=request.user, entry=entry, action=s.validated_data["action"])
        return Response(WhitelistEntrySerializer(entry).data)

    @extend_schema(request=DailyReportSerializer, responses={201: OpenApiResponse(description="{id}")})
    @action(detail=True, methods=["post"], url_path="daily-reports")
    def daily_reports(self, request, pk=None):
        em = self.get_object()
        s = DailyReportSerializer(data=request.data, context={"request": request})
        s.is_valid(raise_exception=True)
        r = services.daily_report_submit(actor=request.user, emergency=em, **s.validated_data)
        return Response({"id": r.pk}, status=status.HTTP_201_CREATED)

    @extend_schema(request=EmergencyRequestSerializer, responses={201: OpenApiResponse(description="{id, demand}")})
    @action(detail=True, methods=["post"])
    def requests(self, request, pk=None):
        em = self.get_object()
        s = EmergencyRequestSerializer(data=request.data, context={"request": request})
        s.is_valid(raise_exception=True)
        d = s.validated_data
        ent = d.get("enterprise") or getattr(request.user, "enterprise", None)
        if ent is None:
            return Response({"enterprise": ["Choose the enterprise."]}, status=status.HTTP_400_BAD_REQUEST)
        req = services.emergency_request_create(actor=request.user, emergency=em, enterprise=ent, kind=d["kind"],
                                                title=d["title"], description=d["description"])
        return Response({"id": req.pk, "demand": req.demand_id, "due_date": req.demand.due_date},
                        status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["get"])
    def ledger(self, request, pk=None):
        em = self.get_object()
        try:
            day = dt.date.fromisoformat(request.query_params.get("date") or dt.date.today().isoformat())
        except ValueError:
            return Response({"date": ["Use YYYY-MM-DD."]}, status=status.HTTP_400_BAD_REQUEST)
        data = selectors.ledger(user=request.user, emergency=em, date=day)
        data["date"] = day.isoformat()
        for r in data["requests"]:
            r["due_date"] = r["due_date"].isoformat() if r["due_date"] else None
        return Response(data)

    @extend_schema(request=None, responses=EmergencySerializer)
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        em = services.emergency_deactivate(actor=request.user, emergency=self.get_object())
        return Response(EmergencySerializer(em).data)
