"""API viewsets of the matchmaking module. Out of scope answers 404 (like missing); a step by someone who sees
the object but is not the one to take it 403; a step the status does not allow 409."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from industry_brain.core.api import RestrictedListCreateViewSet
from industry_brain.core.permissions import can

from .. import selectors, services
from ..models import AttractionTarget, Event, Intention, Listing
from .serializers import (
    AttendanceSerializer,
    ChainGapsSerializer,
    DropReasonSerializer,
    EventSerializer,
    EventStatsSerializer,
    IntentionDeliverSerializer,
    IntentionSerializer,
    IntentionSignSerializer,
    ListingSerializer,
    MeetingSerializer,
    RecommendationSerializer,
    RegistrationSerializer,
    RenewSerializer,
    TargetNoteSerializer,
    TargetSerializer,
    TargetSignSerializer,
)


class ListingViewSet(RestrictedListCreateViewSet):
    """Supply and demand listings (供需清单) in the caller's scope; a firm publishes its own, bureau staff on a
    firm's behalf."""

    queryset = Listing.objects.all()
    serializer_class = ListingSerializer
    filterset_fields = ["kind", "status", "enterprise", "node"]

    def get_queryset(self):
        return selectors.listing_list(user=self.request.user).order_by("-created", "-id")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        enterprise = data.pop("enterprise")  # named within the caller's scope (ScopedPrimaryKeyRelatedField)
        serializer.instance = services.listing_publish(actor=self.request.user, enterprise=enterprise, data=data)

    @extend_schema(responses=RecommendationSerializer(many=True))
    @action(detail=True, methods=["get"])
    def recommendations(self, request, pk=None):
        """Ranked partners for this listing (suppliers for a need, buyers for an offer), each with its reasons."""
        listing = self.get_object()
        rows = selectors.recommendations(user=request.user, listing=listing)
        return Response(RecommendationSerializer(rows, many=True).data)

    @extend_schema(request=RenewSerializer, responses=ListingSerializer)
    @action(detail=True, methods=["post"])
    def renew(self, request, pk=None):
        listing = self.get_object()
        s = RenewSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        listing = services.listing_renew(actor=request.user, listing=listing, **s.validated_data)
        return Response(ListingSerializer(listing).data)

    @extend_schema(request=None, responses=ListingSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        listing = services.listing_withdraw(actor=request.user, listing=self.get_object())
        return Response(ListingSerializer(listing).data)


def _parse_date(value: str | None, field: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationError({field: ["Enter a date as YYYY-MM-DD."]}) from None


class EventViewSet(RestrictedListCreateViewSet):
    """Matchmaking events (对接会): registrations, one-to-one meetings, intentions, statistics."""

    queryset = Event.objects.all()
    serializer_class = EventSerializer
    filterset_fields = ["chain", "status"]

    def get_queryset(self):
        return selectors.event_list(user=self.request.user).order_by("-date", "-id")

    def perform_create(self, serializer):
        serializer.instance = services.event_create(actor=self.request.user, data=serializer.validated_data)

    def _step(self, request, name):
        event = services.event_step(actor=request.user, event=self.get_object(), action=name)
        return Response(EventSerializer(event).data)

    @extend_schema(request=None, responses=EventSerializer)
    @action(detail=True, methods=["post"], url_path="open")
    def open_registration(self, request, pk=None):
        return self._step(request, "open")

    @extend_schema(request=None, responses=EventSerializer)
    @action(detail=True, methods=["post"])
    def hold(self, request, pk=None):
        return self._step(request, "hold")

    @extend_schema(request=None, responses=EventSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._step(request, "close")

    @extend_schema(methods=["GET"], responses=RegistrationSerializer(many=True))
    @extend_schema(methods=["POST"], request=RegistrationSerializer, responses={201: RegistrationSerializer})
    @action(detail=True, methods=["get", "post"])
    def registrations(self, request, pk=None):
        event = self.get_object()
        if request.method == "GET":
            rows = selectors.registrations_for(user=request.user, event=event)
            return Response(RegistrationSerializer(rows, many=True).data)
        s = RegistrationSerializer(data=request.data, context={"request": request})
        s.is_valid(raise_exception=True)
        enterprise = s.validated_data["enterprise"]
        reg = services.registration_create(actor=request.user, event=event, enterprise=enterprise,
                                           role=s.validated_data["role"])
        return Response(RegistrationSerializer(reg).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AttendanceSerializer, responses=EventSerializer)
    @action(detail=True, methods=["post"])
    def attendance(self, request, pk=None):
        event = self.get_object()
        s = AttendanceSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        services.attendance_record(actor=request.user, event=event, attended_ids=set(s.validated_data["attended"]))
        return Response(EventSerializer(event).data)

    @extend_schema(methods=["GET"], responses=MeetingSerializer(many=True))
    @extend_schema(methods=["POST"], request=None, responses=MeetingSerializer(many=True))
    @action(detail=True, methods=["get", "post"])
    def meetings(self, request, pk=None):
        """GET: the schedule; POST: pre-match the registered firms and schedule their meetings without clashes."""
        event = self.get_object()
        if request.method == "POST":
            services.meetings_schedule(actor=request.user, event=event)
        return Response(MeetingSerializer(selectors.meetings_for(user=request.user, event=event), many=True).data)

    @extend_schema(methods=["GET"], responses=IntentionSerializer(many=True))
    @extend_schema(methods=["POST"], request=IntentionSerializer, responses={201: IntentionSerializer})
    @action(detail=True, methods=["get", "post"])
    def intentions(self, request, pk=None):
        event = self.get_object()
        if request.method == "GET":
            rows = selectors.intention_list(user=request.user).filter(event=event)
            return Response(IntentionSerializer(rows, many=True).data)
        s = IntentionSerializer(data=request.data, context={"request": request})
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data, event=event)
        it = services.intention_declare(actor=request.user, data=data)
        return Response(IntentionSerializer(it).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[OpenApiParameter("from", OpenApiTypes.DATE), OpenApiParameter("to", OpenApiTypes.DATE)],
                   responses=EventStatsSerializer)
    @action(detail=False, methods=["get"])
    def stats(self, request):
        """Events, distinct participating firms, orders and financing declared and signed (万元), and the
        sentence in the source's style; over the events and deals the caller may see."""
        date_from = _parse_date(request.query_params.get("from"), "from")
        date_to = _parse_date(request.query_params.get("to"), "to")
        if date_from and date_to and date_from > date_to:
            raise ValidationError({"from": ["`from` is after `to`."]})
        return Response(EventStatsSerializer(selectors.event_stats(user=request.user, date_from=date_from,
                                                               date_to=date_to)).data)


class IntentionViewSet(RestrictedListCreateViewSet):
    """Intentions and their follow-up: sign, deliver, or drop with a reason."""

    queryset = Intention.objects.all()
    serializer_class = IntentionSerializer
    filterset_fields = ["event", "kind", "status", "buyer", "seller"]

    def get_queryset(self):
        return selectors.intention_list(user=self.request.user).order_by("-created", "-id")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.intention_declare(actor=self.request.user, data=data)

    @extend_schema(request=IntentionSignSerializer, responses=IntentionSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        intention = self.get_object()
        s = IntentionSignSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        it = services.intention_sign(actor=request.user, intention=intention, **s.validated_data)
        return Response(IntentionSerializer(it).data)

    @extend_schema(request=IntentionDeliverSerializer, responses=IntentionSerializer)
    @action(detail=True, methods=["post"])
    def deliver(self, request, pk=None):
        intention = self.get_object()
        s = IntentionDeliverSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        it = services.intention_deliver(actor=request.user, intention=intention, **s.validated_data)
        return Response(IntentionSerializer(it).data)

    @extend_schema(request=DropReasonSerializer, responses=IntentionSerializer)
    @action(detail=True, methods=["post"])
    def drop(self, request, pk=None):
        intention = self.get_object()
        s = DropReasonSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        it = services.intention_drop(actor=request.user, intention=intention, reason=s.validated_data["reason"])
        return Response(IntentionSerializer(it).data)


class AttractionTargetViewSet(RestrictedListCreateViewSet):
    """Investment-attraction targets per weak chain node, followed to a signed investment project."""

    queryset = AttractionTarget.objects.all()
    serializer_class = TargetSerializer
    filterset_fields = ["chain", "node", "status"]

    def get_queryset(self):
        return selectors.target_list(user=self.request.user).order_by("chain", "-score", "id")

    def perform_create(self, serializer):
        serializer.instance = services.target_create(actor=self.request.user, data=serializer.validated_data)

    def _step(self, request, name):
        target = self.get_object()
        s = TargetNoteSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        target = services.target_step(actor=request.user, target=target, action=name, note=s.validated_data["note"])
        return Response(TargetSerializer(target).data)

    @extend_schema(request=TargetNoteSerializer, responses=TargetSerializer)
    @action(detail=True, methods=["post"])
    def contact(self, request, pk=None):
        return self._step(request, "contact")

    @extend_schema(request=TargetNoteSerializer, responses=TargetSerializer)
    @action(detail=True, methods=["post"])
    def visit(self, request, pk=None):
        return self._step(request, "visit")

    @extend_schema(request=TargetNoteSerializer, responses=TargetSerializer)
    @action(detail=True, methods=["post"])
    def negotiate(self, request, pk=None):
        return self._step(request, "negotiate")

    @extend_schema(request=TargetNoteSerializer, responses=TargetSerializer)
    @action(detail=True, methods=["post"])
    def drop(self, request, pk=None):
        return self._step(request, "drop")

    @extend_schema(request=TargetSignSerializer, responses=TargetSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        """Signed: the investment project is registered (projects module) and linked to the target."""
        target = self.get_object()
        s = TargetSignSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)
        data["district"] = data.pop("district")
        target = services.target_sign(actor=request.user, target=target, project=data)
        return Response(TargetSerializer(target).data)


MAX_PK = 2_147_483_647  # the largest id PostgreSQL's integer column holds


class ChainGapsView(APIView):
    """`GET /chains/{id}/gaps/`: per node the local firms, the share of local demand met locally and from outside
    the province, and the gap rank; with the chain's completeness score and its formula. The city and the chain's
    work team; anyone else 404."""

    @extend_schema(responses=ChainGapsSerializer)
    def get(self, request, pk):
        from industry_brain.chains.models import Chain

        from ..gaps import chain_gaps

        if not can(request.user, "read_gaps", Chain) or not 0 < pk <= MAX_PK:  # beyond the id column's range: missing
            raise Http404
        chain = Chain.objects.filter(pk=pk).first()
        if chain is None or not can(request.user, "read_gaps", chain):
            raise Http404
        return Response(ChainGapsSerializer(chain_gaps(chain, user=request.user)).data)
