"""The concrete (method, path) pairs of a DRF router, for tests that walk every endpoint.

Refusals happen before objects are looked up, so a placeholder id (1) stands in for any id.
"""

from __future__ import annotations

import re


def router_routes(router, prefix: str = "/api/v1/") -> list[tuple[str, str]]:
    routes = []
    for pattern in router.urls:
        regex = pattern.pattern.regex.pattern
        if "format" in regex:
            continue
        path = re.sub(r"\(\?P<\w+>[^)]+\)", "1", regex).lstrip("^").rstrip("$")
        routes += [(method, f"{prefix}{path}") for method in pattern.callback.actions]
    return sorted(set(routes))


def call_route(client, method: str, path: str) -> int:
    """The status of calling a route with an empty JSON body."""
    return getattr(client, method)(path, {}, content_type="application/json").status_code


def assert_outsiders_refused(school, other_school, method: str, path: str) -> None:
    """Families, a user of `school` on another school's host and anonymous callers are refused
    on a school route (staff roles differ per route and are checked by each test)."""
    from otmetka.accounts.roles import SchoolRole
    from tests.factories import school_client, school_user

    for role in (SchoolRole.STUDENT, SchoolRole.GUARDIAN):
        assert call_route(school_client(school, role), method, path) == 403, (role, path)
    stranger = school_client(other_school)
    stranger.force_login(school_user(school, SchoolRole.DIRECTOR, SchoolRole.SUBJECT_TEACHER))
    assert call_route(stranger, method, path) == 403, path
    assert call_route(school_client(school), method, path) in (401, 403), path
