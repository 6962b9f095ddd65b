"""Setup completeness (CFG-05) against `setup_deadline` (X-01), for one school and for the region.

Each item is one SQL predicate over the school's own tables, so the school's checklist is one query
and the region's aggregate is one query per batch of schools (UNION ALL over their schemas) — no
per-school round trips, no personal data. Items that belong to later parts of the product (staff,
classes, curricula, timetable…) are added here as those tables arrive.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection

from tenants.school.across import schema_sql

from . import regulation


@dataclass(frozen=True)
class Item:
    code: str
    label: str
    sql: str  # a boolean expression; `{s}` is the quoted schema


ITEMS: tuple[Item, ...] = (
    Item(
        "year",
        "Текущий учебный год",
        "EXISTS (SELECT 1 FROM {s}.configuration_academicyear WHERE is_current)",
    ),
    Item(
        "periods",
        "Учебные периоды текущего года",
        # until classes exist (people and structure), "the grades taught" are unknown: the item
        # asks for a structure in the current year; with classes it will ask every class's grade
        "EXISTS (SELECT 1 FROM {s}.configuration_periodstructure ps"
        " JOIN {s}.configuration_academicyear y ON y.id = ps.year_id AND y.is_current)",
    ),
    Item(
        "holidays",
        "Каникулы",
        "EXISTS (SELECT 1 FROM {s}.configuration_holidayperiod h"
        " JOIN {s}.configuration_academicyear y ON y.id = h.year_id AND y.is_current)",
    ),
    Item(
        "grading",
        "Система оценивания по умолчанию",
        "EXISTS (SELECT 1 FROM {s}.configuration_gradingsystem WHERE is_default)",
    ),
    Item(
        "subjects",
        "Предметы",
        "EXISTS (SELECT 1 FROM {s}.configuration_subject WHERE is_active)",
    ),
    Item("rooms", "Кабинеты", "EXISTS (SELECT 1 FROM {s}.configuration_room WHERE is_active)"),
    Item(
        "journal_regulation",
        "Положение об ЭЖ опубликовано",
        "EXISTS (SELECT 1 FROM {s}.configuration_localact"
        " WHERE kind = 'journal_regulation' AND published_at IS NOT NULL)",
    ),
)

DONE, PENDING, WARNING, OVERDUE = "done", "pending", "warning", "overdue"
STATE_LABELS = {
    DONE: "Готово",
    PENDING: "Не настроено",
    WARNING: "Срок подходит",
    OVERDUE: "Срок прошёл",
}
WARN_FROM = "09-01"  # warnings from 1 September


def _row_sql(schema: str) -> str:
    checks = ", ".join(item.sql.format(s=schema_sql(schema)) for item in ITEMS)
    return f"SELECT %s, {checks}"


def deadline_for(year_start: date, setup_deadline: str) -> date:
    month, day = (int(part) for part in setup_deadline.split("-"))
    return date(year_start.year, month, day)


def state(done: bool, *, today: date, deadline: date) -> str:
    if done:
        return DONE
    if today > deadline:
        return OVERDUE
    if today >= min(deadline_for(deadline, WARN_FROM), deadline - timedelta(days=4)):
        return WARNING
    return PENDING


@dataclass(frozen=True)
class Checklist:
    deadline: date | None
    items: list[tuple[Item, str]]

    @property
    def done(self) -> int:
        return sum(1 for _, s in self.items if s == DONE)


def school_checklist(*, today: date) -> Checklist:
    """The current school's checklist: one query for the items, two for the deadline."""
    from .models import AcademicYear
    from .selectors import regulation_in_force

    year = AcademicYear.objects.filter(is_current=True).first()
    deadline = (
        deadline_for(year.start, regulation_in_force(today)["setup_deadline"]) if year else None
    )
    with connection.cursor() as cursor:
        cursor.execute(_row_sql(connection.schema_name), [connection.schema_name])
        flags = cursor.fetchone()[1:]
    if deadline is None:  # no year yet: everything is simply pending
        return Checklist(
            None, [(i, DONE if f else PENDING) for i, f in zip(ITEMS, flags, strict=True)]
        )
    return Checklist(
        deadline,
        [(i, state(f, today=today, deadline=deadline)) for i, f in zip(ITEMS, flags, strict=True)],
    )


@dataclass(frozen=True)
class ItemTotals:
    item: Item
    done: int
    not_done: int


def region_totals(schemas: list[str], batch: int = 200) -> list[ItemTotals]:
    """How many of `schemas` have each item done: one query per `batch` schools."""
    done = dict.fromkeys((i.code for i in ITEMS), 0)
    for offset in range(0, len(schemas), batch):
        chunk = schemas[offset : offset + batch]
        sql = " UNION ALL ".join(_row_sql(s) for s in chunk)
        with connection.cursor() as cursor:
            cursor.execute(sql, chunk)
            for row in cursor.fetchall():
                for item, flag in zip(ITEMS, row[1:], strict=True):
                    done[item.code] += bool(flag)
    return [ItemTotals(i, done[i.code], len(schemas) - done[i.code]) for i in ITEMS]


DEFAULT_DEADLINE = regulation.BY_KEY["setup_deadline"].default
