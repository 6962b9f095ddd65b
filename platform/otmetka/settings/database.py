"""PostgreSQL with one schema per school (django-tenants)."""

from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

from .core import PRODUCTION
from .env import env

EMBEDDED_SERVICES: list = []  # LocalService objects started by this process (see localservices)


def _database_url() -> str:
    if env.is_set("DATABASE_URL"):
        return env.str("DATABASE_URL")
    if PRODUCTION:
        raise ImproperlyConfigured(
            "OTMETKA_PRODUCTION is on but DATABASE_URL is not set: production never runs on the "
            "embedded PostgreSQL."
        )
    from otmetka import localservices

    service = localservices.ensure_postgres()
    if service.started_here:
        localservices.stop_at_exit(service)
        EMBEDDED_SERVICES.append(service)
    return service.url


def parse_database_url(url: str) -> dict:
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql", "postgis"}:
        raise ImproperlyConfigured(
            f"DATABASE_URL must be a postgres:// URL (got scheme {parts.scheme!r}): "
            "Otmetka runs on PostgreSQL only."
        )
    options = dict(parse_qsl(parts.query))
    return {
        "ENGINE": "django_tenants.postgresql_backend",
        "NAME": unquote(parts.path.lstrip("/")) or "otmetka",
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "OPTIONS": options,
    }


DATABASE_URL = _database_url()
DATABASES = {"default": parse_database_url(DATABASE_URL)}
# Recycle connections: a backend that visits many school schemas grows its catalogue cache.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("OTMETKA_DB_CONN_MAX_AGE", default=300)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# ... but not for a connection that ran a query in the last few seconds (otmetka.database).
ORIGINAL_BACKEND = "otmetka.database"
OTMETKA_DB_HEALTH_CHECK_AFTER_IDLE = env.float("OTMETKA_DB_HEALTH_CHECK_AFTER_IDLE", default=5.0)
# Server-side parameters and prepared statements: psycopg prepares a statement on a connection
# once it has run it `prepare_threshold` times there (Django turns this off unless OPTIONS
# set it), so the requests that repeat the same statements (signing in with a token, the
# diary) skip PostgreSQL's parse and plan (bench/README.md). Safe with a school per schema:
# PostgreSQL re-plans a prepared statement when search_path changes; with PgBouncer only in
# session mode (docs/operations.md, pooling).
_options = DATABASES["default"]["OPTIONS"]
_options["server_side_binding"] = _options.get("server_side_binding", "true") not in {
    False,
    "false",
    "0",
}
_threshold = str(_options.get("prepare_threshold", "5")).lower()  # "none": never prepare
_options["prepare_threshold"] = int(_threshold) if _threshold.isdigit() else None
DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)

TENANT_MODEL = "region.School"
TENANT_DOMAIN_MODEL = "region.Domain"
PUBLIC_SCHEMA_NAME = "public"
# The template schema that new schools are cloned from (ARCHITECTURE.md §9, ADR 0001).
OTMETKA_TEMPLATE_SCHEMA = "school_template"
TENANT_CREATION_FAKES_MIGRATIONS = False
MIGRATION_PROCESSES = env.int("OTMETKA_MIGRATION_PROCESSES", default=2)
MIGRATION_LOCK_TIMEOUT = env.str("OTMETKA_MIGRATION_LOCK_TIMEOUT", default="10s")
# Issue `SET search_path` once per school switch instead of before every cursor.
TENANT_LIMIT_SET_CALLS = True
