"""The region's configuration template (N-22): what it holds, how a school takes it, the diff.

The ministry keeps versions of one template in the public schema (`otmetka.region.models.
RegionTemplate`); the content is JSON with these sections:

- `calendar`: the year (`year_name`, `start`, `end`) and its `holidays`;
- `structures`: period structures per grade range, each with its periods;
- `grading`: `default_kind` (one of the preset scales);
- `work_types`: code, name, form of control, weight (N-02), mark deadline (X-03);
- `regulation`: `values` (regulation defaults) and `ranges` (narrowed allowed ranges).

A school takes a version whole when it is created and, later, section by section when it adopts a
newer one. It keeps a copy (`TemplateAdoption`) and stays free to differ; `template_diff` lists how.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from rest_framework import serializers

from otmetka.audit.context import AuditContext
from tenants.audit.services import school_audit_append

from . import regulation, selectors, services
from .api.serializers import GradeValueInputSerializer
from .choices import FormOfControl, GradingKind, HolidayKind, PeriodKind
from .models import (
    AcademicYear,
    GradingSystem,
    HolidayPeriod,
    Period,
    PeriodStructure,
    TemplateAdoption,
    WorkType,
)
from .validation import Span, holiday_errors, periods_errors, year_errors

SECTIONS = ("calendar", "structures", "grading", "work_types", "regulation")
SECTION_LABELS = {
    "calendar": "Календарь и каникулы",
    "structures": "Учебные периоды",
    "grading": "Система оценивания",
    "work_types": "Виды работ",
    "regulation": "Настройки регламента",
}

# --- the content's shape


class _HolidaySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=HolidayKind.choices)
    name = serializers.CharField(max_length=100)
    start = serializers.DateField()
    end = serializers.DateField()
    grade_from = serializers.IntegerField(min_value=1, max_value=11, default=1)
    grade_to = serializers.IntegerField(min_value=1, max_value=11, default=11)


class _CalendarSerializer(serializers.Serializer):
    year_name = serializers.RegexField(
        r"^\d{4}/\d{4}$", max_length=20, error_messages={"invalid": "Формат: 2026/2027."}
    )
    start = serializers.DateField()
    end = serializers.DateField()
    holidays = _HolidaySerializer(many=True, default=list)


class _PeriodSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PeriodKind.choices)
    name = serializers.CharField(max_length=100)
    start = serializers.DateField()
    end = serializers.DateField()


class _StructureSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    grade_from = serializers.IntegerField(min_value=1, max_value=11)
    grade_to = serializers.IntegerField(min_value=1, max_value=11)
    periods = _PeriodSerializer(many=True, allow_empty=False)


class _SystemSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    values = GradeValueInputSerializer(many=True, allow_empty=False)

    def validate(self, attrs):
        errors = services.scale_errors(
            "custom", [services.ValueInput(**v) for v in attrs["values"]]
        )
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class _GradingSerializer(serializers.Serializer):
    """The default scale: a preset kind, or the name of one of the template's own `systems`."""

    default_kind = serializers.ChoiceField(
        choices=[c for c in GradingKind.choices if c[0] != GradingKind.CUSTOM], required=False
    )
    default_name = serializers.CharField(max_length=100, required=False)
    systems = _SystemSerializer(many=True, default=list)

    def validate(self, attrs):
        names = [s["name"] for s in attrs["systems"]]
        if len({n.lower() for n in names}) != len(names):
            raise serializers.ValidationError({"systems": ["Названия шкал повторяются."]})
        if ("default_kind" in attrs) == ("default_name" in attrs):
            raise serializers.ValidationError(
                {"default_kind": ["Укажите шкалу по умолчанию: вид шкалы или название своей."]}
            )
        if "default_name" in attrs and attrs["default_name"] not in names:
            raise serializers.ValidationError(
                {"default_name": ["Такой шкалы нет среди шкал шаблона."]}
            )
        return attrs


class _WorkTypeSerializer(serializers.Serializer):
    code = serializers.SlugField(max_length=32)
    name = serializers.CharField(max_length=100)
    form_of_control = serializers.ChoiceField(choices=FormOfControl.choices)
    weight = serializers.DecimalField(
        max_digits=4, decimal_places=2, min_value=Decimal("0.01"), max_value=Decimal(10)
    )
    mark_due_days = serializers.IntegerField(min_value=0, max_value=14)


