"""Shared set-up for the benchmarks: a database of their own, next to the configured one.

`otmetka_bench` on the server DATABASE_URL names (or on the embedded PostgreSQL when it is
unset) is dropped and created at the start, and dropped at the end unless --keep is given, so a
benchmark never touches anyone's data.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "platform"), str(ROOT)]
BENCH_DB = "otmetka_bench"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _server_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    from otmetka import localservices

    service = localservices.ensure_postgres()
    if service.started_here:
        localservices.stop_at_exit(service)
    return service.url


def _with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _recreate(url: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(_with_db(url, "postgres"), autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
            [BENCH_DB],
        )
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(BENCH_DB)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(BENCH_DB)))


def drop(url: str) -> None:
    import psycopg
    from django.db import connections
    from psycopg import sql

    connections.close_all()
    with psycopg.connect(_with_db(url, "postgres"), autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
            [BENCH_DB],
        )
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(BENCH_DB)))


def prepare() -> str:
    """Create the bench database, set up Django on it, migrate public + template; return the
    server URL (for dropping the database at the end)."""
    server = _server_url()
    _recreate(server)
    os.environ["DATABASE_URL"] = _with_db(server, BENCH_DB)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "otmetka.settings")
    os.environ.setdefault("OTMETKA_LOG_LEVEL", "WARNING")
    os.environ.setdefault("OTMETKA_LOG_FORMAT", "text")
    os.environ.setdefault("OTMETKA_CACHE_PREFIX", f"bench{os.getpid()}")
    import django

    django.setup()
    from django.core.management import call_command

    from otmetka.region import provisioning
    from otmetka.region.models import Municipality, Region

    log(f"database {BENCH_DB}: migrating the public schema and the school template")
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    provisioning.template_migrate()
    region, _ = Region.objects.get_or_create(
        pk=1, defaults={"name": "Бенчмарк", "code": "99", "default_time_zone": "Europe/Moscow"}
    )
    Municipality.objects.get_or_create(
        code="99000001",
        defaults={"region": region, "name": "Бенчмарк-район", "time_zone": "Europe/Moscow"},
    )
    return server


def create_school(n: int):
    """Create school number n through the real service (row, host, schema, audit)."""
    from otmetka.audit.context import AuditContext
    from otmetka.region import services
    from otmetka.region.models import Municipality
    from otmetka.region.validators import inn_with_checksum

    return services.school_create(
        ctx=AuditContext.cli(),
        slug=f"bench-{n}",
        short_name=f"Школа {n}",
        full_name=f"Бенчмарк-школа № {n}",
        inn=inn_with_checksum(f"98{n:07d}"),
        time_zone="Europe/Moscow",
        municipality=Municipality.objects.get(code="99000001"),
    )


def median(values: list[float]) -> float:
    return statistics.median(values)


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"
