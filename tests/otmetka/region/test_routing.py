"""Host routing: cached, invalidated on change, status enforced (suspended / archived)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from otmetka.audit.context import AuditContext
from otmetka.region import services
from otmetka.region.routing import route_for_host, school_host
from tests.factories import PASSWORD, school_create, school_user

pytestmark = pytest.mark.django_db


def client_for(school) -> Client:
    return Client(HTTP_HOST=school_host(school.slug))


def test_warm_request_spends_no_query_on_routing(school_a):
    # given a route already in the cache
    client = client_for(school_a)
    client.get("/accounts/login/")
    # when the same host is requested again
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/accounts/login/")
    # then no query ran (the login page itself needs none)
    assert response.status_code == 200
    assert len(queries) == 0, [q["sql"] for q in queries]


def test_unknown_host_is_404():
    response = Client(HTTP_HOST="no-such-school.localhost").get("/")
    assert response.status_code == 404


def test_disallowed_host_is_400():
    response = Client(HTTP_HOST="evil.example.com").get("/")
    assert response.status_code == 400


def test_route_reflects_suspension_after_commit(django_capture_on_commit_callbacks):
    # given a school whose route is cached
    school = school_create("to-suspend")
    assert route_for_host(school_host(school.slug)).status == "active"
    # when it is suspended (and the transaction commits)
    with django_capture_on_commit_callbacks(execute=True):
        services.school_suspend(ctx=AuditContext.cli(), school=school, reason="Приказ № 1")
    # then the route says so at once
    assert route_for_host(school_host(school.slug)).status == "suspended"


def test_suspended_school_answers_suspended_on_pages_and_api(django_capture_on_commit_callbacks):
    school = school_create("suspended-one")
    user = school_user(school)
    with django_capture_on_commit_callbacks(execute=True):
        services.school_suspend(ctx=AuditContext.cli(), school=school, reason="Приказ № 2")
    client = client_for(school)
    client.force_login(user)
    page = client.get("/")
    assert page.status_code == 403
    assert "приостановлен" in page.content.decode()
    api = client.get("/api/v1/me/")
    assert api.status_code == 403
    assert api.json()["code"] == "school_suspended"


def test_archived_school_is_read_only(django_capture_on_commit_callbacks):
    school = school_create("archived-one")
    user = school_user(school)
    with django_capture_on_commit_callbacks(execute=True):
        services.school_archive(ctx=AuditContext.cli(), school=school, reason="Реорганизация")
    client = client_for(school)
    # reads work, and signing in still works
    login = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert login.status_code == 302
    assert client.get("/").status_code == 200
    # every write is refused with a clear code
    response = client.post("/api/v1/me/", {}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "school_archived"


def test_school_time_zone_is_active_in_its_requests(school_b):
    # school B is in Asia/Kamchatka
    from django.utils import timezone

    captured = {}

    def probe(request):
        captured["tz"] = timezone.get_current_timezone_name()
        from django.http import HttpResponse

        return HttpResponse()

    from django.test import RequestFactory

    from otmetka.region.middleware import SchoolRoutingMiddleware

    request = RequestFactory(HTTP_HOST=school_host(school_b.slug)).get("/")
    SchoolRoutingMiddleware(probe)(request)
    assert captured["tz"] == "Asia/Kamchatka"


def test_region_host_uses_the_region_time_zone(django_capture_on_commit_callbacks):
    from django.http import HttpResponse
    from django.test import RequestFactory
    from django.utils import timezone

    from otmetka.region.middleware import SchoolRoutingMiddleware

    seen = {}

    def probe(request):
        seen["tz"] = timezone.get_current_timezone_name()
        return HttpResponse()

    def region_request():
        SchoolRoutingMiddleware(probe)(RequestFactory(HTTP_HOST="localhost").get("/"))
        return seen["tz"]

    assert region_request() == "Europe/Moscow"  # the test region; now cached
    with django_capture_on_commit_callbacks(execute=True):
        services.region_set(
            ctx=AuditContext.cli(), name="Край", code="41", default_time_zone="Asia/Kamchatka"
        )
    assert region_request() == "Asia/Kamchatka"


def test_session_is_refreshed_at_most_once_a_minute(school_a, monkeypatch):
    import time as time_module

    from django.contrib.sessions.backends.cached_db import SessionStore

    user = school_user(school_a)
    client = client_for(school_a)
    client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    saves = []
    original = SessionStore.save
    monkeypatch.setattr(
        SessionStore, "save", lambda self, *a, **kw: (saves.append(1), original(self, *a, **kw))[1]
    )
    now = time_module.time()
    monkeypatch.setattr(time_module, "time", lambda: now + 120)
    client.get("/")  # more than a minute after sign-in: refreshed
    client.get("/")  # right after: not saved again
    assert len(saves) == 1
