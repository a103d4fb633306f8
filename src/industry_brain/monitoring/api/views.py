"""Monitoring API: monthly reports (submit, correct, import), indicators, the enterprise's own position,
completeness, and the briefings (generate, download). Out of scope answers 404."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from industry_brain.core.api import RestrictedReadOnlyViewSet, RestrictedViewSetMixin
from industry_brain.core.permissions import can
from industry_brain.enterprises.models import Enterprise

from .. import briefing as briefing_mod
from .. import selectors, services
from ..importers import MonthlyReportImporter
from ..models import Briefing, MonthlyReport
from .serializers import BriefingSerializer, IndicatorSerializer, MonthlyReportSerializer, ReportInputSerializer


def _period(request, required: bool = True):
    value = request.query_params.get("period")
    if not value:
        if required:
            raise ValidationError({"period": ["Give the month as YYYY-MM."]})
        return None
    return services.parse_period(value)


class MonthlyReportViewSet(RestrictedReadOnlyViewSet):
    """Monthly reports of above-scale enterprises. POST submits a month (the enterprise for itself, a district
    bureau for a firm of its district: `enterprise`); `correct` changes a report with a `reason`, keeping the
    earlier values as a revision."""

    queryset = MonthlyReport.objects.all()
    serializer_class = MonthlyReportSerializer

    def get_queryset(self):
        qs = selectors.report_list(user=self.request.user).prefetch_related("revisions")
        period = self.request.query_params.get("period")
        if period:
            qs = qs.filter(period=services.parse_period(period))
        return qs.order_by("-period", "enterprise_id")

    @extend_schema(request=ReportInputSerializer, responses={201: MonthlyReportSerializer})
    def create(self, request):
        data = ReportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = request.user
        if can(user, "report_online", MonthlyReport):  # the enterprise, for its own firm
            enterprise = user.enterprise
        else:
            pk = data.validated_data.get("enterprise")
            if pk is None:
                raise ValidationError({"enterprise": ["Name the enterprise."]})
            enterprise = Enterprise.objects.restrict(user, "view").filter(pk=pk).first()
            if enterprise is None:
                raise Http404
        if not data.validated_data.get("period"):
            raise ValidationError({"period": ["Give the month as YYYY-MM."]})
        report = services.report_submit(actor=user, enterprise=enterprise, period=data.validated_data["period"],
                                        data=data.validated_data)
        return Response(MonthlyReportSerializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReportInputSerializer, responses={200: MonthlyReportSerializer})
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        report = self.get_object()
        data = ReportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.report_correct(actor=request.user, report=report, data=data.validated_data,
                                         reason=data.validated_data.get("reason", ""))
        return Response(MonthlyReportSerializer(MonthlyReport.objects.prefetch_related("revisions")
                                                .get(pk=report.pk)).data)

    @extend_schema(parameters=[OpenApiParameter("period", str)],
                   responses={200: OpenApiResponse(description="{period, deadline, reported, missing, rate}")})
    @action(detail=False, methods=["get"])
    def completeness(self, request):
        if not can(request.user, "follow_up", MonthlyReport):
            raise Http404
        period = _period(request)
        data = selectors.completeness(user=request.user, period=period)
        missing = selectors.missing_reports(user=request.user, period=period)[:200]
        return Response({**data, "period": period.strftime("%Y-%m"), "deadline": data["deadline"].isoformat(),
                         "missing_firms": [{"id": e.pk, "name": e.name, "district": e.district.name}
                                           for e in missing]})


class MonthlyReportImportView(RestrictedViewSetMixin, APIView):
    """POST an .xlsx of monthly reports (multipart `file`): all rows or none; 400 lists the wrong rows."""

    parser_classes = [MultiPartParser]

    @extend_schema(request={"multipart/form-data": {"type": "object", "properties": {
        "file": {"type": "string", "format": "binary"}}}},
        responses={201: OpenApiResponse(description="{created, updated}"),
                   400: OpenApiResponse(description="{errors: [{row, column, message}]}")})
    def post(self, request):
        if not can(request.user, "import", MonthlyReport):
            raise PermissionDenied("Monthly reports are imported by the city or district bureaus.")
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationError({"file": ["Attach the .xlsx file."]})
        result = MonthlyReportImporter(actor=request.user).run(upload)
        if not result.ok:
            return Response({"errors": [{"row": e.row, "column": e.column, "message": e.message}
                                        for e in result.errors]}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"created": result.created, "updated": result.updated}, status=status.HTTP_201_CREATED)


class IndicatorView(RestrictedViewSetMixin, APIView):
    """GET /indicators/?period=YYYY-MM&by=city|district|ecosystem|chain|industry|size|scheme: the stored rows the
    caller may see (404 when none)."""

    @extend_schema(parameters=[OpenApiParameter("period", str), OpenApiParameter("by", str)],
                   responses={200: IndicatorSerializer(many=True)})
    def get(self, request):
        period = _period(request, required=False) or selectors.latest_period(user=request.user)
        if period is None:
            raise Http404
        rows = selectors.indicator_table(user=request.user, period=period,
                                         by=request.query_params.get("by", "district"))
        if not rows:
            raise Http404
        return Response(IndicatorSerializer(rows, many=True).data)


class PositionView(RestrictedViewSetMixin, APIView):
    """GET /monitoring/position/: the enterprise's own 1—N月 output and its percentile in its industry division."""

    @extend_schema(responses={200: OpenApiResponse(description="{period, output_cum, output_growth_cum, "
                                                                "percentile, peers}")})
    def get(self, request):
        pos = selectors.enterprise_position(user=request.user, period=_period(request, required=False))
        return Response({"period": pos["period"].strftime("%Y-%m"), "output_cum": pos["output_cum"],
                         "output_growth_cum": pos["output_growth_cum"], "percentile": pos["percentile"],
                         "peers": pos["peers"], "industry": pos["industry"].code})


class BriefingViewSet(RestrictedReadOnlyViewSet):
    """Briefings (every version). `generate` writes a new version from the indicators (city bureau);
    `download` returns Word or PDF."""

    queryset = Briefing.objects.all()
    serializer_class = BriefingSerializer

    def get_queryset(self):
        return selectors.briefings(user=self.request.user)

    def perform_content_negotiation(self, request, force=False):
        # `?format=docx|pdf` names the document, not a DRF renderer.
        return super().perform_content_negotiation(request, force=force or getattr(self, "action", "") == "download")

    @extend_schema(request={"application/json": {"type": "object", "properties": {"period": {"type": "string"}}}},
                   responses={201: OpenApiResponse(description="{id, version}")})
    @action(detail=False, methods=["post"])
    def generate(self, request):
        if not can(request.user, "write", Briefing):
            raise Http404
        period = services.parse_period(request.data.get("period") or "")
        b = briefing_mod.generate_for(actor=request.user, period=period)
        return Response({"id": b.pk, "version": b.version, "title": b.title}, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[OpenApiParameter("format", str, enum=["docx", "pdf"])],
                   responses={(200, "application/octet-stream"): bytes})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        b = get_object_or_404(self.get_queryset(), pk=pk)
        fmt = request.query_params.get("format", "docx")
        if fmt == "pdf":
            body, mime = briefing_mod.to_pdf(b), "application/pdf"
        elif fmt == "docx":
            body = briefing_mod.to_docx(b)
            mime = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        else:
            raise ValidationError({"format": ["Use docx or pdf."]})
        response = HttpResponse(body, content_type=mime)
        response["Content-Disposition"] = f'attachment; filename="briefing-{b.period:%Y-%m}-v{b.version}.{fmt}"'
        return response
