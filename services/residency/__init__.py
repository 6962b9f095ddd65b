"""Data residency (RES-01/02): every external endpoint must be inside the Russian Federation.

The deployment names its endpoints by URL; a host passes when it is internal to the deployment
(loopback, a private address, a single-label or cluster-local name) or ends with a suffix on the
region's allowlist (Russian clouds and zones). Anything else is named in the violation message.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit


def endpoint_host(value: str) -> str | None:
    """The host of an endpoint given as a URL, a DSN or a bare host name."""
    value = value.strip()
    if not value:
        return None
    if "://" not in value:
        value = "//" + value
    host = urlsplit(value).hostname
    return host.lower().rstrip(".") if host else None


def host_allowed(host: str, allowlist: Iterable[str]) -> bool:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is not None:
        if address.is_loopback or address.is_private or address.is_link_local:
            return True
        return host in {entry.strip().lower() for entry in allowlist}
    if "." not in host or host == "localhost" or host.endswith(".localhost"):
        return True  # a name that resolves only inside the deployment
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        ascii_host = host
    for entry in allowlist:
        suffix = entry.strip().lower()
        if not suffix:
            continue
        bare = suffix.lstrip(".")
        if ascii_host == bare or ascii_host.endswith("." + bare):
            return True
    return False


def residency_violations(endpoints: Mapping[str, str], allowlist: Iterable[str]) -> list[str]:
    """Messages naming every endpoint whose host is not allowed; empty when all pass."""
    allow = list(allowlist)
    violations = []
    for name, value in endpoints.items():
        host = endpoint_host(value or "")
        if host is None:
            continue
        if not host_allowed(host, allow):
            violations.append(
                f"{name} points at {host!r}, which is not on OTMETKA_RESIDENCY_ALLOWLIST "
                f"({', '.join(allow) or 'empty'}); personal data must stay in Russia"
            )
    return violations
