from django.db.models import Prefetch

from industry_brain.core.api import RestrictedReadOnlyViewSet

from ..choices import segment_order
from ..models import Chain, ChainMaster, ChainNode, Ecosystem, NodeLink
from .serializers import ChainSerializer, EcosystemSerializer


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
