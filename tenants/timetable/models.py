"""Curriculum, bells and the weekly timetable (TTB-01…04).

The teaching load (TTB-02) is `people.Teaching` with its weekly hours: who teaches which subject to
which class or group. Timetable entries place load on a weekday and lesson number, with a teacher
and a room, for a date range and every week or alternate weeks.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from tenants.configuration.models import AcademicYear, Room, Subject
from tenants.people.models import Group, SchoolClass, Staff


class CurriculumLine(models.Model):
    """Hours a week of a subject in a grade (and profile) by the school's curriculum (TTB-01)."""

    year = models.ForeignKey(AcademicYear, on_delete=models.PROTECT, related_name="+")
    grade = models.PositiveSmallIntegerField("параллель")
    profile = models.CharField("профиль", max_length=60, blank=True)
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="+")
    hours = models.DecimalField("часов в неделю", max_digits=4, decimal_places=1)
    school_part = models.BooleanField("часть, формируемая школой", default=False)
    # an individual curriculum (ИУП, PPL-07): the line applies to this student only
    student = models.ForeignKey(
        "people.Student", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "строка учебного плана"
        verbose_name_plural = "учебный план"
        ordering = ["year", "grade", "profile", "subject"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "grade", "profile", "subject"],
                condition=Q(student__isnull=True),
                name="curriculum_line_unique",
            ),
            models.UniqueConstraint(
                fields=["year", "student", "subject"],
                condition=Q(student__isnull=False),
                name="curriculum_individual_unique",
            ),
            models.CheckConstraint(
                condition=Q(hours__gt=0, hours__lte=12, grade__gte=1, grade__lte=11),
                name="curriculum_line_ranges",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grade} {self.profile} {self.subject}: {self.hours}".replace("  ", " ")


class BellSchedule(models.Model):
    """Lesson times (TTB-03): a shift, or a shortened day."""

    name = models.CharField("название", max_length=60, unique=True)
    is_default = models.BooleanField("основное", default=False)

    class Meta:
        verbose_name = "расписание звонков"
        verbose_name_plural = "расписания звонков"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Bell(models.Model):
    schedule = models.ForeignKey(BellSchedule, on_delete=models.CASCADE, related_name="bells")
    number = models.PositiveSmallIntegerField("урок")
    start = models.TimeField("начало")
    end = models.TimeField("окончание")

    class Meta:
        verbose_name = "звонок"
        verbose_name_plural = "звонки"
        ordering = ["schedule", "number"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "number"], name="bell_number_unique"),
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="bell_end_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.number}: {self.start:%H:%M}–{self.end:%H:%M}"


class Weeks(models.TextChoices):
    EVERY = "every", "Каждую неделю"
    ODD = "odd", "По нечётным неделям"
    EVEN = "even", "По чётным неделям"


class Placement(models.Model):
    """Who meets whom for what, where: shared by timetable entries and dated lessons."""

    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    group = models.ForeignKey(
        Group, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="+")
    teacher = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    room = models.ForeignKey(
        Room, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        abstract = True


class TimetableEntry(Placement):
    """A lesson in the weekly timetable (TTB-03, TTB-04) for a class or a group."""

    weekday = models.PositiveSmallIntegerField("день недели")  # 1 = Monday … 6 = Saturday
    number = models.PositiveSmallIntegerField("урок")
    weeks = models.CharField("недели", max_length=5, choices=Weeks.choices, default=Weeks.EVERY)
    valid_from = models.DateField("действует с")
    valid_to = models.DateField("действует по")

    class Meta:
        verbose_name = "урок в расписании"
        verbose_name_plural = "расписание"
        ordering = ["weekday", "number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(school_class__isnull=False, group__isnull=True)
                | Q(school_class__isnull=True, group__isnull=False),
                name="entry_class_or_group",
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=1, weekday__lte=6, number__gte=0, number__lte=12)
                & Q(valid_to__gte=F("valid_from")),
                name="entry_ranges",
            ),
        ]
        indexes = [models.Index(fields=["weekday", "number"], name="entry_slot_idx")]

    def __str__(self) -> str:
        return f"{self.weekday}/{self.number}: {self.subject}"


