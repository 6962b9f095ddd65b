"""A class of 30 on paper: the batch of extracts for a full week and for a period.

Five subjects, 25 lessons a week with a topic, homework and a task each, a mark a day per pupil,
some absences; every pupil's guardian refused the electronic diary. Measured on a 2-core machine
(while building this): about 4.7 s for the week (30 pages) and 2.5 s for a period, nearly all of
it WeasyPrint's layout — too slow to answer a request, so a class's batch runs as a Celery task
with progress (see docs/diary.md). Timing is not asserted here (house rule: figures belong in
bench/); this checks that a full class comes out as one PDF with a section per child.
"""

import subprocess
from datetime import date, timedelta

import pytest
from django_tenants.utils import schema_context

from tenants.configuration import services as configuration
from tenants.configuration.models import WorkType
from tenants.diary.models import PaperExtract
from tenants.diary.paper import paper_batch, paper_extracts_make, paper_students
from tenants.journal import services as journal
from tenants.people import consents
from tenants.people import services as people
from tenants.timetable import services as timetable
from tenants.timetable.homework import HomeworkInput, homework_save
from tenants.timetable.lessons import lessons_make
from tenants.timetable.models import Lesson
from tests.tenants.diary.diary_kit import MONDAY, term
from tests.tenants.people import kit

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

SUBJECTS = ["russian", "mathematics", "literature", "history", "biology"]
LAST = "Алексеев Борисов Васильев Григорьев Дмитриев Егоров Жуков Зайцев Ильин Козлов".split()
FIRST = "Иван Пётр Семён Андрей Михаил Олег Павел Роман Сергей Тимур".split()


def busy_class(school, size=30):
    names = [f"{LAST[i % 10]}{'ин' * (i // 10)}" for i in range(size)]
    t = term(school, names=tuple(names))
    with schema_context(school.schema_name):
        others = [c for c in SUBJECTS if c != "mathematics"]
        subjects = [*configuration.subjects_add_from_catalogue(ctx=kit.CTX, codes=others)]
        subjects.append(kit.maths())
        for subject in subjects:
            people.teaching_assign(
                ctx=kit.CTX, staff=t.teacher, subject=subject, school_class=t.school_class,
                date_from=kit.YEAR_START,
            )  # fmt: skip
        for weekday in range(1, 6):
            for number in range(3, 8):
                timetable.timetable_entry_save(
                    ctx=kit.CTX,
                    data=timetable.EntryInput(
                        subject=subjects[(weekday + number) % len(subjects)], teacher=t.teacher,
                        weekday=weekday, number=number, valid_from=kit.YEAR_START,
                        valid_to=date(2027, 5, 26), school_class=t.school_class,
                    ),
                )  # fmt: skip
        lessons_make(ctx=kit.CTX, year=t.school_class.year)
        week = list(
            Lesson.objects.filter(
                school_class=t.school_class, date__range=(MONDAY, MONDAY + timedelta(days=4))
            ).order_by("date", "number")
        )
        oral, written = WorkType.objects.get(code="oral"), WorkType.objects.get(code="written")
        tasks = [
            journal.task_add(ctx=kit.CTX, lesson=lesson, work_type=(oral, written)[i % 2],
                             author=t.teacher)
            for i, lesson in enumerate(week)
        ]  # fmt: skip
        marks, absences = [], []
        for j, student in enumerate(t.students):
            for i, task in enumerate(tasks):
                if (i + j) % 5 == 0:
                    marks.append(journal.MarkChange(task.pk, student.pk, str(2 + (i + j) % 4)))
            if j % 10 == 0:
                absences.append(journal.AttendanceChange(week[-1].pk, student.pk, "Б"))
        journal.journal_save(
            ctx=kit.CTX, author=t.teacher, marks=marks, attendance=absences,
            topics=[journal.TopicChange(lesson.pk, f"Тема урока {i + 1}")
                    for i, lesson in enumerate(week)],
        )  # fmt: skip
        for i, lesson in enumerate(week):
            homework_save(
                ctx=kit.CTX, lesson=lesson, author=t.teacher,
                data=HomeworkInput(text=f"Упражнения {100 + i}, {101 + i}", pages=str(10 + i)),
            )  # fmt: skip
        for student in t.students:
            guardian = people.guardian_link(
                ctx=kit.CTX, student=student, relation="mother",
                data=people.GuardianInput(people.Names(student.last_name + "а", "Ольга"),
                                          phone="+79140000099"),
            ).guardian  # fmt: skip
            consents.consent_register(
                ctx=kit.CTX, student=student, applicant="guardian", decision="refusal",
                guardian=guardian, on=date(2026, 9, 1),
            )  # fmt: skip
    return t, len(week), len(marks)


def _pages(pdf: bytes) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    return [p for p in text.split("\f") if p.strip()]


def test_a_class_of_30_prints_in_one_pdf(school_a):
    # given
    t, lessons, marks = busy_class(school_a)
    assert lessons == 27 and marks >= 150  # 25 + the kit's two maths lessons
    with schema_context(school_a.schema_name):
        students = paper_students(_director())
        for kind in ("week", "period"):
            # when
            batch = paper_batch(
                students.filter(pk__in=[s.pk for s in t.students]), kind=kind, day=MONDAY,
                on=date(2026, 11, 23),
            )  # fmt: skip
            made = paper_extracts_make(ctx=kit.CTX, batch=batch, on=date(2026, 11, 23))
            # then
            assert made.pdf.startswith(b"%PDF")
            assert len(made.extracts) == 30
            pages = _pages(made.pdf)
            assert sum("Выписка из электронного дневника" in p for p in pages) == 30
        assert PaperExtract.objects.count() == 60


def _director():
    from otmetka.accounts.caller import Caller
    from otmetka.accounts.roles import SchoolRole, scopes_for

    return Caller(
        user_id=None,
        school_roles=frozenset({SchoolRole.DIRECTOR}),
        scopes=scopes_for((), (SchoolRole.DIRECTOR,)),
    )
