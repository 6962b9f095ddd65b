"""Building blocks for people tests: a year, classes, staff with accounts, students."""

from __future__ import annotations

from datetime import date

from otmetka.accounts.roles import SchoolRole
from otmetka.audit.context import AuditContext
from tenants.configuration import services as configuration
from tenants.configuration.models import AcademicYear, Subject
from tenants.people import services
from tenants.people.models import SchoolClass, Staff
from tests.factories import school_user

CTX = AuditContext(actor_id=1, actor_role="school_admin", source="api")
ORDER = configuration.Order("15-у", date(2026, 8, 30))
YEAR_START = date(2026, 9, 1)


def year(name="2026/2027", start=YEAR_START, end=date(2027, 8, 31)) -> AcademicYear:
    found = AcademicYear.objects.filter(name=name).first()
    return found or configuration.academic_year_create(
        ctx=CTX, name=name, start=start, end=end, order=ORDER, make_current=start == YEAR_START
    )


def staff(last_name="Учителева", positions=("teacher",), user=None) -> Staff:
    member = services.staff_save(
        ctx=CTX,
        data=services.StaffInput(
            names=services.Names(last_name, "Анна", "Петровна"),
            positions=list(positions),
            contract_start=date(2020, 9, 1),
        ),
    )
    if user is not None:
        services.staff_link_user(ctx=CTX, staff=member, user_id=user.pk)
    return member


def teacher_account(school, role=SchoolRole.SUBJECT_TEACHER, last_name="Учителева"):
    """A staff record bound to a global user with `role` in `school`."""
    user = school_user(school, role)
    return staff(last_name=last_name, user=user), user


def school_class(grade=5, letter="А", teacher: Staff | None = None, y=None) -> SchoolClass:
    return services.class_save(
        ctx=CTX, year=y or year(), grade=grade, letter=letter, class_teacher=teacher
    )


def enrol(school_class: SchoolClass, last_name="Иванов", first_name="Иван", birth=date(2015, 3, 1)):
    return services.student_enrol(
        ctx=CTX,
        data=services.StudentInput(
            names=services.Names(last_name, first_name, "Сергеевич"), birth_date=birth
        ),
        school_class=school_class,
        date_from=school_class.year.start,
        order=ORDER,
        today=date(2026, 11, 23),
    )


def maths() -> Subject:
    return (
        Subject.objects.filter(federal_code="mathematics").first()
        or configuration.subjects_add_from_catalogue(ctx=CTX, codes=["mathematics"])[0]
    )


def teach(member: Staff, unit) -> None:
    from tenants.people.models import Group

    services.teaching_assign(
        ctx=CTX,
        staff=member,
        subject=maths(),
        school_class=None if isinstance(unit, Group) else unit,
        group=unit if isinstance(unit, Group) else None,
        date_from=YEAR_START,
    )


def teen_with_mother(school):
    """9А: a 15-year-old with a mother, and a classmate who is not her child."""
    from django_tenants.utils import schema_context

    with schema_context(school.schema_name):
        nine = school_class(grade=9)
        teen = enrol(nine, "Подростков", "Пётр", birth=date(2011, 3, 1))
        other = enrol(nine, "Соседов", "Семён", birth=date(2011, 5, 1))
        mother = services.guardian_link(
            ctx=CTX,
            student=teen,
            relation="mother",
            data=services.GuardianInput(
                services.Names("Подросткова", "Ольга"), phone="+79140000088"
            ),
        ).guardian
        return teen, other, mother


def three_level_scale(subject: Subject, grade: int = 5):
    """A custom scale Н / Б / П (1 / 2 / 3; Н does not pass) assigned to `subject` in `grade`."""
    from decimal import Decimal

    value = configuration.ValueInput
    levels = configuration.grading_system_create(
        ctx=CTX, name="Уровни", kind="custom",
        values=[value("Н", "низкий", Decimal(1), False), value("Б", "базовый", Decimal(2), True),
                value("П", "повышенный", Decimal(3), True)],
    )  # fmt: skip
    configuration.grading_assignment_save(
        ctx=CTX, system=levels, subject=subject, grade_from=grade, grade_to=grade
    )
    return levels
