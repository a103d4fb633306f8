from rest_framework import serializers

from ..models import Briefing, Indicator, MonthlyReport, ReportRevision


class RevisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportRevision
        fields = ["revision", "values", "reason", "created"]


class MonthlyReportSerializer(serializers.ModelSerializer):
    period = serializers.SerializerMethodField()
    revisions = RevisionSerializer(many=True, read_only=True)

    class Meta:
        model = MonthlyReport
        fields = ["id", "enterprise", "period", "output_value", "sales_value", "export_value", "revenue", "profit",
                  "employees", "electricity", "revision", "revisions", "created", "updated"]
        read_only_fields = fields

    def get_period(self, obj) -> str:
        return obj.period.strftime("%Y-%m")


class ReportInputSerializer(serializers.Serializer):
    """Input of a report or a correction; the services validate the figures (errors name the field)."""

    enterprise = serializers.IntegerField(required=False)
    period = serializers.CharField(required=False)
    output_value = serializers.CharField(required=False)
    sales_value = serializers.CharField(required=False)
    export_value = serializers.CharField(required=False)
    revenue = serializers.CharField(required=False)
    profit = serializers.CharField(required=False)
    employees = serializers.CharField(required=False)
    electricity = serializers.CharField(required=False)
    reason = serializers.CharField(required=False, allow_blank=True)


class IndicatorSerializer(serializers.ModelSerializer):
    period = serializers.SerializerMethodField()
    value_added = serializers.FloatField(source="va_cum")
    value_added_month = serializers.FloatField(source="va_month")
    growth_cumulative = serializers.FloatField(source="va_growth_cum")
    growth_month = serializers.FloatField(source="va_growth_month")
    contribution = serializers.FloatField(source="va_pull_cum")
    output_value = serializers.FloatField(source="output_cum")
    sales_ratio = serializers.FloatField(source="sales_ratio_cum")
    estimated = serializers.SerializerMethodField()

    class Meta:
        model = Indicator
        fields = ["period", "dimension", "key", "label", "firms", "value_added", "value_added_month",
                  "growth_cumulative", "growth_month", "contribution", "output_value", "output_growth_cum",
                  "sales_ratio", "export_cum", "export_growth_cum", "revenue_cum", "revenue_growth_cum", "profit_cum",
                  "profit_growth_cum", "loss_firms", "loss_share", "electricity_cum", "electricity_growth_cum", "rank",
                  "inv_industrial_cum", "inv_industrial_growth_cum", "inv_manufacturing_cum",
                  "inv_manufacturing_growth_cum", "estimated"]

    def get_period(self, obj) -> str:
        return obj.period.strftime("%Y-%m")

    def get_estimated(self, obj) -> bool:
        return True  # value added and its growth are the platform's estimate (测算), never the official rate


class BriefingSerializer(serializers.ModelSerializer):
    period = serializers.SerializerMethodField()

    class Meta:
        model = Briefing
        fields = ["id", "period", "version", "title", "status", "sections", "figures", "created"]
        read_only_fields = fields

    def get_period(self, obj) -> str:
        return obj.period.strftime("%Y-%m")
