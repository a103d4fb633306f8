from rest_framework import serializers

from ..models import Organisation, User


class OrganisationBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "kind"]


class MeSerializer(serializers.ModelSerializer):
    organisation = OrganisationBriefSerializer(read_only=True)
    district = serializers.SerializerMethodField()
    ecosystem = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "title", "role", "organisation", "district", "enterprise", "ecosystem"]

    def get_district(self, user) -> str | None:
        return user.district_code

    def get_ecosystem(self, user) -> int | None:
        return user.ecosystem_id


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name"]


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()
