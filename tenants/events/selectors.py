"""Reads of control works, events and exam choices, and who may write them.

- Control works and events are not personal data: every staff member reads them; the
  administration (`timetable:write`) writes control works.
- Exam choices are personal data (TTB-12): `people:read` sees all; a class teacher sees the
  current students of the classes they lead; nobody else (a subject teacher included).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from otmetka.accounts.caller import Caller
from otmetka.accounts.roles import Scope
from tenants.configuration.models import AcademicYear, HolidayPeriod
from tenants.people import selectors as people
from tenants.people.models import ClassMembership, Group, SchoolClass, Student

from .choices import EventLevel
from .models import ControlWork, Event, ExamChoice


def month_end(month_start: date) -> date:
    return month_start.replace(day=calendar.monthrange(month_start.year, month_start.month)[1])


def next_month_start(on: date) -> date:
    return month_end(on.replace(day=1)) + timedelta(days=1)


# --- control works (TTB-10)


def control_work_list(
    *,
    school_class: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[ControlWork]:
    """The schedule, with the class's group works when filtered by class (2 queries in all)."""
    queryset = ControlWork.objects.select_related("school_class", "group", "subject")
    if school_class is not None:
        groups = Group.classes.through.objects.filter(schoolclass_id=school_class)
        queryset = queryset.filter(
            Q(school_class_id=school_class) | Q(group_id__in=groups.values("group_id"))
        )
    if date_from is not None:
        queryset = queryset.filter(date__gte=date_from)
    if date_to is not None:
        queryset = queryset.filter(date__lte=date_to)
    return queryset.order_by("date", "lesson_number", "pk")


def control_work_writable(caller: Caller) -> bool:
    """`timetable:write` (deputies, director, school admin) schedules control works: the ВШК
    schedule is the administration's, so neither a subject nor a class teacher writes it."""
    return caller.has_any({Scope.TIMETABLE_WRITE})


# --- events (TTB-11)


def event_list(*, date_from: date | None = None, date_to: date | None = None) -> QuerySet[Event]:
    """Events overlapping [date_from, date_to]: one that runs over several days is included
    while it lasts."""
    queryset = Event.objects.select_related("school_class")
    if date_from is not None:
        queryset = queryset.filter(
            Q(end_date__isnull=True, date__gte=date_from) | Q(end_date__gte=date_from)
        )
    if date_to is not None:
        queryset = queryset.filter(date__lte=date_to)
    return queryset.order_by("date", "start_time", "pk")


def event_writable(caller: Caller, *, level: str, school_class: SchoolClass | None) -> bool:
    """`timetable:write` (deputies, director, school admin) writes every event; a class teacher
    (`class:write`) the events of the class they lead, and no school events."""
    if caller.has_any({Scope.TIMETABLE_WRITE}):
        return True
    if level != EventLevel.CLASS or school_class is None:
        return False
    if not caller.has_any({Scope.CLASS_WRITE}) or school_class.class_teacher_id is None:
        return False
    staff = people.staff_of(caller)
    return staff is not None and staff.pk == school_class.class_teacher_id


@dataclass(frozen=True)
class EventsMissing:
    month: date
    classes: list[SchoolClass]  # classes with no class event in the month
    school_events: bool  # whether the school has any school event in the month


def _holiday_month(holidays: list[HolidayPeriod], grade: int, start: date, end: date) -> bool:
    """Whether holidays cover every day of [start, end] for the grade (e.g. July)."""
    day = start
    for holiday in sorted(holidays, key=lambda h: h.start):
        if not holiday.grade_from <= grade <= holiday.grade_to or holiday.start > day:
            continue
        day = max(day, holiday.end + timedelta(days=1))
    return day > end


def events_missing(month_start: date) -> EventsMissing:
    """The classes of the academic year holding `month_start` (else the current year) that have
    no class event in that month, skipping classes on holiday all month; and whether the school
    has a school event that month (at most 5 queries)."""
    month_start = month_start.replace(day=1)
    last = month_end(month_start)
    year = (
        AcademicYear.objects.filter(start__lte=last, end__gte=month_start).order_by("start").first()
        or AcademicYear.objects.filter(is_current=True).first()
    )
    in_month = event_list(date_from=month_start, date_to=last)
    school_events = in_month.filter(level=EventLevel.SCHOOL).exists()
    if year is None:
        return EventsMissing(month_start, [], school_events)
    holidays = list(HolidayPeriod.objects.filter(year=year, start__lte=last, end__gte=month_start))
    classes = (
        SchoolClass.objects.filter(year=year)
        .exclude(pk__in=in_month.filter(level=EventLevel.CLASS).values("school_class_id"))
        .select_related("class_teacher")
        .order_by("grade", "letter")
    )
    return EventsMissing(
        month_start,
        [c for c in classes if not _holiday_month(holidays, c.grade, month_start, last)],
        school_events,
    )


# --- exam choices (TTB-12)


def exam_choices_visible(caller: Caller, on: date | None = None) -> QuerySet[ExamChoice]:
    queryset = ExamChoice.objects.select_related("student", "year", "subject")
    if caller.has_any({Scope.PEOPLE_READ}):
        return queryset
    if not caller.has_any({Scope.CLASS_WRITE}):
        return queryset.none()
    return queryset.filter(student__in=people.students_editable(caller, on))


def exam_choice_list(
    caller: Caller, *, school_class: int | None = None, year: int | None = None
) -> QuerySet[ExamChoice]:
    queryset = exam_choices_visible(caller)
    if school_class is not None:
        members = ClassMembership.objects.filter(school_class_id=school_class)
        queryset = queryset.filter(student_id__in=members.values("student_id"))
    if year is not None:
        queryset = queryset.filter(year_id=year)
    return queryset.order_by(
        "year__start", "student__last_name", "student__first_name", "kind", "subject__name", "pk"
    )


def exam_choice_writable(caller: Caller, student: Student) -> bool:
    """`people:write`, or the class teacher of the student's current class (PPL-04)."""
    return people.students_editable(caller).filter(pk=student.pk).exists()


def student_current_class(student: Student, on: date | None = None) -> SchoolClass | None:
    on = on or timezone.localdate()
    membership = (
        ClassMembership.objects.filter(student=student, start__lte=on)
        .filter(Q(end__isnull=True) | Q(end__gte=on))
        .select_related("school_class__year")
        .order_by("-start")
        .first()
    )
    return membership.school_class if membership else None
