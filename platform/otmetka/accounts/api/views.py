from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from otmetka.accounts import services
from otmetka.accounts.models import User
from otmetka.api.base import ANY, SIGNED_IN, ScopedAPIView
from otmetka.api.errors import problem

from .serializers import MeSerializer, TokenRequestSerializer, TokenSerializer


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


class TokenCreateView(APIView):
    """Exchange a login and password for an API token (lockout rules as for the login page)."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]

    @extend_schema(request=TokenRequestSerializer, responses={201: TokenSerializer})
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            user = services.login_check(
                username=data["username"],
                password=data["password"],
                address=client_address(request),
            )
        except services.LoginLocked as locked:
            response = problem(429, "login_locked", locked.message)
            response["Retry-After"] = str(locked.retry_after)
            return response
        except services.LoginRefused as refused:
            return problem(401, "login_failed", refused.message)
        token, key = services.api_token_create(user=user, name=data["name"])
        return Response(
            TokenSerializer({"token": key, "expires_at": token.expires_at}).data,
            status=status.HTTP_201_CREATED,
        )


class MeView(ScopedAPIView):
    """Who am I on this host: roles and scopes of the caller."""

    audience = ANY
    scope_map = {"GET": {SIGNED_IN}}
    serializer_class = MeSerializer
    queryset = User.objects.all()

    def restrict(self, queryset, caller):
        return queryset.filter(pk=caller.user_id)

    def get(self, request):
        user = self.get_queryset().get()
        return Response(MeSerializer(user, context={"caller": self.caller}).data)
