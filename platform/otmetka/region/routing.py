"""Host → school routing, cached in Redis so that a warm request spends no query on it.

The cache is invalidated by the services that change a school or its domains
(`routes_invalidate`), after their transaction commits.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

from django.conf import settings
from django.core.cache import caches

ROUTE_TTL = 24 * 3600
MISS_TTL = 60  # unknown hosts are remembered briefly so probes cannot hammer the database
PUBLIC = "public"
SCHOOL = "school"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Route:
    kind: str  # public | school | unknown
    school_id: int | None = None
    schema_name: str = ""
    slug: str = ""
    short_name: str = ""
    status: str = ""
    time_zone: str = ""


def _cache():
    return caches["global"]


def _key(host: str) -> str:
    return f"route:v1:{host}"


def normalise_host(host: str) -> str:
    return host.split(":", 1)[0].strip().lower().rstrip(".")


def school_host(slug: str) -> str:
    return f"{slug}.{settings.BASE_DOMAIN}"


def school_url(slug: str, path: str = "/") -> str:
    return _url(school_host(slug), path)


def public_url(path: str = "/") -> str:
    return _url(settings.BASE_DOMAIN, path)


def _url(host: str, path: str) -> str:
    port = f":{settings.PUBLIC_PORT}" if settings.PUBLIC_PORT else ""
    return f"{settings.PUBLIC_URL_SCHEME}://{host}{port}{path}"


REGION_KEY = "route:v1:region"
# The region's route is only its default time zone: each process also keeps it for a minute, so
# a request on the region's host (the diary's) spends no Redis round trip on it.
PUBLIC_ROUTE_KEEP_SECONDS = 60
_public_kept: tuple[float, Route] | None = None


def _public_route() -> Route:
    """The region's host, in the region's default time zone (cached like school routes)."""
    global _public_kept
    now = time.monotonic()
    if _public_kept is not None and now - _public_kept[0] < PUBLIC_ROUTE_KEEP_SECONDS:
        return _public_kept[1]
    cached = _cache().get(REGION_KEY)
    if cached is not None:
        route = Route(**cached)
    else:
        from .models import Region

        zone = Region.objects.filter(pk=1).values_list("default_time_zone", flat=True).first()
        route = Route(kind=PUBLIC, time_zone=zone or "")
        _cache().set(REGION_KEY, asdict(route), ROUTE_TTL)
    _public_kept = (now, route)
    return route


def public_route_forget() -> None:
    """Forget the region's route kept in this process (the region's time zone changed here;
    tests, between cases)."""
    global _public_kept
    _public_kept = None


def route_for_host(host: str) -> Route:
    host = normalise_host(host)
    if host == settings.BASE_DOMAIN or host in {"127.0.0.1", "testserver"}:
        return _public_route()
    cached = _cache().get(_key(host))
    if cached is not None:
        return Route(**cached)
    route = _route_from_database(host)
    _cache().set(_key(host), asdict(route), ROUTE_TTL if route.kind != UNKNOWN else MISS_TTL)
    return route


def _route_from_database(host: str) -> Route:
    from .models import Domain

    domain = (
        Domain.objects.select_related("tenant")
        .filter(domain=host)
        .only(
            "tenant__id",
            "tenant__schema_name",
            "tenant__slug",
            "tenant__short_name",
            "tenant__status",
            "tenant__time_zone",
        )
        .first()
    )
    if domain is None:
        return Route(kind=UNKNOWN)
    school = domain.tenant
    return Route(
        kind=SCHOOL,
        school_id=school.id,
        schema_name=school.schema_name,
        slug=school.slug,
        short_name=school.short_name,
        status=school.status,
        time_zone=school.time_zone,
    )


def routes_invalidate(hosts: list[str]) -> None:
    _cache().delete_many([_key(normalise_host(h)) for h in hosts])


def region_route_invalidate() -> None:
    """The region's time zone changed: other processes see it within
    `PUBLIC_ROUTE_KEEP_SECONDS`, this one at once."""
    public_route_forget()
    _cache().delete(REGION_KEY)
