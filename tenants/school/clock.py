"""The school's own time (ARCHITECTURE §6): store UTC, compute deadlines in the school's zone."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time

from django.db import connection

DAY_END = time(23, 59, 59)  # the last second of a school day: same-day deadlines end here


def school_zone() -> zoneinfo.ZoneInfo:
    """The time zone of the school whose schema is active (one query at most per request)."""
    tenant = getattr(connection, "tenant", None)
    name = getattr(tenant, "time_zone", "") if tenant is not None else ""
    if not name or getattr(tenant, "schema_name", None) != connection.schema_name:
        from otmetka.region.models import School

        name = (
            School.objects.filter(schema_name=connection.schema_name)
            .values_list("time_zone", flat=True)
            .first()
        ) or "Europe/Moscow"
    return zoneinfo.ZoneInfo(name)


def school_datetime(day: date, at: time, zone: zoneinfo.ZoneInfo | None = None) -> datetime:
    """A wall-clock time of the school on `day`, as an aware datetime."""
    return datetime.combine(day, at, tzinfo=zone or school_zone())


def day_end(day: date, zone: zoneinfo.ZoneInfo | None = None) -> datetime:
    """The last second of `day` in the school's time: the latest a same-day deadline falls."""
    return school_datetime(day, DAY_END, zone)
