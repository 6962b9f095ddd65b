"""A school's data version: a counter that every audited write bumps.

Every write to a school's data goes through a service that appends an audit record
(ARCHITECTURE §5), so the audit append is the one place that knows "something changed in this
school". Caches of data derived from many tables (the diary's weeks) key on the version and never
need to know which writes matter to them. The counter is bumped when the record is appended (so
the writer's own transaction and the tests see it at once) and again when the transaction
commits (so a reader that read the old rows while the writer was still open never keeps them
under the new version). A bump that cannot reach Redis is logged, never fails the write: the
caches then expire by their timeout.
"""

from __future__ import annotations

import logging

from django.core.cache import caches
from django.db import connection, transaction

log = logging.getLogger(__name__)
_PREFIX = "school-data-version:"


_UNIT_PREFIX = "school-unit-version:"


def _bump_key(key: str) -> None:
    cache = caches["global"]
    try:
        try:
            cache.incr(key)
        except ValueError:  # not there yet (or expired): start it
            cache.set(key, 1, timeout=None)
    except Exception:
        log.warning("could not bump a data version", exc_info=True)


def bump(schema: str) -> None:
    """Mark everything cached from that school as outdated."""
    _bump_key(_PREFIX + schema)


def data_changed() -> None:
    """Call from an audited write inside its transaction (done by `school_audit_append`)."""
    schema = connection.schema_name
    bump(schema)
    transaction.on_commit(lambda: bump(schema))


def unit_key(schema: str, unit: tuple[str, int]) -> str:
    """A class's ("c", id) or a group's ("g", id) version, for the journal's lesson writes."""
    return f"{_UNIT_PREFIX}{schema}:{unit[0]}{unit[1]}"


def unit_bump(schema: str, unit: tuple[str, int]) -> None:
    """Mark what was cached from one class's or group's lessons as outdated."""
    _bump_key(unit_key(schema, unit))


def units_changed(units) -> None:
    """Instead of `data_changed`, for a write that changes only what lessons of these classes and
    groups show (the journal's marks, attendance and topics): caches that track the
    units they were built from (the diary's weeks) refresh, the rest stay."""
    schema = connection.schema_name
    keys = sorted({unit_key(schema, u) for u in units})

    def bump_all() -> None:
        for key in keys:
            _bump_key(key)

    bump_all()
    transaction.on_commit(bump_all)


def unit_versions(keys: list[str]) -> dict[str, int] | None:
    """The current versions under `unit_key`s (0 when never bumped); None without Redis."""
    if not keys:
        return {}
    try:
        found = caches["global"].get_many(keys)
    except Exception:
        log.warning("could not read the data versions of classes", exc_info=True)
        return None
    return {k: int(found.get(k, 0)) for k in keys}


def version_key(schema: str) -> str:
    """The cache key (in the "global" cache) of a school's version, for readers that fetch it
    in the same round trip as the entries keyed on it."""
    return _PREFIX + schema


def versions_in(found: dict, schemas: list[str]) -> dict[str, int]:
    """The versions out of a `get_many` answer that asked for `version_key` of each school."""
    return {s: int(found.get(_PREFIX + s, 0)) for s in schemas}


def data_versions(schemas: list[str]) -> dict[str, int] | None:
    """The current version of each school (0 when never bumped); one round trip. None when
    Redis cannot be reached: the caller then reads afresh and caches nothing."""
    if not schemas:
        return {}
    try:
        found = caches["global"].get_many([_PREFIX + s for s in schemas])
    except Exception:
        log.warning("could not read the data versions of schools", exc_info=True)
        return None
    return versions_in(found, schemas)
