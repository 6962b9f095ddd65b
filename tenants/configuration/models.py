"""A school's year: academic years, period structures per grade range, holidays (CFG-01…04).

School tables hold no foreign keys to public tables (ADR 0001); orders are cited by number and
date. Validation that spans rows (overlaps, gaps, the year's bounds) lives in `validation.py`
and is applied by the services.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from .choices import FormOfControl, GradingKind, HolidayKind, NotationCode, PeriodKind


class AcademicYear(models.Model):
    name = models.CharField("учебный год", max_length=20, unique=True)  # e.g. 2026/2027
    start = models.DateField("начало")
    end = models.DateField("окончание")
    is_current = models.BooleanField("текущий", default=False)
    opened_order_number = models.CharField("приказ об открытии: номер", max_length=50, blank=True)
    opened_order_date = models.DateField("приказ об открытии: дата", null=True, blank=True)
    closed_order_number = models.CharField("приказ о закрытии: номер", max_length=50, blank=True)
    closed_order_date = models.DateField("приказ о закрытии: дата", null=True, blank=True)
    closed_at = models.DateTimeField("закрыт", null=True, blank=True)

    class Meta:
        verbose_name = "учебный год"
        verbose_name_plural = "учебные годы"
        ordering = ["-start"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="one_current_year"
            ),
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="year_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PeriodStructure(models.Model):
    """How a year is divided for a range of grades (e.g. quarters for 1–9)."""

    year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE, related_name="structures")
    name = models.CharField("название", max_length=100)
    grade_from = models.PositiveSmallIntegerField("с класса")
    grade_to = models.PositiveSmallIntegerField("по класс")

    class Meta:
        verbose_name = "структура учебного года"
        verbose_name_plural = "структуры учебного года"
        ordering = ["year", "grade_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    grade_from__gte=1, grade_to__lte=11, grade_to__gte=models.F("grade_from")
                ),
                name="structure_grade_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.grade_from}–{self.grade_to})"


class Period(models.Model):
    structure = models.ForeignKey(PeriodStructure, on_delete=models.CASCADE, related_name="periods")
    kind = models.CharField("вид", max_length=16, choices=PeriodKind.choices)
    number = models.PositiveSmallIntegerField("номер")
    name = models.CharField("название", max_length=100)
    start = models.DateField("начало")
    end = models.DateField("окончание")

    class Meta:
        verbose_name = "учебный период"
        verbose_name_plural = "учебные периоды"
        ordering = ["structure", "start"]
        constraints = [
            models.UniqueConstraint(fields=["structure", "number"], name="period_number_unique"),
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")), name="period_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class HolidayPeriod(models.Model):
    year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE, related_name="holidays")
    kind = models.CharField("вид", max_length=16, choices=HolidayKind.choices)
    name = models.CharField("название", max_length=100)
    start = models.DateField("начало")
    end = models.DateField("окончание")
    grade_from = models.PositiveSmallIntegerField("с класса", default=1)
    grade_to = models.PositiveSmallIntegerField("по класс", default=11)

    class Meta:
        verbose_name = "каникулы"
        verbose_name_plural = "каникулы"
        ordering = ["year", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")), name="holiday_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class GradingSystem(models.Model):
    """A scale of marks (CFG-06, N-01): ordered values, each passing or not."""

    name = models.CharField("название", max_length=100, unique=True)
    kind = models.CharField("вид", max_length=16, choices=GradingKind.choices)
    is_default = models.BooleanField("по умолчанию", default=False)

    class Meta:
        verbose_name = "система оценивания"
        verbose_name_plural = "системы оценивания"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_grading"
            )
        ]

    def __str__(self) -> str:
        return self.name


class GradeValue(models.Model):
    system = models.ForeignKey(GradingSystem, on_delete=models.CASCADE, related_name="values")
    position = models.PositiveSmallIntegerField("порядок")  # 1 = lowest
    code = models.CharField("обозначение", max_length=10)
    label = models.CharField("название", max_length=50)
    numeric = models.DecimalField(
        "числовое значение", max_digits=6, decimal_places=2, null=True, blank=True
    )
    passes = models.BooleanField("положительная", default=True)
    counts_quality = models.BooleanField("учитывается в качестве знаний", default=False)

    class Meta:
        verbose_name = "значение шкалы"
        verbose_name_plural = "значения шкалы"
        ordering = ["system", "position"]
        constraints = [
            models.UniqueConstraint(fields=["system", "position"], name="grade_value_position"),
            models.UniqueConstraint(fields=["system", "code"], name="grade_value_code"),
        ]

    def __str__(self) -> str:
        return self.code


class Conversion(models.Model):
    """How marks of one system convert to another (CFG-07), by a table or by numeric ranges."""

    source = models.ForeignKey(GradingSystem, on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey(GradingSystem, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = "перевод отметок"
        verbose_name_plural = "переводы отметок"
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="conversion_pair"),
            models.CheckConstraint(
                condition=~Q(source=models.F("target")), name="conversion_two_systems"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} → {self.target}"


class ConversionRule(models.Model):
    """Either `source_value` (a table row) or `minimum`..`maximum` (a numeric range)."""

    conversion = models.ForeignKey(Conversion, on_delete=models.CASCADE, related_name="rules")
    source_value = models.ForeignKey(
        GradeValue, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    minimum = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    maximum = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    target_value = models.ForeignKey(GradeValue, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = "правило перевода"
        verbose_name_plural = "правила перевода"
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(source_value__isnull=False, minimum__isnull=True, maximum__isnull=True)
                    | Q(
                        source_value__isnull=True,
                        minimum__isnull=False,
                        maximum__isnull=False,
                        maximum__gte=models.F("minimum"),
                    )
                ),
                name="conversion_rule_table_or_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.source_value or f'{self.minimum}–{self.maximum}'} → {self.target_value}"


class WorkType(models.Model):
    """What a mark is for (CFG-08), with its weight (N-02) and mark deadline (X-03)."""

    code = models.SlugField("код", max_length=32, unique=True)
    name = models.CharField("название", max_length=100)
    form_of_control = models.CharField(
        "форма контроля", max_length=16, choices=FormOfControl.choices
    )
    weight = models.DecimalField("вес", max_digits=4, decimal_places=2, default=1)
    mark_due_days = models.PositiveSmallIntegerField("срок выставления, дней", default=0)
    is_system = models.BooleanField("из перечня ФГОС/регламента", default=False)
    is_active = models.BooleanField("используется", default=True)

    class Meta:
        verbose_name = "вид работы"
        verbose_name_plural = "виды работ"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gt=0, weight__lte=10), name="work_type_weight_range"
            ),
            models.CheckConstraint(
                condition=Q(mark_due_days__lte=14), name="work_type_due_days_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Notation(models.Model):
    """A notation in place of a period mark (CFG-09, X-10): switchable and relabelable."""

    code = models.CharField("код", max_length=16, choices=NotationCode.choices, unique=True)
    label = models.CharField("обозначение", max_length=20)
    description = models.CharField("значение", max_length=100)
    is_enabled = models.BooleanField("используется", default=True)

    class Meta:
        verbose_name = "особая отметка за период"
        verbose_name_plural = "особые отметки за период"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.label
