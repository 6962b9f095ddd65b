"""Writes to the school's configuration (CFG-01…13): validated, audited, in one transaction each."""

from __future__ import annotations

import hashlib
import itertools
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from otmetka.audit.context import AuditContext
from tenants.audit.services import school_audit_append

from . import catalogue, regulation
from .choices import CloseSource, SubjectKind
from .models import (
    AcademicYear,
    Conversion,
    ConversionRule,
    GradeValue,
    GradingAssignment,
    GradingSystem,
    HolidayPeriod,
    LocalAct,
    Notation,
    Period,
    PeriodStructure,
    RegulationVersion,
    Room,
    Subject,
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
        if structure.periods.filter(closed_at__isnull=False).exists():
            raise ValidationError(
                {"periods": "В структуре есть закрытые периоды: её границы больше не меняют."}
            )
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


@transaction.atomic
def holiday_delete(*, ctx: AuditContext, holiday: HolidayPeriod) -> None:
    """Remove holidays, unless that leaves a gap between periods of a structure."""
    others = [
        Span(h.start, h.end, h.name)
        for h in HolidayPeriod.objects.filter(year_id=holiday.year_id).exclude(pk=holiday.pk)
    ]
    structures = PeriodStructure.objects.filter(
        year_id=holiday.year_id, grade_from__lte=holiday.grade_to, grade_to__gte=holiday.grade_from
    ).prefetch_related("periods")
    year = holiday.year
    for structure in structures:
        errors = periods_errors(
            [Span(p.start, p.end, p.name) for p in structure.periods.all()],
            year_start=year.start,
            year_end=year.end,
            holidays=others,
        )
        if errors:
            raise ValidationError(
                {
                    "holiday": f"Без этих каникул в структуре «{structure.name}» между периодами "
                    "остаётся разрыв. Сначала измените периоды."
                }
            )
    school_audit_append(
        ctx=ctx,
        action="holiday.delete",
        obj=holiday,
        old={"name": holiday.name, "start": holiday.start, "end": holiday.end},
    )
    holiday.delete()


# --- grading, conversion, work types, notations (CFG-06…09) --------------------------------------


@dataclass(frozen=True)
class ValueInput:
    code: str
    label: str
    numeric: Decimal | None
    passes: bool
    counts_quality: bool = False


def scale_errors(kind: str, values: Sequence[ValueInput]) -> dict[str, list[str]]:
    """The rules of a scale (N-01), shared by the school and the region's template."""
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
    return errors


@transaction.atomic
def grading_system_make_default(*, ctx: AuditContext, system: GradingSystem) -> GradingSystem:
    """The scale used wherever no assignment says otherwise (CFG-06)."""
    old = GradingSystem.objects.filter(is_default=True).first()
    if old is not None and old.pk == system.pk:
        return system
    GradingSystem.objects.filter(is_default=True).update(is_default=False)
    system.is_default = True
    system.save(update_fields=["is_default"])
    school_audit_append(
        ctx=ctx,
        action="grading_system.make_default",
        obj=system,
        old={"default": old.name if old else None},
        new={"default": system.name},
    )
    return system


@transaction.atomic
def grading_system_create(
    *, ctx: AuditContext, name: str, kind: str, values: Sequence[ValueInput]
) -> GradingSystem:
    """A school-defined scale; `values` from the lowest to the highest."""
    errors = scale_errors(kind, values)
    if GradingSystem.objects.filter(name__iexact=name.strip()).exists():
        errors.setdefault("name", []).append("Шкала с таким названием уже есть.")
    if errors:
        raise ValidationError(errors)
    codes = [v.code.strip() for v in values]
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


# --- regulation settings (CFG-10, §C) ------------------------------------------------------------


@transaction.atomic
def regulation_version_create(
    *,
    ctx: AuditContext,
    effective_from: date,
    order: Order,
    values: dict[str, Any],
    note: str = "",
    today: date | None = None,
) -> RegulationVersion:
    """A new version of the school's regulation, in force from `effective_from` (not the past)."""
    from .selectors import regulation_in_force, regulation_settings

    today = today or timezone.localdate()
    order.check()
    errors: dict[str, list[str]] = {}
    if effective_from < today:
        errors["effective_from"] = ["Дата вступления в силу не может быть в прошлом."]
    if not values:
        errors["values"] = ["Укажите хотя бы одну настройку."]
    settings = regulation_settings()
    canonical: dict[str, Any] = {}
    for key, value in values.items():
        setting = settings.get(key)
        if setting is None:
            errors[f"values.{key}"] = ["Такой настройки в регламенте нет."]
        elif setting.scope != regulation.SCHOOL:
            errors[f"values.{key}"] = ["Эту настройку устанавливает регион."]
        else:
            canonical[key], error = setting.check(value)
            if error:
                errors[f"values.{key}"] = [error]
    if errors:
        raise ValidationError(errors)
    before = regulation_in_force(effective_from)
    version = RegulationVersion.objects.create(
        effective_from=effective_from,
        order_number=order.number.strip(),
        order_date=order.date,
        values=canonical,
        note=note.strip(),
    )
    school_audit_append(
        ctx=ctx,
        action="regulation.version_create",
        obj=version,
        old={key: before[key] for key in canonical},
        new={**canonical, "effective_from": effective_from, "order": str(version)},
    )
    return version


# --- period locks (CFG-12, X-05, N-05) -----------------------------------------------------------

REOPEN_MAX_HOURS = 48


@transaction.atomic
def period_close(*, ctx: AuditContext, period: Period, now: datetime | None = None) -> Period:
    """Close an ended period: from now on journal changes need a reason and a role (AUD-03)."""
    now = now or timezone.now()
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.end >= timezone.localdate(now):
        raise ValidationError({"period": "Период можно закрыть только после его окончания."})
    if period.is_locked(now):
        raise ValidationError({"period": "Период уже закрыт."})
    return _close(ctx, period, now, CloseSource.MANUAL)


def _close(ctx: AuditContext, period: Period, now: datetime, source: str) -> Period:
    old = {"closed_at": period.closed_at, "reopened_until": period.reopened_until}
    period.closed_at, period.close_source, period.reopened_until = now, source, None
    period.save(update_fields=["closed_at", "close_source", "reopened_until"])
    school_audit_append(
        ctx=ctx,
        action="period.close",
        obj=period,
        old=old,
        new={"closed_at": now, "source": source},
    )
    return period


@transaction.atomic
def period_reopen(
    *,
    ctx: AuditContext,
    period: Period,
    reason: str,
    hours: int = REOPEN_MAX_HOURS,
    now: datetime | None = None,
) -> Period:
    """Reopen a closed period for at most 48 hours (N-05); the caller is a director or deputy."""
    now = now or timezone.now()
    period = Period.objects.select_for_update().get(pk=period.pk)
    errors: dict[str, str] = {}
    if not period.is_locked(now):
        errors["period"] = "Период не закрыт."
    if not reason.strip():
        errors["reason"] = "Укажите причину."
    if not 1 <= hours <= REOPEN_MAX_HOURS:
        errors["hours"] = f"Период открывают на срок от 1 до {REOPEN_MAX_HOURS} часов."
    if errors:
        raise ValidationError(errors)
    period.reopened_until = now + timedelta(hours=hours)
    period.save(update_fields=["reopened_until"])
    school_audit_append(
        ctx=ctx,
        action="period.reopen",
        obj=period,
        new={"reopened_until": period.reopened_until},
        reason=reason.strip(),
    )
    return period


@transaction.atomic
def periods_auto_close(*, ctx: AuditContext, now: datetime | None = None) -> int:
    """Close the periods that ended `period_auto_close_days_after_end` days ago (X-05).

    Runs in the school's time zone; a reopened period whose time has run out closes again.
    """
    from .selectors import regulation_in_force

    now = now or timezone.now()
    today = timezone.localdate(now)
    closed = 0
    candidates = Period.objects.select_for_update().filter(
        Q(closed_at__isnull=True, end__lt=today) | Q(reopened_until__lte=now)
    )
    for period in candidates.order_by("end"):
        if period.closed_at is not None:  # a reopening ran out
            _close(ctx, period, now, CloseSource.AUTO)
            closed += 1
            continue
        days = regulation_in_force(period.end)["period_auto_close_days_after_end"]
        if period.end + timedelta(days=days) < today:
            _close(ctx, period, now, CloseSource.AUTO)
            closed += 1
    return closed


# --- subjects, rooms, grading assignments (CFG-13, CFG-06) ---------------------------------------


@dataclass(frozen=True)
class SubjectInput:
    name: str
    kind: str
    short_name: str = ""
    federal_code: str = ""
    area: str = ""
    is_active: bool = True


@transaction.atomic
def subject_save(
    *, ctx: AuditContext, data: SubjectInput, subject: Subject | None = None
) -> Subject:
    errors: dict[str, str] = {}
    name = data.name.strip()
    clash = Subject.objects.filter(name__iexact=name)
    if subject is not None:
        clash = clash.exclude(pk=subject.pk)
    if clash.exists():
        errors["name"] = "Предмет с таким названием уже есть."
    if data.kind == SubjectKind.FEDERAL and data.federal_code not in catalogue.BY_CODE:
        errors["federal_code"] = "Выберите предмет из каталога ФБУП."
    if data.kind == SubjectKind.SCHOOL and data.federal_code:
        errors["federal_code"] = "У предмета школьной части нет кода ФБУП."
    if data.federal_code:
        taken = Subject.objects.filter(federal_code=data.federal_code)
        if subject is not None:
            taken = taken.exclude(pk=subject.pk)
        if taken.exists():
            errors["federal_code"] = "Этот предмет ФБУП уже добавлен."
    if errors:
        raise ValidationError(errors)
    old = None if subject is None else _subject_dict(subject)
    subject = subject or Subject()
    subject.name, subject.short_name, subject.kind = name, data.short_name.strip(), data.kind
    subject.federal_code, subject.area, subject.is_active = (
        data.federal_code,
        data.area.strip(),
        data.is_active,
    )
    subject.full_clean()
    subject.save()
    school_audit_append(
        ctx=ctx, action="subject.save", obj=subject, old=old, new=_subject_dict(subject)
    )
    return subject


def _subject_dict(subject: Subject) -> dict:
    return {
        "name": subject.name,
        "kind": subject.kind,
        "federal_code": subject.federal_code,
        "is_active": subject.is_active,
    }


@transaction.atomic
def subjects_add_from_catalogue(*, ctx: AuditContext, codes: Sequence[str]) -> list[Subject]:
    """Add federal subjects from the shipped catalogue; all or nothing."""
    unknown = [c for c in codes if c not in catalogue.BY_CODE]
    if unknown:
        raise ValidationError({"codes": f"Нет в каталоге: {', '.join(unknown)}."})
    present = set(Subject.objects.values_list("federal_code", flat=True))
    names = {n.lower() for n in Subject.objects.values_list("name", flat=True)}
    added = []
    for code in dict.fromkeys(codes):
        if code in present:
            continue
        entry = catalogue.BY_CODE[code]
        if entry.name.lower() in names:
            raise ValidationError(
                {"codes": f"Предмет «{entry.name}» уже есть как предмет школьной части."}
            )
        added.append(
            subject_save(
                ctx=ctx,
                data=SubjectInput(
                    name=entry.name,
                    kind=SubjectKind.FEDERAL,
                    short_name=entry.short_name,
                    federal_code=code,
                    area=entry.area,
                ),
            )
        )
    return added


@transaction.atomic
def room_save(
    *,
    ctx: AuditContext,
    number: str,
    name: str = "",
    kind: str = "classroom",
    capacity: int | None = None,
    is_active: bool = True,
    room: Room | None = None,
) -> Room:
    number = number.strip()
    clash = Room.objects.filter(number__iexact=number)
    if room is not None:
        clash = clash.exclude(pk=room.pk)
    if not number:
        raise ValidationError({"number": "Укажите номер кабинета."})
    if clash.exists():
        raise ValidationError({"number": "Кабинет с таким номером уже есть."})
    old = None if room is None else {"number": room.number, "is_active": room.is_active}
    room = room or Room()
    room.number, room.name, room.kind, room.capacity, room.is_active = (
        number,
        name.strip(),
        kind,
        capacity,
        is_active,
    )
    room.full_clean()
    room.save()
    school_audit_append(
        ctx=ctx,
        action="room.save",
        obj=room,
        old=old,
        new={"number": number, "name": room.name, "kind": kind, "is_active": is_active},
    )
    return room


@transaction.atomic
def grading_assignment_save(
    *,
    ctx: AuditContext,
    system: GradingSystem,
    subject: Subject | None,
    grade_from: int,
    grade_to: int,
    school_class=None,
) -> GradingAssignment:
    """Assign a scale to a subject and/or a grade range, or to one class; ranges of one subject
    never overlap, and a class has one assignment per subject."""
    errors = {}
    if school_class is not None:
        grade_from = grade_to = school_class.grade
    if not 1 <= grade_from <= grade_to <= 11:
        errors["grade_to"] = "Диапазон классов: от 1 до 11, «по» не меньше «с»."
    if school_class is not None:
        clash = GradingAssignment.objects.filter(subject=subject, school_class=school_class).first()
    else:
        clash = GradingAssignment.objects.filter(
            subject=subject,
            school_class__isnull=True,
            grade_from__lte=grade_to,
            grade_to__gte=grade_from,
        ).first()
    if clash is not None:
        errors["grade_from"] = (
            f"Для {'этого предмета' if subject else 'всех предметов'} в классах "
            f"{clash.grade_from}–{clash.grade_to} уже назначена другая система."
        )
    if errors:
        raise ValidationError(errors)
    assignment = GradingAssignment.objects.create(
        system=system,
        subject=subject,
        school_class=school_class,
        grade_from=grade_from,
        grade_to=grade_to,
    )
    school_audit_append(
        ctx=ctx,
        action="grading_assignment.create",
        obj=assignment,
        new={
            "system": system.name,
            "subject": subject.name if subject else None,
            "grades": [grade_from, grade_to],
            "class": school_class.name if school_class else None,
        },
    )
    return assignment


@transaction.atomic
def grading_assignment_delete(*, ctx: AuditContext, assignment: GradingAssignment) -> None:
    school_audit_append(
        ctx=ctx,
        action="grading_assignment.delete",
        obj=assignment,
        old={"system_id": assignment.system_id, "subject_id": assignment.subject_id},
    )
    assignment.delete()


# --- local acts (CFG-11) -------------------------------------------------------------------------

ACT_MAX_BYTES = 20 * 1024 * 1024
ACT_EXTENSIONS = (".pdf", ".docx", ".odt")


@transaction.atomic
def local_act_upload(
    *,
    ctx: AuditContext,
    title: str,
    kind: str,
    order: Order,
    is_public: bool,
    file_name: str,
    data: bytes,
) -> LocalAct:
    """Store the file in object storage under the school's prefix, then the card; a failed
    write leaves no object behind."""
    from django.db import connection

    from services.storage import file_extension, get_storage, sniff_type

    order.check()
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = "Укажите название акта."
    content_type = sniff_type(file_name, data, ACT_EXTENSIONS)
    if not data:
        errors["file"] = "Файл пуст."
    elif len(data) > ACT_MAX_BYTES:
        errors["file"] = "Файл больше 20 МБ."
    elif content_type is None:
        errors["file"] = "Загрузите документ PDF, DOCX или ODT."
    if errors or content_type is None:
        raise ValidationError(errors)
    extension = file_extension(file_name)
    key = f"schools/{connection.schema_name}/acts/{uuid.uuid4().hex}{extension}"
    storage = get_storage()
    storage.put(key, data, content_type)
    try:
        act = LocalAct(
            title=title.strip(),
            kind=kind,
            order_number=order.number.strip(),
            order_date=order.date,
            is_public=is_public,
            file_key=key,
            file_name=(file_name.strip() or f"act{extension}")[:200],
            content_type=content_type,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
        )
        act.full_clean()
        act.save()
        school_audit_append(
            ctx=ctx,
            action="local_act.upload",
            obj=act,
            new={"title": act.title, "kind": kind, "sha256": act.sha256, "public": is_public},
            reason=f"Приказ № {act.order_number} от {order.date:%d.%m.%Y}",
        )
    except BaseException:
        storage.delete(key)
        raise
    return act


@transaction.atomic
def local_act_publish(
    *, ctx: AuditContext, act: LocalAct, published: bool, now: datetime | None = None
) -> LocalAct:
    """Publish (families and the public see a public act) or withdraw it."""
    old = {"published_at": act.published_at}
    act.published_at = (now or timezone.now()) if published else None
    act.save(update_fields=["published_at"])
    school_audit_append(
        ctx=ctx,
        action="local_act.publish" if published else "local_act.withdraw",
        obj=act,
        old=old,
        new={"published_at": act.published_at},
    )
    return act
