"""Curriculum, bells and the weekly timetable (TTB-01…04): ranges, and clashes named."""

from datetime import date, time
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from otmetka.accounts.roles import SchoolRole
from tenants.configuration import services as configuration
from tenants.people import services as people
from tenants.timetable import services
from tenants.timetable.models import CurriculumLine, TimetableEntry
from tests.factories import school_client
from tests.tenants.people import kit

pytestmark = pytest.mark.django_db
END = date(2026, 12, 28)


def _scene():
    """5А and 5Б; two maths teachers; 5А split into two English groups; room 201."""
    S = SimpleNamespace()
    S.maths = kit.maths()
    S.english = configuration.subjects_add_from_catalogue(ctx=kit.CTX, codes=["foreign_language"])[
        0
    ]
    S.anna, S.boris = kit.staff("Аннина"), kit.staff("Борисова")
    S.five_a, S.five_b = kit.school_class(), kit.school_class(letter="Б")
    kit.teach(S.anna, S.five_a)
    kit.teach(S.boris, S.five_b)
    pupils = [kit.enrol(S.five_a, name) for name in ("Альфин", "Бетин", "Гаммин")]
    S.groups = []
    for n, members in ((1, pupils[:2]), (2, pupils[2:])):
        group = people.group_create(
            ctx=kit.CTX, year=kit.year(), kind="subject_split", name=f"5А англ. {n}",
            subject=S.english, classes=[S.five_a],
        )  # fmt: skip
        people.group_join(ctx=kit.CTX, group=group, students=members, date_from=kit.YEAR_START)
        people.teaching_assign(
            ctx=kit.CTX, staff=S.anna if n == 1 else S.boris, subject=S.english, group=group,
            date_from=kit.YEAR_START,
        )  # fmt: skip
        S.groups.append(group)
    S.room = configuration.room_save(ctx=kit.CTX, number="201")
    return S


def save(data, **kwargs):
    return services.timetable_entry_save(ctx=kit.CTX, data=data, **kwargs)


def entry(subject, teacher, unit, weekday=1, number=1, room=None, weeks="every"):
    from tenants.people.models import Group

    return services.EntryInput(
        subject=subject, teacher=teacher, weekday=weekday, number=number,
        valid_from=kit.YEAR_START, valid_to=END, room=room, weeks=weeks,
        school_class=None if isinstance(unit, Group) else unit,
        group=unit if isinstance(unit, Group) else None,
    )  # fmt: skip


def test_clashes_are_refused_and_named(school_a):
    with schema_context(school_a.schema_name):
        S = _scene()
        save(entry(S.maths, S.anna, S.five_a, room=S.room))
        # the same teacher, elsewhere at the same time: named
        kit.teach(S.anna, S.five_b)
        with pytest.raises(ValidationError) as teacher:
            save(entry(S.maths, S.anna, S.five_b))
        assert (
            "Аннина А.П. в это время (понедельник, 1-й урок) уже ведёт урок (5А"
            in (teacher.value.message_dict["teacher"][0])
        )
        # the same room
        with pytest.raises(ValidationError) as busy_room:
            save(entry(S.maths, S.boris, S.five_b, room=S.room))
        assert "Кабинет 201" in busy_room.value.message_dict["room"][0]
        # the same class (a group lesson of 5А while 5А has maths)
        with pytest.raises(ValidationError) as busy_class:
            save(entry(S.english, S.boris, S.groups[1]))
        assert "У класса" in busy_class.value.message_dict["school_class"][0]
        assert TimetableEntry.objects.count() == 1


def test_two_groups_of_a_class_meet_at_once_unless_they_share_students(school_a):
    with schema_context(school_a.schema_name):
        S = _scene()
        save(entry(S.english, S.anna, S.groups[0], number=2))
        save(entry(S.english, S.boris, S.groups[1], number=2))
        shared = people.group_create(
            ctx=kit.CTX, year=kit.year(), kind="elective", name="Чтение", classes=[S.five_a]
        )
        pupil = S.groups[0].memberships.first().student
        people.group_join(ctx=kit.CTX, group=shared, students=[pupil], date_from=kit.YEAR_START)
        people.teaching_assign(
            ctx=kit.CTX, staff=kit.staff("Третья"), subject=S.english, group=shared,
            date_from=kit.YEAR_START,
        )  # fmt: skip
        third = shared.teaching.get().staff
        with pytest.raises(ValidationError) as error:
            save(entry(S.english, third, shared, number=2))
        assert "1 обучающихся группы" in error.value.message_dict["group"][0]


