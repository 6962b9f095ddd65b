"""The health check of a persistent connection runs after it has been idle, not on every request."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


@pytest.fixture
def checks(monkeypatch):
    """Count the health checks (`is_usable`, Django's `SELECT 1`) the connection runs."""
    seen = []
    real = connection.is_usable

    def counted():
        seen.append(1)
        return real()

    monkeypatch.setattr(connection, "is_usable", counted)
    return seen


def _next_request():
    """What Django does between requests on a persistent connection: the check is due again."""
    connection.health_check_done = False


def test_a_connection_used_a_moment_ago_is_not_checked(checks, settings):
    assert connection.health_check_enabled
    settings.OTMETKA_DB_HEALTH_CHECK_AFTER_IDLE = 5.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    _next_request()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 2")
    assert checks == []


def test_an_idle_connection_is_checked_before_its_first_query(checks, settings):
    settings.OTMETKA_DB_HEALTH_CHECK_AFTER_IDLE = 0.0  # every pause is long enough
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    _next_request()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 2")
        assert cursor.fetchone() == (2,)
    assert checks == [1]
