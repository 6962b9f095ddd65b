"""The one base class of every API view (ARCHITECTURE.md §4, STYLE.md).

- Every view declares `scope_map`: for each HTTP method it serves, the scopes that let a caller
  in (any one of them suffices). A method without an entry is refused.
- Every view declares `audience`: "region" views answer only on the public host, "school" views
  only on a school's host. Elsewhere they answer 404, as if they did not exist.
- Every queryset goes through `restrict(queryset, caller)`, which each view must implement.
  `get_queryset`, `get_permissions`, `initial` and `check_permissions` cannot be overridden:
  declaring one in a subclass fails at import time, so no view can skip the narrowing.
"""

from __future__ import annotations

from typing import ClassVar

from django.db.models import QuerySet
from django.http import Http404
from rest_framework import exceptions, generics, permissions, viewsets

from otmetka.accounts.caller import Caller, caller_for

_SEALED = ("get_queryset", "get_permissions", "initial", "check_permissions")
REGION = "region"
SCHOOL = "school"
ANY = "any"  # only for views about the caller themselves (e.g. /me/)
# Pseudo-scope: any signed-in caller (on a school host: any member of that school).
SIGNED_IN = "@signed_in"


class ScopePermission(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        required = view.required_scopes(request)
        if required is None:
            raise exceptions.MethodNotAllowed(request.method)
        if not request.user or not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        caller = caller_for(request)
        if SIGNED_IN in required and (caller.school_id is None or caller.school_roles):
            return True
        if not caller.has_any(required):
            raise exceptions.PermissionDenied("Недостаточно прав для этого действия.")
        return True


class ScopedAPIView(generics.GenericAPIView):
    scope_map: ClassVar[dict[str, frozenset[str] | set[str]]] = {}
    audience: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for name in _SEALED:
            if name in cls.__dict__:
                raise TypeError(
                    f"{cls.__name__} overrides {name}(): narrowing and scope checks are done by "
                    "ScopedAPIView; implement restrict() and scope_map instead"
                )
        if cls.__dict__.get("abstract", False):
            return
        if cls.audience not in {REGION, SCHOOL, ANY}:
            raise TypeError(f"{cls.__name__} must set audience to 'region', 'school' or 'any'")
        if not cls.scope_map:
            raise TypeError(f"{cls.__name__} must declare scope_map")

    abstract = True

    @property
    def caller(self) -> Caller:
        return caller_for(self.request)

    def required_scopes(self, request) -> frozenset[str] | None:
        action = getattr(self, "action", None)
        action_scopes = getattr(self, "action_scope_map", {})
        if action and action in action_scopes:
            return frozenset(action_scopes[action])
        method = request.method.upper()
        if method == "HEAD":
            method = "GET"
        scopes = self.scope_map.get(method)
        if scopes is None and method == "OPTIONS":
            scopes = self.scope_map.get("GET")
        return frozenset(scopes) if scopes is not None else None

    def restrict(self, queryset: QuerySet, caller: Caller) -> QuerySet:
        raise NotImplementedError(f"{type(self).__name__} must implement restrict()")

    def base_queryset(self) -> QuerySet:
        if self.queryset is None:
            raise NotImplementedError(f"{type(self).__name__} must set queryset")
        return self.queryset.all()

    # Sealed members below -------------------------------------------------------------

    def initial(self, request, *args, **kwargs):
        on_school_host = getattr(request, "tenant", None) is not None
        if self.audience != ANY and (self.audience == SCHOOL) != on_school_host:
            raise Http404
        super().initial(request, *args, **kwargs)

    def get_permissions(self):
        return [ScopePermission()]

    def check_permissions(self, request):
        super().check_permissions(request)

    def get_queryset(self):
        return self.restrict(self.base_queryset(), self.caller)


class ScopedViewSet(viewsets.ViewSetMixin, ScopedAPIView):
    """A viewset on the sealed base; `action_scope_map` may name scopes per extra action."""

    abstract = True
    action_scope_map: ClassVar[dict[str, frozenset[str] | set[str]]] = {}
