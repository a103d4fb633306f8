"""API of the reference data: districts (GB/T 2260) and industry divisions (GB/T 4754-2017)."""

from rest_framework import serializers

from .api import RestrictedReadOnlyViewSet
from .models import District, IndustryDivision


class DistrictSerializer(serializers.ModelSerializer):
    class Meta:
        model = District
        fields = ["code", "name", "kind"]


class IndustryDivisionSerializer(serializers.ModelSerializer):
    section = serializers.CharField(source="section_id")
    section_name = serializers.CharField(source="section.name")

    class Meta:
        model = IndustryDivision
        fields = ["code", "name", "section", "section_name"]


class DistrictViewSet(RestrictedReadOnlyViewSet):
    queryset = District.objects.order_by("code")
    serializer_class = DistrictSerializer
    pagination_class = None
    lookup_field = "code"


class IndustryDivisionViewSet(RestrictedReadOnlyViewSet):
    queryset = IndustryDivision.objects.select_related("section").order_by("code")
    serializer_class = IndustryDivisionSerializer
    pagination_class = None
    lookup_field = "code"
