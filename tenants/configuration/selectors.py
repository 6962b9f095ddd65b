"""Reads of the school's configuration, with bounded queries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from otmetka.region.calendar import working_days_between

from . import regulation
from .models import (
    AcademicYear,
    GradingAssignment,
    GradingSystem,
    HolidayPeriod,
    Period,
    PeriodStructure,
    RegulationVersion,
    Subject,
    TemplateAdoption,
)


def academic_year_list() -> QuerySet[AcademicYear]:
    return AcademicYear.objects.order_by("-start")


def academic_year_current() -> AcademicYear | None:
    return AcademicYear.objects.filter(is_current=True).first()


def period_structure_list(*, year: AcademicYear | None = None) -> QuerySet[PeriodStructure]:
    queryset = PeriodStructure.objects.select_related("year").prefetch_related(
        Prefetch("periods", queryset=Period.objects.order_by("start"))
    )
    return queryset.filter(year=year) if year is not None else queryset


def periods_for(*, year: AcademicYear | int | None, grade: int) -> QuerySet[Period]:
    """The periods of one grade in a year (None: the current year), in their order. 1 query."""
    if year is None:
        periods = Period.objects.filter(structure__year__is_current=True)
    else:
        periods = Period.objects.filter(structure__year=year)
    return periods.filter(
        structure__grade_from__lte=grade, structure__grade_to__gte=grade
    ).order_by("start", "pk")


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


# --- regulation (CFG-10) ------------------------------------------------------------------------


def template_adopted(section: str | None = None) -> TemplateAdoption | None:
    """The latest adoption of the region's template (that took `section`, if given)."""
    adoptions = TemplateAdoption.objects.order_by("-adopted_at", "-pk")
    if section is None:
        return adoptions.first()
    return next((a for a in adoptions if section in a.sections), None)


def _template_regulation() -> dict:
    adoption = template_adopted("regulation")
    return adoption.content.get("regulation", {}) if adoption else {}


def regulation_settings() -> dict[str, regulation.Setting]:
    """The catalogue's settings with the adopted template's narrowed ranges."""
    return regulation.effective_settings(_template_regulation().get("ranges", {}))


@dataclass(frozen=True)
class RegulationRow:
    setting: regulation.Setting
    value: Any
    source: str  # catalogue | template | school
    template_value: Any
    version: RegulationVersion | None

    @property
    def display(self) -> str:
        return self.setting.display(self.value)


def regulation_table(on: date) -> list[RegulationRow]:
    """Every setting with its value in force on `on` and where it comes from. 2 queries."""
    template = _template_regulation()
    template_values = template.get("values", {})
    settings = regulation.effective_settings(template.get("ranges", {}))
    set_by: dict[str, RegulationVersion] = {}
    for version in RegulationVersion.objects.filter(effective_from__lte=on).order_by(
        "effective_from", "pk"
    ):
        for key in version.values:
            set_by[key] = version
    rows = []
    for key, setting in settings.items():
        template_value = template_values.get(key, setting.default)
        if key in set_by and setting.scope == regulation.SCHOOL:
            value, source, version = set_by[key].values[key], "school", set_by[key]
        elif key in template_values:
            value, source, version = template_value, "template", None
        else:
            value, source, version = setting.default, "catalogue", None
        rows.append(RegulationRow(setting, value, source, template_value, version))
    return rows


def regulation_in_force(on: date) -> dict[str, Any]:
    return {row.setting.key: row.value for row in regulation_table(on)}


# --- grading assignments (CFG-06) ---------------------------------------------------------------


def grading_systems_for(
    *, subject_ids: Iterable[int | None], grade: int, school_class=None
) -> dict[int | None, GradingSystem]:
    """The scale of each subject (None: the class or grade's own) in a class or grade, the most
    specific first: class + subject, class, subject + grades, grades, then the default scale.
    1–2 queries for any number of subjects."""
    candidates = list(
        GradingAssignment.objects.select_related("system").filter(
            Q(school_class__isnull=True, grade_from__lte=grade, grade_to__gte=grade)
            | Q(school_class=school_class)
            if school_class is not None
            else Q(school_class__isnull=True, grade_from__lte=grade, grade_to__gte=grade)
        )
    )
    candidates.sort(key=lambda a: (0 if a.school_class_id else 1, 0 if a.subject_id else 1))
    default = None
    systems = {}
    for subject_id in subject_ids:
        found = next((a.system for a in candidates if a.subject_id in (None, subject_id)), None)
        if found is None:
            default = default or GradingSystem.objects.get(is_default=True)
            found = default
        systems[subject_id] = found
    return systems


def grading_system_for(*, subject: Subject | None, grade: int, school_class=None) -> GradingSystem:
    """The scale of one subject (see `grading_systems_for`). 1–2 queries."""
    subject_id = subject.pk if subject is not None else None
    return grading_systems_for(subject_ids=[subject_id], grade=grade, school_class=school_class)[
        subject_id
    ]
