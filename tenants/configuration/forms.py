"""Forms of the settings pages. They check the shape of input; the rules live in the services,
whose field messages `place_errors` puts next to the right input (including rows of formsets)."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from . import regulation
from .choices import FormOfControl, HolidayKind, LocalActKind, PeriodKind, RoomKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OrderForm(forms.Form):
    order_number = forms.CharField(label="Номер приказа", max_length=50)
    order_date = forms.DateField(label="Дата приказа", widget=DATE)


class YearForm(OrderForm):
    name = forms.RegexField(
        label="Учебный год",
        regex=r"^\d{4}/\d{4}$",
        max_length=20,
        error_messages={"invalid": "Формат: 2026/2027."},
    )
    start = forms.DateField(label="Начало", widget=DATE)
    end = forms.DateField(label="Окончание", widget=DATE)
    make_current = forms.BooleanField(label="Сделать текущим", required=False, initial=True)
    field_order = ["name", "start", "end", "make_current", "order_number", "order_date"]


class HolidayForm(forms.Form):
    kind = forms.ChoiceField(label="Вид", choices=HolidayKind.choices)
    name = forms.CharField(label="Название", max_length=100)
    start = forms.DateField(label="С", widget=DATE)
    end = forms.DateField(label="По", widget=DATE)
    grade_from = forms.IntegerField(label="С класса", min_value=1, max_value=11, initial=1)
    grade_to = forms.IntegerField(label="По класс", min_value=1, max_value=11, initial=11)


class StructureForm(forms.Form):
    name = forms.CharField(label="Название", max_length=100, initial="Четверти")
    grade_from = forms.IntegerField(label="С класса", min_value=1, max_value=11, initial=1)
    grade_to = forms.IntegerField(label="По класс", min_value=1, max_value=11, initial=9)


class PeriodRowForm(forms.Form):
    kind = forms.ChoiceField(label="Вид", choices=PeriodKind.choices, required=False)
    name = forms.CharField(label="Название", max_length=100, required=False)
    start = forms.DateField(label="Начало", widget=DATE, required=False)
    end = forms.DateField(label="Окончание", widget=DATE, required=False)

    def clean(self):
        data = super().clean()
        filled = [data.get(k) for k in ("name", "start", "end")]
        if any(filled) and not all(filled):
            raise ValidationError("Заполните название, начало и окончание периода.")
        return data

    @property
    def is_blank(self) -> bool:
        return not (self.cleaned_data.get("name") or self.cleaned_data.get("start"))


def period_formset(data=None, initial=None, rows: int = 6):
    initial = initial or []
    formset = forms.formset_factory(
        PeriodRowForm, extra=max(rows - len(initial), 1), max_num=12, absolute_max=12
    )
    return formset(data, initial=initial, prefix="periods")


class GradingSystemForm(forms.Form):
    name = forms.CharField(label="Название шкалы", max_length=100)


class ValueRowForm(forms.Form):
    code = forms.CharField(label="Обозначение", max_length=10, required=False)
    label = forms.CharField(label="Название", max_length=50, required=False)
    numeric = forms.DecimalField(label="Число", max_digits=6, decimal_places=2, required=False)
    passes = forms.BooleanField(label="Положительная", required=False)
    counts_quality = forms.BooleanField(label="В качество знаний", required=False)

    @property
    def is_blank(self) -> bool:
        return not self.cleaned_data.get("code")


def value_formset(data=None, rows: int = 6):
    formset = forms.formset_factory(ValueRowForm, extra=rows, max_num=101, absolute_max=101)
    return formset(data, prefix="values")


class WorkTypeForm(forms.Form):
    code = forms.SlugField(label="Код", max_length=32)
    name = forms.CharField(label="Название", max_length=100)
    form_of_control = forms.ChoiceField(label="Форма контроля", choices=FormOfControl.choices)
    weight = forms.DecimalField(label="Вес", max_digits=4, decimal_places=2, initial=Decimal(1))
    mark_due_days = forms.IntegerField(label="Срок, дней", min_value=0, initial=0)
    is_active = forms.BooleanField(label="Используется", required=False, initial=True)


class AssignmentForm(forms.Form):
    system = forms.TypedChoiceField(label="Система оценивания", coerce=int)
    subject = forms.TypedChoiceField(label="Предмет", coerce=int, required=False, empty_value=None)
    school_class = forms.TypedChoiceField(
        label="Класс (или диапазон ниже)", coerce=int, required=False, empty_value=None
    )
    grade_from = forms.IntegerField(label="С класса", min_value=1, max_value=11, initial=1)
    grade_to = forms.IntegerField(label="По класс", min_value=1, max_value=11, initial=11)

    def __init__(self, *args, systems, subjects, classes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["system"].choices = [(s.pk, s.name) for s in systems]
        self.fields["subject"].choices = [("", "Все предметы")] + [(s.pk, s.name) for s in subjects]
        self.fields["school_class"].choices = [("", "—")] + [(c.pk, c.name) for c in classes]


class SubjectForm(forms.Form):
    name = forms.CharField(label="Название", max_length=150)
    short_name = forms.CharField(label="Сокращение", max_length=30, required=False)
    area = forms.CharField(label="Предметная область", max_length=150, required=False)


class RoomForm(forms.Form):
    number = forms.CharField(label="Номер", max_length=20)
    name = forms.CharField(label="Название", max_length=100, required=False)
    kind = forms.ChoiceField(label="Вид", choices=RoomKind.choices)
    capacity = forms.IntegerField(label="Мест", min_value=1, max_value=1000, required=False)


class LocalActForm(OrderForm):
    title = forms.CharField(label="Название", max_length=300)
    kind = forms.ChoiceField(label="Вид", choices=LocalActKind.choices)
    is_public = forms.BooleanField(label="Публичный (виден всем)", required=False)
    file = forms.FileField(label="Файл (PDF, DOCX, ODT, до 20 МБ)")
    field_order = ["title", "kind", "order_number", "order_date", "is_public", "file"]


class RegulationForm(OrderForm):
    """One input per setting the school may change, prefilled with the values in force."""

    effective_from = forms.DateField(label="Вступает в силу", widget=DATE)

    def __init__(self, *args, settings: dict[str, regulation.Setting], current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.settings = {k: s for k, s in settings.items() if s.scope == regulation.SCHOOL}
        self.current = current
        for key, setting in self.settings.items():
            label = f"{setting.ref}. {setting.label}"
            help_text = f"Допустимо {setting.describe_range()}."
            if setting.kind == regulation.BOOL:
                field = forms.BooleanField(label=label, required=False, help_text=help_text)
            elif setting.kind == regulation.CHOICE:
                field = forms.ChoiceField(label=label, choices=setting.choices, help_text=help_text)
            else:
                field = forms.CharField(label=label, help_text=help_text, max_length=300)
            field.initial = current[key]
            self.fields[key] = field

    def setting_fields(self):
        return [self[key] for key in self.settings]

    def changed_values(self) -> dict:
        """The settings whose value differs from the one in force, as the catalogue types them."""
        changed = {}
        for key, setting in self.settings.items():
            value = self.cleaned_data.get(key)
            if setting.kind == regulation.INT and isinstance(value, str):
                value = int(value) if re.fullmatch(r"-?\d+", value.strip()) else value
            if isinstance(value, str):
                value = value.strip()
            canonical = setting.check(value)[0]
            if (canonical if canonical is not None else value) != self.current[key]:
                changed[key] = value
        return changed


def place_errors(error: ValidationError, form: forms.Form, *formsets) -> None:
    """Put a service's field messages on the form, or on rows of a formset: a key
    `periods[2].start` lands on row 2's `start` (rows counted as the service saw them)."""
    rows = {}
    for prefix, formset, index in formsets:
        rows[prefix] = (formset, index)
    for key, messages in error.message_dict.items():
        match = re.fullmatch(r"(\w+)\[(\d+)\]\.(\w+)", key)
        if match and match.group(1) in rows:
            formset, index = rows[match.group(1)]
            row = formset.forms[index[int(match.group(2))]]
            field = match.group(3)
            row.add_error(field if field in row.fields else None, messages)
        elif key in form.fields:
            form.add_error(key, messages)
        else:
            form.add_error(None, messages)


