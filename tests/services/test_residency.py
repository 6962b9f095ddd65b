"""Data residency checks (RES-01/02)."""

import pytest

from services.residency import endpoint_host, host_allowed, residency_violations

ALLOW = [".ru", ".xn--p1ai", ".yandexcloud.net", ".cluster.local"]


@pytest.mark.parametrize(
    ("value", "host"),
    [
        ("postgres://u:p@db.example.ru:5432/x", "db.example.ru"),
        ("https://storage.yandexcloud.net", "storage.yandexcloud.net"),
        ("https://key@sentry.school.ru/3", "sentry.school.ru"),
        ("smtp.mail.ru", "smtp.mail.ru"),
        ("", None),
    ],
)
def test_endpoint_host(value, host):
    assert endpoint_host(value) == host


@pytest.mark.parametrize(
    "host",
    [
        "db.example.ru",
        "storage.yandexcloud.net",
        "школа.рф",
        "postgres",
        "localhost",
        "127.0.0.1",
        "10.0.0.5",
        "redis.otmetka.svc.cluster.local",
    ],
)
def test_allowed_hosts(host):
    assert host_allowed(host, ALLOW)


@pytest.mark.parametrize(
    "host", ["s3.amazonaws.com", "sentry.io", "8.8.8.8", "evilru.com", "example.ru.com"]
)
def test_refused_hosts(host):
    assert not host_allowed(host, ALLOW)


def test_violations_name_the_setting_and_the_host():
    violations = residency_violations(
        {"DATABASE_URL": "postgres://db.internal.ru/x", "SENTRY_DSN": "https://k@o1.sentry.io/2"},
        ALLOW,
    )
    assert len(violations) == 1
    assert "SENTRY_DSN" in violations[0] and "o1.sentry.io" in violations[0]
