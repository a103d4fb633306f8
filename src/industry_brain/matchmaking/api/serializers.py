"""API shapes of the matchmaking module (contract: "Matchmaking, industry brains, chain gaps")."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from industry_brain.chains.models import Chain, ChainNode
from industry_brain.core.api import ScopedPrimaryKeyRelatedField
from industry_brain.enterprises.models import Enterprise

from ..choices import IntentionKind, ParticipantRole
from ..models import AttractionTarget, Event, Intention, Listing, Meeting, Registration


class ListingSerializer(serializers.ModelSerializer):
    enterprise = ScopedPrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    node = serializers.PrimaryKeyRelatedField(queryset=ChainNode.objects.all(), allow_null=True, required=False)
    node_name = serializers.SerializerMethodField()

    class Meta:
        model = Listing
        fields = ["id", "enterprise", "enterprise_name", "kind", "title", "material", "node", "node_name",
                  "description", "capacity", "volume", "unit", "certifications", "lead_time_days",
                  "quality_requirements", "needed_by", "expires_on", "status", "created"]
        read_only_fields = ["status", "created"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_node_name(self, obj) -> str | None:
        return obj.node.name if obj.node_id else None


class RenewSerializer(serializers.Serializer):
    expires_on = serializers.DateField()


class RecommendationSerializer(serializers.Serializer):
    """A recommended partner: a registered firm's listing (`scope` local) or, after those, an in-province outside
    supplier from the supply network (`scope` province: `enterprise` and `listing` null, `external_firm` set)."""

    scope = serializers.ChoiceField(choices=[("local", "local"), ("province", "province")])
    enterprise = serializers.IntegerField(source="enterprise_id", allow_null=True)
    enterprise_name = serializers.SerializerMethodField()
    external_firm = serializers.IntegerField(source="external_firm_id", allow_null=True)
    name = serializers.CharField()
    region = serializers.SerializerMethodField()
    listing = serializers.SerializerMethodField()
    title = serializers.CharField()
    score = serializers.FloatField()
    reasons = serializers.ListField(child=serializers.CharField())
    distance_km = serializers.FloatField(allow_null=True)
    spare_capacity = serializers.DecimalField(source="spare", max_digits=14, decimal_places=2, allow_null=True)

    def get_enterprise_name(self, obj) -> str | None:
        return obj.listing.enterprise.name if obj.listing is not None else None

    def get_region(self, obj) -> str | None:
        return obj.external.region if obj.external is not None else None

    def get_listing(self, obj) -> int | None:
        return obj.listing.pk if obj.listing is not None else None


class EventSerializer(serializers.ModelSerializer):
    chain = serializers.PrimaryKeyRelatedField(queryset=Chain.objects.all())
    chain_name = serializers.CharField(source="chain.name", read_only=True)

    class Meta:
        model = Event
        fields = ["id", "name", "chain", "chain_name", "date", "place", "organiser", "format", "status", "slots",
                  "slot_minutes"]
        read_only_fields = ["status"]


class RegistrationSerializer(serializers.ModelSerializer):
    enterprise = ScopedPrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    role = serializers.ChoiceField(choices=ParticipantRole.choices, default=ParticipantRole.BOTH)

    class Meta:
        model = Registration
        fields = ["id", "event", "enterprise", "enterprise_name", "role", "invited", "attended"]
        read_only_fields = ["event", "invited", "attended"]


class AttendanceSerializer(serializers.Serializer):
    attended = serializers.ListField(child=serializers.IntegerField(), help_text="ids of the firms that came")


class MeetingSerializer(serializers.ModelSerializer):
    buyer_name = serializers.CharField(source="buyer.name", read_only=True)
    seller_name = serializers.CharField(source="seller.name", read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "event", "buyer", "buyer_name", "seller", "seller_name", "slot", "table", "score"]
        read_only_fields = fields


class IntentionSerializer(serializers.ModelSerializer):
    buyer = ScopedPrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    seller = ScopedPrimaryKeyRelatedField(queryset=Enterprise.objects.all(), allow_null=True, required=False)
    buyer_name = serializers.CharField(source="buyer.name", read_only=True)
    seller_name = serializers.SerializerMethodField()
    kind = serializers.ChoiceField(choices=IntentionKind.choices)

    class Meta:
        model = Intention
        fields = ["id", "event", "kind", "buyer", "buyer_name", "seller", "seller_name", "lender", "product",
                  "amount", "status", "signed_amount", "signed_on", "delivered_amount", "delivered_on", "drop_reason",
                  "owner", "follow_up_due", "repeat_of"]
        read_only_fields = ["event", "status", "signed_amount", "signed_on", "delivered_amount", "delivered_on",
                            "drop_reason", "follow_up_due", "repeat_of", "owner"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_seller_name(self, obj) -> str | None:
        return obj.seller.name if obj.seller_id else None


class IntentionSignSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True,
                                      help_text="signed amount in 10k yuan (default: the declared amount)")
    signed_on = serializers.DateField(required=False, allow_null=True)


class IntentionDeliverSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
    delivered_on = serializers.DateField(required=False, allow_null=True)


class DropReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class EventStatsQuerySerializer(serializers.Serializer):
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)

    def validate(self, attrs):
        if attrs.get("date_from") and attrs.get("date_to") and attrs["date_from"] > attrs["date_to"]:
            raise serializers.ValidationError({"from": ["`from` is after `to`."]})
        return attrs


class EventStatsSerializer(serializers.Serializer):
    events = serializers.IntegerField()
    participants = serializers.IntegerField()
    orders_declared = serializers.DecimalField(max_digits=16, decimal_places=2)
    orders_signed = serializers.DecimalField(max_digits=16, decimal_places=2)
    orders_delivered = serializers.DecimalField(max_digits=16, decimal_places=2)
    financing_declared = serializers.DecimalField(max_digits=16, decimal_places=2)
    financing_signed = serializers.DecimalField(max_digits=16, decimal_places=2)
    intentions = serializers.IntegerField()
    open = serializers.IntegerField()
    dropped = serializers.IntegerField()
    summary = serializers.CharField()


class TargetSerializer(serializers.ModelSerializer):
    chain = serializers.PrimaryKeyRelatedField(queryset=Chain.objects.all())
    node = serializers.PrimaryKeyRelatedField(queryset=ChainNode.objects.all())
    node_name = serializers.CharField(source="node.name", read_only=True)

    class Meta:
        model = AttractionTarget
        fields = ["id", "chain", "node", "node_name", "name", "uscc", "region", "source", "score", "status", "note",
                  "project"]
        read_only_fields = ["status", "project"]


class TargetNoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class TargetSignSerializer(serializers.Serializer):
    """The investment project registered for the signed target (fields of `POST /projects/`)."""

    code = serializers.CharField(max_length=40)
    name = serializers.CharField(max_length=200)
    district = serializers.CharField(max_length=6)
    total_investment = serializers.DecimalField(max_digits=14, decimal_places=2)
    actual_signed = serializers.DateField()
    planned_start = serializers.DateField(required=False)


class LeadingFirmSerializer(serializers.Serializer):
    enterprise = serializers.IntegerField()
    name = serializers.CharField()
    output = serializers.FloatField(allow_null=True, help_text="Last year's revenue (万元); null when the reader may "
                                                               "not see the firm's figures.")


class GapNodeSerializer(serializers.Serializer):
    node = serializers.IntegerField()
    name = serializers.CharField()
    segment = serializers.CharField()
    local_firms = serializers.IntegerField()
    demand_volume = serializers.DecimalField(max_digits=20, decimal_places=2)
    local_share = serializers.FloatField(allow_null=True)
    outside_share = serializers.FloatField(allow_null=True)
    external_suppliers = serializers.IntegerField()
    gap = serializers.FloatField(allow_null=True)
    gap_rank = serializers.IntegerField(allow_null=True)
    leading_firms = LeadingFirmSerializer(many=True, required=False)


class ChainGapsSerializer(serializers.Serializer):
    chain = serializers.IntegerField()
    name = serializers.CharField()
    completeness = serializers.FloatField()
    formula = serializers.CharField()
    nodes = GapNodeSerializer(many=True)
