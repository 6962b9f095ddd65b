"""A school with a week of journal data and families, for diary tests.

`term(school)` builds (inside the school's schema) 5А with maths on Monday and Wednesday,
lessons for the year, three pupils; `family(...)` links a guardian account to children with a
registered consent to the electronic diary.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django_tenants.utils import schema_context

from otmetka.accounts.models import SchoolMembership
from otmetka.accounts.roles import SchoolRole
from tenants.configuration.models import WorkType
from tenants.journal import services as journal
from tenants.people import consents
from tenants.people import services as people
from tenants.people.models import Guardian, Student
from tenants.timetable.homework import HomeworkInput, homework_save
from tenants.timetable.lessons import lessons_make
from tenants.timetable.models import Lesson
from tests.factories import UserFactory
from tests.tenants.people import kit
from tests.tenants.timetable.test_lessons import _entry, _school

MONDAY = date(2026, 11, 16)  # a study week of the first test year (2026/2027)


@dataclass
class Term:
    school: object
    teacher: object
    school_class: object
    students: list[Student]
    lessons: list[Lesson]  # the week's maths lessons, Monday and Wednesday


def term(school, names=("Алексеев", "Борисов", "Васильев")) -> Term:
    with schema_context(school.schema_name):
        year, _, five_a = _school(moved_day_off=False)
        teacher, _ = kit.teacher_account(school, last_name="Дневникова")
        kit.teach(teacher, five_a)
        _entry(teacher, five_a, 1)
        _entry(teacher, five_a, 3, number=2)
        lessons_make(ctx=kit.CTX, year=year)
        students = [kit.enrol(five_a, name) for name in names]
        lessons = list(
            Lesson.objects.filter(
                school_class=five_a, date__range=(MONDAY, date(2026, 11, 22))
            ).order_by("date")
        )
    return Term(school, teacher, five_a, students, lessons)


def journal_week(t: Term) -> None:
    """A mark for every pupil on Monday, an absence on Wednesday, a topic and homework."""
    with schema_context(t.school.schema_name):
        monday, wednesday = t.lessons[0], t.lessons[1]
        task = journal.task_add(
            ctx=kit.CTX, lesson=monday, work_type=WorkType.objects.get(code="oral"),
            author=t.teacher,
        )  # fmt: skip
        journal.journal_save(
            ctx=kit.CTX, author=t.teacher,
            marks=[journal.MarkChange(task.pk, s.pk, str(5 - i % 3))
                   for i, s in enumerate(t.students)],
            attendance=[journal.AttendanceChange(wednesday.pk, t.students[-1].pk, "Б")],
            topics=[journal.TopicChange(monday.pk, "Дроби")],
        )  # fmt: skip
        homework_save(
            ctx=kit.CTX, lesson=monday, author=t.teacher,
            data=HomeworkInput(text="№ 101, 102", for_lesson=wednesday, pages="12"),
        )  # fmt: skip


def family(school, children: list[Student], user=None, *, channels=("web",), consent=True):
    """A guardian account in `school`, linked to `children`, with a consent per child."""
    user = user or UserFactory(last_name="Родителева")
    membership, _ = SchoolMembership.objects.get_or_create(
        user=user, school=school, defaults={"roles": [SchoolRole.GUARDIAN]}
    )
    if SchoolRole.GUARDIAN not in membership.roles:
        membership.roles = [*membership.roles, SchoolRole.GUARDIAN]
        membership.save(update_fields=["roles"])
    with schema_context(school.schema_name):
        guardian = Guardian.objects.filter(user_id=user.pk).first()
        for child in children:
            link = people.guardian_link(
                ctx=kit.CTX, student=child, relation="mother", guardian=guardian,
                data=None if guardian else people.GuardianInput(
                    people.Names("Родителева", "Ольга"), phone="+79140000077"),
            )  # fmt: skip
            guardian = link.guardian
            if consent:
                consents.consent_register(
                    ctx=kit.CTX, student=child, applicant="guardian", decision="consent",
                    guardian=guardian, channels=list(channels), on=date(2026, 9, 1),
                )  # fmt: skip
        Guardian.objects.filter(pk=guardian.pk).update(user_id=user.pk)
    return user


def student_account(school, student: Student):
    user = UserFactory(last_name=student.last_name)
    SchoolMembership.objects.create(user=user, school=school, roles=[SchoolRole.STUDENT])
    with schema_context(school.schema_name):
        Student.objects.filter(pk=student.pk).update(user_id=user.pk)
    return user
