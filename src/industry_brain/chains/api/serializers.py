from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Chain, ChainMaster, ChainMembership, ChainNode, Ecosystem, NodeLink


class ChainBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Chain
        fields = ["id", "code", "name"]


class EcosystemSerializer(serializers.ModelSerializer):
    chains = ChainBriefSerializer(many=True, read_only=True)

    class Meta:
        model = Ecosystem
        fields = ["id", "code", "name", "leader", "description", "chains"]


class ChainNodeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChainNode
        fields = ["id", "name", "segment", "is_key"]


class NodeLinkSerializer(serializers.ModelSerializer):
    class Meta:
        model = NodeLink
        fields = ["supplier", "customer"]


class ChainSerializer(serializers.ModelSerializer):
    nodes = ChainNodeSerializer(many=True, read_only=True)
    links = serializers.SerializerMethodField()
    chain_masters = serializers.SerializerMethodField()

    class Meta:
        model = Chain
        fields = ["id", "code", "name", "ecosystem", "leader", "description", "nodes", "links", "chain_masters"]

    def get_links(self, chain) -> list[dict]:
        return [{"supplier": link.supplier_id, "customer": link.customer_id}
                for node in chain.nodes.all() for link in node.supplies.all()]

    def get_chain_masters(self, chain) -> list[int]:
        return [m.enterprise_id for m in chain.masters.all() if m.status == "designated"]


class ChainMasterSerializer(serializers.ModelSerializer):
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = ChainMaster
        fields = ["id", "chain", "enterprise", "status", "nominated_on", "designated_on", "reason", "allowed_actions"]
        read_only_fields = ["status", "nominated_on", "designated_on"]

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=["designate", "revoke"]),
                                               help_text="The steps the caller may take now."))
    def get_allowed_actions(self, obj) -> list[str]:
        from ..nominations import CHAIN_MASTER

        request = self.context.get("request")
        return CHAIN_MASTER.allowed_names(obj, request.user) if request is not None else []


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class ChainMembershipSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChainMembership
        fields = ["id", "enterprise", "node", "main_product", "status", "proposed_by", "decided_by", "decided_at",
                  "decision_note"]
        read_only_fields = ["status", "proposed_by", "decided_by", "decided_at", "decision_note"]


class MembershipDecisionSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=200)


class MembershipRejectionSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=200)
