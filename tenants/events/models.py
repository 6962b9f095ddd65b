"""The ВШК control-work schedule (TTB-10), class and school events with the monthly reminder
(TTB-11) and students' state exam choices (TTB-12).

Authors are kept as staff ids (`created_by`), not keys: a control work or an event outlives the
author's contract. Writes go through `services`; the rules live there.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from tenants.configuration.models import AcademicYear, Subject
from tenants.people.models import Group, SchoolClass, Student

from .choices import ControlForm, EventLevel, ExamChoiceStatus, ExamKind, ExamLevel


class ControlWork(models.Model):
    """A control work in the consolidated ВШК schedule (TTB-10), for a class or a group."""

    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    group = models.ForeignKey(
        Group, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="+")
    date = models.DateField("дата")
    lesson_number = models.PositiveSmallIntegerField("урок", null=True, blank=True)
    form = models.CharField("форма контроля", max_length=20, choices=ControlForm.choices)
    title = models.CharField("тема", max_length=200, blank=True)
    notes = models.TextField("примечание", blank=True)
    created_by = models.BigIntegerField("внёс (сотрудник)", null=True, blank=True)
    created_at = models.DateTimeField("внесено", auto_now_add=True)

    class Meta:
        verbose_name = "контрольная работа"
        verbose_name_plural = "график контрольных работ"
        ordering = ["date", "lesson_number", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(school_class__isnull=False, group__isnull=True)
                | Q(school_class__isnull=True, group__isnull=False),
                name="control_work_class_or_group",
            ),
            models.CheckConstraint(
                condition=Q(lesson_number__isnull=True) | Q(lesson_number__lte=12),
                name="control_work_lesson_range",
            ),
        ]
        indexes = [
            models.Index(fields=["school_class", "date"], name="control_work_class_date_idx"),
            models.Index(fields=["group", "date"], name="control_work_group_date_idx"),
            models.Index(fields=["date"], name="control_work_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y}: {self.get_form_display()}"


class Event(models.Model):
    """A class event (entered by the class teacher) or a school event (by the deputy), TTB-11."""

    level = models.CharField("уровень", max_length=6, choices=EventLevel.choices)
    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    date = models.DateField("дата")
    end_date = models.DateField("дата окончания", null=True, blank=True)
    start_time = models.TimeField("время", null=True, blank=True)
    title = models.CharField("название", max_length=200)
    place = models.CharField("место", max_length=200, blank=True)
    description = models.TextField("описание", blank=True)
    created_by = models.BigIntegerField("внёс (сотрудник)", null=True, blank=True)
    created_at = models.DateTimeField("внесено", auto_now_add=True)

    class Meta:
        verbose_name = "мероприятие"
        verbose_name_plural = "мероприятия"
        ordering = ["date", "start_time", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level=EventLevel.CLASS, school_class__isnull=False)
                | Q(level=EventLevel.SCHOOL, school_class__isnull=True),
                name="event_level_matches_class",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("date")),
                name="event_end_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["date"], name="event_date_idx"),
            models.Index(fields=["school_class", "date"], name="event_class_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y}: {self.title}"


class EventReminder(models.Model):
    """A monthly reminder to enter events (TTB-11), sent once per month per class (class level)
    or once per month to the deputies (school level)."""

    month = models.DateField("месяц")  # the first day of the month the events are missing for
    level = models.CharField("уровень", max_length=6, choices=EventLevel.choices)
    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField("отправлено")
    recipients = models.PositiveIntegerField("получателей")

    class Meta:
        verbose_name = "напоминание о мероприятиях"
        verbose_name_plural = "напоминания о мероприятиях"
        ordering = ["-month", "level", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level=EventLevel.CLASS, school_class__isnull=False)
                | Q(level=EventLevel.SCHOOL, school_class__isnull=True),
                name="event_reminder_level_matches_class",
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="event_reminder_month_start"),
            models.UniqueConstraint(
                fields=["month", "school_class"],
                condition=Q(school_class__isnull=False),
                name="event_reminder_once_per_class",
            ),
            models.UniqueConstraint(
                fields=["month"],
                condition=Q(school_class__isnull=True),
                name="event_reminder_once_per_school",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%m.%Y} {self.get_level_display()}"


class ExamChoice(models.Model):
    """A student's choice of a state exam subject (TTB-12): personal data."""

    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="exam_choices")
    year = models.ForeignKey(AcademicYear, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("вид экзамена", max_length=5, choices=ExamKind.choices)
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="+")
    level = models.CharField(
        "уровень", max_length=7, choices=ExamLevel.choices, blank=True, default=""
    )
    status = models.CharField(
        "состояние", max_length=9, choices=ExamChoiceStatus.choices, default="draft"
    )
    submitted_on = models.DateField("заявление подано", null=True, blank=True)

    class Meta:
        verbose_name = "выбор экзамена"
        verbose_name_plural = "выбор экзаменов"
        ordering = ["year", "student", "kind", "subject"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "year", "kind", "subject"], name="exam_choice_unique"
            ),
            models.CheckConstraint(
                condition=Q(level="") | Q(kind=ExamKind.EGE), name="exam_choice_level_only_ege"
            ),
            models.CheckConstraint(
                condition=~Q(status=ExamChoiceStatus.SUBMITTED) | Q(submitted_on__isnull=False),
                name="exam_choice_submitted_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject_id}"
