"""Liveness and readiness for load balancers, Kubernetes probes and the SLA monitor."""

from __future__ import annotations

import time

from django.core.cache import caches
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    """The process answers: no dependency is touched."""
    return JsonResponse({"status": "ok"})


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_redis() -> None:
    client = caches["global"]._cache.get_client(write=True)
    if not client.ping():
        raise RuntimeError("no PONG")


def _check_storage() -> None:
    from services.storage import get_storage

    get_storage().check()


CHECKS = {"database": _check_database, "redis": _check_redis, "storage": _check_storage}


@never_cache
def readyz(request):
    """Every dependency answers; 503 names the ones that do not."""
    results = {}
    ok = True
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            check()
        except Exception as exc:
            ok = False
            results[name] = {"ok": False, "error": type(exc).__name__}
        else:
            results[name] = {"ok": True}
        results[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return JsonResponse(
        {"status": "ok" if ok else "unavailable", "checks": results}, status=200 if ok else 503
    )
