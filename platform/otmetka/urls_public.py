"""The region's host: ministry, support, status, sign-in, the region API, health."""

from django.urls import include, path

from otmetka.monitoring import views as monitoring
from otmetka.region import views as region
from otmetka.region.admin import region_admin_site

from .urls_common import api_common, common

urlpatterns = [
    path("", region.home, name="home"),
    path("healthz", monitoring.healthz, name="healthz"),
    path("readyz", monitoring.readyz, name="readyz"),
    path("ministry/", include("otmetka.ministry.urls")),
    path("admin/", region_admin_site.urls),
    path("diary/messages/", include("tenants.messaging.urls_public")),
    path("diary/notifications/", include("otmetka.notifications.urls")),
    path("diary/", include("tenants.diary.urls_public")),
    path(
        "api/v1/",
        include(
            [
                # the diary first: families' requests are most of this host's traffic, and
                # each include tried before costs its routes' patterns on every request
                path("", include("tenants.diary.api.urls_public")),
                *api_common,
                path("", include("otmetka.region.api.urls")),
                path("", include("otmetka.notifications.api.urls")),
                path("", include("tenants.messaging.api.family")),
            ]
        ),
    ),
    *common("otmetka.urls_public"),
]

handler404 = "otmetka.errors.not_found"
handler500 = "otmetka.errors.server_error"
handler403 = "otmetka.errors.forbidden"
handler400 = "otmetka.errors.bad_request"