class _RegulationSerializer(serializers.Serializer):
    values = serializers.DictField(default=dict)
    ranges = serializers.DictField(
        child=serializers.ListField(min_length=2, max_length=2), default=dict
    )


class TemplateContentSerializer(serializers.Serializer):
    calendar = _CalendarSerializer(required=False)
    structures = _StructureSerializer(many=True, required=False)
    grading = _GradingSerializer(required=False)
    work_types = _WorkTypeSerializer(many=True, required=False)
    regulation = _RegulationSerializer(required=False)

    def validate(self, attrs):
        errors: dict[str, list[str]] = {}
        calendar = attrs.get("calendar")
        if calendar:
            for key, messages in year_errors(calendar["start"], calendar["end"]).items():
                errors[f"calendar.{key}"] = messages
            for i, h in enumerate(calendar["holidays"]):
                span = Span(h["start"], h["end"], h["name"])
                for key, messages in holiday_errors(
                    span, year_start=calendar["start"], year_end=calendar["end"]
                ).items():
                    errors[f"calendar.holidays[{i}].{key}"] = messages
        structures = attrs.get("structures") or []
        if structures and not calendar:
            errors["structures"] = ["Периоды задаются вместе с календарём учебного года."]
        elif calendar:
            taken: list[tuple[int, int]] = []
            for i, structure in enumerate(structures):
                low, high = structure["grade_from"], structure["grade_to"]
                if low > high or any(low <= b and a <= high for a, b in taken):
                    errors[f"structures[{i}].grade_from"] = [
                        "Диапазоны классов структур не должны пересекаться."
                    ]
                taken.append((low, high))
                holidays = [
                    Span(h["start"], h["end"], h["name"])
                    for h in calendar["holidays"]
                    if h["grade_from"] <= high and h["grade_to"] >= low
                ]
                for key, messages in periods_errors(
                    [Span(p["start"], p["end"], p["name"]) for p in structure["periods"]],
                    year_start=calendar["start"],
                    year_end=calendar["end"],
                    holidays=holidays,
                ).items():
                    errors[f"structures[{i}].{key}"] = messages
        codes = [w["code"] for w in attrs.get("work_types") or []]
        if len(set(codes)) != len(codes):
            errors["work_types"] = ["Коды видов работ повторяются."]
        errors.update(regulation_errors(attrs.get("regulation") or {}))
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


def regulation_errors(section: dict) -> dict[str, list[str]]:
    """Template regulation: known keys, values within (narrowed) ranges, ranges inside the
    catalogue's."""
    errors: dict[str, list[str]] = {}
    settings = dict(regulation.BY_KEY)
    for key, bounds in (section.get("ranges") or {}).items():
        if key not in settings:
            errors[f"regulation.ranges.{key}"] = ["Такой настройки в регламенте нет."]
            continue
        if settings[key].kind not in (regulation.INT, regulation.DECIMAL, regulation.MONTH_DAY):
            errors[f"regulation.ranges.{key}"] = ["Диапазон сужают только у чисел и дат."]
            continue
        try:
            settings[key] = settings[key].narrowed(*bounds)
        except ValueError as error:
            errors[f"regulation.ranges.{key}"] = [str(error)]
    for key, value in (section.get("values") or {}).items():
        if key not in settings:
            errors[f"regulation.values.{key}"] = ["Такой настройки в регламенте нет."]
            continue
        _, error = settings[key].check(value)
        if error:
            errors[f"regulation.values.{key}"] = [error]
    return errors


def content_clean(content: Any) -> dict:
    """Validated content in its JSON form; raises DRF ValidationError with field keys."""
    serializer = TemplateContentSerializer(data=content)
    serializer.is_valid(raise_exception=True)
    return _jsonable(serializer.validated_data)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


# --- a school takes the template


