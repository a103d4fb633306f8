"""API viewsets of the enterprise service. Out-of-scope objects answer 404; a workflow step by someone who
sees the demand but is not the one to take it answers 403; a step the status does not allow answers 409."""

from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from industry_brain.core.api import RestrictedListCreateViewSet, RestrictedReadOnlyViewSet, RestrictedViewSetMixin
from industry_brain.core.pagination import DeferredJoinPaginator, StandardPagination
from industry_brain.core.permissions import can
from industry_brain.enterprises.models import Enterprise

from .. import selectors, services
from ..choices import Channel
from ..filtersets import (
    AssignmentFilterSet,
    CadreFilterSet,
    DemandFilterSet,
    NotificationFilterSet,
    SystemicAlertFilterSet,
    VisitFilterSet,
)
from ..models import Assignment, Cadre, Demand, DemandCategory, DemandDailyStat, Notification, SystemicAlert, Visit
from ..workflows import DEMAND
from .serializers import (
    AcceptSerializer,
    AcknowledgeSerializer,
    AssignmentEndSerializer,
    AssignmentSerializer,
    CadreSerializer,
    CohandleSerializer,
    DemandCategorySerializer,
    DemandCreateSerializer,
    DemandDetailSerializer,
    DemandSerializer,
    NotificationSerializer,
    RateSerializer,
    ResolveSerializer,
    StartSerializer,
    StatsQuerySerializer,
    StatsSerializer,
    SystemicAlertSerializer,
    TransferSerializer,
    VisitSerializer,
)


def _ensure_right(user, action: str, model) -> None:
    """A role without the right at all is refused (403) before the body is read; ids in the body are then
    looked up within the caller's scope (outside it: the 400 of a missing id)."""
    if not can(user, action, model):
        raise exceptions.PermissionDenied()


class CadreViewSet(RestrictedListCreateViewSet):
    """Cadres (助企干部) in the caller's scope; the city and district bureaus register them."""

    queryset = Cadre.objects.all()
    serializer_class = CadreSerializer
    filterset_class = CadreFilterSet

    def get_queryset(self):
        return selectors.cadre_list(user=self.request.user).order_by("code")

    def create(self, request, *args, **kwargs):
        _ensure_right(request.user, "add", Cadre)  # before the body: a role without the right gets 403
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        serializer.instance = services.cadre_create(actor=self.request.user, **serializer.validated_data)
        serializer.instance.enterprise_count = 0


