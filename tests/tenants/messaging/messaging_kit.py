"""A school with the people messaging is about, for messaging tests.

`cast(school)` builds, inside the school's schema, 5А (three pupils) led by Классная, maths
taught to 5А by Математикова, English taught to a group of 5А with only the first pupil by
Англичанка, 6А (one pupil) taught by Чужая; accounts for all of them, the director, a deputy
and a school admin; a guardian account for the first pupil (Мамина) and one for the second
(Чужемамина), and a student account for the third.
"""

from __future__ import annotations

from dataclasses import dataclass

from django_tenants.utils import schema_context

from otmetka.accounts.roles import SchoolRole
from tenants.configuration import services as configuration
from tenants.messaging import services
from tenants.messaging.access import FAMILY, STAFF, Actor
from tenants.people import services as people
from tenants.people.models import Staff, Student
from tests.factories import UserFactory, school_user
from tests.tenants.diary.diary_kit import family, student_account
from tests.tenants.people import kit

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48


@dataclass
class Cast:
    school: object
    five_a: object
    six_a: object
    pupils: list[Student]  # 5А
    other_pupil: Student  # 6А
    lead: Staff  # class teacher of 5А
    lead_user: object
    maths: Staff
    maths_user: object
    english: Staff  # teaches a group with pupils[0] only
    english_user: object
    stranger: Staff  # teaches 6А only
    stranger_user: object
    director_user: object
    deputy_user: object
    admin_user: object
    mother: object  # guardian of pupils[0]
    other_mother: object  # guardian of pupils[1]
    pupil_user: object  # pupils[2] themselves

    def staff(self, user) -> Actor:
        return Actor(user.pk, STAFF)

    def family(self, user) -> Actor:
        return Actor(user.pk, FAMILY)

    @property
    def key(self) -> str:
        """The diary key of pupils[0] (Мамина's child)."""
        return f"{self.school.slug}.{self.pupils[0].pk}"


def _account(school, role, last_name, positions=("teacher",)):
    user = school_user(school, role, last_name=last_name)
    return kit.staff(last_name=last_name, positions=positions, user=user), user


def cast(school, names=("Алексеев", "Борисов", "Васильев")) -> Cast:
    with schema_context(school.schema_name):
        year = kit.year()
        lead, lead_user = _account(school, SchoolRole.CLASS_TEACHER, "Классная")
        five_a = kit.school_class(teacher=lead)
        six_a = kit.school_class(grade=6)
        pupils = [kit.enrol(five_a, name) for name in names]
        other_pupil = kit.enrol(six_a, "Шестаков")
        maths, maths_user = _account(school, SchoolRole.SUBJECT_TEACHER, "Математикова")
        kit.teach(maths, five_a)
        english, english_user = _account(school, SchoolRole.SUBJECT_TEACHER, "Англичанка")
        subject = configuration.subjects_add_from_catalogue(
            ctx=kit.CTX, codes=["foreign_language"]
        )[0]
        group = people.group_create(
            ctx=kit.CTX, year=year, kind="subject_split", name="5А англ. 1", subject=subject,
            classes=[five_a],
        )  # fmt: skip
        people.group_join(ctx=kit.CTX, group=group, students=[pupils[0]], date_from=year.start)
        people.teaching_assign(
            ctx=kit.CTX, staff=english, subject=subject, group=group, date_from=year.start
        )
        stranger, stranger_user = _account(school, SchoolRole.SUBJECT_TEACHER, "Чужая")
        kit.teach(stranger, six_a)
        _, director_user = _account(school, SchoolRole.DIRECTOR, "Директорова", ("director",))
        _, deputy_user = _account(school, SchoolRole.DEPUTY, "Завучева", ("deputy",))
    admin_user = school_user(school, SchoolRole.SCHOOL_ADMIN, last_name="Админова")
    mother = family(school, [pupils[0]], UserFactory(last_name="Мамина"))
    other_mother = family(school, [pupils[1]], UserFactory(last_name="Чужемамина"))
    pupil_user = student_account(school, pupils[2])
    with schema_context(school.schema_name):
        pupils[2].refresh_from_db()
    return Cast(
        school, five_a, six_a, pupils, other_pupil, lead, lead_user, maths, maths_user, english,
        english_user, stranger, stranger_user, director_user, deputy_user, admin_user, mother,
        other_mother, pupil_user,
    )  # fmt: skip


def start_from_mother(c: Cast, to=None, body="Здравствуйте! Вопрос о контрольной.", files=()):
    """Мамина writes to the maths teacher (or `to`) about her child; returns the thread."""
    with schema_context(c.school.schema_name):
        return services.thread_start(
            actor=c.family(c.mother), student=c.pupils[0], subject="Контрольная",
            body=body, recipients=[(to or c.maths_user).pk], files=files,
        )  # fmt: skip
