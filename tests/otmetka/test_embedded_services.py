"""The embedded PostgreSQL and Redis: start, reuse, stop with nothing left running."""

import os
import tempfile
from pathlib import Path

import psutil
import psycopg
import pytest
import redis

from otmetka import localservices


@pytest.fixture(scope="module")
def var_dir():
    # short path: PostgreSQL's socket path has a length limit
    path = Path(tempfile.mkdtemp(prefix="otm-ls-"))
    yield path
    for service in localservices.running(path):
        localservices.stop(service)


def _processes_using(path: Path) -> list[psutil.Process]:
    found = []
    for process in psutil.process_iter(["cmdline"]):
        cmdline = " ".join(process.info["cmdline"] or [])
        if str(path) in cmdline:
            found.append(process)
    return found


def test_postgres_starts_is_reused_and_stops_cleanly(var_dir):
    # when the embedded PostgreSQL is asked for twice
    first = localservices.ensure_postgres(var_dir, database="probe")
    again = localservices.ensure_postgres(var_dir, database="probe")
    # then the second call reuses the first server
    assert first.started_here and not again.started_here and again.pid == first.pid
    with psycopg.connect(first.url) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)
    # when it is stopped, no process of it is left
    localservices.stop(first)
    assert not psutil.pid_exists(first.pid)
    assert _processes_using(var_dir / "postgres") == []


def test_stale_pid_file_does_not_block_a_start(var_dir):
    data = var_dir / "postgres" / "data"
    service = localservices.ensure_postgres(var_dir, database="probe")
    localservices.stop(service)
    # given a postmaster.pid left by a crashed server
    (data / "postmaster.pid").write_text(f"{2**22 - 3}\n{data}\n0\n54329\n\n\n\n")
    # then the next start works
    service = localservices.ensure_postgres(var_dir, database="probe")
    assert service.started_here
    localservices.stop(service)


def test_redis_starts_is_reused_and_stops(var_dir):
    first = localservices.ensure_redis(var_dir)
    again = localservices.ensure_redis(var_dir)
    assert first.started_here and not again.started_here
    assert redis.Redis.from_url(first.url).ping()
    localservices.stop(first)
    assert not psutil.pid_exists(first.pid)


def test_var_dir_follows_the_environment(monkeypatch):
    monkeypatch.setenv("OTMETKA_VAR_DIR", "/tmp/elsewhere")
    assert localservices.default_var_dir() == Path("/tmp/elsewhere")
    assert os.environ["OTMETKA_VAR_DIR"] == "/tmp/elsewhere"