class AssignmentViewSet(RestrictedListCreateViewSet):
    """Assignments of cadres to enterprises (`ended_on` empty: current)."""

    queryset = Assignment.objects.select_related("cadre", "enterprise").order_by("-started_on", "id")
    serializer_class = AssignmentSerializer
    filterset_class = AssignmentFilterSet

    def create(self, request, *args, **kwargs):
        _ensure_right(request.user, "organise_service", Enterprise)
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        data = serializer.validated_data  # cadre and enterprise were looked up within the caller's scope
        serializer.instance = services.assignment_create(actor=self.request.user, cadre=data["cadre"],
                                                         enterprise=data["enterprise"],
                                                         started_on=data.get("started_on"))

    @extend_schema(request=AssignmentEndSerializer, responses=AssignmentSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        assignment = self.get_object()
        ser = AssignmentEndSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        assignment = services.assignment_end(actor=request.user, assignment=assignment,
                                             ended_on=ser.validated_data.get("ended_on"))
        return Response(AssignmentSerializer(assignment).data)

    @extend_schema(responses=OpenApiTypes.OBJECT, parameters=[OpenApiParameter("above_scale", bool)])
    @action(detail=False, methods=["get"])
    def coverage(self, request):
        """Enterprises with and without a current cadre, by district and by chain."""
        if not can(request.user, "organise_service", Enterprise):  # who organises the cadre service
            raise exceptions.NotFound()
        above = request.query_params.get("above_scale") in ("1", "true", "True")
        data = selectors.coverage(user=request.user, above_scale_only=above)
        return Response(data)


class VisitViewSet(RestrictedListCreateViewSet):
    """The visit log. Cadres log their own visits to enterprises they serve."""

    queryset = Visit.objects.select_related("cadre", "enterprise").prefetch_related(
        Prefetch("demands", queryset=Demand.objects.only("id", "visit_id"))).order_by("-date", "-id")
    serializer_class = VisitSerializer
    filterset_class = VisitFilterSet

    def create(self, request, *args, **kwargs):
        _ensure_right(request.user, "log_visit", Enterprise)
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.visit_create(actor=self.request.user, enterprise=data["enterprise"],
                                                    date=data["date"], mode=data["mode"], notes=data.get("notes", ""),
                                                    cadre=data.get("cadre"))


class DemandCategoryViewSet(RestrictedReadOnlyViewSet):
    """The two-level demand taxonomy; `code` is what `category` takes and answers."""

    queryset = DemandCategory.objects.filter(is_active=True).select_related("parent").order_by("order", "code")
    serializer_class = DemandCategorySerializer
    pagination_class = None


class DemandListPaginator(DeferredJoinPaginator):
    """The demand list's pages, counted and keyed on the demand table alone: every page reads its keys first (the
    filtered, ordered demands, LIMIT/OFFSET, no join), then those rows by key alone with their related names as
    columns (`selectors.api_list_page`). Joined before the LIMIT, a filter the planner misjudges (a search's pairs
    and LIKE together: 2 rows expected, 453 found) had every match joined to its enterprise and categories and then
    sorted; the keys-first read sorts the demand rows only. Rows and order are those of a plain slice."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = self.object_list
        if rows.ordered:
            keys = list(rows.values_list("pk", flat=True)[bottom:top])
            return self._get_page(selectors.api_list_page(keys), number, self)
        return self._get_page(selectors.with_list_names(rows)[bottom:top], number, self)


class DemandPagination(StandardPagination):
    django_paginator_class = DemandListPaginator


class DemandViewSet(RestrictedViewSetMixin, mixins.CreateModelMixin, mixins.ListModelMixin,
                    mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Enterprise demands (诉求) and their workflow: accept → start → resolve → rate (→ closed, or reopened
    when dissatisfied), with transfer and co-handling. `category` is a stable code such as "logistics" or
    "logistics.road" (see /api/v1/demand-categories/)."""

    queryset = Demand.objects.all()
    serializer_class = DemandSerializer
    filterset_class = DemandFilterSet
    pagination_class = DemandPagination

    def get_queryset(self):
        user = self.request.user
        if self.action == "retrieve":
            qs = selectors.demand_detail(user=user)
        elif self.action == "list":
            qs = selectors.demand_list_with_timeline(user=user)
        else:
            qs = selectors.demand_list(user=user)
        return qs.order_by("-submitted_at", "-id")

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None and self.action == "list":
            selectors.attach_timelines(page)
        return page

    def get_serializer_class(self):
        if self.action == "create":
            return DemandCreateSerializer
        if self.action == "retrieve":
            return DemandDetailSerializer
        return DemandSerializer

    def _detail_response(self, demand, code=status.HTTP_200_OK):
        fresh = selectors.demand_detail(user=self.request.user).filter(pk=demand.pk).first()
        if fresh is None:  # e.g. transferred away from the caller's department: it no longer sees it
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(DemandDetailSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=DemandCreateSerializer, responses={201: DemandDetailSerializer})
    def create(self, request, *args, **kwargs):
        _ensure_right(request.user, "raise_demand", Enterprise)
        ser = DemandCreateSerializer(data=request.data, context=self.get_serializer_context())
        ser.is_valid(raise_exception=True)
        data = ser.validated_data
        demand = services.demand_create(
            actor=request.user, enterprise=data.get("enterprise"), category=data["category"],
            urgency=data["urgency"], title=data["title"], description=data["description"],
            chain_node=data.get("chain_node"), project_ref=data.get("project"), visit=data.get("visit"),
            channel=Channel.API)
        return self._detail_response(demand, status.HTTP_201_CREATED)

    def _step(self, request, name: str, serializer_class=None):
        """One declared step of `workflows.DEMAND`, its input validated by the transition's serializer."""
        demand = self.get_object()
        ser = (serializer_class or DEMAND[name].serializer_class)(data=request.data,
                                                                  context=self.get_serializer_context())
        ser.is_valid(raise_exception=True)
        services.demand_transition(actor=request.user, demand=demand, action=name, data=ser.validated_data)
        return self._detail_response(demand)

    @extend_schema(request=AcceptSerializer, responses=DemandDetailSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Name the one coordinating department (city bureau, or the enterprise's district bureau)."""
        return self._step(request, "accept")

    @extend_schema(request=StartSerializer, responses=DemandDetailSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        """The coordinating department starts handling."""
        return self._step(request, "start")

    @extend_schema(request=TransferSerializer, responses=DemandDetailSerializer)
    @action(detail=True, methods=["post"])
    def transfer(self, request, pk=None):
        """Hand over to another department with a reason (coordinating department, city or district bureau)."""
        return self._step(request, "transfer")

    @extend_schema(request=CohandleSerializer, responses=DemandDetailSerializer)
    @action(detail=True, methods=["post"])
    def cohandle(self, request, pk=None):
        """Open a co-handling task for another department; the coordinator stays accountable."""
        return self._step(request, "cohandle")

    @extend_schema(request=ResolveSerializer, responses=DemandDetailSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        return self._step(request, "resolve")

    @extend_schema(request=RateSerializer, responses=DemandDetailSerializer)
    @action(detail=True, methods=["post"])
    def rate(self, request, pk=None):
        """The enterprise's own verdict; `dissatisfied` reopens the demand to in_progress."""
        return self._step(request, "rate")

    @extend_schema(
        parameters=[OpenApiParameter("from", OpenApiTypes.DATE), OpenApiParameter("to", OpenApiTypes.DATE),
                    OpenApiParameter("district", str, description="GB/T 2260 code"),
                    OpenApiParameter("category", str, description="category code (a group includes its children)"),
                    OpenApiParameter("department", int), OpenApiParameter("chain", int),
                    OpenApiParameter("cadre", int),
                    OpenApiParameter("by", str, enum=["category", "department", "district", "chain", "cadre",
                                                      "month"])],
        responses=StatsSerializer)
    @action(detail=False, methods=["get"], url_path="stats", filterset_class=None, pagination_class=None)
    def stats(self, request):
        """KPIs of demands submitted in the period, from the pre-aggregated table. Rates are percentages."""
        user = request.user
        if not can(user, "view", DemandDailyStat):
            raise exceptions.NotFound()
        q = StatsQuerySerializer(data=request.query_params)
        q.is_valid(raise_exception=True)
        p = q.validated_data
        qs = selectors.stats_rows(user=user, date_from=p.get("from"), date_to=p.get("to"),
                                  district=p.get("district"), category=p.get("category"),
                                  department=p.get("department"), chain=p.get("chain"), cadre=p.get("cadre"))
        data = selectors.stats_summary(qs)
        if p.get("by"):
            data["breakdown"] = selectors.stats_breakdown(qs, p["by"], limit=200)
        return Response(data)


class SystemicAlertViewSet(RestrictedReadOnlyViewSet):
    """Systemic-problem alerts (several enterprises of a district or chain with the same problem in a week)."""

    queryset = SystemicAlert.objects.select_related("category", "category__parent").prefetch_related(
        Prefetch("demands", queryset=Demand.objects.only("id"))).order_by("-window_end", "-id")
    serializer_class = SystemicAlertSerializer
    filterset_class = SystemicAlertFilterSet

    @extend_schema(request=AcknowledgeSerializer, responses=SystemicAlertSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        alert = self.get_object()
        ser = AcknowledgeSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        alert = services.systemic_alert_acknowledge(actor=request.user, alert=alert, note=ser.validated_data["note"])
        return Response(SystemicAlertSerializer(alert, context=self.get_serializer_context()).data)


class NotificationViewSet(RestrictedReadOnlyViewSet):
    """The caller's own inbox."""

    queryset = Notification.objects.all()
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilterSet

    def get_queryset(self):
        return selectors.inbox(user=self.request.user).order_by("-created", "-id")

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        n = self.get_object()
        services.notification_mark_read(actor=request.user, notifications=Notification.objects.filter(pk=n.pk))
        n.refresh_from_db()
        return Response(NotificationSerializer(n).data)

    @extend_schema(request=None, responses=OpenApiTypes.OBJECT)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        n = services.notification_mark_read(actor=request.user, notifications=self.get_queryset())
        return Response({"marked": n})
