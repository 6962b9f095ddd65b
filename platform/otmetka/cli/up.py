"""`otmetka up`: the whole product on one machine, with demo data, until Ctrl-C.

Starts (or reuses) PostgreSQL and Redis — the embedded ones when DATABASE_URL / REDIS_URL are
not set — migrates, loads the demo region, runs gunicorn, a Celery worker and beat, checks that
every printed URL answers, and on Ctrl-C stops everything it started.
"""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import click
from rich.console import Console

from . import django_setup


@dataclass
class Started:
    processes: list[tuple[str, subprocess.Popen]] = field(default_factory=list)
    services: list = field(default_factory=list)


def _ensure_services(console: Console, started: Started) -> None:
    if not os.environ.get("DATABASE_URL"):
        from otmetka import localservices

        service = localservices.ensure_postgres()
        os.environ["DATABASE_URL"] = service.url
        if service.started_here:
            started.services.append(service)
        console.print(
            f"PostgreSQL (встроенный): {_redact(service.url)}"
            f"{'' if service.started_here else ' — уже был запущен'}"
        )
    else:
        _ensure_database(os.environ["DATABASE_URL"])
        console.print(f"PostgreSQL: {_redact(os.environ['DATABASE_URL'])}")
    if not os.environ.get("REDIS_URL"):
        from otmetka import localservices

        service = localservices.ensure_redis()
        os.environ["REDIS_URL"] = service.url
        if service.started_here:
            started.services.append(service)
        console.print(
            f"Redis (встроенный): {service.url}"
            f"{'' if service.started_here else ' — уже был запущен'}"
        )
    else:
        console.print(f"Redis: {_redact(os.environ['REDIS_URL'])}")


def _redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@")
    return url


def _ensure_database(url: str) -> None:
    """Create the configured database on a local server if it does not exist yet."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name:
        return
    maintenance = parts._replace(path="/postgres").geturl()
    try:
        with psycopg.connect(maintenance, autocommit=True, connect_timeout=5) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as exc:
        raise click.ClickException(f"cannot reach PostgreSQL at {_redact(url)}: {exc}") from exc


def _spawn(name: str, args: list[str], started: Started, log_dir) -> None:
    log = open(log_dir / f"{name}.log", "ab")
    process = subprocess.Popen(
        args, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env=os.environ.copy()
    )
    started.processes.append((name, process))


def _get(port: int, host: str, path: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"Host": host})
        return connection.getresponse().status
    finally:
        connection.close()


def _wait_ready(port: int, host: str, started: Started, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for name, process in started.processes:
            if process.poll() is not None:
                raise click.ClickException(f"{name} exited with code {process.returncode}")
        try:
            if _get(port, host, "/readyz") == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise click.ClickException("the web server did not become ready in time")


def _stop(started: Started, console: Console) -> None:
    for _name, process in started.processes:
        if process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    deadline = time.monotonic() + 15
    for _name, process in started.processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait()
    if started.services:
        from otmetka import localservices

        for service in reversed(started.services):
            localservices.stop(service)
    console.print("Остановлено всё, что было запущено.")


@click.command()
@click.option("--port", default=8000, show_default=True, help="Port of the web server.")
@click.option("--bind", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--web-workers", default=2, show_default=True)
@click.option("--no-demo", is_flag=True, help="Do not load the demo region.")
@click.option("--check-only", is_flag=True, help="Start, check every URL, then stop (for CI).")
def up(port: int, bind: str, web_workers: int, no_demo: bool, check_only: bool) -> None:
    """Run the product with demo data until Ctrl-C."""
    console = Console()
    started = Started()
    os.environ.setdefault("OTMETKA_PUBLIC_PORT", str(port))

    def _terminate(signum, _frame):
        raise KeyboardInterrupt

    # Explicit handlers: a shell may start us with SIGINT ignored (e.g. as a background job).
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _terminate)
    try:
        _ensure_services(console, started)
        django_setup()
        from django.conf import settings

        from .demo import load_demo, print_logins
        from .migrate import run_migrate

        if not run_migrate(console=console):
            raise click.ClickException("migrations failed")
        result = None if no_demo else load_demo(console)

        log_dir = settings.PROJECT_ROOT / ".var" / "log"
        log_dir.mkdir(parents=True, exist_ok=True)
        python = sys.executable
        _spawn(
            "web",
            [
                python,
                "-m",
                "gunicorn",
                "otmetka.wsgi:application",
                "--bind",
                f"{bind}:{port}",
                "--workers",
                str(web_workers),
                "--access-logfile",
                "-",
                "--graceful-timeout",
                "10",
            ],
            started,
            log_dir,
        )
        _spawn(
            "worker",
            [
                python,
                "-m",
                "celery",
                "-A",
                "otmetka.celery_app",
                "worker",
                "--loglevel",
                "INFO",
                "--concurrency",
                "1",
            ],
            started,
            log_dir,
        )
        _spawn(
            "beat",
            [
                python,
                "-m",
                "celery",
                "-A",
                "otmetka.celery_app",
                "beat",
                "--loglevel",
                "INFO",
                "--schedule",
                str(settings.PROJECT_ROOT / ".var" / "celerybeat-schedule"),
            ],
            started,
            log_dir,
        )
        _wait_ready(port, settings.BASE_DOMAIN, started)

        from otmetka.region.routing import public_url, school_url

        urls = [
            public_url("/"),
            public_url("/api/docs/"),
            public_url("/api/schema/"),
            public_url("/readyz"),
        ]
        if result is not None:
            urls += [school_url(s.slug) for s in result.schools]
        failures = []
        for url in urls:
            parts = urlsplit(url)
            code = _get(port, parts.hostname or "", parts.path or "/")
            if code >= 400:
                failures.append(f"{url} → {code}")
        console.print("\n[bold]Отметка работает.[/] Адреса:")
        for url in urls:
            console.print(f"  {url}")
        console.print(f"Журналы процессов: {log_dir}")
        if result is not None:
            print_logins(result, console)
        if failures:
            raise click.ClickException("some URLs do not answer: " + "; ".join(failures))
        if check_only:
            console.print("Проверка пройдена (--check-only).")
            return
        console.print("Ctrl-C — остановить.")
        while True:
            for name, process in started.processes:
                if process.poll() is not None:
                    raise click.ClickException(
                        f"{name} exited with code {process.returncode}; see {log_dir}/{name}.log"
                    )
            time.sleep(1)
    except KeyboardInterrupt:
        console.print("\nОстанавливаю…")
    finally:
        _stop(started, console)
