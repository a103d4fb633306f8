from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.response import Response

from industry_brain.core.api import RestrictedListCreateViewSet, RestrictedReadOnlyViewSet

from .. import memberships, services
from ..choices import segment_order
from ..models import Chain, ChainMaster, ChainMembership, ChainNode, Ecosystem, NodeLink
from .serializers import (
    ChainMasterSerializer,
    ChainMembershipSerializer,
    ChainSerializer,
    EcosystemSerializer,
    MembershipDecisionSerializer,
    MembershipRejectionSerializer,
    ReasonSerializer,
)


class EcosystemViewSet(RestrictedReadOnlyViewSet):
    """The five industrial ecosystems and their chains."""

    queryset = Ecosystem.objects.prefetch_related("chains").order_by("order", "id")
    serializer_class = EcosystemSerializer
    pagination_class = None


class ChainViewSet(RestrictedReadOnlyViewSet):
    """Chains with their nodes, supply links and designated chain-masters."""

    queryset = Chain.objects.prefetch_related(
        Prefetch("nodes", queryset=ChainNode.objects.order_by(segment_order(), "order", "id").prefetch_related(
            Prefetch("supplies", queryset=NodeLink.objects.all()))),
        Prefetch("masters", queryset=ChainMaster.objects.all()),
    ).order_by("ecosystem__order", "order", "id")
    serializer_class = ChainSerializer
    filterset_fields = ["ecosystem"]


class ChainMasterViewSet(RestrictedListCreateViewSet):
    """Chain-master nominations (work teams, city) and designations/revocations (city)."""

    queryset = ChainMaster.objects.select_related("chain", "enterprise").order_by("chain", "enterprise")
    serializer_class = ChainMasterSerializer
    filterset_fields = ["chain", "status", "enterprise"]

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.chain_master_nominate(actor=self.request.user, chain=data["chain"],
                                                             enterprise=data["enterprise"], reason=data["reason"])

    @extend_schema(request=None, responses=ChainMasterSerializer)
    @action(detail=True, methods=["post"])
    def designate(self, request, pk=None):
        master = services.chain_master_designate(actor=request.user, master=self.get_object())
        return Response(ChainMasterSerializer(master, context=self.get_serializer_context()).data)

    @extend_schema(request=ReasonSerializer, responses=ChainMasterSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        body = ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        master = services.chain_master_revoke(actor=request.user, master=self.get_object(),
                                              reason=body.validated_data["reason"])
        return Response(ChainMasterSerializer(master, context=self.get_serializer_context()).data)


class ChainMembershipViewSet(RestrictedListCreateViewSet, mixins.DestroyModelMixin):
    """Enterprises placed in chain nodes. The city bureau places them (confirmed at once); the ecosystem's work
    team proposes them, and a proposal counts for scope and figures only once the city confirms it."""

    queryset = ChainMembership.objects.select_related("node").order_by("node", "enterprise")
    serializer_class = ChainMembershipSerializer
    filterset_fields = ["node", "enterprise", "node__chain", "status"]

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = memberships.membership_add(actor=self.request.user, node=data["node"],
                                                         enterprise=data["enterprise"],
                                                         main_product=data.get("main_product", ""))

    def perform_destroy(self, instance):
        memberships.membership_remove(actor=self.request.user, membership=instance)

    @extend_schema(request=MembershipDecisionSerializer, responses=ChainMembershipSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        body = MembershipDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        membership = memberships.membership_confirm(actor=request.user, membership=self.get_object(),
                                                    note=body.validated_data.get("note", ""))
        return Response(ChainMembershipSerializer(membership).data)

    @extend_schema(request=MembershipRejectionSerializer, responses=ChainMembershipSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        body = MembershipRejectionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        membership = memberships.membership_reject(actor=request.user, membership=self.get_object(),
                                                   note=body.validated_data["note"])
        return Response(ChainMembershipSerializer(membership).data)
