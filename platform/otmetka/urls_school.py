"""A school's host: the school's pages and API."""

from django.urls import include, path

from tenants.configuration.urls import public_urlpatterns as public_acts
from tenants.school import views as school
from tenants.school.admin import school_admin_site

from .urls_common import api_common, common

urlpatterns = [
    path("", school.home, name="home"),
    path("admin/", school_admin_site.urls),
    path("settings/", include("tenants.configuration.urls")),
    path("people/", include("tenants.people.urls")),
    path("timetable/", include("tenants.timetable.urls")),
    path("journal/", include("tenants.journal.urls")),
    path("diary/", include("tenants.diary.urls")),
    path("messages/", include("tenants.messaging.urls")),
    *public_acts,
    path(
        "api/v1/",
        include(
            [
                *api_common,
                path("", include("tenants.configuration.api.urls")),
                path("", include("tenants.people.api.urls")),
                path("", include("tenants.timetable.api.urls")),
                path("", include("tenants.events.api.urls")),
                path("", include("tenants.journal.api.urls")),
                path("", include("tenants.diary.api.urls")),
                path("", include("tenants.messaging.api.urls")),
            ]
        ),
    ),
    *common("otmetka.urls_school"),
]

handler404 = "otmetka.errors.not_found"
handler500 = "otmetka.errors.server_error"
handler403 = "otmetka.errors.forbidden"
handler400 = "otmetka.errors.bad_request"