class Lesson(Placement):
    """A dated lesson: a column of the journal. Made from the timetable over the year, skipping
    holidays; re-made when the timetable changes, except lessons that hold journal data."""

    date = models.DateField("дата")
    number = models.PositiveSmallIntegerField("урок")
    entry = models.ForeignKey(
        TimetableEntry, on_delete=models.SET_NULL, null=True, blank=True, related_name="lessons"
    )
    # set by the journal when attendance, marks, topic or homework are recorded for the lesson
    has_journal_data = models.BooleanField("есть записи журнала", default=False)
    # TTB-05: a substitution (the substitute gets the rights on this lesson, PPL-03) or a move
    substitute = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="substitutions"
    )
    substitution_reason = models.CharField("причина замены", max_length=200, blank=True)
    substituted_at_entry = models.BooleanField("замена отмечена при заполнении", default=False)
    moved_from = models.DateField("перенесён с", null=True, blank=True)
    # TTB-06: the КТП topic planned for this lesson; pinned when a teacher moved it here by hand
    plan_topic = models.ForeignKey(
        "PlanTopic", on_delete=models.SET_NULL, null=True, blank=True, related_name="lessons"
    )
    topic_pinned = models.BooleanField("тема закреплена", default=False)

    class Meta:
        verbose_name = "урок"
        verbose_name_plural = "уроки"
        ordering = ["date", "number"]
        indexes = [
            models.Index(fields=["school_class", "date"], name="lesson_class_date_idx"),
            models.Index(fields=["group", "date"], name="lesson_group_date_idx"),
            models.Index(fields=["teacher", "date"], name="lesson_teacher_date_idx"),
            models.Index(fields=["entry", "date"], name="lesson_entry_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d.%m} {self.number}: {self.subject}"


# --- lesson plans (КТП, TTB-06)


class LessonPlan(models.Model):
    """A КТП (TTB-06): the ordered topics of a subject for a class or a group over a year, with
    planned hours. Topics fill the unit's lessons of that subject in order."""

    year = models.ForeignKey(AcademicYear, on_delete=models.PROTECT, related_name="+")
    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    group = models.ForeignKey(
        Group, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="lesson_plans")
    programme = models.CharField("рабочая программа", max_length=300, blank=True)
    updated_at = models.DateTimeField("изменён", auto_now=True)

    class Meta:
        verbose_name = "тематическое планирование"
        verbose_name_plural = "тематическое планирование"
        constraints = [
            models.CheckConstraint(
                condition=Q(school_class__isnull=False, group__isnull=True)
                | Q(school_class__isnull=True, group__isnull=False),
                name="plan_class_or_group",
            ),
            models.UniqueConstraint(
                fields=["year", "school_class", "subject"],
                condition=Q(group__isnull=True),
                name="plan_class_subject_unique",
            ),
            models.UniqueConstraint(
                fields=["year", "group", "subject"],
                condition=Q(school_class__isnull=True),
                name="plan_group_subject_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit.name}, {self.subject.name}"

    @property
    def unit(self):
        return self.school_class if self.school_class_id else self.group


class PlanTopic(models.Model):
    plan = models.ForeignKey(LessonPlan, on_delete=models.CASCADE, related_name="topics")
    position = models.PositiveIntegerField("№")
    section = models.CharField("раздел", max_length=300, blank=True)
    title = models.CharField("тема", max_length=500)
    hours = models.PositiveSmallIntegerField("часов", default=1)

    class Meta:
        verbose_name = "тема"
        verbose_name_plural = "темы"
        ordering = ["plan", "position"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gte=1, hours__lte=200), name="topic_hours"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


# --- homework (TTB-08, X-02) and recommendations (TTB-09)


class HomeworkMethod(models.TextChoices):
    WRITTEN = "written", "Письменно"
    ORAL = "oral", "Устно"
    PRACTICAL = "practical", "Практическая работа"
    PROJECT = "project", "Проект"
    READING = "reading", "Чтение"
    OTHER = "other", "Другое"


class Homework(models.Model):
    """Homework given at a lesson (TTB-08): for the whole class or group, or individual (some
    students). `due_at` is the entry deadline by X-02 (minutes after the class's last lesson that
    day, at most 23:59 of that day, school time); entries after it are flagged, never refused."""

    lesson = models.ForeignKey(Lesson, on_delete=models.PROTECT, related_name="homework")
    for_lesson = models.ForeignKey(
        Lesson, on_delete=models.SET_NULL, null=True, blank=True, related_name="homework_due"
    )  # the lesson it is to be ready for (by default the unit's next lesson of the subject)
    text = models.TextField("задание")
    method = models.CharField(
        "способ выполнения", max_length=12, choices=HomeworkMethod.choices, blank=True
    )
    pages = models.CharField("страницы", max_length=100, blank=True)
    exercises = models.CharField("номера заданий, упражнений", max_length=200, blank=True)
    practical = models.CharField("практическая работа", max_length=300, blank=True)
    students = models.ManyToManyField(
        "people.Student", blank=True, related_name="+"
    )  # empty: the whole class or group
    author = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("внесено", auto_now_add=True)
    updated_at = models.DateTimeField("изменено", auto_now=True)
    due_at = models.DateTimeField("внести до")
    is_late = models.BooleanField("внесено с опозданием", default=False)

    class Meta:
        verbose_name = "домашнее задание"
        verbose_name_plural = "домашние задания"
        ordering = ["lesson", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class HomeworkFile(models.Model):
    homework = models.ForeignKey(Homework, on_delete=models.CASCADE, related_name="files")
    file_key = models.CharField(max_length=300)
    file_name = models.CharField("файл", max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = "файл задания"
        verbose_name_plural = "файлы заданий"

    def __str__(self) -> str:
        return self.file_name


class Recommendation(models.Model):
    """A teacher's recommendation to a student (TTB-09), shown in the diary."""

    student = models.ForeignKey("people.Student", on_delete=models.PROTECT, related_name="+")
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    author = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    text = models.TextField("рекомендация")
    created_at = models.DateTimeField("дата", auto_now_add=True)

    class Meta:
        verbose_name = "рекомендация"
        verbose_name_plural = "рекомендации"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["student", "created_at"], name="recommendation_student_idx")
        ]

    def __str__(self) -> str:
        return self.text[:60]
