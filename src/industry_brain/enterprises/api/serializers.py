from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from industry_brain.core.codes import normalise_uscc
from industry_brain.core.models import District, IndustryDivision

from ..choices import Tier
from ..models import ConfidentialReadLog, Enterprise, Recognition, YearlyFigures


class EnterpriseSerializer(serializers.ModelSerializer):
    district = serializers.SlugRelatedField(slug_field="code", queryset=District.objects.all(),
                                            help_text=_("GB/T 2260 code"))
    industry = serializers.SlugRelatedField(slug_field="code", queryset=IndustryDivision.objects.all(),
                                            help_text=_("GB/T 4754-2017 division code"))
    district_name = serializers.CharField(source="district.name", read_only=True)
    industry_name = serializers.CharField(source="industry.name", read_only=True)
    # "" while the firm holds no recognised tier: declared, so that the schema's enum says so.
    top_tier = serializers.ChoiceField(choices=Tier.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Enterprise
        fields = ["id", "uscc", "name", "district", "district_name", "industry", "industry_name", "is_above_scale",
                  "street", "address", "lat", "lon", "founded_on", "is_listed", "top_tier", "created", "updated"]
        read_only_fields = ["top_tier", "created", "updated"]

    def to_internal_value(self, data):
        if isinstance(data, dict) and isinstance(data.get("uscc"), str):
            data = {**data, "uscc": normalise_uscc(data["uscc"])}
        return super().to_internal_value(data)


class YearlyFiguresSerializer(serializers.ModelSerializer):
    def validate(self, attrs):
        if attrs.get("main_revenue", 0) > attrs.get("revenue", 0):
            raise serializers.ValidationError({"main_revenue": [_("Main-business revenue cannot exceed revenue.")]})
        return attrs

    class Meta:
        model = YearlyFigures
        validators: list = []  # (enterprise, year) is unique; a second report for a year corrects the first
        fields = ["year", "revenue", "main_revenue", "rd_expense", "rd_staff", "employees", "total_assets",
                  "liabilities", "net_profit", "invention_patents", "export_revenue", "verified", "verified_at"]
        # Verification is the bureau's (recorded by a bureau, or verified on the firm's page), never sent.
        read_only_fields = ["verified", "verified_at"]


class RecognitionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Recognition
        fields = ["id", "enterprise", "tier", "level", "year", "valid_until", "batch"]


class ConfidentialReadSerializer(serializers.ModelSerializer):
    reader = serializers.CharField(source="user.username")

    class Meta:
        model = ConfidentialReadLog
        fields = ["at", "reader", "organisation_name", "channel", "what"]