@transaction.atomic
def template_apply(
    *, ctx: AuditContext, version: int, content: dict, sections: list[str] | None = None
) -> TemplateAdoption:
    """Take `sections` of a template version into the current school schema; all or nothing.

    Calendar and periods: the template's year is created if the school has none of that name;
    an existing year gets the template's holidays and structures unless a period is closed.
    """
    sections = [s for s in (sections or SECTIONS) if s in content]
    if "calendar" in sections or "structures" in sections:
        _apply_calendar(ctx, content, sections)
    if "grading" in sections:
        _apply_grading(ctx, content["grading"])
    if "work_types" in sections:
        existing = {w.code: w for w in WorkType.objects.all()}
        for item in content["work_types"]:
            services.work_type_save(
                ctx=ctx,
                code=item["code"],
                name=item["name"],
                form_of_control=item["form_of_control"],
                weight=Decimal(item["weight"]),
                mark_due_days=item["mark_due_days"],
                work_type=existing.get(item["code"]),
            )
    adoption = TemplateAdoption.objects.create(
        template_version=version, content=content, sections=sections
    )
    school_audit_append(
        ctx=ctx,
        action="template.adopt",
        obj=adoption,
        new={"version": version, "sections": sections},
    )
    return adoption


def _apply_grading(ctx: AuditContext, grading: dict) -> None:
    """Add the template's scales the school lacks (by name), then set the default scale."""
    present = {n.lower() for n in GradingSystem.objects.values_list("name", flat=True)}
    for item in grading.get("systems", []):
        if item["name"].lower() not in present:
            services.grading_system_create(
                ctx=ctx,
                name=item["name"],
                kind="custom",
                values=[
                    services.ValueInput(
                        code=v["code"],
                        label=v["label"],
                        numeric=Decimal(v["numeric"]) if v.get("numeric") is not None else None,
                        passes=v["passes"],
                        counts_quality=v.get("counts_quality", False),
                    )
                    for v in item["values"]
                ],
            )
    if grading.get("default_name"):
        default = GradingSystem.objects.filter(name__iexact=grading["default_name"]).first()
    else:
        default = GradingSystem.objects.filter(kind=grading["default_kind"]).order_by("pk").first()
    if default is not None:
        services.grading_system_make_default(ctx=ctx, system=default)


def _apply_calendar(ctx: AuditContext, content: dict, sections: list[str]) -> None:
    calendar = content.get("calendar")
    if not calendar:
        return
    start, end = date.fromisoformat(calendar["start"]), date.fromisoformat(calendar["end"])
    year = AcademicYear.objects.filter(name=calendar["year_name"]).first()
    if year is None:
        year = services.academic_year_create(
            ctx=ctx,
            name=calendar["year_name"],
            start=start,
            end=end,
            order=services.Order("шаблон региона", date.today()),
            make_current=not AcademicYear.objects.filter(is_current=True).exists(),
        )
    elif Period.objects.filter(structure__year=year, closed_at__isnull=False).exists():
        raise ValidationError(
            {"sections": f"В {year.name} учебном году есть закрытые периоды: календарь не меняют."}
        )
    if "calendar" in sections:
        HolidayPeriod.objects.filter(year=year).delete()
        for h in calendar.get("holidays", []):
            services.holiday_create(
                ctx=ctx,
                year=year,
                kind=h["kind"],
                name=h["name"],
                start=date.fromisoformat(h["start"]),
                end=date.fromisoformat(h["end"]),
                grade_from=h.get("grade_from", 1),
                grade_to=h.get("grade_to", 11),
            )
    if "structures" in sections:
        PeriodStructure.objects.filter(year=year).delete()
        for s in content.get("structures", []):
            services.period_structure_save(
                ctx=ctx,
                year=year,
                name=s["name"],
                grade_from=s["grade_from"],
                grade_to=s["grade_to"],
                periods=[
                    services.PeriodInput(
                        p["kind"],
                        p["name"],
                        date.fromisoformat(p["start"]),
                        date.fromisoformat(p["end"]),
                    )
                    for p in s["periods"]
                ],
            )


# --- how the school differs


@dataclass(frozen=True)
class Difference:
    section: str
    item: str
    template: str
    school: str


