"""API serializers of the policies app (the contract's fields first; extra fields are additive)."""

from django.utils import timezone
from rest_framework import serializers

from ..models import Eligibility, LedgerEntry, Policy, PolicyItem, RuleVersion
from ..services import eligibility_trace


class RuleVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = RuleVersion
        fields = ["id", "number", "effective_from", "effective_to", "period", "conditions", "exclusions", "amount",
                  "params", "tests", "reference"]
        read_only_fields = ["number"]


class PolicyItemSerializer(serializers.ModelSerializer):
    amount = serializers.SerializerMethodField()
    effective_from = serializers.SerializerMethodField()
    effective_to = serializers.SerializerMethodField()

    class Meta:
        model = PolicyItem
        fields = ["id", "policy", "code", "name", "kind", "mode", "amount", "effective_from", "effective_to",
                  "measure_kind", "beneficiaries", "conditions_text", "payout_working_days", "confirm_working_days",
                  "phone", "budget_year", "budget_cap", "exclusive_group", "apply_deadline", "is_active"]

    def _version(self, obj):
        cache = self.context.setdefault("_versions", {})
        if obj.pk not in cache:
            cache[obj.pk] = obj.version_on(timezone.localdate()) or obj.versions.order_by("-effective_from").first()
        return cache[obj.pk]

    def get_amount(self, obj) -> dict | None:
        v = self._version(obj)
        return v.amount if v else None

    def get_effective_from(self, obj) -> str | None:
        v = self._version(obj)
        return v.effective_from.isoformat() if v else None

    def get_effective_to(self, obj) -> str | None:
        v = self._version(obj)
        return v.effective_to.isoformat() if v and v.effective_to else None


class PolicySerializer(serializers.ModelSerializer):
    items = PolicyItemSerializer(many=True, read_only=True)

    class Meta:
        model = Policy
        fields = ["id", "name", "document_no", "level", "department", "district", "legal_basis", "summary",
                  "published_on", "items"]


class EligibilitySerializer(serializers.ModelSerializer):
    trace = serializers.SerializerMethodField()
    item_name = serializers.CharField(source="item.name", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    version = serializers.IntegerField(source="version.number", read_only=True)

    class Meta:
        model = Eligibility
        fields = ["id", "enterprise", "enterprise_name", "item", "item_name", "result", "trace", "missing",
                  "status", "amount", "version", "inputs", "as_of", "computed_at", "notified_at", "deadline",
                  "read_at", "confirmed_at", "paid_at", "paid_amount", "reason", "superseded_by", "supplied"]

    def get_trace(self, obj) -> list:
        return [{"condition": t["condition"], "value": t.get("value"), "passed": t["passed"],
                 "year": t.get("year"), "source": t.get("source"), "exclusion": t.get("exclusion", False)}
                for t in eligibility_trace(obj)]


class ConfirmSerializer(serializers.Serializer):
    bank_name = serializers.CharField(max_length=100)
    bank_account = serializers.CharField(max_length=40)


class PolicyReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class PaySerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False)
    paid_on = serializers.DateField(required=False)


class SupplySerializer(serializers.Serializer):
    values = serializers.DictField(child=serializers.CharField(allow_blank=True))


class EvaluateSerializer(serializers.Serializer):
    as_of = serializers.DateField(required=False)


class LedgerEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = LedgerEntry
        fields = ["id", "year", "month", "kind", "basis", "amount", "district", "industry", "size", "policy",
                  "enterprise", "department", "source", "eligibility", "batch", "note"]
