"""One query over many school schemas.

A guardian's children may study in different schools, and the region's reports cover every
school, each in its own schema (ARCHITECTURE §3). Reading them school by school would cost one
round trip per school. Instead each school's part is written once and joined with UNION ALL:
- `rows_across`: an ordinary `values_list` queryset per school, compiled once, its tables
  qualified by the school's schema; the first column of every row is the schema's name;
- `schema_sql`: the quoted schema for hand-written SQL (setup completeness).
Nothing from the caller is spliced into the SQL: the schema names come from the School table
(and are checked as identifiers), the values travel as parameters.
"""

from __future__ import annotations

import re
from functools import cache

from django.apps import apps
from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet

_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


@cache
def _school_tables() -> re.Pattern:
    """The quoted names of every table that lives in a school schema."""
    labels = {app.split(".")[-1] for app in settings.TENANT_APPS}
    shared = {app.split(".")[-1] for app in settings.SHARED_APPS}
    tables = {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in labels - shared
    }
    return re.compile('"(' + "|".join(sorted(map(re.escape, tables), key=len, reverse=True)) + ')"')


def schema_sql(schema: str) -> str:
    """The schema's name quoted for SQL; refused unless it is a plain identifier (they come
    from the School table, never from a request)."""
    if not _IDENTIFIER.match(schema):
        raise ValueError(f"not a schema name: {schema!r}")
    return connection.ops.quote_name(schema)


def qualified(sql: str, schema: str) -> str:
    """`sql` with every school table named as `"schema"."table"`."""
    quoted = schema_sql(schema)
    return _school_tables().sub(lambda m: f'{quoted}."{m.group(1)}"', sql)


def rows_across(parts: list[tuple[str, QuerySet]]) -> list[tuple]:
    """Run `values_list` querysets of several schools as one query; each row comes back as
    (schema, *values). The parts must select the same columns; order is not kept (sort the
    rows where order matters)."""
    parts = [(schema, qs) for schema, qs in parts if qs is not None]
    if not parts:
        return []
    sqls, params = [], []
    for schema, queryset in parts:
        try:
            sql, part_params = queryset.order_by().query.sql_with_params()
        except EmptyResultSet:  # e.g. `pk__in=[]`: that school has nothing to add
            continue
        # compiled by Django from a queryset, the schema checked as an identifier
        sqls.append(f"SELECT %s::text, q.* FROM ({qualified(sql, schema)}) AS q")  # noqa: S608
        params.extend([schema, *part_params])
    if not sqls:
        return []
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(sqls), params)
        return cursor.fetchall()
