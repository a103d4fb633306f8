"""API viewsets: projects (with the map, the OC4IDS export and progress reports), warnings, rules and
supervision orders. Restriction comes from the base viewsets; workflow steps call the services."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from industry_brain.core.api import RestrictedModelViewSet, RestrictedReadOnlyViewSet, RestrictedViewSetMixin
from industry_brain.core.permissions import can

from .. import selectors, services
from ..filtersets import ProjectFilterSet, SupervisionFilterSet, WarningFilterSet
from ..importers import ProgressReportImporter
from ..models import ProgressReport, Project, ProjectWarning, SupervisionOrder, SupervisionResponse, WarningRule
from .serializers import (
    EvaluationResultSerializer,
    ProgressReportSerializer,
    ProjectSerializer,
    RespondSerializer,
    ReviewSerializer,
    SupervisionSerializer,
    WarningRuleSerializer,
    WarningSerializer,
)


class OC4IDSPagination(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


class ProjectViewSet(RestrictedModelViewSet):
    """Investment projects. Out-of-scope projects answer 404. The stage follows the actual milestone dates:
    setting `actual_*` records a milestone (409 when the step is not allowed, 400 for dates out of order)."""

    queryset = Project.objects.all()
    serializer_class = ProjectSerializer
    filterset_class = ProjectFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.project_list(user=self.request.user).order_by("-total_investment", "code")

    def perform_create(self, serializer):
        project = services.project_create(actor=self.request.user, data=serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=project.pk)

    def perform_update(self, serializer):
        project = services.project_update(actor=self.request.user, project=serializer.instance,
                                          data=serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=project.pk)

    @extend_schema(responses={(200, "application/geo+json"): OpenApiTypes.OBJECT}, filters=True,
                   description="GeoJSON FeatureCollection, one Point per located project (properties id, name, stage, "
                               "warning_level, total_investment); same filters as the list; not paginated; gzip when "
                               "accepted.")
    @action(detail=False, methods=["get"], url_path="map", pagination_class=None)
    def map(self, request):
        qs = self.filter_queryset(self.get_queryset())
        accepts_gzip = "gzip" in request.META.get("HTTP_ACCEPT_ENCODING", "")
        raw, packed = selectors.map_geojson(user=request.user, queryset=qs, params=request.query_params,
                                            compressed=accepts_gzip)
        if accepts_gzip:
            response = HttpResponse(packed, content_type="application/geo+json")
            response["Content-Encoding"] = "gzip"
        else:
            response = HttpResponse(raw, content_type="application/geo+json")
        response["Vary"] = "Accept-Encoding, Authorization, Cookie"
        response["Cache-Control"] = "private, max-age=60"
        return response

    @extend_schema(responses={200: OpenApiTypes.OBJECT}, filters=True,
                   description="An OC4IDS 0.9 project package of the filtered projects, `page_size` (default 100, at "
                               "most 1000) per page; the next page is in the Link header.")
    @action(detail=False, methods=["get"], url_path="oc4ids")
    def oc4ids(self, request):
        # defer(None): the package reads whole related rows (the firm's credit code, the industry's name).
        qs = self.filter_queryset(self.get_queryset()).defer(None).select_related(
            "enterprise", "industry", "responsible_org").prefetch_related(
            Prefetch("reports", queryset=ProgressReport.objects.order_by("period"), to_attr="oc4ids_reports"))
        paginator = OC4IDSPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        if not page:
            # An OC4IDS package holds at least one project (minItems 1): an empty selection has no valid package.
            raise NotFound(_("No project matches these filters; an OC4IDS package holds at least one project."))
        package = selectors.oc4ids_package(projects=list(page), uri=request.build_absolute_uri())
        response = Response(package)
        links = []
        if paginator.get_next_link():
            links.append(f'<{paginator.get_next_link()}>; rel="next"')
        if paginator.get_previous_link():
            links.append(f'<{paginator.get_previous_link()}>; rel="prev"')
        if links:
            response["Link"] = ", ".join(links)
        response["X-Total-Count"] = str(paginator.page.paginator.count)
        return response

    @extend_schema(methods=["get"], responses=ProgressReportSerializer(many=True))
    @extend_schema(methods=["post"], request=ProgressReportSerializer, responses={201: ProgressReportSerializer})
    @action(detail=True, methods=["get", "post"], url_path="progress-reports", filterset_class=None)
    def progress_reports(self, request, pk=None):
        """A project's monthly progress reports (newest first); POST submits one month."""
        project = self.get_object()
        if request.method == "POST":
            self.check_scope(project, "change")
            serializer = ProgressReportSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
            report = services.progress_report_submit(
                actor=request.user, project=project, period=data["period"], investment=data["investment"],
                milestone=data.get("milestone", ""), physical_progress=data.get("physical_progress"),
                problems=data.get("problems", ""), note=data.get("note", ""), replace=data.get("replace", False))
            code = status.HTTP_200_OK if report.corrected else status.HTTP_201_CREATED
            return Response(ProgressReportSerializer(report).data, status=code)
        qs = project.reports.select_related("reported_by").order_by("-period")
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(ProgressReportSerializer(page, many=True).data)