RANGE_RE = re.compile(r"^(\d+(?:[.,]\d+)?)\s*[-–]\s*(\d+(?:[.,]\d+)?)$")


class ConversionForm(forms.Form):
    """A conversion table as lines: «4 → 3» (a value) or «70–84 → 4» (a numeric range)."""

    source = forms.TypedChoiceField(label="Из шкалы", coerce=int)
    target = forms.TypedChoiceField(label="В шкалу", coerce=int)
    rules = forms.CharField(
        label="Правила, по одному в строке",
        widget=forms.Textarea(attrs={"rows": 6, "placeholder": "1–3 → 2\n4–5 → 3"}),
        help_text="«значение → значение» или «от–до → значение».",
    )

    def __init__(self, *args, systems, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(s.pk, s.name) for s in systems]
        self.fields["source"].choices = choices
        self.fields["target"].choices = choices

    def clean_rules(self):
        from .services import RuleInput

        rules, errors = [], []
        lines = [line.strip() for line in self.cleaned_data["rules"].splitlines()]
        for number, line in enumerate((line for line in lines if line), start=1):
            parts = re.split(r"\s*(?:→|->|=)\s*", line)
            if len(parts) != 2 or not all(parts):
                errors.append(f"Строка {number}: нужно «значение → значение».")
                continue
            left, target = parts
            match = RANGE_RE.match(left)
            if match:
                low, high = (Decimal(g.replace(",", ".")) for g in match.groups())
                rules.append(RuleInput(target_code=target, minimum=low, maximum=high))
            else:
                rules.append(RuleInput(target_code=target, source_code=left))
        if errors:
            raise ValidationError(errors)
        if not rules:
            raise ValidationError("Добавьте хотя бы одно правило.")
        return rules
