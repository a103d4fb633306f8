from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from industry_brain.core.api import RestrictedReadOnlyViewSet

from ..selectors import departments
from .serializers import DepartmentSerializer, MeSerializer, TokenRequestSerializer, TokenResponseSerializer


class TokenView(APIView):
    """Exchange a user name and password for an API token. Failed attempts count towards the lockout."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenResponseSerializer})
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate(request._request, username=serializer.validated_data["username"],
                            password=serializer.validated_data["password"])
        if user is None or not user.is_active:
            return Response({"detail": _("Wrong user name or password, or the account is locked.")},
                            status=status.HTTP_400_BAD_REQUEST)
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class MeView(APIView):
    """The caller: role, organisation, district, enterprise."""

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user).data)


class DepartmentViewSet(RestrictedReadOnlyViewSet):
    """Departments that coordinate enterprise demands (the ids that `accept` takes)."""

    queryset = departments()
    serializer_class = DepartmentSerializer
    pagination_class = None
