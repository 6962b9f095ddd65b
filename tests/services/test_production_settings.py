"""The production flag refuses embedded parts and non-resident endpoints, naming them."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BASE = {
    "OTMETKA_PRODUCTION": "true",
    "OTMETKA_SECRET_KEY": "x" * 50,
    "DATABASE_URL": "postgres://otmetka@db.region41.ru:5432/otmetka",
    "REDIS_URL": "redis://redis.region41.ru:6379/0",
    "OTMETKA_S3_ENDPOINT_URL": "https://storage.yandexcloud.net",
}


def _start(env_changes: dict) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OTMETKA_", "SENTRY_"))}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    env.update({k: v for k, v in {**BASE, **env_changes}.items() if v is not None})
    env["DJANGO_SETTINGS_MODULE"] = "otmetka.settings"
    env["PYTHONPATH"] = f"{ROOT / 'platform'}:{ROOT}"
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )


def test_a_resident_production_configuration_starts():
    result = _start({})
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"DATABASE_URL": None}, "DATABASE_URL"),
        ({"REDIS_URL": None}, "REDIS_URL"),
        ({"OTMETKA_S3_ENDPOINT_URL": None}, "OTMETKA_S3_ENDPOINT_URL"),
        ({"OTMETKA_SECRET_KEY": None}, "OTMETKA_SECRET_KEY"),
        ({"OTMETKA_DEBUG": "true"}, "OTMETKA_DEBUG"),
        ({"SENTRY_DSN": "https://key@o1.ingest.sentry.io/1"}, "SENTRY_DSN"),
        ({"OTMETKA_S3_ENDPOINT_URL": "https://s3.amazonaws.com"}, "s3.amazonaws.com"),
        ({"OTMETKA_PRODUCTION": "maybe"}, "OTMETKA_PRODUCTION"),
    ],
)
def test_production_refuses_and_names_the_problem(changes, named):
    result = _start(changes)
    assert result.returncode != 0
    assert named in result.stderr, result.stderr[-1500:]
