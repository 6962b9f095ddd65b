"""Page tests: a real gunicorn serving the test database, driven by Debian's Chromium.

Data the server must see is committed (created outside the test transaction) with names
unique to the run; the test database is dropped at the end of the run anyway.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Playwright's sync API keeps an event loop running in the test thread; Django would then
# refuse database access from fixtures that commit test data. Tests only.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--host-resolver-rules=MAP *.localhost 127.0.0.1, MAP localhost 127.0.0.1",
]


def _chromium() -> str | None:
    for candidate in (
        os.environ.get("OTMETKA_CHROMIUM"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium_path():
    path = _chromium()
    if path is None:
        message = "Debian's chromium is not installed (make test installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def run_id() -> str:
    return uuid.uuid4().hex[:6]


@pytest.fixture(scope="session")
def live_server_url(django_db_setup, django_db_blocker, tmp_path_factory):
    """The product's real web server (gunicorn) on the test database; yields its region URL."""
    from django.conf import settings
    from django.db import connection

    db = connection.settings_dict
    credentials = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    database_url = (
        f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    port = _free_port()
    log_path = tmp_path_factory.mktemp("gunicorn") / "server.log"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": settings.REDIS_URL,
        "DJANGO_SETTINGS_MODULE": "otmetka.settings",
        "OTMETKA_PUBLIC_PORT": str(port),
        "OTMETKA_CACHE_PREFIX": f"browser{uuid.uuid4().hex[:6]}",
        "OTMETKA_LOG_FORMAT": "text",
        "PYTHONPATH": f"{ROOT / 'platform'}:{ROOT}",
    }
    log = open(log_path, "wb")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "otmetka.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--timeout",
            "60",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    import http.client

    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/readyz", headers={"Host": "localhost"})
            if conn.getresponse().status == 200:
                break
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            pytest.fail(f"gunicorn did not start:\n{log_path.read_text()[-3000:]}")
        time.sleep(0.3)
    # a real Celery worker on the same database and broker, for the pages' background jobs
    worker_log = open(log_path.with_name("worker.log"), "wb")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "otmetka.celery_app", "worker",
         "--pool", "solo", "--loglevel", "WARNING"],
        env=env,
        stdout=worker_log,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
        start_new_session=True,
    )  # fmt: skip
    yield f"http://localhost:{port}"
    os.killpg(worker.pid, signal.SIGTERM)
    try:
        worker.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
    worker_log.close()
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
    log.close()


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture(scope="session")
def committed(django_db_setup, django_db_blocker):
    """Run a callable with database access outside any test transaction (committed data)."""

    def run(func, *args, **kwargs):
        with django_db_blocker.unblock():
            return func(*args, **kwargs)

    return run


@pytest.fixture(scope="session")
def shots_dir(tmp_path_factory) -> Path:
    path = Path(os.environ.get("OTMETKA_SCREENSHOTS", tmp_path_factory.mktemp("screenshots")))
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def school_with_admin(committed, run_id):
    """Make (committed) a school and its school admin, whose password the server accepts."""

    def make(prefix: str, short_name: str):
        from django.contrib.auth.hashers import make_password

        from otmetka.accounts.roles import SchoolRole
        from tests.factories import PASSWORD, school_create, school_user

        school = committed(school_create, f"{prefix}-{run_id}", short_name=f"{short_name} {run_id}")
        admin = committed(
            school_user,
            school,
            SchoolRole.SCHOOL_ADMIN,
            username=f"{prefix}-admin-{run_id}",
            password=make_password(PASSWORD, hasher="pbkdf2_sha256"),
        )
        return school, admin

    return make
