"""Isolation: a user of school A is refused on every page and endpoint of school B, and the
base API view cannot be bypassed."""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from otmetka.accounts.roles import RegionRole, SchoolRole
from tests.factories import region_user, school_user

pytestmark = pytest.mark.django_db


def _paths(urlconf: str) -> list[str]:
    """Every concrete path of a URL conf (patterns with arguments get a sample value)."""
    out = []

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                route = route.replace("^", "").replace("$", "").replace("\\Z", "")
                route = route.replace("<int:pk>", "1").replace("(?P<pk>[^/.]+)", "1")
                if "<" in route or "(?P" in route or "\\." in route or "?" in route:
                    continue
                out.append("/" + route)

    walk(get_resolver(urlconf).url_patterns)
    return sorted(set(out))


# Sign-in pages and the public API description are the same for everyone, on every host.
OPEN = (
    "/accounts/",
    "/api/schema/",
    "/api/docs/",
    "/api/v1/auth/",
    "/admin/login/",
    "/admin/logout/",
    "/admin/jsi18n/",
)
SCHOOL_PATHS = [p for p in _paths("otmetka.urls_school") if not p.startswith(OPEN)]
# A school's published public acts are public by law (CFG-11): anyone may read them; what is
# not published is refused (tests/tenants/configuration/test_configuration_pages.py).
PUBLIC_ON_SCHOOL = {"/acts/"}


def test_school_urlconf_paths_were_found():
    assert "/" in SCHOOL_PATHS and "/api/v1/me/" in SCHOOL_PATHS and "/admin/" in SCHOOL_PATHS


@pytest.mark.parametrize("path", SCHOOL_PATHS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_user_of_school_a_is_refused_everywhere_in_school_b(school_a, school_b, path, method):
    user = school_user(school_a, SchoolRole.DIRECTOR, SchoolRole.SCHOOL_ADMIN)
    client = Client(HTTP_HOST="school-b.localhost")
    client.force_login(user)
    response = getattr(client, method)(path)
    if method == "get" and path in PUBLIC_ON_SCHOOL:
        assert response.status_code == 200  # public on purpose, see PUBLIC_ON_SCHOOL
        return
    assert response.status_code in {403, 404, 405}, (path, response.status_code)


@pytest.mark.parametrize("path", SCHOOL_PATHS)
def test_ministry_officer_has_no_school_access(school_b, path):
    officer = region_user(RegionRole.MINISTRY_OFFICER)
    client = Client(HTTP_HOST="school-b.localhost")
    client.force_login(officer)
    if path in PUBLIC_ON_SCHOOL:
        assert client.get(path).status_code == 200  # public on purpose
        return
    assert client.get(path).status_code in {403, 404, 405}  # 405: a POST-only endpoint


REGION_PATHS = [
    p
    for p in _paths("otmetka.urls_public")
    if p not in {"/", "/healthz", "/readyz"} and not p.startswith((*OPEN, "/api/v1/me/"))
]


@pytest.mark.parametrize("path", REGION_PATHS)
def test_school_staff_are_refused_on_region_pages_and_api(school_a, path):
    user = school_user(school_a, SchoolRole.DIRECTOR)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    response = client.get(path)
    assert response.status_code in {403, 404, 405}, (path, response.status_code)


def test_own_school_works(school_a):
    user = school_user(school_a, SchoolRole.SCHOOL_ADMIN)
    client = Client(HTTP_HOST="school-a.localhost")
    client.force_login(user)
    assert client.get("/").status_code == 200
    assert client.get("/admin/").status_code == 200
    assert client.get("/api/v1/me/").json()["school_id"] == school_a.pk


def test_a_view_cannot_override_the_narrowing():
    from otmetka.api.base import REGION, ScopedAPIView

    with pytest.raises(TypeError, match="get_queryset"):

        class Sneaky(ScopedAPIView):
            audience = REGION
            scope_map = {"GET": {"x"}}

            def get_queryset(self):
                return None

    with pytest.raises(TypeError, match="scope_map"):

        class NoScopes(ScopedAPIView):
            audience = REGION

    with pytest.raises(TypeError, match="audience"):

        class NoAudience(ScopedAPIView):
            scope_map = {"GET": {"x"}}


def test_every_api_view_is_scoped():
    """Every view under /api/v1/ is a ScopedAPIView, except the token exchange."""
    from otmetka.accounts.api.views import TokenCreateView
    from otmetka.api.base import ScopedAPIView

    for urlconf in ("otmetka.urls_public", "otmetka.urls_school"):
        resolver = get_resolver(urlconf)
        for path in _paths(urlconf):
            if not path.startswith("/api/v1/"):
                continue
            match = resolver.resolve(path)
            view = getattr(match.func, "cls", None) or getattr(match.func, "view_class", None)
            assert view is not None, path
            assert issubclass(view, ScopedAPIView) or view is TokenCreateView, path
