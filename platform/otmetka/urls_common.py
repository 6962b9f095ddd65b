"""URLs served on every host: sign-in, the API's own endpoints, the schema and its docs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from otmetka.accounts.api.views import MeView, TokenCreateView

api_common = [
    path("auth/tokens/", TokenCreateView.as_view(), name="api-token-create"),
    path("me/", MeView.as_view(), name="api-me"),
]


def common(urlconf: str) -> list:
    """Sign-in, and the OpenAPI schema of this host's API with its docs page."""
    return [
        path("accounts/", include("otmetka.accounts.urls")),
        path("api/schema/", SpectacularAPIView.as_view(urlconf=urlconf), name="api-schema"),
        path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    ]
