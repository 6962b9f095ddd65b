"""Reads of the school's year, with bounded queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Prefetch, QuerySet

from otmetka.region.calendar import working_days_between

from .models import AcademicYear, HolidayPeriod, Period, PeriodStructure


def academic_year_list() -> QuerySet[AcademicYear]:
    return AcademicYear.objects.order_by("-start")


def academic_year_current() -> AcademicYear | None:
    return AcademicYear.objects.filter(is_current=True).first()


def period_structure_list(*, year: AcademicYear | None = None) -> QuerySet[PeriodStructure]:
    queryset = PeriodStructure.objects.select_related("year").prefetch_related(
        Prefetch("periods", queryset=Period.objects.order_by("start"))
    )
    return queryset.filter(year=year) if year is not None else queryset


@dataclass(frozen=True)
class CalendarDay:
    date: date
    kind: str  # study | holiday | weekend (non-working day of the region's calendar)
    period: str  # the period's name, "" outside periods


def annual_calendar(*, year: AcademicYear, grade: int) -> list[CalendarDay]:
    """The annual calendar of one grade (CFG-04): every day of the year, with its kind, from
    the grade's periods, its holidays and the region's working-day calendar. 3 queries."""
    structure = (
        period_structure_list(year=year).filter(grade_from__lte=grade, grade_to__gte=grade).first()
    )
    periods = list(structure.periods.all()) if structure else []
    holidays = list(
        HolidayPeriod.objects.filter(year=year, grade_from__lte=grade, grade_to__gte=grade)
    )
    working = set(working_days_between(year.start, year.end))
    days = []
    day = year.start
    while day <= year.end:
        period = next((p for p in periods if p.start <= day <= p.end), None)
        if any(h.start <= day <= h.end for h in holidays):
            kind = "holiday"
        elif day not in working:
            kind = "weekend"
        else:
            kind = "study" if period else "holiday"
        days.append(CalendarDay(day, kind, period.name if period else ""))
        day += timedelta(days=1)
    return days
