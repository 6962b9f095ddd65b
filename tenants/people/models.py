"""People and structure of a school (PPL-01…11): staff, students, guardians, classes, groups,
memberships with dates, teaching assignments and movements.

Personal records live in the school schema (ARCHITECTURE §4) and point at the global user by id
once an account exists (`user_id`; no key into the public schema, ADR 0001). Nothing is deleted:
people leave by status and dates, so history and authorship stay.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from tenants.configuration.models import AcademicYear, Subject

from .choices import FormOfEducation, GroupKind, MovementKind, Position, Relation, StudentStatus


def full_name(last_name: str, first_name: str, middle_name: str = "") -> str:
    return " ".join(p for p in (last_name, first_name, middle_name) if p)


def short_name(last_name: str, first_name: str, middle_name: str = "") -> str:
    """ "Иванова А. П." from the parts of a name (for lists read as rows, not instances)."""
    initials = "".join(f"{p[0]}." for p in (first_name, middle_name) if p)
    return f"{last_name} {initials}".strip()


class Person(models.Model):
    last_name = models.CharField("фамилия", max_length=100)
    first_name = models.CharField("имя", max_length=100)
    middle_name = models.CharField("отчество", max_length=100, blank=True)
    user_id = models.BigIntegerField("учётная запись", null=True, blank=True, unique=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return full_name(self.last_name, self.first_name, self.middle_name)

    @property
    def short_name(self) -> str:
        return short_name(self.last_name, self.first_name, self.middle_name)


class Staff(Person):
    """A member of staff (PPL-01, PPL-02, PPL-15, PPL-16): positions and contract dates.

    Rights come from the roles of the global user's school membership; positions are what the
    staff list and documents show. A leaver is deactivated, never deleted (X-12).
    """

    positions = models.JSONField("должности", default=list)
    email = models.EmailField("эл. почта", blank=True)
    phone = models.CharField("телефон", max_length=20, blank=True)
    contract_start = models.DateField("начало работы")
    contract_end = models.DateField("окончание работы", null=True, blank=True)
    deactivated_at = models.DateTimeField("доступ закрыт", null=True, blank=True)

    class Meta:
        verbose_name = "сотрудник"
        verbose_name_plural = "сотрудники"
        ordering = ["last_name", "first_name", "middle_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(contract_end__isnull=True) | Q(contract_end__gte=F("contract_start")),
                name="staff_contract_end_after_start",
            )
        ]

    def position_labels(self) -> list[str]:
        return [Position(p).label for p in self.positions if p in Position.values]


class Student(Person):
    birth_date = models.DateField("дата рождения")
    form_of_education = models.CharField(
        "форма обучения", max_length=20, choices=FormOfEducation.choices, default="full_time"
    )
    individual_curriculum = models.BooleanField("обучение по ИУП", default=False)
    status = models.CharField(
        "состояние", max_length=12, choices=StudentStatus.choices, default="studying"
    )
    email = models.EmailField("эл. почта", blank=True)
    phone = models.CharField("телефон", max_length=20, blank=True)
    # GOV-05: the diary service ends with the movement that ends studying here
    diary_service_ended_at = models.DateField("услуга ЭД прекращена", null=True, blank=True)
    diary_service_end_reason = models.CharField("основание", max_length=200, blank=True)

    class Meta:
        verbose_name = "обучающийся"
        verbose_name_plural = "обучающиеся"
        ordering = ["last_name", "first_name", "middle_name"]
        indexes = [models.Index(fields=["status"], name="student_status_idx")]


class Guardian(Person):
    """A parent or other legal representative (PPL-05)."""

    email = models.EmailField("эл. почта", blank=True)
    phone = models.CharField("телефон", max_length=20, blank=True)

    class Meta:
        verbose_name = "законный представитель"
        verbose_name_plural = "законные представители"
        ordering = ["last_name", "first_name", "middle_name"]


class GuardianLink(models.Model):
    guardian = models.ForeignKey(Guardian, on_delete=models.PROTECT, related_name="links")
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="guardian_links")
    relation = models.CharField("кем приходится", max_length=10, choices=Relation.choices)
    ended_at = models.DateField("связь прекращена", null=True, blank=True)

    class Meta:
        verbose_name = "связь с представителем"
        verbose_name_plural = "связи с представителями"
        constraints = [
            models.UniqueConstraint(
                fields=["guardian", "student"],
                condition=Q(ended_at__isnull=True),
                name="guardian_link_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.guardian} — {self.student}"


class SchoolClass(models.Model):
    """A class of a year (PPL-06): grade, letter, class teacher."""

    year = models.ForeignKey(AcademicYear, on_delete=models.PROTECT, related_name="classes")
    grade = models.PositiveSmallIntegerField("параллель")
    letter = models.CharField("литера", max_length=4)
    class_teacher = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="led_classes"
    )

    class Meta:
        verbose_name = "класс"
        verbose_name_plural = "классы"
        ordering = ["year", "grade", "letter"]
        constraints = [
            models.UniqueConstraint(fields=["year", "grade", "letter"], name="class_unique"),
            models.CheckConstraint(
                condition=Q(grade__gte=1, grade__lte=11), name="class_grade_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return f"{self.grade}{self.letter}"


class Group(models.Model):
    """A group of students (PPL-06): a subject split, profile, elective, club…; a stream is a
    group drawn from several classes."""

    year = models.ForeignKey(AcademicYear, on_delete=models.PROTECT, related_name="groups")
    kind = models.CharField("вид", max_length=16, choices=GroupKind.choices)
    name = models.CharField("название", max_length=100)
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    classes = models.ManyToManyField(SchoolClass, blank=True, related_name="groups")

    class Meta:
        verbose_name = "группа"
        verbose_name_plural = "группы"
        ordering = ["year", "name"]
        constraints = [models.UniqueConstraint(fields=["year", "name"], name="group_name_unique")]

    def __str__(self) -> str:
        return self.name


class ClassMembership(models.Model):
    """A student in a class from `start` to `end` (inclusive; open while studying)."""

    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="class_memberships")
    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.PROTECT, related_name="memberships"
    )
    start = models.DateField("с")
    end = models.DateField("по", null=True, blank=True)

    class Meta:
        verbose_name = "состав класса"
        verbose_name_plural = "составы классов"
        constraints = [
            models.UniqueConstraint(
                fields=["student"], condition=Q(end__isnull=True), name="one_open_class"
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")), name="class_member_dates"
            ),
        ]
        indexes = [models.Index(fields=["school_class", "end"], name="class_member_idx")]

    def __str__(self) -> str:
        return f"{self.student} в {self.school_class}"


class GroupMembership(models.Model):
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="group_memberships")
    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="memberships")
    start = models.DateField("с")
    end = models.DateField("по", null=True, blank=True)

    class Meta:
        verbose_name = "состав группы"
        verbose_name_plural = "составы групп"
        constraints = [
            models.UniqueConstraint(
                fields=["student", "group"], condition=Q(end__isnull=True), name="one_open_group"
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")), name="group_member_dates"
            ),
        ]
        indexes = [models.Index(fields=["group", "end"], name="group_member_idx")]

    def __str__(self) -> str:
        return f"{self.student} в {self.group}"


class Teaching(models.Model):
    """Who teaches a subject to a class or a group (PPL-03): the base of a teacher's access.

    The curriculum load (a later part) builds on these rows.
    """

    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="teaching")
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="+")
    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.PROTECT, null=True, blank=True, related_name="teaching"
    )
    group = models.ForeignKey(
        Group, on_delete=models.PROTECT, null=True, blank=True, related_name="teaching"
    )
    weekly_hours = models.DecimalField(
        "часов в неделю", max_digits=4, decimal_places=1, null=True, blank=True
    )  # the teaching load (TTB-02)
    start = models.DateField("с")
    end = models.DateField("по", null=True, blank=True)

    class Meta:
        verbose_name = "преподавание"
        verbose_name_plural = "преподавание"
        constraints = [
            models.CheckConstraint(
                condition=Q(school_class__isnull=False, group__isnull=True)
                | Q(school_class__isnull=True, group__isnull=False),
                name="teaching_class_or_group",
            )
        ]
        indexes = [models.Index(fields=["staff", "end"], name="teaching_staff_idx")]

    def __str__(self) -> str:
        return f"{self.staff}: {self.subject}"


class Movement(models.Model):
    """A movement event (PPL-08…10) with the order it follows; memberships change with it."""

    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField("вид", max_length=16, choices=MovementKind.choices)
    date = models.DateField("дата")
    from_class = models.ForeignKey(
        SchoolClass, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_class = models.ForeignKey(
        SchoolClass, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    order_number = models.CharField("приказ: номер", max_length=50)
    order_date = models.DateField("приказ: дата")
    destination = models.CharField("куда выбыл", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "движение обучающегося"
        verbose_name_plural = "движение обучающихся"
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["student", "date"], name="movement_student_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.student}"


class PersonalDataAccess(models.Model):
    """PDN-06: who viewed a list of personal data or exported it, when, and how many records."""

    at = models.DateTimeField(auto_now_add=True)
    actor_id = models.BigIntegerField(null=True)
    actor_role = models.CharField(max_length=32)
    what = models.CharField(max_length=100)  # e.g. "students.list", "students.export"
    count = models.PositiveIntegerField()
    query = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = "доступ к персональным данным"
        verbose_name_plural = "журнал доступа к персональным данным"
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.what} ({self.count})"


class ImportJob(models.Model):
    """An import run in the background (INT-02): its file in object storage, progress, report."""

    kind = models.CharField("данные", max_length=16)
    file_name = models.CharField("файл", max_length=200)
    file_key = models.CharField(max_length=300)
    sha256 = models.CharField(max_length=64)
    dry_run = models.BooleanField("только проверка", default=True)
    params = models.JSONField(default=dict)
    status = models.CharField("состояние", max_length=10, default="queued")
    report = models.JSONField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    created_by = models.BigIntegerField(null=True)
    created_role = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "импорт"
        verbose_name_plural = "импорты"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.file_name} ({self.status})"


class Consent(models.Model):
    """The registry of consents and refusals (PDN-04, PDN-05, GOV-02…06): one written
    application per applicant and child, registered the day it is submitted, with a number.

    A refusal means paper extracts (DIA-07). A withdrawal or stop-application ends it.
    """

    number = models.CharField("регистрационный номер", max_length=20, unique=True)
    registered_on = models.DateField("дата регистрации")
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="consents")
    guardian = models.ForeignKey(
        Guardian, on_delete=models.PROTECT, null=True, blank=True, related_name="consents"
    )
    applicant = models.CharField("заявитель", max_length=16)
    decision = models.CharField("решение", max_length=8)
    channels = models.JSONField("каналы", default=list)
    accepted_by = models.BigIntegerField("принял (учётная запись)", null=True)
    access_due_on = models.DateField("доступ предоставить до", null=True, blank=True)
    access_granted_on = models.DateField("доступ предоставлен", null=True, blank=True)
    withdrawn_on = models.DateField("отозвано", null=True, blank=True)
    withdrawal_number = models.CharField("номер заявления об отзыве", max_length=20, blank=True)
    withdrawal_reason = models.CharField("основание", max_length=300, blank=True)

    class Meta:
        verbose_name = "согласие / отказ"
        verbose_name_plural = "журнал согласий"
        ordering = ["-registered_on", "-pk"]
        indexes = [models.Index(fields=["student", "withdrawn_on"], name="consent_student_idx")]

    def __str__(self) -> str:
        return f"№ {self.number} от {self.registered_on:%d.%m.%Y}"
