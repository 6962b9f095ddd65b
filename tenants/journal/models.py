"""The journal (issue 6): what a teacher records at a lesson (JRN-03…JRN-07, JRN-16, TTB-07).

A lesson's record holds its topic; attendance and notes are per lesson and student; a mark is
always against a task that has a work type (JRN-05), dated to its lesson (JRN-06), with the entry
time kept apart. Every row carries a version for optimistic concurrency: a save names the version
it read, and a cell changed since is reported back instead of being overwritten. Authors are
staff records (never deleted: a deactivated teacher stays the author of their entries).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from tenants.configuration.models import WorkType
from tenants.people.models import Staff, Student
from tenants.timetable.models import Lesson


class AbsenceCode(models.Model):
    """Absence codes (N-03), editable per school: Н, Б, УП, НП, ОП."""

    code = models.CharField("код", max_length=8, unique=True)
    label = models.CharField("название", max_length=60)
    counts_present = models.BooleanField("считается присутствием", default=False)  # lateness
    allows_makeup = models.BooleanField("уважительная: допускает отработку", default=False)
    position = models.PositiveSmallIntegerField("порядок", default=0)
    is_active = models.BooleanField("используется", default=True)

    class Meta:
        verbose_name = "код отсутствия"
        verbose_name_plural = "коды отсутствия"
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.code


class LessonRecord(models.Model):
    """The lesson's record: its topic as delivered (JRN-04), entered on the lesson day."""

    lesson = models.OneToOneField(Lesson, on_delete=models.PROTECT, related_name="record")
    topic = models.CharField("тема урока", max_length=500)
    entered_at = models.DateTimeField("внесено")
    entered_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    is_late = models.BooleanField("внесено позже дня урока", default=False)
    version = models.PositiveIntegerField(default=1)
    # AUD-06: entered by a compromised account after the compromise; shown struck through,
    # left out of averages, the diary and reports, listed for re-entry
    invalidated_at = models.DateTimeField("недействительно с", null=True, blank=True)

    class Meta:
        verbose_name = "запись урока"
        verbose_name_plural = "записи уроков"

    def __str__(self) -> str:
        return self.topic[:60]


