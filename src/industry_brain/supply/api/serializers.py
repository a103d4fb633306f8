"""API serializers of the supply module (field names fixed by the API contract)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from industry_brain.chains.models import ChainNode
from industry_brain.core.api import ScopedPrimaryKeyRelatedField
from industry_brain.enterprises.models import Enterprise

from ..choices import FirmStatus, TtrSource
from ..models import (
    BomLine,
    Emergency,
    ExternalFirm,
    FirmProfile,
    MatchReview,
    Material,
    RecoveryEstimate,
    Scenario,
    ScenarioResult,
    ScenarioRun,
    SupplyLink,
    WhitelistEntry,
)


class MaterialSerializer(serializers.ModelSerializer):
    node = serializers.PrimaryKeyRelatedField(queryset=ChainNode.objects.all(), required=False, allow_null=True)

    class Meta:
        model = Material
        fields = ["id", "name", "unit", "node", "hs_code"]


class ExternalFirmSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExternalFirm
        fields = ["id", "name", "uscc", "region", "address", "lat", "lon", "monthly_capacity", "inventory"]
        read_only_fields = ["lat", "lon"]
        validators: list = []


class SupplyLinkSerializer(serializers.ModelSerializer):
    supplier_enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all(), required=False,
                                                             allow_null=True)
    supplier_external = serializers.PrimaryKeyRelatedField(queryset=ExternalFirm.objects.all(), required=False,
                                                           allow_null=True)
    customer = ScopedPrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    material = serializers.PrimaryKeyRelatedField(queryset=Material.objects.all())
    supplier_name = serializers.SerializerMethodField()

    class Meta:
        model = SupplyLink
        fields = ["id", "supplier_enterprise", "supplier_external", "supplier_name", "customer", "material", "share",
                  "monthly_volume"]
        validators: list = []

    def get_supplier_name(self, obj) -> str:
        return obj.supplier.name if obj.supplier else ""

    def validate(self, attrs):
        inst = self.instance
        se = attrs.get("supplier_enterprise", getattr(inst, "supplier_enterprise", None))
        sx = attrs.get("supplier_external", getattr(inst, "supplier_external", None))
        if bool(se) == bool(sx):
            raise serializers.ValidationError({"supplier_enterprise": [_(
                "Give exactly one supplier: supplier_enterprise or supplier_external.")]})
        return attrs


class FirmProfileSerializer(serializers.ModelSerializer):
    enterprise = ScopedPrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    product = serializers.PrimaryKeyRelatedField(queryset=Material.objects.all())

    class Meta:
        model = FirmProfile
        fields = ["id", "enterprise", "product", "monthly_capacity", "monthly_output", "inventory", "unit_value"]
        validators: list = []


class BomLineSerializer(serializers.ModelSerializer):
    enterprise = ScopedPrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    material = serializers.PrimaryKeyRelatedField(queryset=Material.objects.all())

    class Meta:
        model = BomLine
        fields = ["id", "enterprise", "material", "per_unit", "inventory"]
        validators: list = []


class RecoveryEstimateSerializer(serializers.ModelSerializer):
    # Only sites the caller sees: another id is answered as one that does not exist.
    supplier_enterprise = ScopedPrimaryKeyRelatedField(queryset=Enterprise.objects.all(), required=False,
                                                       allow_null=True)
    supplier_external = ScopedPrimaryKeyRelatedField(queryset=ExternalFirm.objects.all(), required=False,
                                                     allow_null=True)
    source = serializers.ChoiceField(choices=TtrSource.choices)

    class Meta:
        model = RecoveryEstimate
        fields = ["id", "supplier_enterprise", "supplier_external", "ttr_days", "source", "note"]
        validators: list = []


class MatchReviewSerializer(serializers.ModelSerializer):
    new_firm_name = serializers.CharField(source="new_firm.name", read_only=True)
    candidate_name = serializers.SerializerMethodField()

    class Meta:
        model = MatchReview
        fields = ["id", "new_firm", "new_firm_name", "candidate_enterprise", "candidate_external", "candidate_name",
                  "score", "status"]

    def get_candidate_name(self, obj) -> str:
        c = obj.candidate_enterprise or obj.candidate_external
        return c.name if c else ""


# ---------------------------------------------------------------------------------------------- analysis

class AnalyseNodeSerializer(serializers.Serializer):
    id = serializers.CharField(max_length=100)
    capacity = serializers.FloatField(min_value=0, required=False, allow_null=True, default=None)
    inventory = serializers.FloatField(min_value=0, required=False, default=0)
    demand = serializers.FloatField(min_value=0, required=False, default=0)
    unit_value = serializers.FloatField(min_value=0, required=False, default=0)


class AnalyseLinkSerializer(serializers.Serializer):
    supplier = serializers.CharField(max_length=100)
    customer = serializers.CharField(max_length=100)
    material = serializers.CharField(max_length=100)
    per_unit = serializers.FloatField(min_value=1e-9)


class AnalyseScenarioSerializer(serializers.Serializer):
    id = serializers.CharField(max_length=100)
    down = serializers.ListField(child=serializers.CharField(max_length=100), allow_empty=True)
    periods = serializers.FloatField(min_value=0)


class AnalyseSerializer(serializers.Serializer):
    nodes = AnalyseNodeSerializer(many=True, allow_empty=False)
    links = AnalyseLinkSerializer(many=True)
    scenarios = AnalyseScenarioSerializer(many=True, allow_empty=False)
    tts_cap = serializers.FloatField(min_value=1, max_value=1e6, required=False, default=999)

    def validate(self, attrs):
        ids = [n["id"] for n in attrs["nodes"]]
        if len(set(ids)) != len(ids):
            raise serializers.ValidationError({"nodes": [_("Node ids must be unique.")]})
        if len(ids) > 20000 or len(attrs["links"]) > 200000 or len(attrs["scenarios"]) > 500:
            raise serializers.ValidationError({"detail": [_(
                "At most 20,000 nodes, 200,000 links and 500 scenarios per request.")]})
        known = set(ids)
        errors = {}
        for i, link in enumerate(attrs["links"]):
            for f in ("supplier", "customer"):
                if link[f] not in known:
                    errors.setdefault("links", []).append(_("Link %(i)s: unknown node %(id)s in %(field)s.") % {
                        "i": i, "id": link[f], "field": f})
            if link["supplier"] == link["customer"]:
                errors.setdefault("links", []).append(_("Link %(i)s: a node cannot supply itself.") % {"i": i})
        per = {}
        for i, link in enumerate(attrs["links"]):
            key = (link["customer"], link["material"])
            if key in per and per[key] != link["per_unit"]:
                errors.setdefault("links", []).append(_(
                    "Link %(i)s: per_unit of %(material)s for %(customer)s differs from an earlier link.") % {
                    "i": i, "material": link["material"], "customer": link["customer"]})
            per[key] = link["per_unit"]
        for i, sc in enumerate(attrs["scenarios"]):
            unknown = [d for d in sc["down"] if d not in known]
            if unknown:
                errors.setdefault("scenarios", []).append(_("Scenario %(i)s: unknown nodes %(ids)s.") % {
                    "i": i, "ids": ", ".join(unknown)})
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class AnalyseResultSerializer(serializers.Serializer):
    scenario = serializers.CharField()
    pi = serializers.FloatField()
    rei = serializers.FloatField()
    tts = serializers.FloatField()
    tts_capped = serializers.BooleanField()
    lost_units = serializers.DictField(child=serializers.FloatField())


# ---------------------------------------------------------------------------------------------- scenarios

class ScenarioRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = ScenarioRun
        fields = ["id", "status", "progress", "started_at", "finished_at", "solver_status", "lp_rows", "lp_columns",
                  "lp_nonzeros", "timings", "summary", "error"]


class ScenarioSerializer(serializers.ModelSerializer):
    regions = serializers.ListField(child=serializers.CharField(max_length=6), required=False, default=list)
    districts = serializers.ListField(child=serializers.CharField(max_length=6), required=False, default=list)
    enterprises = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    materials = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    capacity_loss = serializers.DecimalField(max_digits=4, decimal_places=3, min_value=0, max_value=1, required=False,
                                             default=1)
    last_run = ScenarioRunSerializer(read_only=True)

    class Meta:
        model = Scenario
        fields = ["id", "name", "regions", "districts", "enterprises", "materials", "periods", "capacity_loss",
                  "status", "last_run"]
        read_only_fields = ["status"]


class AlternativeSerializer(serializers.Serializer):
    supplier_enterprise = serializers.IntegerField(allow_null=True)
    supplier_external = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    spare_capacity = serializers.FloatField()
    distance_km = serializers.FloatField(allow_null=True)
    scope = serializers.CharField()
    reason = serializers.CharField()


class ScenarioResultSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    chain_name = serializers.CharField(source="chain.name", read_only=True, default=None)
    missing_material_name = serializers.CharField(source="missing_material.name", read_only=True, default=None)
    alternatives = AlternativeSerializer(many=True, read_only=True)

    class Meta:
        model = ScenarioResult
        fields = ["id", "rank", "enterprise", "enterprise_name", "district", "chain", "chain_name", "tts_days",
                  "tts_capped", "ttr_days", "shortfall_days", "flagged", "stops_on_day", "missing_material",
                  "missing_material_name", "lost_units", "lost_value", "rei", "alternatives"]


class RaiseDemandSerializer(serializers.Serializer):
    alternative = serializers.IntegerField(min_value=0)


class PostNeedSerializer(serializers.Serializer):
    alternatives = serializers.ListField(child=serializers.IntegerField(min_value=0), required=False,
                                         help_text="indexes of the alternatives to attach (default: all)")


# ---------------------------------------------------------------------------------------------- emergency

class EmergencySerializer(serializers.ModelSerializer):
    regions = serializers.ListField(child=serializers.CharField(max_length=6), required=False, default=list)
    districts = serializers.ListField(child=serializers.CharField(max_length=6), required=False, default=list)
    active = serializers.BooleanField(read_only=True)

    class Meta:
        model = Emergency
        fields = ["id", "name", "regions", "districts", "started_on", "ended_on", "reason", "active", "status",
                  "scenario", "coordinator", "team"]
        read_only_fields = ["ended_on", "status"]


class WhitelistEntrySerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)

    class Meta:
        model = WhitelistEntry
        fields = ["id", "enterprise", "enterprise_name", "status", "reason", "rei"]


class DailyReportSerializer(serializers.Serializer):
    enterprise = ScopedPrimaryKeyRelatedField(queryset=Enterprise.objects.all(), required=False)
    date = serializers.DateField()
    status = serializers.ChoiceField(choices=FirmStatus.choices)
    capacity_use = serializers.DecimalField(max_digits=4, decimal_places=3, min_value=0, max_value=1)
    issue = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class EmergencyRequestSerializer(serializers.Serializer):
    enterprise = ScopedPrimaryKeyRelatedField(queryset=Enterprise.objects.all(), required=False)
    kind = serializers.ChoiceField(choices=[("transport_pass", "transport_pass"), ("coordination", "coordination")])
    title = serializers.CharField(max_length=200)
    description = serializers.CharField()


class WhitelistDecisionSerializer(serializers.Serializer):
    entry = serializers.IntegerField()
    action = serializers.ChoiceField(choices=[("confirm", "confirm"), ("remove", "remove")])
