from rest_framework import serializers

from industry_brain.chains.models import ChainNode
from industry_brain.core.models import IndustryDivision

from ..models import Brain, OperatingReport


class BrainSerializer(serializers.ModelSerializer):
    linked_firms = serializers.IntegerField(read_only=True)
    nodes = serializers.PrimaryKeyRelatedField(queryset=ChainNode.objects.all(), many=True, required=False)
    industries = serializers.PrimaryKeyRelatedField(queryset=IndustryDivision.objects.all(), many=True,
                                                    required=False)

    class Meta:
        model = Brain
        fields = ["id", "code", "name", "description", "keywords", "nodes", "industries", "linked_firms",
                  "linked_local", "linked_external", "computed_at"]
        read_only_fields = ["linked_local", "linked_external", "computed_at"]


class BrainNodeSerializer(serializers.Serializer):
    node = serializers.IntegerField()
    name = serializers.CharField()
    chain = serializers.CharField()
    local_firms = serializers.IntegerField()
    output = serializers.DecimalField(max_digits=20, decimal_places=2, allow_null=True,
                                      help_text="last year's revenue of the node's firms (万元); null under 3 firms")


class BrainDetailSerializer(BrainSerializer):
    nodes = BrainNodeSerializer(source="node_rows", many=True, read_only=True)

    class Meta(BrainSerializer.Meta):
        fields = BrainSerializer.Meta.fields


class OperatingReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = OperatingReport
        fields = ["id", "brain", "enterprise", "period", "capacity_use", "orders", "inventory", "price_index"]
        read_only_fields = ["brain", "enterprise"]