def _show(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "да" if value else "нет"
    return str(value)


def template_diff(content: dict, *, today: date) -> list[Difference]:
    """Where the school's configuration differs from `content` (a template version)."""
    out: list[Difference] = []
    calendar = content.get("calendar")
    year = AcademicYear.objects.filter(name=calendar["year_name"]).first() if calendar else None
    if calendar:
        if year is None:
            out.append(Difference("calendar", "Учебный год", calendar["year_name"], "нет"))
        else:
            if (year.start.isoformat(), year.end.isoformat()) != (
                calendar["start"],
                calendar["end"],
            ):
                out.append(
                    Difference(
                        "calendar",
                        f"Границы {year.name}",
                        f"{calendar['start']} – {calendar['end']}",
                        f"{year.start} – {year.end}",
                    )
                )
            school = {(h.name, h.start.isoformat(), h.end.isoformat()) for h in year.holidays.all()}
            template = {(h["name"], h["start"], h["end"]) for h in calendar.get("holidays", [])}
            for name, start, end in sorted(template - school):
                out.append(Difference("calendar", name, f"{start} – {end}", "нет или иначе"))
            for name, start, end in sorted(school - template):
                out.append(Difference("calendar", name, "нет", f"{start} – {end}"))
    if year is not None:
        school_structures = {
            (s.grade_from, s.grade_to): s for s in selectors.period_structure_list(year=year)
        }
        for s in content.get("structures", []):
            key = (s["grade_from"], s["grade_to"])
            label = f"{s['name']} ({key[0]}–{key[1]} кл.)"
            template_periods = [(p["name"], p["start"], p["end"]) for p in s["periods"]]
            mine = school_structures.get(key)
            if mine is None:
                out.append(Difference("structures", label, _periods(template_periods), "нет"))
                continue
            own = [(p.name, p.start.isoformat(), p.end.isoformat()) for p in mine.periods.all()]
            if own != template_periods:
                out.append(
                    Difference("structures", label, _periods(template_periods), _periods(own))
                )
    grading = content.get("grading")
    if grading:
        out += _grading_diff(grading)
    if "work_types" in content:
        school_types = {w.code: w for w in WorkType.objects.all()}
        for item in content["work_types"]:
            mine = school_types.get(item["code"])
            template = f"вес {item['weight']}, срок {item['mark_due_days']} дн."
            if mine is None:
                out.append(Difference("work_types", item["name"], template, "нет"))
                continue
            own = f"вес {mine.weight}, срок {mine.mark_due_days} дн."
            if (
                Decimal(item["weight"]) != mine.weight
                or item["mark_due_days"] != mine.mark_due_days
            ):
                out.append(Difference("work_types", item["name"], template, own))
    section = content.get("regulation")
    if section is not None:
        values = section.get("values", {})
        for row in selectors.regulation_table(today):
            setting = regulation.BY_KEY[row.setting.key]
            expected = values.get(setting.key, setting.default)
            if (setting.check(expected)[0] or expected) != row.value:
                out.append(
                    Difference("regulation", setting.label, _show(expected), _show(row.value))
                )
    return out


def _grading_diff(grading: dict) -> list[Difference]:
    out = []
    systems = {
        s.name.lower(): s for s in GradingSystem.objects.prefetch_related("values").order_by("pk")
    }
    for item in grading.get("systems", []):
        mine = systems.get(item["name"].lower())
        codes = ", ".join(v["code"] for v in item["values"])
        if mine is None:
            out.append(Difference("grading", item["name"], codes, "нет"))
            continue
        own = ", ".join(v.code for v in sorted(mine.values.all(), key=lambda v: v.position))
        if own != codes:
            out.append(Difference("grading", item["name"], codes, own))
    default = next((s for s in systems.values() if s.is_default), None)
    if grading.get("default_name"):
        expected = grading["default_name"]
        same = default is not None and default.name.lower() == expected.lower()
    else:
        expected = GradingKind(grading["default_kind"]).label
        same = default is not None and default.kind == grading["default_kind"]
    if not same:
        out.append(
            Difference(
                "grading", "Шкала по умолчанию", expected, default.name if default else "нет"
            )
        )
    return out


def _periods(periods: list[tuple[str, str, str]]) -> str:
    return "; ".join(f"{name}: {start} – {end}" for name, start, end in periods)
