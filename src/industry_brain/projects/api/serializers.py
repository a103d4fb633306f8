"""API serializers of the investment project platform: one per operation, no deep writable nesting."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from industry_brain.accounts.models import Organisation
from industry_brain.chains.models import Chain, Ecosystem
from industry_brain.core.api import ScopedPrimaryKeyRelatedField
from industry_brain.core.models import District, IndustryDivision
from industry_brain.enterprises.models import Enterprise

from ..choices import Stage
from ..models import ProgressReport, Project, ProjectWarning, SupervisionOrder, SupervisionResponse, WarningRule
from ..workflows import SUPERVISION

MILESTONE_DATES = ["planned_signed", "planned_land", "planned_start", "planned_completion", "planned_production",
                   "planned_full_production", "actual_signed", "actual_land", "actual_start", "actual_completion",
                   "actual_production", "actual_full_production"]


class ProjectSerializer(serializers.ModelSerializer):
    district = serializers.SlugRelatedField(slug_field="code", queryset=District.objects.all(),
                                            help_text=_("GB/T 2260 code"))
    district_name = serializers.CharField(source="district.name", read_only=True)
    industry = serializers.SlugRelatedField(slug_field="code", queryset=IndustryDivision.objects.all(), required=False,
                                            allow_null=True, help_text=_("GB/T 4754-2017 division code"))
    # Named by id among what the caller may see: an id outside its scope answers like a missing one.
    enterprise = ScopedPrimaryKeyRelatedField(queryset=Enterprise.objects.all(), required=False, allow_null=True)
    ecosystem = ScopedPrimaryKeyRelatedField(queryset=Ecosystem.objects.all(), required=False, allow_null=True)
    chain = ScopedPrimaryKeyRelatedField(queryset=Chain.objects.all(), required=False, allow_null=True)
    responsible_org = ScopedPrimaryKeyRelatedField(queryset=Organisation.objects.all(), required=False,
                                                   allow_null=True)
    stage = serializers.ChoiceField(choices=Stage.choices, required=False,
                                    help_text=_("Follows the actual dates; PATCH 'cancelled' cancels the project."))
    annual_plan = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True,
                                           min_value=0, help_text=_("This year's planned investment (10k yuan)."))
    investor = serializers.CharField(source="investor_display", read_only=True)

    class Meta:
        model = Project
        fields = ["id", "code", "name", "enterprise", "investor", "investor_name", "investor_uscc", "investor_origin",
                  "ecosystem", "chain", "industry", "district", "district_name", "street", "address", "lat", "lon",
                  "total_investment", "fixed_investment", "funding", "project_type", "key_level", "responsible_org",
                  "responsible_unit", "contact_name", "contact_phone", "stage", "warning_level", *MILESTONE_DATES,
                  "annual_plan", "invested_total", "last_report_period", "cancelled_on", "cancel_reason", "created",
                  "updated"]
        read_only_fields = ["warning_level", "invested_total", "last_report_period", "cancelled_on", "created",
                            "updated"]
        extra_kwargs = {"code": {"validators": []}}  # uniqueness is checked by the service (model full_clean)

    def to_representation(self, p):
        """The same output as the declared fields, written out directly: list pages of 200 rows would otherwise
        spend most of their time in per-field serializer calls."""
        created, updated = self.fields["created"], self.fields["updated"]
        plan = getattr(p, "annual_plan", None)
        data = {"id": p.pk, "code": p.code, "name": p.name, "enterprise": p.enterprise_id,
                "investor": p.investor_display, "investor_name": p.investor_name, "investor_uscc": p.investor_uscc,
                "investor_origin": p.investor_origin, "ecosystem": p.ecosystem_id, "chain": p.chain_id,
                "industry": p.industry_id, "district": p.district_id, "district_name": p.district.name,
                "street": p.street, "address": p.address, "lat": _fixed(p.lat, 6), "lon": _fixed(p.lon, 6),
                "total_investment": _fixed(p.total_investment, 2), "fixed_investment": _fixed(p.fixed_investment, 2),
                "funding": p.funding, "project_type": p.project_type, "key_level": p.key_level,
                "responsible_org": p.responsible_org_id, "responsible_unit": p.responsible_unit,
                "contact_name": p.contact_name, "contact_phone": p.contact_phone, "stage": p.stage,
                "warning_level": p.warning_level}
        for field in MILESTONE_DATES:
            value = getattr(p, field)
            data[field] = value.isoformat() if value else None
        data.update({"annual_plan": _fixed(plan, 2), "invested_total": _fixed(p.invested_total, 2),
                     "last_report_period": p.last_report_period.isoformat() if p.last_report_period else None,
                     "cancelled_on": p.cancelled_on.isoformat() if p.cancelled_on else None,
                     "cancel_reason": p.cancel_reason, "created": created.to_representation(p.created),
                     "updated": updated.to_representation(p.updated)})
        return data


def _fixed(value, places: int) -> str | None:
    """A decimal as DRF renders it (a string with the field's decimal places)."""
    return None if value is None else f"{value:.{places}f}"


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-\d{2}$", "example": "2026-10"})
class PeriodField(serializers.Field):
    """A month as 'YYYY-MM' (stored as its first day)."""

    def to_representation(self, value):
        return value.strftime("%Y-%m")

    def to_internal_value(self, data):
        from django.core.exceptions import ValidationError

        from ..services import parse_period

        try:
            return parse_period(data)
        except ValidationError:
            raise serializers.ValidationError(_("Give the month as YYYY-MM.")) from None


class ProgressReportSerializer(serializers.ModelSerializer):
    period = PeriodField()
    reported_by = serializers.CharField(source="reported_by.username", read_only=True, default=None)
    replace = serializers.BooleanField(
        write_only=True, required=False, default=False,
        help_text=_("Correct a month already reported (otherwise a month already reported answers 400)."))

    class Meta:
        model = ProgressReport
        fields = ["id", "project", "period", "investment", "cumulative", "milestone", "physical_progress", "problems",
                  "note", "reported_by", "created", "replace"]
        read_only_fields = ["project", "cumulative", "created"]
        validators = []


class WarningSerializer(serializers.ModelSerializer):
    rule = serializers.CharField(source="rule.code", read_only=True)
    rule_name = serializers.CharField(source="rule.name", read_only=True)
    active = serializers.BooleanField(source="is_active", read_only=True)

    class Meta:
        model = ProjectWarning
        fields = ["id", "project", "rule", "rule_name", "rule_version", "level", "facts", "opened_at", "escalated_at",
                  "cleared_at", "active"]


class WarningRuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = WarningRule
        fields = ["id", "code", "kind", "name", "description", "source", "thresholds", "level", "is_active", "version",
                  "updated"]
        read_only_fields = ["code", "kind", "version", "updated"]


class SupervisionResponseSerializer(serializers.ModelSerializer):
    responded_by = serializers.CharField(source="responded_by.username", read_only=True, default=None)
    reviewed_by = serializers.CharField(source="reviewed_by.username", read_only=True, default=None)

    class Meta:
        model = SupervisionResponse
        fields = ["id", "cause", "measures", "expected_recovery", "responded_by", "responded_at", "decision",
                  "review_comment", "reviewed_by", "reviewed_at"]


class SupervisionSerializer(serializers.ModelSerializer):
    rule = serializers.CharField(source="warning.rule.code", read_only=True)
    project_code = serializers.CharField(source="project.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True, default=None)
    responses = SupervisionResponseSerializer(many=True, read_only=True)
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = SupervisionOrder
        fields = ["id", "project", "project_code", "warning", "rule", "unit", "unit_name", "status", "level",
                  "issued_on", "due_date", "escalated_on", "closed_at", "close_reason", "responses", "allowed_actions"]

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=list(SUPERVISION.transitions)),
                                               help_text=_("The steps the caller may take now.")))
    def get_allowed_actions(self, obj) -> list[str]:
        request = self.context.get("request")
        return SUPERVISION.allowed_names(obj, request.user) if request is not None else []


class RespondSerializer(serializers.Serializer):
    cause = serializers.CharField()
    measures = serializers.CharField()
    expected_recovery = serializers.DateField()


class ReviewSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class EvaluationResultSerializer(serializers.Serializer):
    projects = serializers.IntegerField()
    rules = serializers.IntegerField()
    opened = serializers.IntegerField()
    escalated = serializers.IntegerField()
    deescalated = serializers.IntegerField()
    cleared = serializers.IntegerField()
    active_yellow = serializers.IntegerField()
    active_red = serializers.IntegerField()
    supervisions_opened = serializers.IntegerField()
    supervisions_closed = serializers.IntegerField()
    supervisions_escalated = serializers.IntegerField()
    duration_ms = serializers.IntegerField()
