"""API serializers of tier cultivation (contract: API-CONTRACT.md, "Tiers and future factories")."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from industry_brain.core.api import ScopedPrimaryKeyRelatedField
from industry_brain.enterprises.models import Enterprise

from .. import engine
from ..choices import ApplicationType
from ..models import (
    EnterpriseTierFigures,
    Objection,
    RecognitionApplication,
    RecognitionRound,
    TierRule,
    TierRuleSet,
)


class TierRuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = TierRule
        fields = ["code", "indicator", "kind", "figure", "operator", "threshold", "bands", "direction", "inclusive",
                  "max_points", "group", "applies_if", "application_type", "source", "verification", "note"]


class TierRuleSetSerializer(serializers.ModelSerializer):
    rules = TierRuleSerializer(many=True, required=False)
    copy_from = serializers.PrimaryKeyRelatedField(queryset=TierRuleSet.objects.all(), required=False,
                                                   write_only=True, help_text=_("Copy the rules of this version."))

    class Meta:
        model = TierRuleSet
        fields = ["id", "tier", "level", "version", "name", "effective_from", "application_type", "source",
                  "verification", "note", "rules", "copy_from"]
        validators = []


class IndicatorSerializer(serializers.Serializer):
    code = serializers.CharField()
    indicator = serializers.CharField()
    kind = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    threshold = serializers.FloatField(allow_null=True)
    operator = serializers.CharField()
    passed = serializers.BooleanField(allow_null=True)
    gap = serializers.FloatField(allow_null=True)
    gap_text = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    source = serializers.CharField()
    verification = serializers.CharField()
    points = serializers.FloatField(allow_null=True)


class TierEvaluationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    enterprise = serializers.IntegerField(source="enterprise_id")
    enterprise_name = serializers.CharField(source="enterprise.name")
    tier = serializers.CharField()
    rule_set = serializers.IntegerField(source="rule_set_id")
    version = serializers.CharField(source="rule_set.version")
    as_of = serializers.DateField(source="run.as_of")
    eligible = serializers.BooleanField(allow_null=True)
    score = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    failed = serializers.IntegerField()
    missing = serializers.IntegerField()
    nearness = serializers.FloatField()
    route = serializers.SerializerMethodField()
    missing_figures = serializers.SerializerMethodField()
    indicators = serializers.SerializerMethodField()

    def _detail(self, obj) -> dict:
        return self.context.get("details", {}).get((obj.enterprise_id, obj.rule_set_id), {})

    def get_route(self, obj) -> list[str]:
        return self._detail(obj).get("route", [])

    def get_missing_figures(self, obj) -> list[str]:
        return self._detail(obj).get("missing_figures", [])

    def get_indicators(self, obj) -> list[dict]:
        return IndicatorSerializer(self._detail(obj).get("indicators", []), many=True).data


class RunSerializer(serializers.Serializer):
    as_of = serializers.DateField(required=False)
    application_type = serializers.ChoiceField(choices=ApplicationType.choices, default=ApplicationType.NEW)


class PoolRowSerializer(serializers.Serializer):
    enterprise = serializers.IntegerField(source="enterprise_id")
    enterprise_name = serializers.CharField(source="enterprise.name")
    district = serializers.CharField(source="enterprise.district_id")
    tier = serializers.CharField()
    failed = serializers.IntegerField()
    missing = serializers.IntegerField()
    nearness = serializers.FloatField()
    failing = serializers.SerializerMethodField()

    def get_failing(self, obj) -> list[dict]:
        detail = self.context.get("details", {}).get((obj.enterprise_id, obj.rule_set_id), {})
        return [{"code": i["code"], "indicator": i["indicator"], "value": i["value"], "threshold": i["threshold"],
                 "gap_text": i["gap_text"], "missing": i["missing"]}
                for i in detail.get("indicators", []) if i["kind"] == "gate" and (i["passed"] is False or i["missing"])]


class TierFiguresSerializer(serializers.ModelSerializer):
    enterprise = ScopedPrimaryKeyRelatedField(queryset=Enterprise.objects.all())

    class Meta:
        model = EnterpriseTierFigures
        fields = ["id", "enterprise", "year", *engine.TIER_FIGURE_FIELDS, "states"]
        read_only_fields = ["states"]
        validators = []


class VerifySerializer(serializers.Serializer):
    fields = serializers.ListField(child=serializers.CharField())


class RecognitionRoundSerializer(serializers.ModelSerializer):
    class Meta:
        model = RecognitionRound
        fields = ["id", "name", "tier", "year", "rule_set", "opens_on", "closes_on", "notice_working_days",
                  "validity_years", "status"]
        read_only_fields = ["status"]


class ObjectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Objection
        fields = ["id", "text", "raised_by", "answer", "status", "created"]


class RecognitionApplicationSerializer(serializers.ModelSerializer):
    enterprise = ScopedPrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    round = serializers.PrimaryKeyRelatedField(queryset=RecognitionRound.objects.all())
    objections = ObjectionSerializer(many=True, read_only=True)
    timeline = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = RecognitionApplication
        fields = ["id", "round", "enterprise", "application_type", "nominated", "status", "statement",
                  "precheck_eligible", "precheck", "rule_set", "expert_score", "notice_from", "notice_until",
                  "valid_until", "decision_note", "objections", "timeline", "allowed_actions"]
        read_only_fields = ["nominated", "status", "precheck_eligible", "precheck", "rule_set", "expert_score",
                            "notice_from", "notice_until", "valid_until", "decision_note"]
        validators = []

    def get_timeline(self, obj) -> list[dict]:
        from industry_brain.core.workflow import steps_for

        return [{"action": s.action, "from": s.from_status, "to": s.to_status, "actor": s.actor_label,
                 "at": s.at, "note": s.note} for s in steps_for(obj)]

    def get_allowed_actions(self, obj) -> list[str]:
        from ..workflows import APPLICATION_WORKFLOW

        request = self.context.get("request")
        return [n.replace("_", "-") for n in APPLICATION_WORKFLOW.allowed_names(obj, request.user)] if request else []


class StepSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True)
    expert_score = serializers.DecimalField(max_digits=5, decimal_places=1, required=False)
    text = serializers.CharField(required=False, allow_blank=True)
    raised_by = serializers.CharField(required=False, allow_blank=True)
    objection = serializers.IntegerField(required=False)
    answer = serializers.CharField(required=False, allow_blank=True)
    reason = serializers.CharField(required=False, allow_blank=True)