class WarningViewSet(RestrictedReadOnlyViewSet):
    """Warnings raised by the rules, active and cleared (history). `?active=true` for the active ones."""

    queryset = ProjectWarning.objects.select_related("rule").order_by("-opened_at", "-id")
    serializer_class = WarningSerializer
    filterset_class = WarningFilterSet

    @extend_schema(request=None, responses=EvaluationResultSerializer)
    @action(detail=False, methods=["post"], filterset_class=None)
    def evaluate(self, request):
        """Run every rule over all projects now (city bureau); answers counts."""
        if not can(request.user, "evaluate", WarningRule):
            raise PermissionDenied("Only the city bureau runs the warning evaluation.")
        return Response(services.warning_evaluate_all(actor=request.user))


class WarningRuleViewSet(mixins.UpdateModelMixin, RestrictedReadOnlyViewSet):
    """The versioned warning rules; the city bureau edits texts, thresholds, level and activation (PATCH)."""

    queryset = WarningRule.objects.order_by("code")
    serializer_class = WarningRuleSerializer
    pagination_class = None
    http_method_names = ["get", "patch", "head", "options"]

    def perform_update(self, serializer):
        try:
            serializer.instance = services.rule_update(actor=self.request.user, rule=serializer.instance,
                                                       data=serializer.validated_data)
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc


class SupervisionViewSet(RestrictedReadOnlyViewSet):
    """Supervision orders (督办) of red warnings; actions respond, accept, reject (409 from the wrong state)."""

    queryset = SupervisionOrder.objects.select_related("project", "warning__rule", "unit").prefetch_related(
        Prefetch("responses", queryset=SupervisionResponse.objects.select_related("responded_by", "reviewed_by")))
    serializer_class = SupervisionSerializer
    filterset_class = SupervisionFilterSet

    def get_queryset(self):
        return super().get_queryset().order_by("due_date", "id")

    def _done(self, order):
        return Response(SupervisionSerializer(self.get_queryset().get(pk=order.pk),
                                              context=self.get_serializer_context()).data)

    @extend_schema(request=RespondSerializer, responses=SupervisionSerializer)
    @action(detail=True, methods=["post"], filterset_class=None)
    def respond(self, request, pk=None):
        order = self.get_object()
        s = RespondSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        services.supervision_respond(actor=request.user, order=order, **s.validated_data)
        return self._done(order)

    @extend_schema(request=ReviewSerializer, responses=SupervisionSerializer)
    @action(detail=True, methods=["post"], filterset_class=None)
    def accept(self, request, pk=None):
        order = self.get_object()
        s = ReviewSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        services.supervision_review(actor=request.user, order=order, accept=True, comment=s.validated_data["comment"])
        return self._done(order)

    @extend_schema(request=ReviewSerializer, responses=SupervisionSerializer)
    @action(detail=True, methods=["post"], filterset_class=None)
    def reject(self, request, pk=None):
        order = self.get_object()
        s = ReviewSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        services.supervision_review(actor=request.user, order=order, accept=False, comment=s.validated_data["comment"])
        return self._done(order)


class ProgressReportImportView(RestrictedViewSetMixin, APIView):
    """POST an .xlsx of monthly progress reports (multipart field `file`): all rows or none; 400 lists the
    wrong rows."""

    parser_classes = [MultiPartParser]

    @extend_schema(request={"multipart/form-data": {"type": "object", "properties": {
        "file": {"type": "string", "format": "binary"}}}},
        responses={201: OpenApiResponse(description="{created, updated}"),
                   400: OpenApiResponse(description="{errors: [{row, column, message}]}")})
    def post(self, request):
        if not can(request.user, "import", ProgressReport):
            raise PermissionDenied("Progress reports are imported by the city or district bureaus.")
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationError({"file": ["Attach the .xlsx file."]})
        result = ProgressReportImporter(actor=request.user).run(upload)
        if not result.ok:
            return Response({"errors": [{"row": e.row, "column": e.column, "message": e.message}
                                        for e in result.errors]}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"created": result.created, "updated": result.updated}, status=status.HTTP_201_CREATED)
