"""A school's year: academic years, period structures per grade range, holidays (CFG-01…04).

School tables hold no foreign keys to public tables (ADR 0001); orders are cited by number and
date. Validation that spans rows (overlaps, gaps, the year's bounds) lives in `validation.py`
and is applied by the services.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from .choices import (
    CloseSource,
    FormOfControl,
    GradingKind,
    HolidayKind,
    LocalActKind,
    NotationCode,
    PeriodKind,
    RoomKind,
    SubjectKind,
)


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
    # the lock (CFG-12, X-05): closed after its end, manually or by the auto-close task;
    # a director or deputy may reopen it for a while (N-05)
    closed_at = models.DateTimeField("закрыт", null=True, blank=True)
    close_source = models.CharField(max_length=8, choices=CloseSource.choices, blank=True)
    reopened_until = models.DateTimeField("открыт для исправлений до", null=True, blank=True)

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

    def is_locked(self, now) -> bool:
        if self.closed_at is None:
            return False
        return self.reopened_until is None or now >= self.reopened_until


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


class RegulationVersion(models.Model):
    """A set of regulation settings (CFG-10) approved by one order, in force from a date.

    Append-only: a change is a new version. The value in force on a day is the one of the latest
    version in force that sets it, else the adopted regional template's, else the catalogue's.
    """

    effective_from = models.DateField("вступает в силу")
    order_number = models.CharField("приказ: номер", max_length=50)
    order_date = models.DateField("приказ: дата")
    values = models.JSONField("значения")
    note = models.CharField("примечание", max_length=300, blank=True)
    created_at = models.DateTimeField("внесено", auto_now_add=True)

    class Meta:
        verbose_name = "редакция регламента"
        verbose_name_plural = "редакции регламента"
        ordering = ["effective_from", "pk"]

    def __str__(self) -> str:
        return f"№ {self.order_number} от {self.order_date:%d.%m.%Y}"


class TemplateAdoption(models.Model):
    """Which version of the region's template the school took, with a copy of it (N-22).

    A copy, not a reference: school schemas hold no keys into the public schema (ADR 0001),
    and the school's diff must not change when the ministry edits a later version.
    """

    template_version = models.PositiveIntegerField("версия шаблона")
    content = models.JSONField("содержимое шаблона")
    sections = models.JSONField("принятые разделы", default=list)
    adopted_at = models.DateTimeField("принят", auto_now_add=True)

    class Meta:
        verbose_name = "принятый шаблон региона"
        verbose_name_plural = "принятые шаблоны региона"
        ordering = ["-adopted_at", "-pk"]

    def __str__(self) -> str:
        return f"Шаблон региона, версия {self.template_version}"


class Subject(models.Model):
    """A subject (CFG-13): from the federal plan (ФБУП) or the school's own component."""

    name = models.CharField("название", max_length=150, unique=True)
    short_name = models.CharField("сокращение", max_length=30, blank=True)
    kind = models.CharField("часть плана", max_length=8, choices=SubjectKind.choices)
    federal_code = models.SlugField("код в каталоге ФБУП", max_length=40, blank=True)
    area = models.CharField("предметная область", max_length=150, blank=True)
    is_active = models.BooleanField("используется", default=True)

    class Meta:
        verbose_name = "предмет"
        verbose_name_plural = "предметы"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["federal_code"], condition=~Q(federal_code=""), name="subject_federal_code"
            ),
            models.CheckConstraint(
                condition=Q(kind="school") | ~Q(federal_code=""), name="federal_subject_has_code"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Room(models.Model):
    number = models.CharField("номер", max_length=20, unique=True)
    name = models.CharField("название", max_length=100, blank=True)
    kind = models.CharField("вид", max_length=12, choices=RoomKind.choices, default="classroom")
    capacity = models.PositiveSmallIntegerField("мест", null=True, blank=True)
    is_active = models.BooleanField("используется", default=True)

    class Meta:
        verbose_name = "кабинет"
        verbose_name_plural = "кабинеты"
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number} {self.name}".strip()


class GradingAssignment(models.Model):
    """Which scale a subject and/or a grade range uses (CFG-06); the most specific one wins.

    A class assignment (with or without a subject) beats a grade-range one.
    """

    system = models.ForeignKey(GradingSystem, on_delete=models.PROTECT, related_name="+")
    subject = models.ForeignKey(
        Subject, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    school_class = models.ForeignKey(
        "people.SchoolClass", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    grade_from = models.PositiveSmallIntegerField("с класса", default=1)
    grade_to = models.PositiveSmallIntegerField("по класс", default=11)

    class Meta:
        verbose_name = "назначение системы оценивания"
        verbose_name_plural = "назначения систем оценивания"
        ordering = ["subject", "grade_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    grade_from__gte=1, grade_to__lte=11, grade_to__gte=models.F("grade_from")
                ),
                name="grading_assignment_grade_range",
            ),
        ]

    def __str__(self) -> str:
        where = self.school_class or f"{self.grade_from}–{self.grade_to} кл."
        return f"{self.subject or 'Все предметы'}, {where}"


class LocalAct(models.Model):
    """A school's local act (CFG-11): the file lives in object storage, the card here."""

    title = models.CharField("название", max_length=300)
    kind = models.CharField("вид", max_length=24, choices=LocalActKind.choices)
    order_number = models.CharField("приказ: номер", max_length=50)
    order_date = models.DateField("приказ: дата")
    is_public = models.BooleanField("публичный", default=False)
    file_key = models.CharField(max_length=300)
    file_name = models.CharField("файл", max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    published_at = models.DateTimeField("опубликован", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "локальный акт"
        verbose_name_plural = "локальные акты"
        ordering = ["-order_date", "-pk"]

    def __str__(self) -> str:
        return self.title
