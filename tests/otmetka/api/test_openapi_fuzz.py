"""Property-based checks of the APIs against their own OpenAPI schemas (schemathesis): whatever
the input, every operation answers with a non-5xx status and the common error body."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, given, settings

from otmetka.accounts.roles import RegionRole, SchoolRole
from otmetka.accounts.services import api_token_create
from tests.factories import region_user, school_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """A WSGI request closes old database connections when it ends; inside a test that would
    close the test's own transaction (Django's test client disconnects the same handler)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _fuzz(host: str, token: str) -> int:
    schema = schemathesis.openapi.from_wsgi(
        "/api/schema/?format=json", get_wsgi_application(), headers={"Host": host}
    )
    checked = 0
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=12, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        def run(case):
            response = case.call(headers={"Authorization": f"Token {token}", "Host": host})
            where = (case.method, case.formatted_path, response.status_code)
            assert response.status_code < 500, (*where, response.text[:300])
            if response.status_code >= 400:
                body = response.json()
                assert "code" in body and "detail" in body, where

        run()
        checked += 1
    return checked


def test_region_api_never_fails_on_any_input(schools):
    officer = region_user(RegionRole.MINISTRY_OFFICER)
    _, token = api_token_create(user=officer)
    assert _fuzz("localhost", token) >= 5


def test_school_api_never_fails_on_any_input(school_a):
    user = school_user(school_a, SchoolRole.SCHOOL_ADMIN)
    _, token = api_token_create(user=user)
    assert _fuzz("school-a.localhost", token) >= 2