class Attendance(models.Model):
    """A student at a lesson: an absence code (none: present), minutes late, a note (JRN-16)."""

    lesson = models.ForeignKey(Lesson, on_delete=models.PROTECT, related_name="attendance")
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="+")
    code = models.ForeignKey(
        AbsenceCode, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    late_minutes = models.PositiveSmallIntegerField("опоздание, мин", null=True, blank=True)
    note = models.CharField("особая отметка", max_length=300, blank=True)
    entered_at = models.DateTimeField("внесено")
    entered_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    is_late = models.BooleanField("внесено позже дня урока", default=False)
    version = models.PositiveIntegerField(default=1)
    # AUD-06: entered by a compromised account after the compromise; shown struck through,
    # left out of averages, the diary and reports, listed for re-entry
    invalidated_at = models.DateTimeField("недействительно с", null=True, blank=True)

    class Meta:
        verbose_name = "посещаемость"
        verbose_name_plural = "посещаемость"
        constraints = [
            models.UniqueConstraint(fields=["lesson", "student"], name="attendance_unique"),
            models.CheckConstraint(
                condition=Q(late_minutes__isnull=True) | Q(late_minutes__lte=90),
                name="attendance_late_minutes",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lesson_id}/{self.student_id}: {self.code_id or '+'}"


class Task(models.Model):
    """An assigned task at a lesson with its work type (JRN-05): a column of marks."""

    lesson = models.ForeignKey(Lesson, on_delete=models.PROTECT, related_name="tasks")
    work_type = models.ForeignKey(WorkType, on_delete=models.PROTECT, related_name="+")
    title = models.CharField("задание", max_length=200, blank=True)
    created_at = models.DateTimeField("создано", auto_now_add=True)
    created_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "задание с видом работы"
        verbose_name_plural = "задания с видами работ"
        ordering = ["lesson", "pk"]

    def __str__(self) -> str:
        return self.title or str(self.work_type)


class Mark(models.Model):
    """A mark (JRN-05…07): a value of the subject's grading system for a task, dated to the
    task's lesson; late entries (X-03) are saved and flagged."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="marks")
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="+")
    value = models.CharField("отметка", max_length=10)
    numeric = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    comment = models.CharField("комментарий", max_length=300, blank=True)
    entered_at = models.DateTimeField("внесено")
    entered_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    is_late = models.BooleanField("внесено позже срока", default=False)
    version = models.PositiveIntegerField(default=1)
    # AUD-06: entered by a compromised account after the compromise; shown struck through,
    # left out of averages, the diary and reports, listed for re-entry
    invalidated_at = models.DateTimeField("недействительно с", null=True, blank=True)

    class Meta:
        verbose_name = "отметка"
        verbose_name_plural = "отметки"
        constraints = [
            models.UniqueConstraint(fields=["task", "student"], name="mark_unique"),
        ]
        indexes = [models.Index(fields=["student", "task"], name="mark_student_idx")]

    def __str__(self) -> str:
        return self.value


class UnitMark(models.Model):
    """What a period, year or итоговая mark holds: a value of the scale or a notation (X-10),
    for a student in a class or group, with its author, version and invalidation (AUD-06)."""

    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="+")
    subject = models.ForeignKey("configuration.Subject", on_delete=models.PROTECT, related_name="+")
    school_class = models.ForeignKey(
        "people.SchoolClass", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    group = models.ForeignKey(
        "people.Group", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    value = models.CharField("отметка", max_length=10, blank=True)
    numeric = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    notation = models.CharField("обозначение", max_length=16, blank=True)
    entered_at = models.DateTimeField("внесено")
    entered_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)
    invalidated_at = models.DateTimeField("недействительно с", null=True, blank=True)

    class Meta:
        abstract = True


class PeriodMark(UnitMark):
    """A period mark (JRN-08): a value of the scale, or a notation (X-10), or a deferral for
    illness with a new due date (JRN-10); per student, subject and period, in a class or group."""

    period = models.ForeignKey("configuration.Period", on_delete=models.PROTECT, related_name="+")
    deferred_until = models.DateField("перенесено до", null=True, blank=True)
    defer_reason = models.CharField("причина переноса", max_length=300, blank=True)
    is_late = models.BooleanField("внесено позже срока", default=False)

    class Meta:
        verbose_name = "отметка за период"
        verbose_name_plural = "отметки за период"
        constraints = [
            models.UniqueConstraint(
                fields=["student", "subject", "period"], name="period_mark_unique"
            ),
            models.CheckConstraint(
                condition=Q(school_class__isnull=False, group__isnull=True)
                | Q(school_class__isnull=True, group__isnull=False),
                name="period_mark_class_or_group",
            ),
        ]

    def __str__(self) -> str:
        return self.value or self.notation or "перенос"


class CorrectionStatus(models.TextChoices):
    PENDING = "pending", "На рассмотрении"
    APPLIED = "applied", "Одобрено и внесено"
    REJECTED = "rejected", "Отклонено"


class CorrectionRequest(models.Model):
    """A teacher's request to change journal entries after a lock (AUD-02, AUD-03, N-04): the
    cells as the save API takes them, with a reason; a deputy or the director approves (the
    changes are then written, audited with the request's number) or rejects it."""

    requested_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField("подан")
    school_class = models.ForeignKey(
        "people.SchoolClass", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    group = models.ForeignKey(
        "people.Group", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    subject = models.ForeignKey("configuration.Subject", on_delete=models.PROTECT, related_name="+")
    period = models.ForeignKey("configuration.Period", on_delete=models.PROTECT, related_name="+")
    changes = models.JSONField("исправления")
    reason = models.TextField("причина")
    status = models.CharField(
        "состояние", max_length=10, choices=CorrectionStatus.choices, default="pending"
    )
    decided_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField("рассмотрен", null=True, blank=True)
    decision_note = models.CharField("комментарий", max_length=500, blank=True)
    result = models.JSONField("результат", null=True, blank=True)

    class Meta:
        verbose_name = "запрос на исправление"
        verbose_name_plural = "запросы на исправление"
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["status", "period"], name="correction_status_idx")]

    def __str__(self) -> str:
        return f"№ {self.pk}"


class DowngradeNotice(models.Model):
    """JRN-12: guardians told that the intended period mark is below the published average, with
    the reason, so many lessons before the period ends (fewer: flagged late)."""

    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="+")
    subject = models.ForeignKey("configuration.Subject", on_delete=models.PROTECT, related_name="+")
    period = models.ForeignKey("configuration.Period", on_delete=models.PROTECT, related_name="+")
    intended = models.CharField("предполагаемая отметка", max_length=10)
    average = models.DecimalField("средний балл", max_digits=6, decimal_places=2)
    reason = models.TextField("причина")
    created_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("направлено")
    lessons_left = models.PositiveSmallIntegerField("уроков до конца периода")
    is_late = models.BooleanField("позже срока", default=False)

    class Meta:
        verbose_name = "уведомление о снижении отметки"
        verbose_name_plural = "уведомления о снижении отметки"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.student_id}: {self.intended}"


class ExamResult(models.Model):
    """JRN-14: interim and final attestation and state exam results."""

    class Kind(models.TextChoices):
        INTERIM = "interim", "Промежуточная аттестация"
        FINAL = "final", "Итоговая аттестация"
        OGE = "oge", "ОГЭ"
        EGE = "ege", "ЕГЭ"
        GVE = "gve", "ГВЭ"

    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="+")
    subject = models.ForeignKey("configuration.Subject", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("вид", max_length=10, choices=Kind.choices)
    held_on = models.DateField("дата")
    value = models.CharField("отметка", max_length=10, blank=True)
    score = models.PositiveSmallIntegerField("баллы", null=True, blank=True)
    entered_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField("внесено")

    class Meta:
        verbose_name = "результат аттестации"
        verbose_name_plural = "результаты аттестации"
        constraints = [
            models.UniqueConstraint(
                fields=["student", "subject", "kind", "held_on"], name="exam_result_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value or self.score}"


class YearMark(UnitMark):
    """A year mark or an итоговая mark (N-08, JRN-08): per student, subject and academic year;
    predicted from the mean of the period marks, entered by the teacher."""

    class Kind(models.TextChoices):
        YEAR = "year", "Годовая"
        FINAL = "final", "Итоговая"

    year = models.ForeignKey(
        "configuration.AcademicYear", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("вид", max_length=6, choices=Kind.choices, default="year")

    class Meta:
        verbose_name = "годовая (итоговая) отметка"
        verbose_name_plural = "годовые и итоговые отметки"
        constraints = [
            models.UniqueConstraint(
                fields=["student", "subject", "year", "kind"], name="year_mark_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.value or self.notation
