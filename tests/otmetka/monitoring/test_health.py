import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_healthz_needs_nothing():
    response = Client(HTTP_HOST="localhost").get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert response["X-Request-ID"]


def test_readyz_checks_database_redis_and_storage():
    response = Client(HTTP_HOST="localhost").get("/readyz")
    assert response.status_code == 200, response.json()
    assert set(response.json()["checks"]) == {"database", "redis", "storage"}


def test_readyz_names_a_failing_dependency(monkeypatch):
    from otmetka.monitoring import views

    def broken():
        raise ConnectionError("down")

    monkeypatch.setitem(views.CHECKS, "storage", broken)
    response = Client(HTTP_HOST="localhost").get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == {
        "ok": False,
        "error": "ConnectionError",
        "ms": response.json()["checks"]["storage"]["ms"],
    }


def test_request_id_is_kept_from_the_proxy():
    response = Client(HTTP_HOST="localhost").get("/healthz", HTTP_X_REQUEST_ID="abcdef0123456789")
    assert response["X-Request-ID"] == "abcdef0123456789"


def test_api_docs_and_schema_are_served():
    client = Client(HTTP_HOST="localhost")
    assert client.get("/api/docs/").status_code == 200
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/schools/" in schema.content


def test_site_stylesheet_is_served():
    response = Client(HTTP_HOST="localhost").get("/static/otmetka/site.css")
    assert response.status_code == 200
