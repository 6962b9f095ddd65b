"""The caller of a request: user, current school, roles and the scopes they give.

Built once per request (at most one query, for the membership in the current school) and used
by the base API view, the page permission checks and the selectors.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .roles import scopes_for


@dataclass(frozen=True)
class Caller:
    user_id: int | None
    school_id: int | None = None
    school_roles: frozenset[str] = field(default_factory=frozenset)
    region_roles: frozenset[str] = field(default_factory=frozenset)
    municipality_id: int | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    def has_any(self, scopes) -> bool:
        return bool(self.scopes & frozenset(scopes))

    @property
    def primary_role(self) -> str:
        """The role written into audit records."""
        for role in sorted(self.school_roles) or sorted(self.region_roles):
            return role
        return "anonymous"


ANONYMOUS = Caller(user_id=None)


def caller_for(request) -> Caller:
    cached = getattr(request, "_otmetka_caller", None)
    if cached is not None:
        return cached
    caller = _build(request)
    request._otmetka_caller = caller
    return caller


def _build(request) -> Caller:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    school = getattr(request, "tenant", None)
    if school is None:
        region_roles = frozenset(user.region_roles)
        return Caller(
            user_id=user.pk,
            region_roles=region_roles,
            municipality_id=user.municipality_id,
            scopes=scopes_for(tuple(region_roles), ()),
        )
    from .memberships import active_memberships

    roles = next((m[0] for m in active_memberships(user.pk) if m[1] == school.pk), [])
    school_roles = frozenset(roles)
    return Caller(
        user_id=user.pk,
        school_id=school.pk,
        school_roles=school_roles,
        scopes=scopes_for((), tuple(school_roles)),
    )
