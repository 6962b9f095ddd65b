"""`otmetka migrate`: the public schema, the template, then every school schema in parallel.

A no-op run must stay cheap at hundreds of schools (ARCHITECTURE.md §9): the applied
migrations of all school schemas are read in one query and schemas already at head are
skipped; the rest migrate in parallel worker processes, each with a lock timeout.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.management import call_command
from django.db import connections

from . import provisioning
from .models import School


@dataclass
class MigrateReport:
    schools: int = 0
    migrated: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    snapshot_fingerprint: str = ""


def _migrate_one(schema: str) -> tuple[str, str]:
    try:
        provisioning.migrate_schema(schema)
    except Exception as exc:
        connections.close_all()
        return schema, f"{type(exc).__name__}: {exc}"
    connections.close_all()
    return schema, ""


def _worker_init() -> None:
    connections.close_all()


def migrate_all(
    *,
    processes: int = 2,
    on_start: Callable[[int], None] | None = None,
    on_progress: Callable[[str, str], None] | None = None,
) -> MigrateReport:
    report = MigrateReport()
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    snapshot = provisioning.template_migrate()
    report.snapshot_fingerprint = snapshot.fingerprint
    schemas = list(School.objects.order_by("pk").values_list("schema_name", flat=True))
    report.schools = len(schemas)
    behind = provisioning.schemas_behind(schemas)
    if on_start:
        on_start(len(behind))
    if not behind:
        return report
    if processes <= 1 or len(behind) == 1:
        results = map(_migrate_one, behind)
        _collect(results, report, on_progress)
    else:
        connections.close_all()
        context = multiprocessing.get_context("fork")
        with context.Pool(processes=min(processes, len(behind)), initializer=_worker_init) as pool:
            _collect(pool.imap_unordered(_migrate_one, behind), report, on_progress)
    return report


def _collect(results, report: MigrateReport, on_progress) -> None:
    for schema, error in results:
        if error:
            report.failed[schema] = error
        else:
            report.migrated.append(schema)
        if on_progress:
            on_progress(schema, error)
