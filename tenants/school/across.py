"""One query over many school schemas.

A guardian's children may study in different schools, and the region's reports cover every
school, each in its own schema (ARCHITECTURE §3). Reading them school by school would cost one
round trip per school. Instead each school's part is written once and joined with UNION ALL:
- `rows_across`: an ordinary `values_list` queryset per school, compiled once, its tables
  qualified by the school's schema; the first column of every row is the schema's name;
- `Across`: the same for a query the caller runs often (the diary's week): its builder is
  compiled once per process with stand-in values, and each run only puts the real values in
  their places — Django's ORM spent more CPU composing a week's dozen queries than PostgreSQL
  spent answering them. Lists travel as one array parameter (`field__any=[…]`, `= ANY(%s)`),
  so the SQL text is the same whatever their length (and is prepared on the connection);
- `schema_sql`: the quoted schema for hand-written SQL (setup completeness).
Nothing from the caller is spliced into the SQL: the schema names come from the School table
(and are checked as identifiers), the values travel as parameters.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from functools import cache

from django.apps import apps
from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Field, ForeignObject, Lookup, QuerySet

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
        sqls.append(_school_part(sql, schema))
        params.extend([schema, *part_params])
    return _union(sqls, params)


def _school_part(sql: str, schema: str) -> str:
    """A part of the union: the school's name, then the rows of `sql` run in its schema."""
    # compiled by Django from a queryset, the schema checked as an identifier
    return f"SELECT %s::text, q.* FROM ({qualified(sql, schema)}) AS q"  # noqa: S608


def _union(sqls: list[str], params: list) -> list[tuple]:
    if not sqls:
        return []
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(sqls), params)
        return cursor.fetchall()


class AnyOf(Lookup):
    """`field__any=[…]`: `field = ANY(%s)` with the list as one array parameter (an empty list
    matches nothing). Unlike `__in`, the SQL does not depend on the list's length."""

    lookup_name = "any"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return "%s", [list(value)]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]


Field.register_lookup(AnyOf)
ForeignObject.register_lookup(AnyOf)


class Across:
    """A `values_list` query run over several schools (like `rows_across`), compiled once.

    `build(**values)` returns the queryset; `lists`, `dates` and `ints` name its arguments. At
    first use it is built with a stand-in for each (a list of unique negative ids, a date in
    year 1001, a negative id) and compiled; each stand-in is then found among the compiled
    parameters, and every run puts the real values there. The places are checked with a second
    set of stand-ins (other dates, ids, longer lists): a builder whose values do not reach the
    parameters as given (a value transformed, or used in the SQL's text) is refused at that
    first use. `rows_of_templates` joins parts of different templates in one query."""

    def __init__(self, build: Callable[..., QuerySet], *, lists=(), dates=(), ints=()):
        self.build = build
        self._lists = set(lists)
        # two sets of stand-ins: the first finds each value's places, the second checks them
        self._stand_ins = [
            {n: [-(10**12) - i] for i, n in enumerate(lists)}
            | {n: date(1001, 2, 3) + timedelta(i) for i, n in enumerate(dates)}
            | {n: -(10**12) - 1000 - i for i, n in enumerate(ints)},
            {n: [-(10**12) - i, -(10**12) - 100 - i] for i, n in enumerate(lists)}
            | {n: date(1002, 3, 4) + timedelta(i) for i, n in enumerate(dates)}
            | {n: -(10**12) - 2000 - i for i, n in enumerate(ints)},
        ]
        self._compiled: tuple[str, list[tuple[str | None, object]]] | None = None
        self._parts: dict[str, str] = {}

    def _compile(self) -> tuple[str, list[tuple[str | None, object]]]:
        if self._compiled is None:
            first, second = self._stand_ins
            sql, params = self._sql(first)
            slots: list[tuple[str | None, object]] = []
            for param in params:
                name = next((n for n, v in first.items() if _same(param, v)), None)
                # a value is passed as Django passed its stand-in (psycopg's Int8 for an id)
                wrap = type(param) if name and type(param) is not type(first[name]) else None
                slots.append((name, wrap) if name else (None, param))
            missing = set(first) - {name for name, _ in slots}
            if missing:
                raise ValueError(f"values not found among the query's parameters: {missing}")
            predicted = [_value(second, n, c) if n else c for n, c in slots]
            sql_second, params_second = self._sql(second)
            if (sql_second, len(params_second)) != (sql, len(predicted)) or not all(
                map(_equal, params_second, predicted)
            ):
                raise ValueError("the query's text or parameters depend on its values otherwise")
            self._compiled = (sql, slots)
        return self._compiled

    def _sql(self, values: dict) -> tuple[str, list]:
        sql, params = self.build(**values).order_by().query.sql_with_params()
        return sql, list(params)

    def rows(self, parts: Iterable[tuple[str, dict]]) -> list[tuple]:
        """`parts`: (schema, values by name) per school; rows are (schema, *columns)."""
        return rows_of_templates((self, schema, values) for schema, values in parts)

    def part(self, schema: str, values: dict) -> tuple[str, list]:
        """This query in one school with these values: its SQL and parameters."""
        sql, slots = self._compile()
        part = self._parts.get(schema)
        if part is None:
            part = _school_part(sql, schema)
            if len(self._parts) < 4096:
                self._parts[schema] = part
        params: list = [schema]
        for name, constant_or_wrap in slots:
            if name is None:
                params.append(constant_or_wrap)
            elif name in self._lists:
                params.append(list(values[name]))
            else:
                params.append(_value(values, name, constant_or_wrap))
        return part, params


def rows_of_templates(parts: Iterable[tuple[Across, str, dict]]) -> list[tuple]:
    """Several schools' parts, each of its own template (selecting the same columns), as one
    query; rows are (schema, *columns)."""
    sqls, params = [], []
    for template, schema, values in parts:
        sql, part_params = template.part(schema, values)
        sqls.append(sql)
        params.extend(part_params)
    return _union(sqls, params)


def _same(param, stand_in) -> bool:
    if isinstance(stand_in, int):  # Django may pass an id as psycopg's Int4 or Int8
        return isinstance(param, int) and not isinstance(param, bool) and param == stand_in
    return type(param) is type(stand_in) and param == stand_in


def _equal(a, b) -> bool:
    """Parameters alike: psycopg's Json and Jsonb wrappers compare by what they hold."""
    if type(a) is not type(b):
        return False
    return a.obj == b.obj if hasattr(a, "obj") else a == b


def _value(values: dict, name: str, wrap):
    return wrap(values[name]) if wrap is not None else values[name]
