"""Test set-up: real PostgreSQL and Redis, school schemas made once per run.

- With DATABASE_URL / REDIS_URL set (CI on a machine with PostgreSQL 15 and Redis), the tests
  use them; otherwise the settings start the embedded PostgreSQL and Redis for the run and stop
  them when it ends (otmetka.localservices).
- pytest-django creates the test database; then the school template is migrated and its
  snapshot captured, and two schools (A and B) are created from it for the whole run.
  Each test runs in a transaction that is rolled back.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import pytest


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """After the test database exists: migrate the template and create schools A and B."""
    from otmetka.region import provisioning

    with django_db_blocker.unblock():
        provisioning.template_migrate()
        from tests.factories import session_schools

        session_schools()


@pytest.fixture(autouse=True)
def _clean_global_cache():
    """Routing and login-throttle keys of one test must not leak into the next."""
    yield
    from django.core.cache import caches

    from otmetka.region.routing import public_route_forget

    public_route_forget()

    for alias in ("default", "global"):
        cache = caches[alias]
        client = cache._cache.get_client(write=True)
        prefix = cache.key_prefix
        keys = list(client.scan_iter(match=f"*{prefix}*", count=1000))
        if keys:
            client.delete(*keys)


@pytest.fixture
def schools(db):
    from tests.factories import session_schools

    return session_schools()


@pytest.fixture
def school_a(schools):
    return schools["a"]


@pytest.fixture
def school_b(schools):
    return schools["b"]


@pytest.fixture(autouse=True)
def _public_schema_after_test():
    yield
    from django.db import connection

    connection.set_schema_to_public()


@pytest.fixture(scope="session")
def s3_endpoint():
    """A real S3-compatible HTTP endpoint on loopback: moto's server in a subprocess."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.2)
    yield url
    process.terminate()
    process.wait(10)


@pytest.fixture
def s3_storage(s3_endpoint, settings):
    """Point the product's object storage at the S3 endpoint for one test."""
    import uuid

    from services.storage import S3Storage, get_storage

    bucket = f"otmetka-{uuid.uuid4().hex[:12]}"
    settings.S3_ENDPOINT_URL, settings.S3_BUCKET = s3_endpoint, bucket
    settings.S3_ACCESS_KEY_ID, settings.S3_SECRET_ACCESS_KEY = "test", "test"
    get_storage.cache_clear()
    storage = get_storage()
    assert isinstance(storage, S3Storage)
    storage.client.create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": settings.S3_REGION}
    )
    yield storage
    get_storage.cache_clear()
