"""Writes to the school's year (CFG-01…03): validated, audited, in one transaction each."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from otmetka.audit.context import AuditContext
from tenants.audit.services import school_audit_append

from .models import AcademicYear, HolidayPeriod, Period, PeriodStructure
from .validation import Span, holiday_errors, periods_errors, year_errors


@dataclass(frozen=True)
class Order:
    """A director's order cited by a change (CFG-01, CFG-10)."""

    number: str
    date: date

    def check(self) -> None:
        if not self.number.strip():
            raise ValidationError({"order_number": "Укажите номер приказа."})


@dataclass(frozen=True)
class PeriodInput:
    kind: str
    name: str
    start: date
    end: date


def _year_dict(year: AcademicYear) -> dict:
    return {"name": year.name, "start": year.start, "end": year.end, "is_current": year.is_current}


@transaction.atomic
def academic_year_create(
    *, ctx: AuditContext, name: str, start: date, end: date, order: Order, make_current: bool
) -> AcademicYear:
    order.check()
    errors = year_errors(start, end)
    if errors:
        raise ValidationError(errors)
    overlapping = AcademicYear.objects.filter(start__lte=end, end__gte=start).first()
    if overlapping is not None:
        raise ValidationError({"start": f"Пересекается с учебным годом {overlapping.name}."})
    year = AcademicYear(
        name=name.strip(),
        start=start,
        end=end,
        opened_order_number=order.number,
        opened_order_date=order.date,
    )
    year.full_clean()
    year.save()
    school_audit_append(
        ctx=ctx,
        action="academic_year.create",
        obj=year,
        new=_year_dict(year),
        reason=f"Приказ № {order.number} от {order.date:%d.%m.%Y}",
    )
    if make_current:
        academic_year_make_current(ctx=ctx, year=year)
    return year


@transaction.atomic
def academic_year_make_current(*, ctx: AuditContext, year: AcademicYear) -> AcademicYear:
    """Exactly one current year: the previous one stops being current in the same transaction."""
    year = AcademicYear.objects.select_for_update().get(pk=year.pk)
    if year.closed_at is not None:
        raise ValidationError({"year": "Закрытый учебный год не может стать текущим."})
    previous = AcademicYear.objects.select_for_update().filter(is_current=True).exclude(pk=year.pk)
    for other in previous:
        other.is_current = False
        other.save(update_fields=["is_current"])
        school_audit_append(
            ctx=ctx,
            action="academic_year.uncurrent",
            obj=other,
            old={"is_current": True},
            new={"is_current": False},
        )
    if not year.is_current:
        year.is_current = True
        year.save(update_fields=["is_current"])
        school_audit_append(
            ctx=ctx,
            action="academic_year.current",
            obj=year,
            old={"is_current": False},
            new={"is_current": True},
        )
    return year


@transaction.atomic
def academic_year_close(*, ctx: AuditContext, year: AcademicYear, order: Order) -> AcademicYear:
    order.check()
    year = AcademicYear.objects.select_for_update().get(pk=year.pk)
    if year.closed_at is not None:
        raise ValidationError({"year": "Учебный год уже закрыт."})
    year.closed_order_number, year.closed_order_date = order.number, order.date
    year.closed_at = timezone.now()
    year.is_current = False
    year.save()
    school_audit_append(
        ctx=ctx,
        action="academic_year.close",
        obj=year,
        new=_year_dict(year),
        reason=f"Приказ № {order.number} от {order.date:%d.%m.%Y}",
    )
    return year


@transaction.atomic
def period_structure_save(
    *,
    ctx: AuditContext,
    year: AcademicYear,
    name: str,
    grade_from: int,
    grade_to: int,
    periods: Sequence[PeriodInput],
    structure: PeriodStructure | None = None,
) -> PeriodStructure:
    """Create or replace a structure and all its periods; all-or-nothing."""
    if not 1 <= grade_from <= grade_to <= 11:
        raise ValidationError({"grade_to": "Диапазон классов: от 1 до 11, «по» не меньше «с»."})
    clash = (
        PeriodStructure.objects.filter(
            year=year, grade_from__lte=grade_to, grade_to__gte=grade_from
        )
        .exclude(pk=getattr(structure, "pk", None))
        .first()
    )
    if clash is not None:
        raise ValidationError(
            {
                "grade_from": f"Классы {clash.grade_from}–{clash.grade_to} уже отнесены "
                f"к структуре «{clash.name}»."
            }
        )
    holidays = [
        Span(h.start, h.end, h.name)
        for h in HolidayPeriod.objects.filter(
            year=year, grade_from__lte=grade_to, grade_to__gte=grade_from
        )
    ]
    errors = periods_errors(
        [Span(p.start, p.end, p.name) for p in periods],
        year_start=year.start,
        year_end=year.end,
        holidays=holidays,
    )
    if errors:
        raise ValidationError(errors)
    old = None
    if structure is None:
        structure = PeriodStructure(year=year)
    else:
        old = {
            "name": structure.name,
            "grades": [structure.grade_from, structure.grade_to],
            "periods": [[p.name, p.start, p.end] for p in structure.periods.all()],
        }
        structure.periods.all().delete()
    structure.name, structure.grade_from, structure.grade_to = name.strip(), grade_from, grade_to
    structure.full_clean()
    structure.save()
    ordered = sorted(periods, key=lambda p: p.start)
    Period.objects.bulk_create(
        Period(
            structure=structure,
            kind=p.kind,
            number=i,
            name=p.name.strip(),
            start=p.start,
            end=p.end,
        )
        for i, p in enumerate(ordered, start=1)
    )
    school_audit_append(
        ctx=ctx,
        action="period_structure.save",
        obj=structure,
        old=old,
        new={
            "name": structure.name,
            "grades": [grade_from, grade_to],
            "periods": [[p.name, p.start, p.end] for p in ordered],
        },
    )
    return structure


@transaction.atomic
def holiday_create(
    *,
    ctx: AuditContext,
    year: AcademicYear,
    kind: str,
    name: str,
    start: date,
    end: date,
    grade_from: int = 1,
    grade_to: int = 11,
) -> HolidayPeriod:
    errors = holiday_errors(Span(start, end, name), year_start=year.start, year_end=year.end)
    if errors:
        raise ValidationError(errors)
    holiday = HolidayPeriod(
        year=year,
        kind=kind,
        name=name.strip(),
        start=start,
        end=end,
        grade_from=grade_from,
        grade_to=grade_to,
    )
    holiday.full_clean()
    holiday.save()
    school_audit_append(
        ctx=ctx,
        action="holiday.create",
        obj=holiday,
        new={"kind": kind, "name": holiday.name, "start": start, "end": end},
    )
    return holiday
