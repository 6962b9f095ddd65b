"""Lessons by date (issue 5, item 3): the weekly timetable made into dated lessons.

A lesson day for a grade is a day inside one of the grade's periods, outside the grade's holidays
and not a non-working day of the region's calendar (public holidays, moved days off); weekends
count only when the timetable has lessons on them (six-day schools). Alternate weeks count from
the week the academic year starts in (week 1 is odd).

Re-making lessons after a timetable change deletes and re-creates only the lessons of the changed
entries from a date on, and never touches a lesson that holds journal data: those are returned as
conflicts for a person to resolve.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction

from otmetka.audit.context import AuditContext
from otmetka.region.choices import CalendarDayKind
from otmetka.region.models import CalendarDay
from tenants.audit.services import school_audit_append
from tenants.configuration.models import AcademicYear, HolidayPeriod, Period
from tenants.people.selectors import unit_grade

from .models import Lesson, TimetableEntry, Weeks
from .plans import plans_fill_for_units


@dataclass
class Result:
    created: int = 0
    deleted: int = 0
    conflicts: list[Lesson] = field(default_factory=list)


class Calendar:
    """Lesson days of a year, per grade, loaded once (3 queries)."""

    def __init__(self, year: AcademicYear):
        self.year = year
        self.monday = year.start - timedelta(days=year.start.weekday())
        self.periods: dict[int, list[tuple[date, date]]] = {g: [] for g in range(1, 12)}
        for p in Period.objects.filter(structure__year=year).select_related("structure"):
            for grade in range(p.structure.grade_from, p.structure.grade_to + 1):
                self.periods[grade].append((p.start, p.end))
        self.holidays: dict[int, list[tuple[date, date]]] = {g: [] for g in range(1, 12)}
        for h in HolidayPeriod.objects.filter(year=year):
            for grade in range(h.grade_from, h.grade_to + 1):
                self.holidays[grade].append((h.start, h.end))
        self.closed = set(
            CalendarDay.objects.filter(
                region_id=1,
                date__range=(year.start, year.end),
                kind__in=[CalendarDayKind.HOLIDAY, CalendarDayKind.DAY_OFF],
            ).values_list("date", flat=True)
        )

    def is_lesson_day(self, day: date, grade: int) -> bool:
        if day in self.closed:
            return False
        if any(start <= day <= end for start, end in self.holidays[grade]):
            return False
        return any(start <= day <= end for start, end in self.periods[grade])

    def week_matches(self, day: date, weeks: str) -> bool:
        if weeks == Weeks.EVERY:
            return True
        week = (day - self.monday).days // 7 + 1
        return (week % 2 == 1) == (weeks == Weeks.ODD)


def _lessons_for(entry: TimetableEntry, calendar: Calendar, start: date) -> Iterable[Lesson]:
    grade = unit_grade(entry.school_class, entry.group)
    first = max(entry.valid_from, start)
    # the first date on the entry's weekday
    day = first + timedelta(days=(entry.weekday - 1 - first.weekday()) % 7)
    while day <= entry.valid_to:
        if calendar.week_matches(day, entry.weeks) and calendar.is_lesson_day(day, grade):
            yield Lesson(
                date=day,
                number=entry.number,
                school_class_id=entry.school_class_id,
                group_id=entry.group_id,
                subject_id=entry.subject_id,
                teacher_id=entry.teacher_id,
                room_id=entry.room_id,
                entry=entry,
            )
        day += timedelta(days=7)


@transaction.atomic
def lessons_make(
    *,
    ctx: AuditContext,
    year: AcademicYear,
    entries: Iterable[TimetableEntry] | None = None,
    start: date | None = None,
) -> Result:
    """(Re)make the lessons of `entries` (all of the year's by default) from `start` on.

    Lessons of those entries from `start` on are replaced, except those with journal data, which
    stay as they are and come back as conflicts when the timetable no longer has them.
    """
    start = max(start or year.start, year.start)
    calendar = Calendar(year)
    if entries is None:
        entries = TimetableEntry.objects.filter(valid_from__lte=year.end, valid_to__gte=year.start)
    entries = list(
        TimetableEntry.objects.filter(pk__in=[e.pk for e in entries])
        .select_related("school_class", "group")
        .prefetch_related("group__classes")
    )
    result = Result()
    existing = Lesson.objects.filter(entry__in=entries, date__gte=start)
    kept = {
        (lesson.entry_id, lesson.date, lesson.number): lesson
        for lesson in existing.filter(has_journal_data=True)
    }
    result.deleted, _ = existing.filter(has_journal_data=False).delete()
    wanted = []
    for entry in entries:
        for lesson in _lessons_for(entry, calendar, start):
            if (entry.pk, lesson.date, lesson.number) in kept:
                kept.pop((entry.pk, lesson.date, lesson.number))
                continue
            wanted.append(lesson)
    Lesson.objects.bulk_create(wanted, batch_size=5000)
    result.created = len(wanted)
    result.conflicts = sorted(kept.values(), key=lambda lesson: (lesson.date, lesson.number))
    # the lesson plans of these units put their topics on the new lessons (TTB-06)
    plans_fill_for_units((e.school_class_id, e.group_id, e.subject_id) for e in entries)
    school_audit_append(
        ctx=ctx,
        action="lessons.make",
        new={
            "year": year.name,
            "entries": len(entries),
            "from": start,
            "created": result.created,
            "deleted": result.deleted,
            "conflicts": [lesson.pk for lesson in result.conflicts],
        },
    )
    return result


def lesson_units(lessons) -> set[tuple[str, int]]:
    """The classes ("c", id) and groups ("g", id) the lessons are for (see `school_audit_append`'s
    `units`): what the journal writes at a lesson, or the homework given there, changes only
    what that unit's lessons show."""
    return {("c", lesson.school_class_id) if lesson.school_class_id else ("g", lesson.group_id)
            for lesson in lessons if lesson is not None}  # fmt: skip
