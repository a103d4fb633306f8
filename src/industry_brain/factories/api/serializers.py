from rest_framework import serializers

from industry_brain.core.api import ScopedPrimaryKeyRelatedField
from industry_brain.enterprises.models import Enterprise

from ..models import FactoryApplication


class FactoryApplicationSerializer(serializers.ModelSerializer):
    enterprise = ScopedPrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)

    class Meta:
        model = FactoryApplication
        fields = ["id", "enterprise", "enterprise_name", "project", "level", "list_level", "year", "status",
                  "investment", "digital_level", "credit_good", "mountain_island", "completion_year",
                  "gbt39116_level", "eligible", "evaluation", "rule_set", "notice_until"]
        read_only_fields = ["status", "eligible", "evaluation", "rule_set", "notice_until"]


class FactorySerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    district = serializers.CharField(source="enterprise.district_id", read_only=True)
    lat = serializers.DecimalField(source="enterprise.lat", max_digits=9, decimal_places=6, read_only=True)
    lon = serializers.DecimalField(source="enterprise.lon", max_digits=9, decimal_places=6, read_only=True)

    class Meta:
        model = FactoryApplication
        fields = ["id", "enterprise", "enterprise_name", "district", "lat", "lon", "level", "list_level", "year",
                  "gbt39116_level", "project"]


class FactoryNoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True)
