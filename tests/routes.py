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
