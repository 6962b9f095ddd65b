"""Writes to the school's year (CFG-01…03): validated, audited, in one transaction each."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from otmetka.audit.context import AuditContext
from tenants.audit.services import school_audit_append

from .models import (
    AcademicYear,
    Conversion,
    ConversionRule,
    GradeValue,
    GradingSystem,
    HolidayPeriod,
    Notation,
    Period,
    PeriodStructure,
    WorkType,
)
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


# --- grading, conversion, work types, notations (CFG-06…09) ---------------------------------


@dataclass(frozen=True)
class ValueInput:
    code: str
    label: str
    numeric: Decimal | None
    passes: bool
    counts_quality: bool = False


@transaction.atomic
def grading_system_create(
    *, ctx: AuditContext, name: str, kind: str, values: Sequence[ValueInput]
) -> GradingSystem:
    """A school-defined scale; `values` from the lowest to the highest."""
    errors: dict[str, list[str]] = {}
    codes = [v.code.strip() for v in values]
    if kind != "no_marks" and not values:
        errors["values"] = ["Добавьте значения шкалы (от низшего к высшему)."]
    if len(set(codes)) != len(codes):
        errors["values"] = ["Обозначения значений повторяются."]
    numerics = [v.numeric for v in values if v.numeric is not None]
    if numerics != sorted(numerics) or len(set(numerics)) != len(numerics):
        errors.setdefault("values", []).append(
            "Числовые значения должны возрастать от низшего к высшему."
        )
    if values and not any(v.passes for v in values):
        errors.setdefault("values", []).append("Хотя бы одно значение должно быть положительным.")
    if errors:
        raise ValidationError(errors)
    system = GradingSystem(name=name.strip(), kind=kind)
    system.full_clean()
    system.save()
    GradeValue.objects.bulk_create(
        GradeValue(
            system=system,
            position=i,
            code=v.code.strip(),
            label=v.label.strip(),
            numeric=v.numeric,
            passes=v.passes,
            counts_quality=v.counts_quality,
        )
        for i, v in enumerate(values, start=1)
    )
    school_audit_append(
        ctx=ctx,
        action="grading_system.create",
        obj=system,
        new={"name": system.name, "kind": kind, "values": codes},
    )
    return system


@dataclass(frozen=True)
class RuleInput:
    target_code: str
    source_code: str = ""
    minimum: Decimal | None = None
    maximum: Decimal | None = None


@transaction.atomic
def conversion_save(
    *, ctx: AuditContext, source: GradingSystem, target: GradingSystem, rules: Sequence[RuleInput]
) -> Conversion:
    """Replace the conversion source → target: table rows or non-overlapping numeric ranges."""
    if source.pk == target.pk:
        raise ValidationError({"target": "Перевод возможен только между разными шкалами."})
    source_values = {v.code: v for v in source.values.all()}
    target_values = {v.code: v for v in target.values.all()}
    errors: dict[str, list[str]] = {}
    ranges = []
    for i, rule in enumerate(rules):
        if rule.target_code not in target_values:
            errors[f"rules[{i}].target_code"] = [f"В шкале «{target}» нет «{rule.target_code}»."]
        if rule.source_code:
            if rule.source_code not in source_values:
                errors[f"rules[{i}].source_code"] = [
                    f"В шкале «{source}» нет «{rule.source_code}»."
                ]
        elif rule.minimum is None or rule.maximum is None or rule.maximum < rule.minimum:
            errors[f"rules[{i}].minimum"] = ["Укажите значение шкалы или диапазон «от–до»."]
        else:
            ranges.append((rule.minimum, rule.maximum, i))
    for (lo1, hi1, _), (lo2, hi2, j) in itertools.pairwise(sorted(ranges)):
        if lo2 <= hi1:
            errors[f"rules[{j}].minimum"] = [
                f"Диапазон {lo2}–{hi2} пересекается с диапазоном {lo1}–{hi1}."
            ]
    sources = [r.source_code for r in rules if r.source_code]
    if len(set(sources)) != len(sources):
        errors["rules"] = ["Одно значение исходной шкалы переводится дважды."]
    if errors:
        raise ValidationError(errors)
    conversion, _ = Conversion.objects.get_or_create(source=source, target=target)
    old = [str(r) for r in conversion.rules.select_related("source_value", "target_value")]
    conversion.rules.all().delete()
    ConversionRule.objects.bulk_create(
        ConversionRule(
            conversion=conversion,
            target_value=target_values[r.target_code],
            source_value=source_values.get(r.source_code) if r.source_code else None,
            minimum=None if r.source_code else r.minimum,
            maximum=None if r.source_code else r.maximum,
        )
        for r in rules
    )
    school_audit_append(
        ctx=ctx,
        action="conversion.save",
        obj=conversion,
        old={"rules": old},
        new={"rules": [str(r) for r in conversion.rules.all()]},
    )
    return conversion


@transaction.atomic
def work_type_save(
    *,
    ctx: AuditContext,
    code: str,
    name: str,
    form_of_control: str,
    weight: Decimal,
    mark_due_days: int,
    is_active: bool = True,
    work_type: WorkType | None = None,
) -> WorkType:
    """Create or change a work type; weight 0–10 (N-02), deadline 0–14 days (X-03)."""
    errors: dict[str, list[str]] = {}
    if not Decimal(0) < weight <= Decimal(10):
        errors["weight"] = ["Вес — число больше 0 и не больше 10."]
    if not 0 <= mark_due_days <= 14:
        errors["mark_due_days"] = ["Срок выставления отметок — от 0 до 14 календарных дней."]
    if errors:
        raise ValidationError(errors)
    old = None
    if work_type is None:
        work_type = WorkType(code=code.strip())
    else:
        old = {
            "name": work_type.name,
            "weight": work_type.weight,
            "mark_due_days": work_type.mark_due_days,
            "is_active": work_type.is_active,
        }
    work_type.name, work_type.form_of_control = name.strip(), form_of_control
    work_type.weight, work_type.mark_due_days, work_type.is_active = (
        weight,
        mark_due_days,
        is_active,
    )
    work_type.full_clean()
    work_type.save()
    school_audit_append(
        ctx=ctx,
        action="work_type.save",
        obj=work_type,
        old=old,
        new={
            "code": work_type.code,
            "name": work_type.name,
            "weight": weight,
            "mark_due_days": mark_due_days,
            "is_active": is_active,
        },
    )
    return work_type


@transaction.atomic
def notation_update(
    *, ctx: AuditContext, notation: Notation, label: str, is_enabled: bool
) -> Notation:
    label = label.strip()
    if not label:
        raise ValidationError({"label": "Обозначение не может быть пустым."})
    old = {"label": notation.label, "is_enabled": notation.is_enabled}
    notation.label, notation.is_enabled = label, is_enabled
    notation.full_clean()
    notation.save(update_fields=["label", "is_enabled"])
    school_audit_append(
        ctx=ctx,
        action="notation.update",
        obj=notation,
        old=old,
        new={"label": label, "is_enabled": is_enabled},
    )
    return notation
