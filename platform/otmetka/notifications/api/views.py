"""`GET/PUT /api/v1/diary/subscription/` on the region's host: the caller's own notification
subscription (DIA-06). Guardians and students (for their own diary, by e-mail) only: staff-only
accounts and the ministry get 403, anonymous callers 401 (like the rest of the diary's API)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from otmetka.accounts.models import User
from otmetka.api.base import REGION, SIGNED_IN, ScopedAPIView
from otmetka.audit.context import AuditContext
from tenants.diary.family import family_of

from .. import services
from ..selectors import subscription_view
from .serializers import SubscriptionOutSerializer, SubscriptionSerializer


class SubscriptionView(ScopedAPIView):
    """The caller's e-mail digest, SMS for marks and period-mark e-mails, with the address and
    phone to use; `children` says which of the caller's children each channel covers."""

    audience = REGION
    scope_map = {"GET": {SIGNED_IN}, "PUT": {SIGNED_IN}}
    queryset = User.objects.all()
    serializer_class = SubscriptionSerializer

    def restrict(self, queryset, caller):
        return queryset.filter(pk=caller.user_id)

    def _user(self) -> User:
        if not family_of(self.caller.user_id).has_diary_role:
            raise PermissionDenied("Уведомления дневника — для обучающихся и их представителей.")
        return self.get_queryset().get()

    @extend_schema(responses=SubscriptionOutSerializer)
    def get(self, request):
        return Response(SubscriptionOutSerializer(subscription_view(self._user())).data)

    @extend_schema(request=SubscriptionSerializer, responses=SubscriptionOutSerializer)
    def put(self, request):
        user = self._user()
        serializer = SubscriptionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.subscription_save(
            ctx=AuditContext.from_request(request, role=services.diary_role(user.pk)),
            user=user,
            data=services.SubscriptionInput(**serializer.validated_data),
        )
        return Response(SubscriptionOutSerializer(subscription_view(user)).data)
