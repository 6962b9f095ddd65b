"""A school's year: academic years, period structures per grade range, holidays (CFG-01…04).

School tables hold no foreign keys to public tables (ADR 0001); orders are cited by number and
date. Validation that spans rows (overlaps, gaps, the year's bounds) lives in `validation.py`
and is applied by the services.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from .choices import HolidayKind, PeriodKind


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