def test_alternate_weeks_and_dates_do_not_clash(school_a):
    with schema_context(school_a.schema_name):
        S = _scene()
        kit.teach(S.anna, S.five_b)
        services.timetable_entry_save(
            ctx=kit.CTX, data=entry(S.maths, S.anna, S.five_a, number=3, weeks="odd")
        )
        services.timetable_entry_save(
            ctx=kit.CTX, data=entry(S.maths, S.anna, S.five_b, number=3, weeks="even")
        )
        with pytest.raises(ValidationError):
            save(entry(S.maths, S.anna, S.five_b, number=3))
        later = services.EntryInput(
            **{
                **entry(S.maths, S.anna, S.five_b, number=4).__dict__,
                "valid_from": date(2027, 1, 12),
                "valid_to": date(2027, 5, 26),
            }
        )
        save(entry(S.maths, S.anna, S.five_a, number=4))
        save(later)  # after the first one ends


def test_no_load_no_lesson_and_moving_an_entry(school_a):
    with schema_context(school_a.schema_name):
        S = _scene()
        with pytest.raises(ValidationError) as no_load:
            save(entry(S.maths, S.boris, S.five_a))
        assert "нет нагрузки" in no_load.value.message_dict["teacher"][0]
        saved = services.timetable_entry_save(
            ctx=kit.CTX, data=entry(S.maths, S.anna, S.five_a, number=5)
        )
        moved = save(
            entry(S.maths, S.anna, S.five_a, number=5, room=S.room), entry=saved
        )  # saving an entry over itself is not a clash
        assert moved.pk == saved.pk and moved.room == S.room


def test_bells_and_curriculum(school_a):
    with schema_context(school_a.schema_name):
        B = services.BellInput
        with pytest.raises(ValidationError) as overlap:
            services.bell_schedule_save(
                ctx=kit.CTX,
                name="Первая смена",
                bells=[B(1, time(8, 30), time(9, 15)), B(2, time(9, 10), time(9, 55))],
            )
        assert "bells[1].start" in overlap.value.message_dict
        shift = services.bell_schedule_save(
            ctx=kit.CTX,
            name="Первая смена",
            bells=[B(1, time(8, 30), time(9, 15)), B(2, time(9, 25), time(10, 10))],
        )
        assert shift.is_default and shift.bells.count() == 2
        line = services.curriculum_line_save(
            ctx=kit.CTX, year=kit.year(), grade=5, subject=kit.maths(), hours=Decimal(5)
        )
        assert CurriculumLine.objects.get().hours == Decimal(5) and line.pk
        with pytest.raises(ValidationError):
            services.curriculum_line_save(
                ctx=kit.CTX, year=kit.year(), grade=5, subject=kit.maths(), hours=Decimal(13)
            )
        services.curriculum_line_save(
            ctx=kit.CTX, year=kit.year(), grade=5, subject=kit.maths(), hours=Decimal(0)
        )
        assert not CurriculumLine.objects.exists()


def test_an_individual_curriculum_line_is_for_a_student_who_has_one(school_a):
    with schema_context(school_a.schema_name):
        five_a = kit.school_class()
        pupil, other = kit.enrol(five_a, "Индивидуальный"), kit.enrol(five_a, "Обычный")
        pupil.individual_curriculum = True
        pupil.save(update_fields=["individual_curriculum"])
        year, maths = kit.year(), kit.maths()
        services.curriculum_line_save(ctx=kit.CTX, year=year, grade=5, subject=maths, hours=5)
        mine = services.curriculum_line_save(
            ctx=kit.CTX, year=year, grade=5, subject=maths, hours=Decimal(2), student=pupil
        )
        assert mine.student == pupil
        with pytest.raises(ValidationError) as refused:
            services.curriculum_line_save(
                ctx=kit.CTX, year=year, grade=5, subject=maths, hours=Decimal(2), student=other
            )
        assert "student" in refused.value.message_dict
        assert CurriculumLine.objects.filter(student=None).get().hours == 5
    deputy = school_client(school_a, SchoolRole.DEPUTY)
    assert [x["hours"] for x in deputy.get("/api/v1/curriculum/").json()] == ["5.0"]
    mine_listed = deputy.get(f"/api/v1/curriculum/?student={pupil.pk}").json()
    assert [(x["hours"], x["student"]) for x in mine_listed] == [("2.0", pupil.pk)]
    teacher = school_client(school_a, SchoolRole.SUBJECT_TEACHER)  # does not teach the pupil
    assert teacher.get(f"/api/v1/curriculum/?student={pupil.pk}").json() == []
