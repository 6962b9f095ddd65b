"""An account's active school memberships with their schools, read once per request.

`active_memberships(user_id)` answers `(roles, school_id, slug, schema_name, short_name,
time_zone, status)` per active membership, ordered by school. Signing in with an API token
reads them in the same statement as the token (`services.api_token_user`), so an API request
on the region's host (the diary) or on a school's host (the caller's roles) spends no second
round trip on them; they are kept for that request only and forgotten when it starts and when
it ends. Anything else (a page signed in by session, a Celery task) reads them with one query.
"""

from __future__ import annotations

from contextvars import ContextVar

from django.core.signals import request_finished, request_started
from django.db import connection

from otmetka.region.models import School

from .models import SchoolMembership

Membership = tuple  # (roles, school_id, slug, schema_name, short_name, time_zone, status)

_SCHOOL_COLUMNS = "s.slug, s.schema_name, s.short_name, s.time_zone, s.status"
_FROM = (
    f"FROM {SchoolMembership._meta.db_table} m JOIN {School._meta.db_table} s ON s.id = m.school_id"
)
_SQL = (
    f"SELECT m.roles, m.school_id, {_SCHOOL_COLUMNS} {_FROM} "
    "WHERE m.user_id = %s AND m.is_active ORDER BY m.school_id"
)
# The same rows as one JSON value, for a column of another statement whose row has `u.id`.
AS_JSON_COLUMN = (
    "(SELECT coalesce(json_agg(json_build_array(m.roles, m.school_id, "
    f"{_SCHOOL_COLUMNS}) ORDER BY m.school_id), '[]') {_FROM} "
    "WHERE m.user_id = u.id AND m.is_active)"
)

_this_request: ContextVar[tuple[int, list[Membership]] | None] = ContextVar(
    "otmetka_memberships", default=None
)


def active_memberships(user_id: int) -> list[Membership]:
    kept = _this_request.get()
    if kept is not None and kept[0] == user_id:
        return kept[1]
    with connection.cursor() as cursor:
        cursor.execute(_SQL, [user_id])
        return [tuple(row) for row in cursor.fetchall()]


def memberships_keep(user_id: int, rows: list) -> None:
    """Memberships read with the caller's token (the JSON column above), for this request."""
    _this_request.set((user_id, [tuple(row) for row in rows]))


def memberships_forget(**_) -> None:
    _this_request.set(None)


request_started.connect(memberships_forget, dispatch_uid="otmetka-memberships-start")
request_finished.connect(memberships_forget, dispatch_uid="otmetka-memberships-end")
